import type { Point, Series } from '../types.js';
import type { Anomaly } from './anomaly.js';
import { isUnbounded, resolveLimit } from './limits.js';
import { serviceOf } from './semantics.js';
import { round } from './stats.js';

/**
 * Slow exhaustion: a resource climbing steadily toward its limit (memory toward the container limit, a disk, a
 * connection count toward max_connections) has no sharp onset and may move less than the band needs within a window.
 * A series is flagged when it rises on a straight line over the whole span it covers and stands near its limit; the
 * limit comes from the unit or a paired bound series (limits.ts). A series of what is left (free disk) is read as
 * used = capacity − left. Fallback without any limit: an age, lag or backlog (the oldest transaction, replication
 * lag, a queue) that grew several-fold on a straight line is exhausting something (vacuum, a slot, consumers) by
 * growth alone; a capacity series without a known limit is left to the ordinary detector, which has no time-to-limit.
 */

/** Share of the limit at which a climbing series is close to exhaustion. */
export const NEAR_LIMIT = 0.85;
/** How straight the climb must be (R² of a line through the points). */
const MIN_FIT = 0.8;
/** Without a limit, only a straighter climb counts: growth alone is weaker evidence. */
const UNBOUNDED_FIT = 0.9;
/** Without a limit, the level must have grown this many times over the span seen. */
const UNBOUNDED_GROWTH = 3;
/** The climb over the span must be at least this share of the limit, so a flat series near its limit is not "climbing". */
const MIN_CLIMB_SHARE = 0.04;
const MIN_POINTS = 20;

export function detectExhaustion(series: readonly Series[], since: Date): Anomaly[] {
  const out: Anomaly[] = [];
  for (const s of series) {
    if (s.points.length < MIN_POINTS) continue;
    const resolved = resolveLimit(s, series);
    if (!resolved) continue;
    const { used, limit } = resolved;
    const fit = lineFit(used);
    const first = used[0]![1];
    const last = used[used.length - 1]![1];
    if (fit.slope <= 0) continue;
    if (limit !== null) {
      if (fit.r2 < MIN_FIT || last < NEAR_LIMIT * limit || last - first < MIN_CLIMB_SHARE * limit) continue;
    } else if (!isUnbounded(s.metric, s.tags) || fit.r2 < UNBOUNDED_FIT || first <= 0 || last < UNBOUNDED_GROWTH * first) continue;
    out.push(describe(s, resolved, fit.slope, since));
  }
  return out;
}

function describe(s: Series, resolved: NonNullable<ReturnType<typeof resolveLimit>>, slope: number, since: Date): Anomaly {
  const { used, limit, limitFrom, remaining } = resolved;
  const first = used[0]![1];
  const last = used[used.length - 1]![1];
  const inWindow = used.find(([t]) => t >= since.getTime()) ?? used[0]!;
  const peakAt = used.reduce((best, p) => (p[1] > best[1] ? p : best));
  // The series' own values are reported: for what is left, its low point is the "peak" of the exhaustion.
  const raw = (p: Point) => (remaining && limit !== null ? limit - p[1] : p[1]);
  const perHour = slope * 3_600_000;
  const hoursLeft = limit !== null ? Math.max(0, (limit - last) / perHour) : null;
  const share = limit !== null ? last / limit : null;
  return {
    metric: s.metric,
    tags: s.tags,
    service: s.service ?? serviceOf(s.metric, s.tags),
    unit: s.unit,
    kind: 'level_shift',
    direction: remaining ? 'down' : 'up',
    onset: new Date(inWindow[0]).toISOString(),
    peakAt: new Date(peakAt[0]).toISOString(),
    baseline: round(raw(used[0]!), 6),
    peak: round(raw(peakAt), 6),
    ratio: round(first === 0 ? 1e6 : peakAt[1] / first, 4),
    zScore: 0,
    severity: share === null ? 'high' : share >= 0.95 ? 'critical' : 'high',
    score: share === null ? 230 : 250 + Math.min(50, 100 * share - 50),
    shape: 'gradual',
    recovered: false,
    baselineFrom: 'preceding',
    exhaustion: {
      limit: limit === null ? null : round(limit, 6),
      limitFrom,
      usedShare: share === null ? null : round(share, 4),
      perHour: round(remaining ? -perHour : perHour, 6),
      hoursLeft: hoursLeft === null ? null : round(hoursLeft, 2),
    },
  };
}

/** Least-squares line through the points: slope per millisecond and R². */
function lineFit(points: readonly Point[]): { slope: number; r2: number } {
  const n = points.length;
  const t0 = points[0]![0];
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (const [t, y] of points) {
    const x = t - t0;
    sx += x;
    sy += y;
    sxx += x * x;
    sxy += x * y;
    syy += y * y;
  }
  const vx = n * sxx - sx * sx;
  const vy = n * syy - sy * sy;
  if (vx <= 0 || vy <= 0) return { slope: 0, r2: 0 };
  const slope = (n * sxy - sx * sy) / vx;
  const r = (n * sxy - sx * sy) / Math.sqrt(vx * vy);
  return { slope, r2: r * r };
}
