import { cacheStats, chronicError, healthChecks } from '../logs/noise.js';
import { evalPlacement, type ScenarioOutput } from '../scenario.js';
import { MINUTE } from '../time.js';
import { World } from '../world.js';
import { app, bystander } from './kit.js';

/**
 * 2026-07-08, a video platform serving HLS manifests from two AKS clusters. At 19:40 the player team flips the flag
 * `manifest.low_latency_hls` on for every cluster (a log line in flagd, no git). At 19:52 the connection-tracking
 * tables of aks-weu-2's nodes fill up (node-exporter's `node_nf_conntrack_entries`, labelled only with cluster and
 * instance; the kernel logs "table full, dropping packet"), and manifest-api in that cluster times out fetching from
 * origin. aks-weu-1, with the same flag, stays healthy: the flag is cleared, the cluster's node networking is the cause.
 */
export function clusterConntrack(): ScenarioOutput {
  const place = evalPlacement('44-cluster-conntrack');
  const w = new World({
    name: 'cluster-conntrack',
    description: 'Full conntrack tables in one cluster; a flag flipped for every cluster minutes earlier is innocent.',
    seed: '44-cluster-conntrack',
    date: '2026-07-08',
    start: '15:00',
    now: '20:15',
    deploymentIds: { kind: 'seq', prefix: 'mf-', first: 870, width: 4 },
    historyDays: 9,
  });
  const at = (hhmm: string) => w.at(hhmm);
  const flip = at('19:40');
  const full = at('19:52');
  const clusters = ['aks-weu-1', 'aks-weu-2'];
  const sick = 'aks-weu-2';

  const manifests = w.service(app('manifest-api', 'go', 'cri', { version: 'v11.4.2', rps: 1800, p95: 35, accessPerMin: 4 }));
  const drm = w.service(app('drm-license', 'java', 'log4j', { version: 'v6.1.0', rps: 300, p95: 60 }));
  const flagd = w.logSource('flagd', 'logfmt');
  const nodes = w.logSource(`${sick}-nodes`, 'journald');
  bystander(w, 'watch-history', 'python', 'json', 'v8.0.3');
  bystander(w, 'thumbnails-cdn', 'node', 'pino', 'v3.12.7');

  for (const cluster of clusters) {
    const tags = { service: 'manifest-api', cluster };
    const errors = w.series({ metric: 'error_rate', tags, unit: '%', base: 0.05, jitter: 0.3, decimals: 2, max: 100 });
    const latency = w.series({ metric: 'latency_p95_ms', tags, unit: 'ms', base: 35, jitter: 0.08, diurnal: 0.1, decimals: 0 });
    w.series({ metric: 'request_rate', tags, unit: 'req/s', base: 900, jitter: 0.04, diurnal: 0.3, decimals: 1 });
    for (const node of [1, 2]) {
      const conntrack = w.series({
        metric: 'node_nf_conntrack_entries',
        tags: { job: 'node-exporter', cluster, instance: `${cluster}-node-${node}:9100` },
        unit: 'count',
        base: 41_000,
        jitter: 0.05,
        diurnal: 0.25,
        decimals: 0,
      });
      w.series({
        metric: 'node_nf_conntrack_entries_limit',
        tags: { job: 'node-exporter', cluster, instance: `${cluster}-node-${node}:9100` },
        unit: 'count',
        base: 262_144,
        jitter: 0,
        decimals: 0,
      });
      if (cluster === sick) conntrack.level(full - 3 * MINUTE, 262_000, { ramp: 3 });
    }
    if (cluster === sick) {
      errors.level(full, 21, { ramp: 2 });
      latency.level(full, 2_900, { ramp: 2 });
    }
  }
  manifests.errors.level(full, 10, { ramp: 2 });
  manifests.latency.scale(full, 5, { ramp: 2 });
  manifests.failuresLookLike(full, [504], ['/v1/manifest']);

  w.history();
  const drmCommit = w.git.commit({
    at: at('18:20'),
    service: 'drm-license',
    message: 'feat(license): cache widevine key rotation schedule',
    files: ['drm-license/src/main/java/io/drm/keys/RotationCache.java'],
  });
  const drmDeploy = w.deploy({ at: at('19:05'), service: 'drm-license', version: 'v6.2.0', commits: [drmCommit], by: 'flux' });

  flagd.log(flip, {
    level: 'info',
    msg: 'flag manifest.low_latency_hls updated: enabled for manifest-api, 100% rollout, all clusters',
    fields: { actor: 'player-team', change: 'CHG-20417' },
  });
  nodes.every(full - MINUTE, w.now, 12, (r) => ({
    level: 'warn',
    logger: 'kernel',
    msg: `nf_conntrack: nf_conntrack: table full, dropping packet (${sick}-node-${r.int(1, 2)})`,
  }));
  manifests.every(full, w.now, 30, (r) => ({
    level: 'error',
    msg: 'origin fetch failed',
    fields: {
      cluster: sick,
      err: `dial tcp 10.8.${r.int(0, 3)}.${r.int(2, 250)}:443: i/o timeout`,
      rendition: r.pick(['1080p', '720p', '480p']),
    },
  }));
  cacheStats(manifests, 'segment-index', 10, 0.96);
  healthChecks(manifests, 2);
  chronicError(drm, 2, (r) => ({
    level: 'warn',
    logger: 'io.drm.license.Issue',
    msg: `license request ${r.int(100000, 999999)} for revoked device`,
  }));
  flagd.every(w.start, w.now, 1 / 30, (r) => ({ level: 'info', msg: `flag sync completed: ${r.int(180, 190)} flags, 0 changed` }));

  return {
    ...place,
    files: w.finish(),
    evalCase: {
      title: 'Conntrack tables full in one cluster; a flag flipped for every cluster just before is innocent',
      incident:
        'Manifest requests timing out for part of our viewers since 19:52, right after the low-latency HLS flag went on. Turn it off?',
      dataset: place.dataset,
      since: '4h',
      expect: {
        suspect: { kind: ['infrastructure'] },
        rootCauseKeywords: [sick, 'conntrack'],
        mustNot: { suspectIds: [drmDeploy.id, drmDeploy.version], suspectKinds: ['deployment', 'commit', 'config'] },
        service: ['manifest-api'],
      },
    },
  };
}
