import type { Point, Series, Tags } from '../types.js';
import { SERVICE_LABELS, serviceOf } from './semantics.js';

/**
 * What a resource series is filling up toward (docs/metrics.md, "Slow exhaustion"). A limit comes from, in order:
 * the unit (a percentage is bounded at 100, a ratio at 1), or a paired series of the same resource family whose
 * name says limit/max/capacity/size and whose identity labels agree (`container_spec_memory_limit_bytes`,
 * `kube_pod_container_resource_limits{resource="memory"}`, `pg_settings_max_connections`, `hikaricp_connections_max`,
 * `node_filesystem_size_bytes`). A series of what is left (`…avail…`, `…free…`) falls toward zero; it is read as
 * used = capacity − left. Ages, lags and backlogs have no limit at all: their fallback is growth alone (exhaustion.ts).
 */

/** Resource families: a limit series only bounds a usage series of the same family. */
const FAMILIES: readonly [string, RegExp][] = [
  ['memory', /memory|heap|rss|working_set|mem_|memavailable|memfree/i],
  ['disk', /disk|filesystem|fs_|volume|storage|inode|pvc|kubelet_volume/i],
  ['connections', /connection|conns|clients|sessions|backends|stat_activity|threads_connected|pool/i],
  ['fds', /file_?descriptors|fds|open_files/i],
  ['queue', /backlog|queue|pending|unacked|messages_ready/i],
  [
    'age',
    /xact|tx_duration|transaction_duration|transaction_age|oldest|_age_seconds|_age$|lag_seconds|lag_bytes|_lag$|replication_lag|consumer_lag|slot/i,
  ],
];
/** Names of a bound (`_limit`, `max_`, capacity, a size). Durations and ages named `max_…` are measurements, not bounds. */
const LIMIT = /limit|(^|_)max(_|$)|maximum|capacity|size_bytes|_size$|total_bytes|memtotal/i;
const NOT_LIMIT = /duration|_age|seconds|lag|latency|_total$|_count$/i;
/** Names of what is left of a resource; such a series falls toward zero as the resource fills. */
const REMAINING = /avail|free|remaining|headroom|_left(_|$)/i;
/** Counters only ever rise: a straight climb of one says nothing about a resource filling. */
const COUNTER = /_total$|_sum$|_bucket$|_created$/i;
/** Labels that tie a bound to the series it bounds: identity plus the resource's own coordinates. */
const LINK_TAGS = [
  ...SERVICE_LABELS,
  'pod',
  'instance',
  'host',
  'node',
  'device',
  'mountpoint',
  'persistentvolumeclaim',
  'volume',
  'database',
  'datname',
  'pool',
  'queue',
  'topic',
];
/** A usage this far above its supposed limit means the two are in different units: not a pair. */
const UNIT_MISMATCH = 1.5;

export type LimitSource = 'unit' | 'series' | 'none';

export interface Resolved {
  /** The series as used amount (what is left turned into capacity − left). */
  used: Point[];
  limit: number | null;
  limitFrom: LimitSource;
  /** The series reports what is left: it falls as the resource fills. */
  remaining: boolean;
}

export function familyOf(metric: string, tags: Tags): string | undefined {
  const text = `${metric} ${tags.resource ?? ''}`;
  return FAMILIES.find(([, re]) => re.test(text))?.[0];
}

export function isLimitSeries(metric: string): boolean {
  return LIMIT.test(metric) && !NOT_LIMIT.test(metric) && !REMAINING.test(metric);
}

/** `_count` is a histogram's counter only beside its `_sum`; `pg_stat_activity_count` is a gauge. */
export function isCounter(metric: string, all: readonly { metric: string }[] = []): boolean {
  if (COUNTER.test(metric)) return true;
  if (!/_count$/.test(metric)) return false;
  const sum = `${metric.slice(0, -'_count'.length)}_sum`;
  return all.some((other) => other.metric === sum);
}

export function isRemaining(metric: string): boolean {
  return REMAINING.test(metric) && !isLimitSeries(metric);
}

/** How well a bound's labels fit a series: shared identity labels that agree, or -1 when one disagrees. */
export function linkScore(series: Tags, bound: Tags): number {
  let shared = 0;
  for (const key of LINK_TAGS) {
    const a = series[key];
    const b = bound[key];
    if (a === undefined || b === undefined) continue;
    if (a !== b) return -1;
    shared += 1;
  }
  return shared;
}

/**
 * Two series that share no identity label may still describe one workload: an exporter's `job`/`instance` series
 * and kube-state-metrics' `pod` series of the same deployment. The same workload ties them, more weakly than a label.
 */
export const WORKLOAD_LINK = 0.5;

function sameWorkload(series: Series, bound: Series): boolean {
  const a = serviceOf(series.metric, series.tags);
  const b = serviceOf(bound.metric, bound.tags);
  return a !== null && b !== null && a.toLowerCase() === b.toLowerCase();
}

/** The paired bound of a series: same family, agreeing identity labels, the most of them shared, else the same workload. */
export function pairedLimit(s: Series, candidates: readonly Series[]): number | undefined {
  const family = familyOf(s.metric, s.tags);
  if (!family) return undefined;
  let best: { score: number; value: number } | undefined;
  for (const bound of candidates) {
    if (bound === s || bound.points.length === 0 || familyOf(bound.metric, bound.tags) !== family) continue;
    const labels = linkScore(s.tags, bound.tags);
    const score = labels === 0 && sameWorkload(s, bound) ? WORKLOAD_LINK : labels;
    if (score <= 0 || (best && best.score >= score)) continue;
    best = { score, value: bound.points[bound.points.length - 1]![1] };
  }
  return best && best.value > 0 ? best.value : undefined;
}

function unitBound(s: Series): number | undefined {
  const unit = s.unit?.trim().toLowerCase();
  const peak = Math.max(...s.points.map(([, v]) => v));
  if (unit === 'ratio' || /_ratio$|_fraction$/.test(s.metric)) return 1;
  if (unit === '%' || unit === 'percent' || /_percent$|_pct$|_percentage$/.test(s.metric)) return 100;
  // Utilisation without a unit: a fraction when it never passes 1, a percentage when it stays within 100.
  if (/utili[sz]ation|_usage_ratio|saturation/i.test(s.metric)) return peak <= 1 ? 1 : peak <= 100 ? 100 : undefined;
  return undefined;
}

/** The series' used amount and its limit, or undefined when it is not a resource filling up at all. */
export function resolveLimit(s: Series, all: readonly Series[]): Resolved | undefined {
  if (isCounter(s.metric, all) || isLimitSeries(s.metric) || !familyOf(s.metric, s.tags)) return undefined;
  const bounds = all.filter((other) => isLimitSeries(other.metric));
  const remaining = isRemaining(s.metric);
  const fromUnit = unitBound(s);
  const fromSeries = fromUnit === undefined ? pairedLimit(s, bounds) : undefined;
  const limit = fromUnit ?? fromSeries;
  if (remaining) {
    // What is left needs its capacity: without one, the series cannot be turned into a share used.
    if (limit === undefined) return undefined;
    return { used: s.points.map(([t, v]) => [t, limit - v]), limit, limitFrom: fromUnit !== undefined ? 'unit' : 'series', remaining };
  }
  if (limit !== undefined) {
    const last = s.points[s.points.length - 1]?.[1] ?? 0;
    if (last > limit * UNIT_MISMATCH) return { used: s.points, limit: null, limitFrom: 'none', remaining };
    return { used: s.points, limit, limitFrom: fromUnit !== undefined ? 'unit' : 'series', remaining };
  }
  return { used: s.points, limit: null, limitFrom: 'none', remaining };
}

/** Ages, lags and backlogs: healthy near their floor, with no limit; only their growth says they are filling. */
export function isUnbounded(metric: string, tags: Tags): boolean {
  const family = familyOf(metric, tags);
  return family === 'age' || family === 'queue';
}
