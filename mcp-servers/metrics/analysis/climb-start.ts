import type { Point } from '../types.js';
import { downsample } from './downsample.js';

/**
 * When a slow climb began. The window rarely shows it: a disk that fills for three days started filling long before
 * the symptoms. Over the series' history (CLIMB_LOOKBACK_DAYS at most) the points are fitted as a level followed by
 * a straight climb, at every possible break; the break that explains the points best is the climb's start, as long
 * as the level before it is flat and quiet next to the climb. A history that climbs from its first point has no
 * known start: the climb began before what was looked at.
 */

/** How far back the start of a climb is looked for: the same days the correlator widens its change lookback to. */
export const CLIMB_LOOKBACK_DAYS = 7;
/** Points the break search works on: equal-width buckets keep it O(n) over any history length. */
export const CLIMB_MAX_POINTS = 400;
/** Each side of the break needs this many points for its fit to mean anything. */
const MIN_SIDE_POINTS = 6;
/** The climb after the break must be this straight (R²), like the exhaustion it explains. */
const MIN_CLIMB_FIT = 0.8;
/** The level before the break may drift by at most this share of the climb's slope. */
const MAX_BEFORE_SLOPE_SHARE = 0.25;
/** The level's noise (standard deviation) must stay under this share of the climb's rise. */
const MAX_BEFORE_NOISE_SHARE = 0.15;
/** A level plus a climb must explain the points this much better than one line through all of them. */
const MAX_COST_SHARE = 0.5;

interface Sums {
  n: number;
  x: number;
  y: number;
  xx: number;
  xy: number;
  yy: number;
}

/**
 * The instant (ms) the straight climb began, or null when the history shows none. `falling` is for a series of what
 * is left (free bytes), which falls as the resource fills.
 */
export function climbStart(history: readonly Point[], falling = false): number | null {
  const finite = history.filter(([, v]) => Number.isFinite(v));
  const { points } = downsample(finite, CLIMB_MAX_POINTS);
  const n = points.length;
  if (n < 2 * MIN_SIDE_POINTS) return null;
  const t0 = points[0]![0];
  // Hours from the first point keep the sums well inside double precision.
  const xs = points.map(([t]) => (t - t0) / 3_600_000);
  const ys = points.map(([, v]) => (falling ? -v : v));
  const prefix: Sums[] = [{ n: 0, x: 0, y: 0, xx: 0, xy: 0, yy: 0 }];
  for (let i = 0; i < n; i++) {
    const p = prefix[i]!;
    const x = xs[i]!;
    const y = ys[i]!;
    prefix.push({ n: p.n + 1, x: p.x + x, y: p.y + y, xx: p.xx + x * x, xy: p.xy + x * y, yy: p.yy + y * y });
  }
  const span = (from: number, to: number): Sums => {
    const a = prefix[from]!;
    const b = prefix[to]!;
    return { n: b.n - a.n, x: b.x - a.x, y: b.y - a.y, xx: b.xx - a.xx, xy: b.xy - a.xy, yy: b.yy - a.yy };
  };
  const whole = lineOf(span(0, n));
  let best: { at: number; cost: number } | undefined;
  for (let b = MIN_SIDE_POINTS; b <= n - MIN_SIDE_POINTS; b++) {
    const cost = flatCost(span(0, b)) + lineOf(span(b, n)).sse;
    if (!best || cost < best.cost) best = { at: b, cost };
  }
  if (!best || best.cost > MAX_COST_SHARE * whole.sse) return null;
  const before = span(0, best.at);
  const climb = lineOf(span(best.at, n));
  if (climb.slope <= 0 || climb.r2 < MIN_CLIMB_FIT) return null;
  const level = lineOf(before);
  if (Math.abs(level.slope) > MAX_BEFORE_SLOPE_SHARE * climb.slope) return null;
  const rise = climb.slope * (xs[n - 1]! - xs[best.at]!);
  const noise = Math.sqrt(Math.max(0, flatCost(before) / before.n));
  if (rise <= 0 || noise > MAX_BEFORE_NOISE_SHARE * rise) return null;
  // Where the climb's line leaves the level: finer than the buckets, kept between the break's two points.
  const mean = before.y / before.n;
  const crossing = (mean - climb.intercept) / climb.slope;
  const lo = xs[best.at - 1]!;
  const hi = xs[best.at]!;
  return Math.round(t0 + Math.min(hi, Math.max(lo, crossing)) * 3_600_000);
}

function flatCost(s: Sums): number {
  return Math.max(0, s.yy - (s.y * s.y) / s.n);
}

function lineOf(s: Sums): { slope: number; intercept: number; sse: number; r2: number } {
  const vx = s.xx - (s.x * s.x) / s.n;
  const vy = s.yy - (s.y * s.y) / s.n;
  const cxy = s.xy - (s.x * s.y) / s.n;
  if (vx <= 0) return { slope: 0, intercept: s.y / s.n, sse: Math.max(0, vy), r2: 0 };
  const slope = cxy / vx;
  const intercept = (s.y - slope * s.x) / s.n;
  const sse = Math.max(0, vy - (cxy * cxy) / vx);
  return { slope, intercept, sse, r2: vy > 0 ? 1 - sse / vy : 0 };
}
