import type { PruneResult, StateStore } from './types.js';

/** How often old state is pruned; daily would do, hourly keeps each prune small. */
export const PRUNE_INTERVAL_MS = 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface RetentionLogger {
  info(...args: unknown[]): void;
  warn(...args: unknown[]): void;
}

/**
 * Deletes state older than `days` now and then every PRUNE_INTERVAL_MS, so the file stays bounded over months.
 * Returns a stop function; the timer never keeps the process alive.
 */
export function startRetention(
  store: StateStore,
  days: number,
  logger: RetentionLogger,
  intervalMs = PRUNE_INTERVAL_MS,
  now: () => number = Date.now,
  /** Runs each prune only where it should (one replica at a time: Replica.runAlone); default: always here. */
  alone: (task: () => Promise<void>) => Promise<unknown> = (task) => task(),
): () => void {
  const prune = async (): Promise<PruneResult | undefined> => {
    try {
      const result = await store.prune(now() - days * DAY_MS);
      const total = result.analyses + result.alerts + result.events + result.votes;
      if (total > 0)
        logger.info(
          `state: pruned ${result.analyses} analyses, ${result.alerts} alert fingerprints, ${result.events} event ids, ${result.votes} votes, ${result.alertGroups} alert groups older than ${days} days`,
        );
      return result;
    } catch (error) {
      logger.warn(`state: prune failed: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    }
  };
  const round = () =>
    void alone(async () => {
      await prune();
    }).catch(() => {});
  round();
  const timer = setInterval(round, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
