import type { Anomaly } from '../analysis/anomalies.js';
import { CLIMB_LOOKBACK_DAYS, CLIMB_MAX_POINTS, climbStart } from '../analysis/climb-start.js';
import type { MetricsBackend } from '../types.js';

const DAY_MS = 24 * 3_600_000;
/** History is fetched for at most this many climbing series per call: a bound on backend queries. */
export const MAX_CLIMB_FETCHES = 8;

/**
 * Adds to each slow exhaustion when its climb began, from the series' history up to CLIMB_LOOKBACK_DAYS before the
 * window's end. A series the backend cannot give back by name (a derived query) keeps no start: unknown, not wrong.
 */
export async function withClimbStarts(backend: MetricsBackend, anomalies: Anomaly[], until: Date): Promise<Anomaly[]> {
  const since = new Date(until.getTime() - CLIMB_LOOKBACK_DAYS * DAY_MS);
  let fetches = 0;
  const out: Anomaly[] = [];
  for (const anomaly of anomalies) {
    if (!anomaly.exhaustion || fetches >= MAX_CLIMB_FETCHES) {
      out.push(anomaly);
      continue;
    }
    fetches++;
    let start: number | null = null;
    try {
      const { series } = await backend.getSeries({
        metric: anomaly.metric,
        tags: anomaly.tags,
        range: { since, until },
        maxPoints: CLIMB_MAX_POINTS,
      });
      const same =
        series.find((s) => JSON.stringify(s.tags) === JSON.stringify(anomaly.tags)) ?? (series.length === 1 ? series[0] : undefined);
      if (same) start = climbStart(same.points, anomaly.exhaustion.perHour < 0);
    } catch {
      start = null;
    }
    out.push({ ...anomaly, exhaustion: { ...anomaly.exhaustion, climbStart: start === null ? null : new Date(start).toISOString() } });
  }
  return out;
}
