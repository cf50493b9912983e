import type { AnomalyOut } from '../../../mcp-servers/metrics/schemas.js';
import type { Cited } from './facts.js';
import { type Symptom, symptomText } from './symptoms.js';

/**
 * The holder of a lock. Requests that time out waiting on a lock are stuck behind whoever holds it, and that is rarely
 * the service whose requests fail: a batch job, a worker, a migration with its transaction left open. Database
 * exporters report the longest open transaction per session, labelled with the session's application (or role); the
 * oldest transaction still growing while others wait on locks is the one holding them, and a known service running
 * it is where the cause lies.
 */

/** A statement that gave up or is waiting on a lock (PostgreSQL, MySQL, drivers' exception names). */
const LOCK_WAIT =
  /lock timeout|lock wait|still waiting for \w*lock|waits for \w*lock|could not obtain lock|locknotavailable|lock_not_available|lock wait timeout exceeded/i;
/** Series of a transaction's age or duration. */
const TRANSACTION_AGE = /xact|transaction|trx_|tx_duration|tx_age|idle_in_transaction/i;
/** Labels naming the client a database session belongs to, most specific first. */
const SESSION_LABELS = ['application_name', 'application', 'client_application', 'app_name', 'usename', 'user'] as const;
/** A transaction open this long outlives any lock wait a request tolerates: it holds, it does not wait. */
export const MIN_HOLD_SECONDS = 60;

export function isLockWait(text: string): boolean {
  return LOCK_WAIT.test(text);
}

export interface LockHolder {
  service: string;
  transaction: Cited<AnomalyOut>;
}

function seconds(value: number, unit: string | null | undefined): number {
  if (unit && /^(ms|milliseconds?)$/i.test(unit)) return value / 1000;
  return value;
}

function sessionService(tags: Record<string, string>, known: ReadonlyMap<string, string>): string | undefined {
  for (const label of SESSION_LABELS) {
    const value = tags[label]?.trim().toLowerCase();
    const service = value ? known.get(value) : undefined;
    if (service) return service;
  }
  return undefined;
}

export function findLockHolder(
  anomalies: readonly Cited<AnomalyOut>[],
  symptoms: readonly Symptom[],
  knownServices: readonly string[],
): LockHolder | undefined {
  if (!symptoms.some((symptom) => LOCK_WAIT.test(symptomText(symptom)))) return undefined;
  const known = new Map(knownServices.map((service) => [service.toLowerCase(), service]));
  // Waiters' transactions grow too while they wait: the oldest one is the holder.
  const oldest = anomalies
    .filter(({ value }) => value.direction === 'up' && value.recovered !== true && TRANSACTION_AGE.test(value.metric))
    .sort((a, b) => seconds(b.value.peak, b.value.unit) - seconds(a.value.peak, a.value.unit))[0];
  if (!oldest || seconds(oldest.value.peak, oldest.value.unit) < MIN_HOLD_SECONDS) return undefined;
  const service = sessionService(oldest.value.tags, known);
  return service ? { service, transaction: oldest } : undefined;
}
