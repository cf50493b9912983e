/**
 * Which PostgreSQL failures are worth retrying: the connection went away (a restart, a failover, a network blip) or
 * the server is not accepting connections yet. Everything the store writes is an upsert or an insert that ignores a
 * duplicate, so running one again after such a failure does no harm.
 */
const TRANSIENT_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  '57P01', // admin_shutdown: the server is stopping
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now: starting up or shutting down
  '08000', // connection_exception
  '08001', // sqlclient_unable_to_establish_sqlconnection
  '08003', // connection_does_not_exist
  '08006', // connection_failure
  '40001', // serialization_failure
  '40P01', // deadlock_detected
]);

/** Driver messages for a connection lost mid-query, which carry no code. */
const TRANSIENT_MESSAGE =
  /Connection terminated|connection timeout|Client has encountered a connection error|timeout exceeded when trying to connect/i;

export function isTransient(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && TRANSIENT_CODES.has(code)) return true;
  return TRANSIENT_MESSAGE.test(error.message);
}

export interface RetryPolicy {
  /** Give up once this much time has passed since the first try: the caller then sees the last error. */
  maxMs: number;
  firstDelayMs: number;
  maxDelayMs: number;
}

/** A PostgreSQL restart takes seconds; an outage past this is reported rather than waited out by every caller. */
export const DEFAULT_RETRY: RetryPolicy = { maxMs: 30_000, firstDelayMs: 50, maxDelayMs: 2_000 };

/** Runs `attempt` until it succeeds, fails with a non-transient error, or the policy's time is up. */
export async function withRetry<T>(attempt: () => Promise<T>, policy: RetryPolicy = DEFAULT_RETRY): Promise<T> {
  const started = Date.now();
  let delay = policy.firstDelayMs;
  // Bounded by policy.maxMs: each pass either returns, throws, or sleeps towards the deadline.
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      if (!isTransient(error) || Date.now() - started + delay > policy.maxMs) throw error;
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, policy.maxDelayMs);
    }
  }
}
