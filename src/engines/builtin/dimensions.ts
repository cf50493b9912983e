import type { AnomalyOut } from '../../../mcp-servers/metrics/schemas.js';
import type { Change } from './changes.js';
import type { Concentration } from './concentration.js';
import type { Cited } from './facts.js';
import { leftBehindSentence } from './rollout.js';

/**
 * Dimension comparison: when the symptoms sit in some values of a dimension (one region, zone, cluster, version)
 * while the same service's series in other values stay healthy, the report says so, and a change that went to
 * healthy and unhealthy values alike cannot be what broke the unhealthy ones.
 */

/** Label keys that split a service's fleet, each mapped to the dimension it names. */
export const DIMENSION_KEYS: Record<string, string> = {
  region: 'region',
  cloud_region: 'region',
  'cloud.region': 'region',
  topology_kubernetes_io_region: 'region',
  zone: 'zone',
  az: 'zone',
  availability_zone: 'zone',
  'cloud.availability_zone': 'zone',
  topology_kubernetes_io_zone: 'zone',
  cluster: 'cluster',
  k8s_cluster: 'cluster',
  'k8s.cluster.name': 'cluster',
  datacenter: 'cluster',
  dc: 'cluster',
  version: 'version',
  'service.version': 'version',
  // Slices below a region: one shard, cell, tenant, pod or host can hold the failure while the rest stay healthy.
  shard: 'shard',
  cell: 'cell',
  tenant: 'tenant',
  tenant_id: 'tenant',
  customer: 'tenant',
  org_id: 'tenant',
  pod: 'pod',
  'k8s.pod.name': 'pod',
  host: 'host',
  hostname: 'host',
  'host.name': 'host',
  instance: 'host',
};
/** Series that show a service suffering rather than working harder. */
const SUFFERING = /error|fail|5xx|latency|duration|p9\d|timeout|saturation/i;
/** A change that went to both sides keeps this share of its score. */
export const BOTH_SIDES_FACTOR = 0.25;

/** One value holds the failure when its peak is at least this many times every other value's peak on the same series. */
export const DOMINANCE_RATIO = 5;

/**
 * When every value suffered: the value whose peak on one suffering series is DOMINANCE_RATIO times every other
 * value's peak holds most of the failure (the others rose too, far less). Undefined when no value dominates.
 */
export function dominantValue(bad: readonly Cited<AnomalyOut>[], key: string): string | undefined {
  const byMetric = new Map<string, Map<string, number>>();
  for (const { value } of bad) {
    const slice = value.tags[key];
    if (slice === undefined) continue;
    const peaks = byMetric.get(value.metric) ?? new Map<string, number>();
    peaks.set(slice, Math.max(peaks.get(slice) ?? 0, value.peak));
    byMetric.set(value.metric, peaks);
  }
  for (const peaks of byMetric.values()) {
    const ranked = [...peaks.entries()].sort((a, b) => b[1] - a[1]);
    const [top, second] = ranked;
    if (top && second && top[1] > 0 && top[1] >= DOMINANCE_RATIO * second[1]) return top[0];
  }
  return undefined;
}

/**
 * For each affected service and dimension key on its series: the values whose suffering series left their baseline
 * (high or critical) and the values whose series did not. Concentrated when both sides are non-empty.
 */
export function findConcentration(
  anomalies: readonly Cited<AnomalyOut>[],
  series: readonly { metric: string; tags: Record<string, string> }[],
  affected: readonly string[],
): Concentration | undefined {
  for (const service of affected) {
    const own = series.filter((s) => serviceTag(s.tags) === service && SUFFERING.test(s.metric));
    for (const key of Object.keys(DIMENSION_KEYS)) {
      const values = [...new Set(own.map((s) => s.tags[key]).filter((v): v is string => !!v))].sort();
      if (values.length < 2) continue;
      const bad = anomalies.filter(
        ({ value }) =>
          value.service === service &&
          value.tags[key] !== undefined &&
          value.direction === 'up' &&
          SUFFERING.test(value.metric) &&
          (value.severity === 'high' || value.severity === 'critical'),
      );
      const unhealthy = [...new Set(bad.map(({ value }) => value.tags[key]!))].sort();
      const healthy = values.filter((v) => !unhealthy.includes(v));
      if (unhealthy.length > 0 && healthy.length > 0) {
        return { service, dimension: DIMENSION_KEYS[key]!, key, unhealthy, healthy, anomalies: bad };
      }
      const dominant = unhealthy.length > 1 && healthy.length === 0 ? dominantValue(bad, key) : undefined;
      if (dominant) {
        const rest = values.filter((v) => v !== dominant);
        const own = bad.filter(({ value }) => value.tags[key] === dominant);
        return { service, dimension: DIMENSION_KEYS[key]!, key, unhealthy: [dominant], healthy: rest, anomalies: own, othersRose: true };
      }
    }
  }
  return undefined;
}

function serviceTag(tags: Record<string, string>): string | undefined {
  return tags.service ?? tags.service_name ?? tags.app ?? tags.application ?? tags.job;
}

/** Where a change went, by the dimension values its environment, description or id names. */
export function changeReach(change: Change, values: readonly string[]): string[] {
  // `production-eu-west-1` names eu-west-1: dashes and dots separate words here, only letters and digits join them.
  const text = [change.environment ?? '', change.version ?? '', change.text, change.id].join(' ').toLowerCase();
  return values.filter((value) =>
    new RegExp(`(^|[^a-z0-9])${value.toLowerCase().replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^a-z0-9])`).test(text),
  );
}

/**
 * A change to the concentrated service that also reached a healthy value is cleared: the healthy side runs it too.
 * That holds for every kind of change: a deployment (all deployments of its version count together), a config or
 * flag commit, a change seen in the logs. One that names no dimension value went everywhere, unless the dimension is
 * the version itself (a canary is a version of its own). `touches` gives the services a change touches beyond its
 * own. Returns the ids of the cleared changes.
 */
export function clearedByDimension(
  changes: readonly Change[],
  concentration: Concentration | undefined,
  touches: ReadonlyMap<string, readonly string[]> = new Map(),
): Set<string> {
  const cleared = new Set<string>();
  if (!concentration) return cleared;
  const all = [...concentration.unhealthy, ...concentration.healthy];
  const ours = (change: Change) =>
    change.service === concentration.service ||
    (change.alsoTouches ?? []).includes(concentration.service) ||
    (touches.get(change.id) ?? []).includes(concentration.service);
  const groupOf = (change: Change) => (change.kind === 'deployment' ? `v:${change.version ?? change.id}` : `c:${change.id}`);
  const byGroup = new Map<string, string[]>();
  for (const change of changes) {
    if (!ours(change)) continue;
    byGroup.set(groupOf(change), [...(byGroup.get(groupOf(change)) ?? []), ...changeReach(change, all)]);
  }
  for (const change of changes) {
    if (!ours(change)) continue;
    const reach = byGroup.get(groupOf(change)) ?? [];
    const hitsHealthy = reach.some((value) => concentration.healthy.includes(value));
    if (hitsHealthy || (reach.length === 0 && concentration.dimension !== 'version')) cleared.add(change.id);
  }
  return cleared;
}

export function concentrationSentence(concentration: Concentration | undefined): string {
  if (!concentration) return '';
  const { service, dimension, unhealthy, healthy } = concentration;
  if (concentration.leftBehind)
    return ` The symptoms of ${service} are confined to ${dimension} ${unhealthy.join(', ')}; ${healthy.join(', ')} stayed healthy.${leftBehindSentence(concentration.leftBehind)}`;
  if (concentration.othersRose)
    return ` The symptoms of ${service} are concentrated in ${dimension} ${unhealthy.join(', ')}: its peak is at least ${DOMINANCE_RATIO} times that of ${healthy.join(', ')}, which rose far less, so whatever broke is specific to that ${dimension}.`;
  return ` The symptoms of ${service} are concentrated in ${dimension} ${unhealthy.join(', ')}; ${healthy.join(', ')} stayed healthy, so whatever broke is specific to ${unhealthy.length === 1 ? 'that' : 'those'} ${dimension}${unhealthy.length === 1 ? '' : 's'}.`;
}
