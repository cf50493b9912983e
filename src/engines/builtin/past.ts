import type { PastIncident } from '../../agent/types.js';
import type { Hypothesis } from './hypotheses.js';

/** Scores closer than this are a tie; anything further apart is decided by evidence alone. */
const TIE_EPSILON = 1e-9;

/**
 * Past incidents break exact ties only: among hypotheses scoring the same as the best, one whose kind a person
 * confirmed in a similar past incident goes first. It never raises a score or overrides evidence, and an
 * unconfirmed past report counts for nothing (it may have been wrong).
 */
export function breakTiesWithPast(hypotheses: Hypothesis[], past: readonly PastIncident[] | undefined): Hypothesis[] {
  const best = hypotheses[0];
  if (!best || !past?.length) return hypotheses;
  const confirmedKinds = new Set(past.filter((p) => p.confirmedCause && p.suspectKind).map((p) => p.suspectKind));
  if (confirmedKinds.size === 0) return hypotheses;
  const tied = hypotheses.filter((h) => Math.abs(h.score - best.score) <= TIE_EPSILON);
  const preferred = tied.find((h) => confirmedKinds.has(h.kind));
  if (!preferred || preferred === best) return hypotheses;
  return [preferred, ...hypotheses.filter((h) => h !== preferred)];
}
