import type { AnomalyOut } from '../../../mcp-servers/metrics/schemas.js';
import type { ClassMatch } from './classes.js';
import type { Cited } from './facts.js';
import type { FailureClass } from './failure-class.js';

/**
 * Hosts belong to services. Exporter series (`job="node"`, a `node`/`instance`/`host` label) describe the machine a
 * service runs on: they are attributed to the services seen on the same host, never treated as a service of their
 * own. When a shared host saturates and the service that grew its own usage is not the one suffering, that service
 * is a noisy neighbour.
 */

const HOST_KEYS = ['host', 'hostname', 'instance', 'node', 'nodename', 'node_name', 'kubernetes_node', 'machine'];
/** Names exporters and agents give themselves as `job` or service. */
const EXPORTER =
  /^(node|node[-_]?exporter|host|hosts|kubelet|cadvisor|system|infra|windows[-_]exporter|telegraf|collectd|snmp|snmp[-_]exporter|blackbox|blackbox[-_]exporter)$/i;
const RESOURCE = /cpu|load|memory|mem_|steal|iowait|io_|disk|pressure|psi/i;
const SUFFERING = /latency|duration|error|fail|5xx|timeout/i;
/** A neighbour's own usage must peak no earlier than this before the host's saturation began. */
const TOGETHER_MS = 20 * 60_000;

function hostKey(tags: Record<string, string>): string | undefined {
  for (const key of HOST_KEYS) {
    const value = tags[key];
    if (value) return value.replace(/:\d+$/, '').toLowerCase();
  }
  return undefined;
}

export function isExporter(service: string | null): boolean {
  return service === null || EXPORTER.test(service);
}

/** host → services whose own series carry that host label. */
export function hostMap(series: readonly { metric: string; tags: Record<string, string> }[]): Map<string, string[]> {
  const map = new Map<string, Set<string>>();
  for (const { tags } of series) {
    const host = hostKey(tags);
    const service = tags.service ?? tags.app ?? (tags.job && !EXPORTER.test(tags.job) ? tags.job : undefined);
    if (!host || !service || EXPORTER.test(service)) continue;
    map.set(host, (map.get(host) ?? new Set()).add(service));
  }
  return new Map([...map].map(([host, services]) => [host, [...services].sort()]));
}

export interface HostView {
  /** Anomalies with exporter series re-attributed to a service on their host. */
  anomalies: Cited<AnomalyOut>[];
  /** Exporter anomalies and the services on their host. */
  hostAnomalies: { anomaly: Cited<AnomalyOut>; host: string; services: string[] }[];
}

/**
 * Re-attributes exporter series: to the service on the host that shows its own anomaly (the one it describes best),
 * else to the first service seen there.
 */
export function attributeHosts(anomalies: readonly Cited<AnomalyOut>[], hosts: ReadonlyMap<string, string[]>): HostView {
  const hostAnomalies: HostView['hostAnomalies'] = [];
  const out = anomalies.map((anomaly) => {
    if (!isExporter(anomaly.value.service)) return anomaly;
    const host = hostKey(anomaly.value.tags);
    const services = host ? hosts.get(host) : undefined;
    if (!host || !services || services.length === 0) return anomaly;
    hostAnomalies.push({ anomaly, host, services });
    const moving = services.find((service) => anomalies.some(({ value }) => value.service === service && RESOURCE.test(value.metric)));
    return { ...anomaly, value: { ...anomaly.value, service: moving ?? services[0] ?? null } };
  });
  return { anomalies: out, hostAnomalies };
}

const NEIGHBOUR: FailureClass = {
  key: 'neighbour',
  kind: 'capacity',
  title: 'noisy neighbour on a shared host',
  symptoms: /(?!)/,
  metrics: /(?!)/,
  external: true,
  advice: [
    'Throttle or move the neighbour’s workload (CPU/memory limits, a separate node pool), then check the victim recovers',
    'Give latency-sensitive services guaranteed resources or anti-affinity from batch work',
  ],
};
/** A neighbour verdict backed by host saturation plus the neighbour's own rise is strong metric evidence. */
const NEIGHBOUR_SCORE = { base: 0.35, perSeverity: 0.25 };
const SEVERITY_SHARE: Record<AnomalyOut['severity'], number> = { low: 0.25, medium: 0.5, high: 0.85, critical: 1 };

/**
 * A saturated host whose services include one that suffers (in `affected`) and another whose own resource use rose at
 * the same time: the other one is the noisy neighbour.
 */
export function noisyNeighbour(
  view: HostView,
  anomalies: readonly Cited<AnomalyOut>[],
  affected: readonly string[],
): (ClassMatch & { host: string; victim: string }) | undefined {
  for (const { anomaly, host, services } of view.hostAnomalies) {
    if (anomaly.value.direction !== 'up' || !RESOURCE.test(anomaly.value.metric)) continue;
    // The victim shows the incident in its own latency or errors, not only in its resource use.
    const victim =
      services.find(
        (service) => affected.includes(service) && anomalies.some(({ value }) => value.service === service && SUFFERING.test(value.metric)),
      ) ?? services.find((service) => affected.includes(service));
    const at = Date.parse(anomaly.value.onset);
    const rising = anomalies
      .filter(
        ({ value }) =>
          value.service !== null &&
          value.service !== victim &&
          services.includes(value.service) &&
          value.direction === 'up' &&
          RESOURCE.test(value.metric) &&
          value.recovered !== true &&
          // Onsets of gradual rises are imprecise; the neighbour's usage must still be high when the host saturates.
          Date.parse(value.peakAt) >= at - TOGETHER_MS,
      )
      .sort((a, b) => b.value.score - a.value.score);
    const neighbour = rising[0];
    if (!victim || !neighbour?.value.service) continue;
    return {
      cls: NEIGHBOUR,
      score: NEIGHBOUR_SCORE.base + NEIGHBOUR_SCORE.perSeverity * SEVERITY_SHARE[anomaly.value.severity],
      symptomShare: 0,
      symptoms: [],
      anomalies: [anomaly, neighbour],
      service: neighbour.value.service,
      host,
      victim,
    };
  }
  return undefined;
}
