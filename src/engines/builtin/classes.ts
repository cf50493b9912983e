import { countKind, outcomeOf } from '../../../mcp-servers/metrics/analysis/semantics.js';
import type { AnomalyOut } from '../../../mcp-servers/metrics/schemas.js';
import { peerOf } from './cascade.js';
import type { Cited } from './facts.js';
import type { FailureClass } from './failure-class.js';
import { CACHE_CLASS, IO_CLASS, measuresSpace } from './resource-classes.js';
import { type Symptom, symptomText } from './symptoms.js';
import { otherServicesNamed } from './text.js';

export const FAILURE_CLASSES: readonly FailureClass[] = [
  {
    key: 'dns',
    kind: 'dependency',
    title: 'DNS resolution failure',
    symptoms:
      /ENOTFOUND|EAI_AGAIN|getaddrinfo|NXDOMAIN|SERVFAIL|name resolution|resolve host|could not resolve|no such host|name or service not known|temporary failure in name resolution|\bdns\b/i,
    metrics: /dns|resolver|resolution/i,
    external: true,
    advice: ['Check the DNS records and resolver health for the failing hostname; restore the record or fail over to a working resolver'],
  },
  {
    key: 'certificate',
    kind: 'dependency',
    title: 'TLS certificate / handshake failure',
    symptoms: /certificate|x509|handshake|CERT_|self[- ]signed|ssl|tls/i,
    metrics: /cert|tls|ssl/i,
    external: true,
    advice: ['Renew or re-deploy the expired/invalid certificate and add expiry alerting'],
  },
  {
    key: 'upstream',
    kind: 'dependency',
    title: 'upstream dependency slowdown / timeouts',
    // Timeouts count when they are about calling something, not about waiting for a local resource such as a pool.
    symptoms:
      /upstream|time[ds]? ?out (calling|contacting|connecting|talking|waiting for (a )?(response|reply|upstream))|(call|request|connect)(ing)? to \S+ (timed out|failed)|ETIMEDOUT|ECONNREFUSED|ECONNRESET|circuit[- ]?breaker|bad gateway|gateway timeout|\b50[234]\b|provider|third[- ]party|external/i,
    metrics: /upstream|external|dependency|provider|third_?party|outbound|downstream|gateway/i,
    direction: 'up',
    external: true,
    notBetweenOwnServices: true,
    advice: [
      'Confirm the upstream provider’s status and open a ticket with them; fail over or degrade gracefully meanwhile',
      'Tighten client timeouts and make sure the circuit breaker opens so callers fail fast instead of piling up',
    ],
  },
  {
    key: 'disk',
    kind: 'infrastructure',
    title: 'disk full (no space left on device)',
    symptoms: /ENOSPC|no space left|disk (is )?full|disk quota|read-only file ?system|inode/i,
    metrics: /disk|filesystem|\bfs_|_fs_|volume|inode|storage/i,
    moves: measuresSpace,
    external: true,
    advice: ['Free disk space on the affected hosts (logs, temp files), then add disk-usage alerting and log rotation/retention'],
  },
  {
    key: 'node',
    kind: 'infrastructure',
    title: 'node / host failure',
    symptoms: /node not ready|NodeNotReady|evicted|kernel|hardware|host unreachable|EHOSTUNREACH|network is unreachable/i,
    metrics: /^node_|host_|packet|network/i,
    external: true,
    advice: ['Drain and replace the unhealthy node; check the cluster’s node health and scheduling'],
  },
  {
    key: 'surge',
    kind: 'capacity',
    title: 'traffic surge beyond capacity',
    symptoms: /too many requests|\b429\b|rate[- ]limit|throttl|queue (is )?full|rejected|overload|shed/i,
    metrics: /request|rps|qps|traffic|throughput|sessions|concurrent/i,
    // A timer's percentile (`http_server_requests_seconds_p99`) measures time, not traffic; its `_count` is traffic.
    notMetrics: /error|fail|latency|duration|time|5xx|4xx|seconds(?!_count)|_p\d\d|percentile/i,
    direction: 'up',
    external: true,
    ingressOnly: true,
    needsTrafficRise: true,
    advice: ['Scale out the saturated service and apply rate limiting; find the traffic source (campaign, retry storm, bot)'],
  },
  {
    key: 'pool',
    kind: 'capacity',
    title: 'saturated resource pool (connections / workers)',
    symptoms: /pool|no (available|free) connections?|too many connections|saturat|exhausted|queue full|acquire|max_?connections/i,
    metrics: /pool|connections|saturation|utili[sz]ation|threads|workers/i,
    direction: 'up',
    external: false,
    advice: ['Raise/resize the pool for the current load and find what holds connections (slow queries, leaks, missing release)'],
  },
  {
    key: 'memory',
    kind: 'capacity',
    title: 'memory exhaustion (OOM)',
    symptoms: /out of memory|OOM|heap|memory|allocation failed|GC overhead/i,
    metrics: /memory|heap|rss|\bgc\b/i,
    direction: 'up',
    external: false,
    advice: ['Restart or scale the affected pods to restore service, then profile the heap to find what keeps growing'],
  },
  {
    key: 'cpu',
    kind: 'capacity',
    title: 'CPU saturation',
    symptoms: /cpu|event loop (lag|blocked)|throttled/i,
    metrics: /cpu|load|event_?loop/i,
    direction: 'up',
    external: false,
    nearCapacity: true,
    advice: ['Scale out or up the CPU-bound service and profile the hot path'],
  },
  CACHE_CLASS,
  IO_CLASS,
];

/** Weight of log symptoms in a class's score. */
const SYMPTOM_WEIGHT = 0.45;
/** Metric evidence for an external cause argues strongly that no change is to blame. */
const EXTERNAL_METRIC_WEIGHT = 0.4;
/** Metric evidence for an internal resource (pool, heap) is as often a change's effect as a cause. */
const INTERNAL_METRIC_WEIGHT = 0.15;
const SEVERITY_SHARE: Record<AnomalyOut['severity'], number> = { low: 0.25, medium: 0.5, high: 0.85, critical: 1 };

export interface ClassMatch {
  cls: FailureClass;
  score: number;
  /** Share of the symptom score this class explains, 0..1. */
  symptomShare: number;
  symptoms: Symptom[];
  anomalies: Cited<AnomalyOut>[];
  service?: string;
  /** Found in the system's own state (a node condition the failing pods share), not inferred from logs and metrics. */
  state?: boolean;
}

/** Scores every failure class against the symptoms and anomalies; best first, only classes with any evidence. */
export function matchClasses(symptoms: readonly Symptom[], anomalies: readonly Cited<AnomalyOut>[], scope: ClassScope = {}): ClassMatch[] {
  const knownServices = scope.knownServices ?? [];
  const affected = scope.affected ?? [];
  const total = symptoms.reduce((sum, symptom) => sum + symptom.score, 0);
  const matches: ClassMatch[] = [];
  for (const cls of FAILURE_CLASSES) {
    const hits = symptoms.filter(
      (symptom) => cls.symptoms.test(symptomText(symptom)) && !(cls.notBetweenOwnServices && namesOwnService(symptom, knownServices)),
    );
    const symptomShare = total > 0 ? hits.reduce((sum, symptom) => sum + symptom.score, 0) / total : 0;
    const metricHits = anomalies.filter(
      ({ value }) =>
        cls.metrics.test(metricText(value)) &&
        !cls.notMetrics?.test(value.metric) &&
        (cls.moves ? cls.moves(value) : cls.direction === undefined || value.direction === cls.direction) &&
        !(cls.notBetweenOwnServices && isOwnService(subjectOf(value), knownServices)) &&
        !(cls.ingressOnly && (peerOf(value) !== undefined || (scope.onset !== undefined && !nearOnset(value, scope.onset)))) &&
        (affected.length === 0 || value.service === null || affected.includes(value.service) || nearOnset(value, scope.onset)) &&
        !(cls.needsTrafficRise && !isTrafficRise(value)) &&
        !(cls.nearCapacity && !nearCapacity(value)),
    );
    if ((cls.needsTrafficRise || cls.needsMetric) && metricHits.length === 0) continue;
    const metricStrength = Math.max(0, ...metricHits.map(({ value }) => SEVERITY_SHARE[value.severity]));
    const score = symptomShare * SYMPTOM_WEIGHT + metricStrength * (cls.external ? EXTERNAL_METRIC_WEIGHT : INTERNAL_METRIC_WEIGHT);
    if (score <= 0) continue;
    const service = metricHits[0]?.value.service ?? hits[0]?.services[0] ?? undefined;
    matches.push({ cls, score, symptomShare, symptoms: hits, anomalies: metricHits, service: service ?? undefined });
  }
  return matches.sort((a, b) => b.score - a.score || a.cls.key.localeCompare(b.cls.key));
}

export interface ClassScope {
  knownServices?: readonly string[];
  /** Services showing the incident; metrics of other services count only when they moved with the onset. */
  affected?: readonly string[];
  onset?: Date;
}

/** How close to the onset an unrelated service's series must move to be part of the incident (a DNS server, a cache). */
const NEAR_ONSET_MS = 30 * 60_000;

function nearOnset(anomaly: AnomalyOut, onset: Date | undefined): boolean {
  return onset !== undefined && Math.abs(Date.parse(anomaly.onset) - onset.getTime()) <= NEAR_ONSET_MS;
}

/**
 * Trouble reaching one of our own services is that service's failure, not an external dependency's: a symptom whose
 * text names another known service, or a series whose subject tag is one, is no evidence for an external cause.
 */
function namesOwnService(symptom: Symptom, knownServices: readonly string[]): boolean {
  return otherServicesNamed(symptomText(symptom), symptom.services, knownServices).length > 0;
}

function isOwnService(subject: string | undefined, knownServices: readonly string[]): boolean {
  return subject !== undefined && knownServices.includes(subject);
}

/** A share of a capacity at or above this is near it: the saturation a capacity class needs. */
export const NEAR_CAPACITY_SHARE = 0.85;

/** Whether a series that is a share of a capacity (percent, or a 0..1 utilisation) peaked near it; other series pass. */
export function nearCapacity(anomaly: AnomalyOut): boolean {
  const unit = (anomaly.unit ?? '').toLowerCase();
  if (unit === '%' || unit === 'percent') return anomaly.peak >= NEAR_CAPACITY_SHARE * 100;
  if (unit === 'ratio' || /(_ratio|utili[sz]ation)$/i.test(anomaly.metric)) return anomaly.peak >= NEAR_CAPACITY_SHARE;
  return true;
}

/** Total traffic must rise by at least this share of its baseline to be a surge rather than noise or a daily swing. */
export const SURGE_MIN_RATIO = 1.3;

/** An upward move of a series that counts requests of every outcome, or of successful ones: more traffic, not more errors. */
export function isTrafficRise(anomaly: AnomalyOut): boolean {
  const outcome = outcomeOf(anomaly.tags);
  return (
    (outcome === undefined || outcome === 'success') &&
    countKind(anomaly.metric) !== 'errors' &&
    anomaly.direction === 'up' &&
    anomaly.ratio >= SURGE_MIN_RATIO
  );
}

/** A metric's name with its tag keys, so `latency{upstream=…}` counts as an upstream series. */
function metricText(anomaly: AnomalyOut): string {
  return [anomaly.metric, ...Object.keys(anomaly.tags).filter((key) => key !== 'service')].join(' ');
}

/** A tag value other than the service that names what the series measures (an upstream host, a disk mount). */
export function subjectOf(anomaly: AnomalyOut): string | undefined {
  const keys = Object.keys(anomaly.tags)
    .filter((key) => key !== 'service')
    .sort();
  const key = keys[0];
  return key === undefined ? undefined : anomaly.tags[key];
}
