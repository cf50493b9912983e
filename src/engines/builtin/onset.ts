import type { AnomalyOut } from '../../../mcp-servers/metrics/schemas.js';
import type { Cited, ErrorRate } from './facts.js';
import { servicesNamedIn } from './text.js';

/** How much each severity says about a series belonging to the incident. */
const SEVERITY_WEIGHT: Record<AnomalyOut['severity'], number> = { low: 0.25, medium: 0.5, high: 1, critical: 1.5 };
/** Error-rate status as evidence that a service is failing. */
const STATUS_WEIGHT: Record<ErrorRate['status'], number> = { ok: 0, elevated: 1, critical: 2 };
/** A service named in the incident text breaks ties but never outweighs a clearly anomalous one. */
const NAMED_BONUS = 0.75;
/** Anomalies weaker than this share of the strongest are background noise for onset purposes. */
const SIGNIFICANT_SHARE = 0.2;
/** Anomalies within this share of the strongest count as equally strong when choosing the onset. */
const ANCHOR_SHARE = 0.8;
/** Leading signals (a saturating pool, a surge) start shortly before the main symptom; earlier shifts are unrelated drift. */
const ONSET_CLUSTER_MS = 30 * 60_000;
/** Further anomalies of one service add this share of their weight: ten metrics of one cascade are not ten services. */
const EXTRA_ANOMALY_SHARE = 0.25;
/** A service is "primary" when its weight reaches this share of the top service's. */
const PRIMARY_SHARE = 0.35;
/** The most services treated as primary; more would make "touches an affected service" meaningless. */
const MAX_PRIMARY = 3;

export interface ServiceWeight {
  service: string;
  weight: number;
}

/** Ranks services by how strongly the metrics and the incident text point at them. */
export function rankServices(
  anomalies: readonly Cited<AnomalyOut>[],
  errorRates: readonly Cited<ErrorRate>[],
  incidentText: string,
  knownServices: readonly string[],
): ServiceWeight[] {
  const weights = new Map<string, number>();
  const add = (service: string | null | undefined, weight: number) => {
    if (!service) return;
    weights.set(service, (weights.get(service) ?? 0) + weight);
  };
  const perService = new Map<string, number[]>();
  for (const { value } of anomalies) {
    // A caller's latency towards one of our own services (tags such as upstream=<service>) points at that service.
    const callee = Object.entries(value.tags).find(([key, tag]) => key !== 'service' && knownServices.includes(tag))?.[1];
    const owner = callee ?? value.service;
    if (owner) perService.set(owner, [...(perService.get(owner) ?? []), SEVERITY_WEIGHT[value.severity]]);
  }
  for (const [service, list] of perService) {
    const sorted = [...list].sort((a, b) => b - a);
    add(service, (sorted[0] ?? 0) + EXTRA_ANOMALY_SHARE * sorted.slice(1).reduce((sum, weight) => sum + weight, 0));
  }
  for (const { value } of errorRates) add(value.service, STATUS_WEIGHT[value.status]);
  const all = [...new Set([...knownServices, ...weights.keys()])].sort();
  for (const service of servicesNamedIn(incidentText, all)) add(service, NAMED_BONUS);
  return [...weights.entries()]
    .map(([service, weight]) => ({ service, weight }))
    .sort((a, b) => b.weight - a.weight || a.service.localeCompare(b.service));
}

/** The top services, down to a share of the leader's weight. */
export function primaryServices(ranked: readonly ServiceWeight[]): string[] {
  const top = ranked[0]?.weight ?? 0;
  if (top <= 0) return [];
  return ranked
    .filter((entry) => entry.weight >= top * PRIMARY_SHARE)
    .slice(0, MAX_PRIMARY)
    .map((entry) => entry.service);
}

export interface Onset {
  /** The strongest anomaly of an affected service: when the incident became visible. Changes are judged against it. */
  anchor: Cited<AnomalyOut>;
  /** The earliest significant anomaly shortly before the anchor (a saturating pool, a surge): where symptoms begin. */
  leading: Cited<AnomalyOut>;
}

/**
 * When the incident began. The anchor is the median onset of the strongest anomalies rather than the earliest,
 * because gradual series report imprecise onsets and unrelated drift starts whenever it likes; a leading signal is
 * kept for the timeline and the symptom split.
 */
export function anomalyOnset(anomalies: readonly Cited<AnomalyOut>[], primary: readonly string[], windowStart: Date): Onset | undefined {
  const top = Math.max(0, ...anomalies.map(({ value }) => value.score));
  const relevant = anomalies.filter(
    ({ value }) =>
      value.score >= top * SIGNIFICANT_SHARE &&
      value.severity !== 'low' &&
      (value.service === null || primary.length === 0 || primary.includes(value.service)) &&
      Date.parse(value.onset) >= windowStart.getTime(),
  );
  // Scores saturate, so the strongest are often tied: the median onset among them is robust to one early gradual series.
  const best = Math.max(0, ...relevant.map(({ value }) => value.score));
  const strongest = relevant
    .filter(({ value }) => value.score >= best * ANCHOR_SHARE)
    .sort((a, b) => Date.parse(a.value.onset) - Date.parse(b.value.onset) || b.value.score - a.value.score);
  const anchor = strongest[Math.floor((strongest.length - 1) / 2)];
  if (!anchor) return undefined;
  const anchorAt = Date.parse(anchor.value.onset);
  const leading =
    relevant
      .filter(({ value }) => Date.parse(value.onset) <= anchorAt && Date.parse(value.onset) >= anchorAt - ONSET_CLUSTER_MS)
      .sort((a, b) => Date.parse(a.value.onset) - Date.parse(b.value.onset) || b.value.score - a.value.score)[0] ?? anchor;
  return { anchor, leading };
}
