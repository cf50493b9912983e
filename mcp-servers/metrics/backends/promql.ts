import type { AnomalyQuery, PrometheusConfig } from '../config.js';

/**
 * Default PromQL following the common conventions (http_requests_total with a `code` or `status` label,
 * http_request_duration_seconds histograms), each overridable through the environment.
 */

export interface Conventions {
  /** Label grouping series by service: the configured one, or `job` when series lack it. */
  serviceLabel: string;
  /** Label carrying the HTTP status on http_requests_total. */
  statusLabel: 'code' | 'status';
}

export const REQUESTS_METRIC = 'http_requests_total';
export const LATENCY_BUCKETS_METRIC = 'http_request_duration_seconds_bucket';

/** Errors ÷ requests per service; `or … * 0` keeps services that had no 5xx at all (rate 0 rather than absent). */
export function defaultErrorRateQuery({ serviceLabel: s, statusLabel }: Conventions): string {
  const total = `sum by (${s}) (rate(${REQUESTS_METRIC}[5m]))`;
  return `(sum by (${s}) (rate(${REQUESTS_METRIC}{${statusLabel}=~"5.."}[5m])) or ${total} * 0) / ${total}`;
}

export function defaultLatencyP95Query({ serviceLabel: s }: Conventions): string {
  return `histogram_quantile(0.95, sum by (le, ${s}) (rate(${LATENCY_BUCKETS_METRIC}[5m])))`;
}

export function defaultRequestRateQuery({ serviceLabel: s }: Conventions): string {
  return `sum by (${s}) (rate(${REQUESTS_METRIC}[5m]))`;
}

export function errorRateQuery(config: PrometheusConfig, conventions: Conventions): string {
  return config.errorRateQuery ?? defaultErrorRateQuery(conventions);
}

/** What get_anomalies scans in Prometheus mode: PROMQL_ANOMALY_QUERIES, else error rate, p95 latency and throughput. */
export function anomalyQueries(config: PrometheusConfig, conventions: Conventions): AnomalyQuery[] {
  if (config.anomalyQueries) return config.anomalyQueries;
  return [
    { name: 'error_rate', query: errorRateQuery(config, conventions), unit: 'ratio' },
    { name: 'latency_p95', query: config.latencyP95Query ?? defaultLatencyP95Query(conventions), unit: 's' },
    { name: 'request_rate', query: defaultRequestRateQuery(conventions), unit: 'req/s' },
  ];
}

const COUNTER_SUFFIX = /(_total|_count|_sum|_bucket)$/;

/** A metric name as an anomaly query: counters through rate(), gauges as they are. */
export function queryForMetric(metric: string): AnomalyQuery {
  return COUNTER_SUFFIX.test(metric)
    ? { name: metric, query: `rate(${metric}[5m])`, unit: `${unitFromName(metric) ?? ''}/s` }
    : { name: metric, query: metric, ...(unitFromName(metric) ? { unit: unitFromName(metric)! } : {}) };
}

export function isCounterName(metric: string): boolean {
  return COUNTER_SUFFIX.test(metric);
}

/** The base unit Prometheus naming conventions put in the name. */
export function unitFromName(metric: string): string | null {
  const base = metric.replace(COUNTER_SUFFIX, '');
  if (/_seconds$/.test(base)) return 's';
  if (/_bytes$/.test(base)) return 'bytes';
  if (/_ratio$/.test(base)) return 'ratio';
  if (/_percent$/.test(base)) return '%';
  return null;
}

/** `metric{k="v",…}` with values escaped as PromQL strings. */
export function selector(metric: string, tags: Record<string, string>): string {
  const matchers = Object.entries(tags).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  return matchers.length === 0 ? metric : `${metric}{${matchers.join(',')}}`;
}

export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
