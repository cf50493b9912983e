import { SERVICE_LABELS } from '../../../mcp-servers/metrics/analysis/semantics.js';
import type { AnomalyOut } from '../../../mcp-servers/metrics/schemas.js';
import type { ClassMatch } from './classes.js';
import { DIMENSION_KEYS } from './dimensions.js';
import type { Cited } from './facts.js';
import type { FailureClass } from './failure-class.js';
import { isExporter } from './hosts.js';

/**
 * Untagged infrastructure: series that name no service (a node's CPU steal, a volume's IO wait, a NAT gateway's
 * port allocation, a database instance) but carry where they are: a zone, a region, a cluster, a node or an
 * instance. When such a series left its baseline and the affected service's failing series carry the same value,
 * the two are linked: the infrastructure in that place is a suspect, and stronger still when the same series in
 * other places stayed in band while the service suffered only where it shares a place with it.
 */

/** Labels that place a series, each with the dimension a report names. Versions are not places. */
const PLACE_KEYS: Record<string, string> = {
  ...Object.fromEntries(Object.entries(DIMENSION_KEYS).filter(([, dimension]) => dimension !== 'version')),
  node: 'node',
  nodename: 'node',
  node_name: 'node',
  kubernetes_node: 'node',
  'k8s.node.name': 'node',
  host: 'host',
  hostname: 'host',
  'host.name': 'host',
  instance: 'instance',
};
/** Series that show a service suffering rather than working harder. */
const SUFFERING = /error|fail|5xx|latency|duration|p9\d|timeout|saturation/i;
/** Infrastructure moves worth linking: a medium move alone is weather. */
const LINKED_SEVERITIES = new Set<AnomalyOut['severity']>(['high', 'critical']);
/** The infrastructure series must move no later than this after the service began to suffer. */
const LINK_LEAD_MS = 15 * 60_000;

export interface InfraLink {
  /** The infrastructure anomaly, re-attributed to the service it is linked to. */
  anomaly: Cited<AnomalyOut>;
  service: string;
  /** The shared label and its value (`zone` = `eu-central-1b`). */
  key: string;
  dimension: string;
  value: string;
  /** The service's failing series in that place. */
  suffering: Cited<AnomalyOut>[];
  /** Other values of the same label whose copy of the infrastructure series stayed in band. */
  quietElsewhere: string[];
}

function normal(value: string): string {
  return value.replace(/:\d+$/, '').toLowerCase();
}

/** The place a series' tags give for a dimension, whichever label spells it (`zone`, `topology_kubernetes_io_zone`). */
function placeOf(tags: Record<string, string>, dimension: string): string | undefined {
  for (const [key, value] of Object.entries(tags)) if (PLACE_KEYS[key] === dimension && value) return normal(value);
  return undefined;
}

/**
 * Links each untagged infrastructure anomaly to an affected service whose failing series share one of its place
 * labels; the earliest-starting, most severe link first.
 */
export function linkInfrastructure(
  anomalies: readonly Cited<AnomalyOut>[],
  series: readonly { metric: string; tags: Record<string, string> }[],
  affected: readonly string[],
): InfraLink[] {
  const links: InfraLink[] = [];
  const infra = anomalies.filter(({ value }) => untagged(value) && value.direction === 'up' && LINKED_SEVERITIES.has(value.severity));
  for (const anomaly of infra) {
    for (const key of Object.keys(PLACE_KEYS)) {
      const raw = anomaly.value.tags[key];
      if (!raw) continue;
      const value = normal(raw);
      const dimension = PLACE_KEYS[key]!;
      const found = affected
        .map((service) => ({
          service,
          suffering: anomalies.filter(
            ({ value: a }) =>
              a.service === service &&
              a.direction === 'up' &&
              SUFFERING.test(a.metric) &&
              placeOf(a.tags, dimension) === value &&
              Date.parse(anomaly.value.onset) <= Date.parse(a.onset) + LINK_LEAD_MS,
          ),
        }))
        .find((entry) => entry.suffering.length > 0);
      if (!found) continue;
      // The same series elsewhere (same name, other value of the label) that raised no anomaly stayed in band.
      const places = (list: readonly { metric: string; tags: Record<string, string> }[]) =>
        list.filter((s) => s.metric === anomaly.value.metric).map((s) => placeOf(s.tags, dimension));
      const elsewhere = new Set(places(series).filter((place): place is string => place !== undefined && place !== value));
      // Only a move as strong as a link's counts as "moved there too"; a medium wobble is a normal day.
      const moved = anomalies.map(({ value: a }) => a).filter((a) => LINKED_SEVERITIES.has(a.severity) && a.direction === 'up');
      for (const place of places(moved)) if (place) elsewhere.delete(place);
      links.push({
        anomaly: { ...anomaly, value: { ...anomaly.value, service: found.service } },
        service: found.service,
        key,
        dimension,
        value: raw,
        suffering: found.suffering,
        quietElsewhere: [...elsewhere].sort(),
      });
      break;
    }
  }
  const rank: Record<AnomalyOut['severity'], number> = { critical: 3, high: 2, medium: 1, low: 0 };
  return links.sort(
    (a, b) =>
      b.quietElsewhere.length - a.quietElsewhere.length ||
      rank[b.anomaly.value.severity] - rank[a.anomaly.value.severity] ||
      Date.parse(a.anomaly.value.onset) - Date.parse(b.anomaly.value.onset),
  );
}

/** Linked infrastructure is strong evidence; confined to the failing place (quiet elsewhere) stronger still. */
const LINK_SCORE = { base: 0.3, perSeverity: 0.15, confined: 0.15 };
const SEVERITY_SHARE: Record<AnomalyOut['severity'], number> = { low: 0.25, medium: 0.5, high: 0.85, critical: 1 };

/** The best link as a failure class, so it competes with changes on one scale. */
export function infraClass(link: InfraLink | undefined): ClassMatch | undefined {
  if (!link) return undefined;
  const where = `${link.dimension} ${link.value}`;
  const cls: FailureClass = {
    key: 'shared-infrastructure',
    kind: 'infrastructure',
    title: `shared infrastructure in ${where} (${link.anomaly.value.metric})`,
    symptoms: /(?!)/,
    metrics: /(?!)/,
    external: true,
    advice: [
      `Check the infrastructure behind ${link.anomaly.value.metric} in ${where} (the node, volume, gateway or instance), and move ${link.service} away from it while it is fixed`,
      `Compare ${link.anomaly.value.metric} across every ${link.dimension}: the places where it stayed normal show what healthy looks like`,
    ],
  };
  return {
    cls,
    score:
      LINK_SCORE.base +
      LINK_SCORE.perSeverity * SEVERITY_SHARE[link.anomaly.value.severity] +
      (link.quietElsewhere.length > 0 ? LINK_SCORE.confined : 0),
    symptomShare: 0,
    symptoms: [],
    anomalies: [link.anomaly, ...link.suffering.slice(0, 1)],
    service: link.service,
  };
}

/** One sentence for the report: which series, where, shared with which failing service, and where it stayed normal. */
export function infraSentence(link: InfraLink | undefined): string {
  if (!link) return '';
  const quiet = link.quietElsewhere.length > 0 ? `; in ${link.quietElsewhere.join(', ')} the same series stayed normal` : '';
  return ` ${link.anomaly.value.metric}, a series of no service, left its baseline in ${link.dimension} ${link.value} at ${link.anomaly.value.onset.slice(11, 16)} UTC, where the failing ${link.service} series run${quiet}.`;
}

/**
 * A series of no service: an exporter's, or one with no identity label at all, whatever service its metric name seems
 * to imply (`storage_array_write_latency_ms` is not a service called storage_array_write).
 */
export function untagged(anomaly: AnomalyOut): boolean {
  return isExporter(anomaly.service) || !SERVICE_LABELS.some((key) => anomaly.tags[key]);
}

/** The anomalies with every linked infrastructure series attributed to the service it is linked to. */
export function withLinkedInfra(anomalies: readonly Cited<AnomalyOut>[], links: readonly InfraLink[]): Cited<AnomalyOut>[] {
  const linked = new Map(links.map((link) => [link.anomaly.value.metric + JSON.stringify(link.anomaly.value.tags), link.service]));
  return anomalies.map((anomaly) => {
    if (!untagged(anomaly.value)) return anomaly;
    const service = linked.get(anomaly.value.metric + JSON.stringify(anomaly.value.tags));
    return service ? { ...anomaly, value: { ...anomaly.value, service } } : anomaly;
  });
}
