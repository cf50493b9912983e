import { outcomeOf } from '../../../mcp-servers/metrics/analysis/semantics.js';
import type { AnomalyOut } from '../../../mcp-servers/metrics/schemas.js';
import type { Cited } from './facts.js';

/**
 * Cascades: the loudest errors are often downstream of the cause. A caller multiplies its calls to a dependency, the
 * dependency saturates and everyone calling it times out. Series whose labels name a peer (upstream, callee, target …)
 * give the dependency picture; the caller whose outbound traffic to the saturated service jumped is where the load
 * comes from, and whether its own incoming traffic rose tells an external surge from an internal fan-out.
 */

/** Label keys that name the other end of a call. */
export const PEER_KEYS = [
  'upstream',
  'peer',
  'peer_service',
  'callee',
  'target',
  'target_service',
  'dependency',
  'destination',
  'destination_service',
  'dst',
  'dst_service',
  'remote_service',
  'downstream',
  'server',
  // Istio's called side, and OpenTelemetry's peer attributes as written in records or as Prometheus labels.
  'destination_workload',
  'destination_service_name',
  'destination_app',
  'peer.service',
  'net.peer.name',
  'net_peer_name',
];
const TRAFFIC = /request|calls?\b|calls_|rps|qps|throughput|traffic|outbound|invocations|rate/i;
const NOT_TRAFFIC = /error|fail|latency|duration|time|5xx|4xx|p9\d|bytes|size|retry_?delay/i;
/** Outbound traffic must at least double to be "the load". */
const MIN_JUMP = 2;
/** Ingress that rose by at least this share of the outbound jump is an external surge passing through. */
const SURGE_SHARE = 0.5;

export function peerOf(anomaly: AnomalyOut): string | undefined {
  for (const key of PEER_KEYS) {
    const value = anomaly.tags[key];
    if (value) return value.replace(/:\d+$/, '');
  }
  return undefined;
}

function isTraffic(anomaly: AnomalyOut): boolean {
  const outcome = outcomeOf(anomaly.tags);
  return TRAFFIC.test(anomaly.metric) && !NOT_TRAFFIC.test(anomaly.metric) && (outcome === undefined || outcome === 'success');
}

export interface Cascade {
  caller: string;
  dependency: string;
  /** The caller's outbound series to the dependency that jumped. */
  outbound: Cited<AnomalyOut>;
  /** The caller's own incoming traffic, when it rose too. */
  ingress?: Cited<AnomalyOut>;
  /** True when ingress stayed flat: the caller multiplied its own calls (a change in it), not its clients. */
  internal: boolean;
  /** outbound peak / baseline. */
  factor: number;
}

/** The strongest load jump towards one of the services showing the incident. */
export function findCascade(anomalies: readonly Cited<AnomalyOut>[], suffering: readonly string[]): Cascade | undefined {
  const jumps = anomalies
    .filter(({ value }) => value.direction === 'up' && isTraffic(value) && value.service !== null)
    .map((anomaly) => ({ anomaly, peer: peerOf(anomaly.value), factor: anomaly.value.peak / Math.max(anomaly.value.baseline, 1e-9) }))
    .filter(
      (jump): jump is typeof jump & { peer: string } =>
        jump.peer !== undefined && jump.peer !== jump.anomaly.value.service && suffering.includes(jump.peer) && jump.factor >= MIN_JUMP,
    )
    .sort((a, b) => b.factor - a.factor || a.anomaly.value.metric.localeCompare(b.anomaly.value.metric));
  const top = jumps[0];
  if (!top) return undefined;
  const caller = top.anomaly.value.service ?? '';
  const ingress = anomalies.find(
    ({ value }) =>
      value.service === caller &&
      value.direction === 'up' &&
      isTraffic(value) &&
      peerOf(value) === undefined &&
      value.peak / Math.max(value.baseline, 1e-9) >= 1 + (top.factor - 1) * SURGE_SHARE,
  );
  return {
    caller,
    dependency: top.peer,
    outbound: top.anomaly,
    ...(ingress ? { ingress } : {}),
    internal: ingress === undefined,
    factor: top.factor,
  };
}

/** Named in this share of the new error volume, a service is what its callers are failing on. */
const BLAME_SHARE = 0.3;
const OWN_TROUBLE = /latency|duration|error|fail|5xx|timeout|saturation|cpu|pool/i;

/**
 * The dependency the callers' errors name ("timeout calling X", upstream=X), when it shows trouble of its own in
 * the metrics: the failure sits there, however loud the callers are.
 */
export function blamedDependency(
  symptoms: readonly { score: number; services: readonly string[]; named: readonly string[] }[],
  anomalies: readonly Cited<AnomalyOut>[],
): string | undefined {
  const total = symptoms.reduce((sum, symptom) => sum + symptom.score, 0);
  if (total <= 0) return undefined;
  const weight = new Map<string, number>();
  for (const symptom of symptoms) for (const named of symptom.named) weight.set(named, (weight.get(named) ?? 0) + symptom.score);
  return [...weight.entries()]
    .filter(
      ([service, share]) =>
        share >= total * BLAME_SHARE &&
        anomalies.some(
          ({ value }) =>
            value.service === service &&
            value.direction === 'up' &&
            OWN_TROUBLE.test(value.metric) &&
            (value.severity === 'high' || value.severity === 'critical'),
        ),
    )
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0];
}

/**
 * The service most of the symptoms name (in a URL, a host, a message) when it has no telemetry of its own here: its
 * deployments are the only record of it, so it must not drop out of the picture just because it is silent.
 */
export function namedUnobserved(
  symptoms: readonly { score: number; services: readonly string[]; named: readonly string[] }[],
  observed: ReadonlySet<string>,
): string | undefined {
  const total = symptoms.reduce((sum, symptom) => sum + symptom.score, 0);
  if (total <= 0) return undefined;
  const weight = new Map<string, number>();
  for (const symptom of symptoms) for (const named of symptom.named) weight.set(named, (weight.get(named) ?? 0) + symptom.score);
  return [...weight.entries()]
    .filter(([service, share]) => share >= total * BLAME_SHARE && !observed.has(service))
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0];
}
