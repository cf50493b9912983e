import type { Tags } from '../types.js';

/**
 * Metric semantics in one place (docs/metrics.md, "Label conventions"): which service a series belongs to, what a
 * Prometheus recording-rule name says, and which labels carry a request's outcome. Backends, the anomaly detector and
 * the error-rate computation all ask here, so a label convention is understood everywhere or nowhere.
 */

/** Labels that name the emitting service, highest priority first; `pod` is read last, as its workload. */
export const SERVICE_LABELS = [
  'service',
  'service_name',
  'service.name',
  'app',
  'application',
  'app_kubernetes_io_name',
  'app.kubernetes.io/name',
  'job',
  'container',
] as const;

/** Labels that carry a request's outcome (an HTTP status, a status class, a success/failure word). */
export const OUTCOME_LABELS = [
  'code',
  'status',
  'status_code',
  'code_class',
  'http.status_code',
  'http_status_code',
  'http_response_status_code',
  'outcome',
  'result',
] as const;

/** Words for a failed request in `outcome`/`status` labels (Micrometer's SERVER_ERROR, OpenTelemetry's error). */
const FAILURE_WORDS = /^(server_error|error|errors|failure|failed|fail|fault|exception|unavailable|internal|deadline_exceeded|5xx)$/i;
const CLIENT_WORDS = /^(client_error|4xx|invalid_argument|not_found|unauthenticated|permission_denied)$/i;
const SUCCESS_WORDS = /^(success|successful|ok|2xx|3xx|redirection|informational|1xx)$/i;

export type Outcome = 'success' | 'client_error' | 'server_error';

/** The outcome a series' labels state, or undefined when none of the outcome labels is present or readable. */
export function outcomeOf(tags: Tags): Outcome | undefined {
  for (const key of OUTCOME_LABELS) {
    const raw = tags[key]?.trim();
    if (!raw) continue;
    const digits = /^([1-5])(\d\d|xx)$/i.exec(raw);
    if (digits) return digits[1] === '5' ? 'server_error' : digits[1] === '4' ? 'client_error' : 'success';
    if (FAILURE_WORDS.test(raw)) return 'server_error';
    if (CLIENT_WORDS.test(raw)) return 'client_error';
    if (SUCCESS_WORDS.test(raw)) return 'success';
  }
  return undefined;
}

/** A label that tells outcomes apart, so a series carrying it is one slice of a service's traffic. */
export function hasOutcomeLabel(tags: Tags): boolean {
  return OUTCOME_LABELS.some((key) => tags[key] !== undefined);
}

export interface RecordingRule {
  /** The labels the rule aggregates by (`job`, `service_name`), never a service. */
  level: string;
  /** The metric it derives from (`http_server_requests`). */
  metric: string;
  /** What it did to it (`rate5m`, `sum_rate1m`), empty when the name has only two parts. */
  operations: string;
}

/** `level:metric:operations` (Prometheus naming best practice); undefined for an ordinary metric name. */
export function parseRecordingRule(name: string): RecordingRule | undefined {
  const parts = name.split(':');
  if (parts.length < 2 || parts.length > 3 || parts.some((part) => part.length === 0)) return undefined;
  return { level: parts[0]!, metric: parts[1]!, operations: parts[2] ?? '' };
}

/** The metric a name measures, without a recording rule's level and operations. */
export function baseMetric(name: string): string {
  return parseRecordingRule(name)?.metric ?? name;
}

/** Pod name suffixes: a ReplicaSet hash and a random five (`api-7d9c5f8b4-x2k9q`), or a StatefulSet ordinal (`db-0`). */
const REPLICASET_POD = /^(.+?)-[a-z0-9]{6,10}-[a-z0-9]{5}$/;
const DAEMONSET_POD = /^(.+?)-[a-z0-9]{5}$/;
const STATEFUL_POD = /^(.+?)-\d{1,4}$/;

/** The workload a pod belongs to: `checkout-api-7d9c5f8b4-x2k9q` → `checkout-api`, `postgres-0` → `postgres`. */
export function workloadOfPod(pod: string): string {
  const name = pod.trim().toLowerCase();
  const match = REPLICASET_POD.exec(name) ?? STATEFUL_POD.exec(name) ?? (/\d/.test(name.slice(-5)) ? DAEMONSET_POD.exec(name) : null);
  return match?.[1] ?? name;
}

/** Prefixes that name a protocol or subsystem rather than a service (`http_requests_total`). */
const GENERIC_PREFIXES = new Set(['http', 'https', 'grpc', 'api', 'app', 'process', 'node', 'go', 'system', 'host', 'jvm', 'db']);
const NAMED_SIGNAL = /^(.+?)[._-](?:http[._-])?(?:requests?|errors?|error[._-]?rate|latency|memory|cpu)(?=$|[._-])/i;

/**
 * The service a series belongs to: the first identity label by priority, else a pod's workload, else what an
 * ordinary metric name implies. A recording rule's name never names a service: its first part is an aggregation level.
 */
export function serviceOf(metric: string, tags: Tags): string | null {
  for (const key of SERVICE_LABELS) {
    const value = tags[key]?.trim();
    if (value) return value;
  }
  const pod = tags.pod ?? tags.pod_name ?? tags['k8s.pod.name'];
  if (pod) return workloadOfPod(pod);
  if (parseRecordingRule(metric)) return null;
  return impliedService(metric);
}

/** `checkout.error_rate` and `checkout_requests_total` imply `checkout`; `http_requests_total` implies nothing. */
export function impliedService(metric: string): string | null {
  if (metric.includes(':')) return null;
  const dotted = metric.split('.');
  if (dotted.length > 1 && dotted[0] && !GENERIC_PREFIXES.has(dotted[0].toLowerCase())) return dotted[0];
  const match = NAMED_SIGNAL.exec(metric);
  const prefix = match?.[1];
  if (!prefix || GENERIC_PREFIXES.has(prefix.toLowerCase())) return null;
  return prefix;
}

/** Time per request (latency, duration, histogram buckets and sums): never a count of requests or errors. */
const TIMING =
  /latency|duration|_seconds(?:_sum|_bucket)?$|_seconds_(?:sum|bucket)|_bucket$|_sum$|_ms$|[._]time(?:$|[._])|percentile|p\d\d/i;
const REQUEST_WORDS = /requests?|calls|rpcs?|hits|server_handled|operations|throughput|rps|qps/i;
const ERROR_WORDS = /errors?|failures?|failed|faults|exceptions/i;

/** What a series counts, read from its base name: requests, errors, or neither (latency, saturation, anything else). */
export function countKind(metric: string): 'requests' | 'errors' | undefined {
  const name = baseMetric(metric);
  if (TIMING.test(name) && !/_count$/.test(name)) return undefined;
  if (/error[._-]?(rate|ratio|percent|pct)/i.test(name)) return undefined;
  if (ERROR_WORDS.test(name)) return 'errors';
  if (REQUEST_WORDS.test(name)) return 'requests';
  return undefined;
}

/** Seconds a recording rule's `increase5m`-style operation spans, to bring it to per-second like a `rate`. */
export function increaseWindowSeconds(metric: string): number | undefined {
  const ops = parseRecordingRule(metric)?.operations ?? '';
  const match = /increase(\d+)([smh])/.exec(ops);
  if (!match) return undefined;
  return Number(match[1]) * ({ s: 1, m: 60, h: 3600 } as const)[match[2] as 's' | 'm' | 'h'];
}
