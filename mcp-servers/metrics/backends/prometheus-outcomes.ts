import { countKind, increaseWindowSeconds, OUTCOME_LABELS, parseRecordingRule, SERVICE_LABELS } from '../analysis/semantics.js';
import type { RateSeries, Series, TimeRange } from '../types.js';
import { countsByService, errorRateSeriesFrom, sumPerSecond } from './dataset-error-rates.js';
import type { PrometheusClient } from './prometheus-client.js';

/**
 * Error rates and request rates from Prometheus by the same outcome semantics as a dataset (docs/metrics.md, "Label
 * conventions"): every metric whose name counts requests or errors is fetched per second, summed by the identity and
 * outcome labels it carries, and handed to the shared rules (server-error slices ÷ all slices, else errors ÷
 * requests). A latency series is never fetched, so it can never be a side of the division.
 */

/** Count metrics fetched per analysis: each is one range query, and a real server has dozens of families at most. */
export const MAX_COUNT_METRICS = 24;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const COUNTER = /(_total|_count)$/;
const POD_LABELS = ['pod', 'pod_name'];

/** Metric names that count requests or errors, recording rules included, capped at MAX_COUNT_METRICS. */
export function countMetrics(names: readonly string[]): string[] {
  return names.filter((name) => countKind(name) !== undefined && !/_bucket$|_sum$/.test(name)).slice(0, MAX_COUNT_METRICS);
}

/**
 * PromQL giving `metric` per second, summed by the labels that say whose traffic it is and how it ended: the identity
 * labels it carries (a pod only when it has none), the configured service label, and its outcome labels.
 */
export function countQuery(metric: string, labels: readonly string[], serviceLabel: string): string {
  const present = new Set(labels);
  const identity = [...new Set([serviceLabel, ...SERVICE_LABELS])].filter((l) => LABEL_NAME.test(l) && present.has(l));
  const pods = identity.length === 0 ? POD_LABELS.filter((l) => present.has(l)) : [];
  const outcome = OUTCOME_LABELS.filter((l) => LABEL_NAME.test(l) && present.has(l));
  const by = [...identity, ...pods, ...outcome].join(', ');
  const rule = parseRecordingRule(metric);
  const window = increaseWindowSeconds(metric);
  // A recording rule is already a rate (or an increase over a known window); a raw counter needs rate().
  const perSecond = rule ? (window ? `${metric} / ${window}` : metric) : COUNTER.test(metric) ? `rate(${metric}[5m])` : metric;
  return `sum by (${by}) (${perSecond})`;
}

/** Fetches every count metric per second over `range`; the configured service label, when set on a series, wins. */
export async function fetchCounts(
  client: PrometheusClient,
  names: readonly string[],
  serviceLabel: string,
  range: TimeRange,
  step: number,
): Promise<Series[]> {
  const out: Series[] = [];
  for (const metric of countMetrics(names)) {
    const labels = await client.labelNames(metric);
    const result = await client.rangeQuery(countQuery(metric, labels, serviceLabel), range.since, range.until, step);
    for (const r of result) {
      const { __name__: _name, ...tags } = r.labels;
      const service = tags[serviceLabel];
      out.push({ metric, tags, unit: '1/s', points: r.points, ...(service ? { service } : {}) });
    }
  }
  return out;
}

/** Error-rate series per service from per-second counts. */
export function errorRates(counts: readonly Series[]): RateSeries[] {
  return errorRateSeriesFrom(counts, { perSecond: true });
}

/** Labels whose values name services, in priority order, as PromQL label names. */
export function identityLabels(serviceLabel: string): string[] {
  return [...new Set([serviceLabel, ...SERVICE_LABELS, ...POD_LABELS])].filter((l) => LABEL_NAME.test(l));
}

/** Total requests per second per service (all outcome slices), the series a surge must show. */
export function requestRates(counts: readonly Series[]): Series[] {
  return countsByService(counts).map(({ service, total }) => ({
    metric: 'request_rate',
    tags: { service },
    unit: 'req/s',
    service,
    points: [...sumPerSecond(total, (s) => s.points)],
  }));
}
