import { createHash } from 'node:crypto';
import type { IncidentIdentity, SimilarityReason } from './types.js';

/** Below this a match is noise: one shared service or suspect kind alone is not "similar". */
export const MIN_SIMILARITY = 1;
export const SERVICE_WEIGHT = 0.6;
export const SUSPECT_KIND_WEIGHT = 0.3;
export const METRIC_WEIGHT = 0.4;
/** The same suspect (a deployment id, a commit, a confirmed culprit) is as strong a tie as a shared rare signature. */
export const SUSPECT_WEIGHT = 1;
/**
 * What makes two incidents similar: a shared error signature or the same cause. A shared service, suspect kind or
 * anomalous metric (every incident has an error rate) only adds to such a match; on its own it is coincidence.
 */
const DEFINING: ReadonlySet<SimilarityReason['kind']> = new Set(['signature', 'suspect']);

/** Whole values as single FTS tokens (letters and digits only), so a shared signature matches exactly. */
export function token(prefix: 's' | 'v' | 'm', value: string): string {
  return `${prefix}${createHash('sha1').update(value).digest('hex').slice(0, 16)}`;
}

/**
 * A signature's weight by rarity: idf over the remembered incidents, so a signature every incident shares (a noisy
 * health-check error) counts for little and one seen once before counts most.
 */
export function rarityWeight(total: number, withSignature: number): number {
  return 1 + Math.log((1 + total) / (1 + withSignature));
}

export interface Candidate {
  services: string[];
  suspectKind?: string;
  suspectId?: string;
  /** What a person confirmed was the culprit (a deployment id, a commit, a kind). */
  culprit?: string;
  signatures: string[];
  metrics: string[];
}

function sameCause(a: string | undefined, b: string | undefined): boolean {
  return !!a && !!b && a.trim().toLowerCase() === b.trim().toLowerCase();
}

/** The score and its reasons; `df` gives how many remembered incidents carry a signature. */
export function similarity(
  query: Pick<IncidentIdentity, 'services' | 'suspectKind' | 'suspectId' | 'signatures' | 'metrics'>,
  candidate: Candidate,
  total: number,
  df: (signature: string) => number,
): { score: number; reasons: SimilarityReason[] } {
  const reasons: SimilarityReason[] = [];
  const theirs = new Set(candidate.signatures);
  for (const signature of query.signatures) {
    if (theirs.has(signature)) reasons.push({ kind: 'signature', value: signature, weight: rarityWeight(total, df(signature)) });
  }
  // Their suspect, or the culprit a person confirmed for them, is the suspect named now.
  const cause = [candidate.suspectId, candidate.culprit].find((theirs) => sameCause(query.suspectId, theirs));
  if (cause) reasons.push({ kind: 'suspect', value: query.suspectId ?? cause, weight: SUSPECT_WEIGHT });
  const services = new Set(candidate.services);
  for (const service of query.services)
    if (services.has(service)) reasons.push({ kind: 'service', value: service, weight: SERVICE_WEIGHT });
  if (query.suspectKind && query.suspectKind !== 'unknown' && query.suspectKind === candidate.suspectKind) {
    reasons.push({ kind: 'suspect_kind', value: query.suspectKind, weight: SUSPECT_KIND_WEIGHT });
  }
  const metrics = new Set(candidate.metrics);
  for (const metric of query.metrics) if (metrics.has(metric)) reasons.push({ kind: 'metric', value: metric, weight: METRIC_WEIGHT });
  reasons.sort((a, b) => b.weight - a.weight);
  if (!reasons.some((reason) => DEFINING.has(reason.kind))) return { score: 0, reasons: [] };
  const score = reasons.reduce((sum, reason) => sum + reason.weight, 0);
  return { score: Math.round(score * 100) / 100, reasons };
}

/** One reason as the reader sees it: "same error signature `…`". */
export function describeReason(reason: SimilarityReason): string {
  switch (reason.kind) {
    case 'signature':
      return `same error signature \`${reason.value.length > 90 ? `${reason.value.slice(0, 89)}…` : reason.value}\``;
    case 'service':
      return `same service ${reason.value}`;
    case 'suspect':
      return `same suspect ${reason.value}`;
    case 'suspect_kind':
      return `same suspect kind (${reason.value})`;
    case 'metric':
      return `same anomalous metric ${reason.value}`;
    case 'words':
      return `similar wording (${reason.value})`;
  }
}
