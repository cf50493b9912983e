import type { Point } from '../types.js';

/** Counter names by convention (Prometheus and OpenTelemetry): cumulative totals that only ever go up. */
const COUNTER_NAME = /(_total|_count|_sum|\.count|\.total)$/i;

/** A cumulative series may dip on a process restart; more dips than this share (or one) mean it is not a counter. */
const MAX_RESET_SHARE = 0.05;

/**
 * True when a series is a cumulative counter rather than a per-interval value: a counter-like name and values
 * that never fall except for rare resets. Scanning a raw counter for anomalies would flag its steady climb.
 */
export function isCumulative(metric: string, points: readonly Point[]): boolean {
  if (!COUNTER_NAME.test(metric) || points.length < 3) return false;
  let falls = 0;
  let rises = 0;
  for (let i = 1; i < points.length; i += 1) {
    if (points[i]![1] < points[i - 1]![1]) falls += 1;
    else if (points[i]![1] > points[i - 1]![1]) rises += 1;
  }
  return falls <= Math.max(1, Math.floor(MAX_RESET_SHARE * (points.length - 1))) && rises > falls;
}

/** Increase per interval, stamped at the interval's end; a fall is a counter reset, so the new value is the increase. */
export function toDeltas(points: readonly Point[]): Point[] {
  const out: Point[] = [];
  for (let i = 1; i < points.length; i += 1) {
    const [t, v] = points[i]!;
    const previous = points[i - 1]![1];
    out.push([t, v >= previous ? v - previous : v]);
  }
  return out;
}

/** Per-second rate of a counter, as Prometheus's rate() would give it. */
export function toRate(points: readonly Point[]): Point[] {
  const deltas = toDeltas(points);
  return deltas.map(([t, d], i) => {
    const seconds = (t - points[i]![0]) / 1000;
    return [t, seconds > 0 ? d / seconds : 0];
  });
}
