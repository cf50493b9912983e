import { createHash } from 'node:crypto';
import type { IncidentIdentity, SimilarityReason } from './types.js';

/** Below this a match is noise: one shared service or suspect kind alone is not "similar". */
export const MIN_SIMILARITY = 1;
export const SERVICE_WEIGHT = 0.6;
export const SUSPECT_KIND_WEIGHT = 0.3;
export const METRIC_WEIGHT = 0.4;

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
  signatures: string[];
  metrics: string[];
}

/** The score and its reasons; `df` gives how many remembered incidents carry a signature. */
export function similarity(
  query: Pick<IncidentIdentity, 'services' | 'suspectKind' | 'signatures' | 'metrics'>,
  candidate: Candidate,
  total: number,
  df: (signature: string) => number,
): { score: number; reasons: SimilarityReason[] } {
  const reasons: SimilarityReason[] = [];
  const theirs = new Set(candidate.signatures);
  for (const signature of query.signatures) {
    if (theirs.has(signature)) reasons.push({ kind: 'signature', value: signature, weight: rarityWeight(total, df(signature)) });
  }
  const services = new Set(candidate.services);
  for (const service of query.services)
    if (services.has(service)) reasons.push({ kind: 'service', value: service, weight: SERVICE_WEIGHT });
  if (query.suspectKind && query.suspectKind !== 'unknown' && query.suspectKind === candidate.suspectKind) {
    reasons.push({ kind: 'suspect_kind', value: query.suspectKind, weight: SUSPECT_KIND_WEIGHT });
  }
  const metrics = new Set(candidate.metrics);
  for (const metric of query.metrics) if (metrics.has(metric)) reasons.push({ kind: 'metric', value: metric, weight: METRIC_WEIGHT });
  reasons.sort((a, b) => b.weight - a.weight);
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
    case 'suspect_kind':
      return `same suspect kind (${reason.value})`;
    case 'metric':
      return `same anomalous metric ${reason.value}`;
    case 'words':
      return `similar wording (${reason.value})`;
  }
}
