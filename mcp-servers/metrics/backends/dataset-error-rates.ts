import { isCumulative, toRate } from '../analysis/counters.js';
import { ERROR_RATE_NAME } from '../analysis/naming.js';
import { countKind, hasOutcomeLabel, increaseWindowSeconds, outcomeOf, serviceOf } from '../analysis/semantics.js';
import type { Point, RateSeries, Series } from '../types.js';

/**
 * The dataset convention for error rates (docs/metrics.md): an `error_rate` series per service when present, else
 * errors ÷ requests from a service's count series. Both sides are brought to the same unit (per second: counters
 * through a rate, `increase5m` rules divided by their window) before dividing. Requests series split by an outcome
 * label (`code`, `status`, `outcome`, …) give both sides at once: all slices are the requests, the server-error
 * slices the errors. Latency, duration and saturation series are never a side of the division.
 */
export function errorRateSeriesFrom(all: readonly Series[], options: CountOptions = {}): RateSeries[] {
  const rate = options.perSecond ? (s: Series) => s.points : perSecond;
  const out: RateSeries[] = [];
  const covered = new Set<string>();
  for (const s of all) {
    if (!ERROR_RATE_NAME.test(s.metric)) continue;
    const unit = rateUnit(s);
    if (!unit) continue;
    const service = serviceOf(s.metric, s.tags) ?? s.metric;
    covered.add(service);
    out.push({ service, metric: s.metric, tags: s.tags, unit, points: s.points });
  }

  for (const { service, total, errs, split } of countsByService(all, covered)) {
    if (errs.length === 0 && !split) continue;
    const totals = sumPerSecond(total, rate);
    const failed = sumPerSecond(errs, rate);
    const points: Point[] = [];
    // Before the first error sample the share is unknown (a counter's first point has no rate), not zero.
    const firstError = failed.size > 0 ? Math.min(...failed.keys()) : Number.NEGATIVE_INFINITY;
    for (const [t, n] of totals) if (n > 0 && t >= firstError) points.push([t, (failed.get(t) ?? 0) / n]);
    const metric = split ? `${total[0]!.metric}{5xx} / ${total[0]!.metric}` : `${errs[0]!.metric} / ${total[0]!.metric}`;
    out.push({ service, metric, tags: { service }, unit: 'ratio', points });
  }
  return out.sort((a, b) => a.service.localeCompare(b.service));
}

export interface CountOptions {
  /** The points are already per-second rates (a Prometheus `rate()`), not counters or per-interval counts. */
  perSecond?: boolean;
}

export interface ServiceCounts {
  service: string;
  /** All of the service's requests: every outcome slice when its requests are split by outcome. */
  total: Series[];
  /** Its server errors: the server-error slices, else a separate errors series. */
  errs: Series[];
  /** Whether the requests carry an outcome label. */
  split: boolean;
}

/** Requests and errors series per service, by the outcome rules of docs/metrics.md; services in `skip` are left out. */
export function countsByService(all: readonly Series[], skip: ReadonlySet<string> = new Set()): ServiceCounts[] {
  const requests = new Map<string, Series[]>();
  const errors = new Map<string, Series[]>();
  const add = (bucket: Map<string, Series[]>, service: string, s: Series) => bucket.set(service, [...(bucket.get(service) ?? []), s]);
  for (const s of all) {
    const service = s.service ?? serviceOf(s.metric, s.tags);
    if (!service || skip.has(service)) continue;
    const kind = countKind(s.metric);
    if (kind === 'errors') add(errors, service, s);
    else if (kind === 'requests') add(requests, service, s);
  }
  return [...requests].map(([service, reqs]) => {
    // Outcome-split requests carry their own errors; a separate errors series counts only when they do not.
    const split = reqs.filter((s) => hasOutcomeLabel(s.tags));
    return split.length > 0
      ? { service, total: split, errs: split.filter((s) => outcomeOf(s.tags) === 'server_error'), split: true }
      : { service, total: reqs, errs: errors.get(service) ?? [], split: false };
  });
}

/** '%' or 'ratio' from the unit, or inferred from the values when absent; anything else (errors/s) is not a share. */
function rateUnit(s: Series): '%' | 'ratio' | undefined {
  const unit = s.unit?.trim().toLowerCase();
  if (unit === '%' || unit === 'percent') return '%';
  if (unit === 'ratio' || unit === 'fraction') return 'ratio';
  if (unit) return undefined;
  return s.points.some(([, v]) => v > 1) ? '%' : 'ratio';
}

/** A count series as events per second: counters through a rate, `increase<w>` rules over their window, rates as they are. */
export function perSecond(s: Series): Point[] {
  if (isCumulative(s.metric, s.points)) return toRate(s.points);
  const window = increaseWindowSeconds(s.metric);
  if (window) return s.points.map(([t, v]) => [t, v / window]);
  const unit = s.unit?.trim().toLowerCase() ?? '';
  // Per-interval counts (unit `count`, `requests`) become per second over the spacing of their points.
  if (/^(count|requests|errors|calls|1)$/.test(unit) && s.points.length > 1) {
    return s.points.map(([t, v], i) => {
      const previous = s.points[i - 1]?.[0] ?? t - (s.points[1]![0] - s.points[0]![0]);
      const seconds = (t - previous) / 1000;
      return [t, seconds > 0 ? v / seconds : v];
    });
  }
  return s.points;
}

/** Per-timestamp sum of per-second rates. */
export function sumPerSecond(series: readonly Series[], rate: (s: Series) => Point[] = perSecond): Map<number, number> {
  const sums = new Map<number, number>();
  for (const s of series) for (const [t, v] of rate(s)) sums.set(t, (sums.get(t) ?? 0) + v);
  return new Map([...sums].sort((a, b) => a[0] - b[0]));
}
