import type { Scenario } from '../scenario.js';
import { pricingTypeError } from './04-pricing-typeerror.js';
import { configTimeout } from './05-config-timeout.js';
import { droppedIndex } from './06-dropped-index.js';
import { idpOutage } from './07-idp-outage.js';
import { dnsFailure } from './08-dns-failure.js';
import { diskFull } from './09-disk-full.js';
import { threadPool } from './10-thread-pool.js';
import { certExpiry } from './11-cert-expiry.js';
import { nodeHeapOom } from './12-node-heap-oom.js';
import { trafficSurge } from './13-traffic-surge.js';
import { latestDeployInnocent } from './14-latest-deploy-innocent.js';
import { quietAfterDeploy } from './15-quiet-after-deploy.js';
import { quietNightFlag } from './16-quiet-night-flag.js';
import { retryStorm } from './17-retry-storm.js';
import { flagFanout } from './18-flag-fanout.js';
import { partnerSurge } from './19-partner-surge.js';
import { noisyNeighbour } from './20-noisy-neighbour.js';
import { dependencyDeploy } from './21-dependency-deploy.js';
import { clockSkew } from './22-clock-skew.js';
import { rollbackPersists } from './23-rollback-persists.js';
import { scaledDown } from './24-scaled-down.js';
import { configReload } from './25-config-reload.js';
import { multiCommit } from './26-multi-commit.js';
import { oomKill } from './27-oom-kill.js';
import { outcomeLabels } from './28-outcome-labels.js';
import { rateLimitFlat } from './29-rate-limit-flat.js';
import { otelDependency } from './30-otel-dependency.js';
import { postgresDeadlock } from './31-postgres-deadlock.js';
import { regionFailover } from './32-region-failover.js';
import { canaryVersion } from './33-canary-version.js';
import { slowLeak } from './34-slow-leak.js';
import { retrySustained } from './35-retry-sustained.js';
import { spoolDisk } from './36-spool-disk.js';
import { callerRetryAmplify } from './37-caller-retry-amplify.js';
import { poolLeak } from './38-pool-leak.js';
import { idleTransactionLock } from './39-idle-transaction-lock.js';
import { rejectedNotSurge } from './40-rejected-not-surge.js';
import { grpcDependency } from './41-grpc-dependency.js';
import { zoneVolume } from './42-zone-volume.js';
import { teamLogFormat } from './43-team-log-format.js';
import { clusterConntrack } from './44-cluster-conntrack.js';
import { latentFeatureLimit } from './45-latent-feature-limit.js';
import { thinEvidence } from './46-thin-evidence.js';
import { leapSecond } from './47-leap-second.js';
import { rulesetCpu } from './48-ruleset-cpu.js';
import { providerNetwork } from './49-provider-network.js';
import { hostLeftBehind } from './50-host-left-behind.js';
import { cacheNodesSwapped } from './51-cache-nodes-swapped.js';
import { volumeIoCeiling } from './52-volume-io-ceiling.js';
import { trafficStops } from './53-traffic-stops.js';
import { shardConcentration } from './54-shard-concentration.js';
import { latentConfigTrigger } from './55-latent-config-trigger.js';
import { configmapEdit } from './60-configmap-edit.js';
import { hpaMaxLowered } from './61-hpa-max-lowered.js';
import { rolloutStuck } from './62-rollout-stuck.js';
import { nodeMemoryPressure } from './63-node-memory-pressure.js';
import { imagePull } from './64-image-pull.js';
import { oomLimitLowered } from './65-oom-limit-lowered.js';
import { wafRegexGithub } from './68-waf-regex-github.js';
import { contentUpdateGithub } from './69-content-update-github.js';
import { checkoutOutage } from './checkout-outage.js';
import { memoryLeak } from './memory-leak.js';
import { upstreamSlowdown } from './upstream-slowdown.js';

/** Every scenario the generator writes: the three samples under data/, then the eval-only cases in number order. */
export const SCENARIOS: Scenario[] = [
  checkoutOutage,
  memoryLeak,
  upstreamSlowdown,
  pricingTypeError,
  configTimeout,
  droppedIndex,
  idpOutage,
  dnsFailure,
  diskFull,
  threadPool,
  certExpiry,
  nodeHeapOom,
  trafficSurge,
  latestDeployInnocent,
  quietAfterDeploy,
  quietNightFlag,
  retryStorm,
  flagFanout,
  partnerSurge,
  noisyNeighbour,
  dependencyDeploy,
  clockSkew,
  rollbackPersists,
  scaledDown,
  configReload,
  multiCommit,
  oomKill,
  outcomeLabels,
  rateLimitFlat,
  otelDependency,
  postgresDeadlock,
  regionFailover,
  canaryVersion,
  slowLeak,
  retrySustained,
  spoolDisk,
  callerRetryAmplify,
  poolLeak,
  idleTransactionLock,
  rejectedNotSurge,
  grpcDependency,
  zoneVolume,
  teamLogFormat,
  clusterConntrack,
  latentFeatureLimit,
  thinEvidence,
  leapSecond,
  rulesetCpu,
  providerNetwork,
  hostLeftBehind,
  cacheNodesSwapped,
  volumeIoCeiling,
  trafficStops,
  shardConcentration,
  latentConfigTrigger,
  configmapEdit,
  hpaMaxLowered,
  rolloutStuck,
  nodeMemoryPressure,
  imagePull,
  oomLimitLowered,
  wafRegexGithub,
  contentUpdateGithub,
];
