import { isCumulative, toDeltas } from '../analysis/counters.js';
import { ERROR_RATE_NAME, ERRORS_NAME, REQUESTS_NAME, serviceOf } from '../analysis/naming.js';
import type { Point, RateSeries, Series } from '../types.js';

/**
 * The dataset convention for error rates (docs/metrics.md): an `error_rate` series per service when present, else
 * errors ÷ requests from a service's count series (per-interval counts, or cumulative counters turned into deltas).
 * Requests series carrying a `code`/`status` tag count their 5xx part as errors when no errors series exists.
 */
export function errorRateSeriesFrom(all: readonly Series[]): RateSeries[] {
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

  const requests = new Map<string, Series[]>();
  const errors = new Map<string, Series[]>();
  for (const s of all) {
    const service = serviceOf(s.metric, s.tags);
    if (!service || covered.has(service) || ERROR_RATE_NAME.test(s.metric)) continue;
    const bucket = ERRORS_NAME.test(s.metric) ? errors : REQUESTS_NAME.test(s.metric) ? requests : undefined;
    if (!bucket) continue;
    bucket.set(service, [...(bucket.get(service) ?? []), s]);
  }
  for (const [service, reqs] of requests) {
    let errs = errors.get(service) ?? [];
    if (errs.length === 0) errs = reqs.filter((s) => /^5/.test(s.tags.code ?? s.tags.status ?? ''));
    if (errs.length === 0) continue;
    const total = sumCounts(reqs);
    const failed = sumCounts(errs);
    const points: Point[] = [];
    for (const [t, n] of total) {
      const e = failed.get(t);
      if (e !== undefined && n > 0) points.push([t, e / n]);
    }
    const metric = `${errs[0]!.metric} / ${reqs[0]!.metric}`;
    out.push({ service, metric, tags: { service }, unit: 'ratio', points });
  }
  return out.sort((a, b) => a.service.localeCompare(b.service));
}

/** '%' or 'ratio' from the unit, or inferred from the values when absent; anything else (errors/s) is not a share. */
function rateUnit(s: Series): '%' | 'ratio' | undefined {
  const unit = s.unit?.trim().toLowerCase();
  if (unit === '%' || unit === 'percent') return '%';
  if (unit === 'ratio' || unit === 'fraction') return 'ratio';
  if (unit) return undefined;
  return s.points.some(([, v]) => v > 1) ? '%' : 'ratio';
}

/** Per-timestamp sum of counts, counters turned into per-interval increases first. */
function sumCounts(series: readonly Series[]): Map<number, number> {
  const sums = new Map<number, number>();
  for (const s of series) {
    const counts = isCumulative(s.metric, s.points) ? toDeltas(s.points) : s.points;
    for (const [t, v] of counts) sums.set(t, (sums.get(t) ?? 0) + v);
  }
  return new Map([...sums].sort((a, b) => a[0] - b[0]));
}
