/** Robust statistics: a burst inside the baseline must not drag the baseline with it. */

/** MAD × this estimates a normal distribution's standard deviation. */
export const MAD_TO_SIGMA = 1.4826;

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Median absolute deviation around `center`. */
export function mad(values: readonly number[], center = median(values)): number {
  return median(values.map((v) => Math.abs(v - center)));
}

export function mean(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

export interface Summary {
  min: number | null;
  max: number | null;
  avg: number | null;
  minAt: number | null;
  maxAt: number | null;
}

export function summarize(points: ReadonlyArray<readonly [number, number]>): Summary {
  if (points.length === 0) return { min: null, max: null, avg: null, minAt: null, maxAt: null };
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let minAt = 0;
  let maxAt = 0;
  let sum = 0;
  for (const [t, v] of points) {
    sum += v;
    if (v < min) [min, minAt] = [v, t];
    if (v > max) [max, maxAt] = [v, t];
  }
  return { min, max, avg: sum / points.length, minAt, maxAt };
}

/** Rounds for display and JSON: enough digits for 0.1% error rates and for byte counts alike. */
export function round(value: number, digits = 4): number {
  if (!Number.isFinite(value)) return value;
  if (value === 0) return 0;
  const magnitude = Math.floor(Math.log10(Math.abs(value)));
  const decimals = Math.max(0, digits - 1 - magnitude);
  return Number(value.toFixed(Math.min(decimals, 12)));
}
