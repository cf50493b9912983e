/**
 * One incident, laid out relative to the wall clock so every backend serves it live ("now" is Date.now()):
 * checkout-api v2.4.1 ships a change that holds a DB connection during a per-item stock check (and raises the pool
 * size); about 20 minutes later its connection pool runs dry and 5xx climb from ~0.1% to ~15%. payment-service v1.9.0
 * is released between the two, closer to the onset, and is innocent.
 */

export const MIN = 60_000;
export const HOUR = 60 * MIN;

export const CULPRIT_SERVICE = 'checkout-api';
export const INNOCENT_SERVICE = 'payment-service';
export const QUIET_SERVICE = 'inventory-service';
export const SERVICES = [CULPRIT_SERVICE, INNOCENT_SERVICE, QUIET_SERVICE] as const;
export type ServiceName = (typeof SERVICES)[number];

export const CULPRIT_TAG = 'checkout-api/v2.4.1';
export const CULPRIT_VERSION = 'v2.4.1';
export const INNOCENT_TAG = 'payment-service/v1.9.0';

export const INCIDENT = `5xx errors on ${CULPRIT_SERVICE}`;

export interface Timeline {
  /** Date.now() rounded down to the minute: the newest metric sample and log line lie at or before it. */
  now: number;
  /** First metric sample. */
  metricsStart: number;
  /** First log line (the rotated file starts here). */
  logsStart: number;
  /** Where the current log files take over from the rotated one. */
  rotatedAt: number;
  /** The culprit release is tagged here. */
  culpritDeployAt: number;
  /** The innocent release is tagged here: after the culprit, closer to the onset. */
  innocentDeployAt: number;
  /** checkout-api's 5xx share and latency jump here. */
  onset: number;
}

export function timeline(wallClock = Date.now()): Timeline {
  const now = Math.floor(wallClock / MIN) * MIN;
  return {
    now,
    metricsStart: now - 4 * HOUR,
    logsStart: now - 8 * HOUR,
    rotatedAt: now - 3 * HOUR,
    culpritDeployAt: now - 80 * MIN,
    innocentDeployAt: now - 65 * MIN,
    onset: now - 60 * MIN,
  };
}

/** A small seeded PRNG (mulberry32): the data has noise, but the same noise on every run. */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}
