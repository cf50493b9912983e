import type { Point } from '../types.js';

/** A model reads ~120 points comfortably; more is noise in its context window. */
export const DEFAULT_MAX_POINTS = 120;
export const MAX_MAX_POINTS = 500;

/**
 * Averages points into at most `maxPoints` equal-width time buckets, each stamped with its first point's time.
 * Averages hide a one-bucket spike's height, which is why callers report the raw min/max beside the points.
 */
export function downsample(points: readonly Point[], maxPoints: number): { points: Point[]; downsampled: boolean } {
  const limit = Math.max(1, Math.floor(maxPoints));
  if (points.length <= limit) return { points: points.map(([t, v]) => [t, v]), downsampled: false };
  const first = points[0]![0];
  const last = points[points.length - 1]![0];
  const width = Math.max(1, (last - first) / limit);
  const out: Point[] = [];
  let bucket = -1;
  let start = 0;
  let sum = 0;
  let count = 0;
  for (const [t, v] of points) {
    const index = Math.min(limit - 1, Math.floor((t - first) / width));
    if (index !== bucket) {
      if (count > 0) out.push([start, sum / count]);
      bucket = index;
      start = t;
      sum = 0;
      count = 0;
    }
    sum += v;
    count += 1;
  }
  if (count > 0) out.push([start, sum / count]);
  return { points: out, downsampled: true };
}
