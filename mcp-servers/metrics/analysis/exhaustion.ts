import type { Series } from '../types.js';
import type { Anomaly } from './anomalies.js';
import { serviceOf } from './semantics.js';
import { round } from './stats.js';

/**
 * Slow exhaustion: a resource climbing steadily toward its limit (memory toward the container limit, a disk, a
 * connection count) has no sharp onset and may move less than the band needs within a window. A series is flagged
 * when it rises on a straight line over the whole span it covers and stands near its limit: 100 for a percentage, or
 * the value of a `…limit…` series sharing one of its identifying tags.
 */

const RESOURCE =
  /memory|heap|rss|working_set|disk|filesystem|fs_|inode|connections|conns|file_?descriptors|fds|open_files|xact|transaction_age|oldest|backlog|queue_depth|wal/i;
const LIMIT = /limit|max|capacity|size_bytes|total/i;
/** Share of the limit at which a climbing series is close to exhaustion. */
export const NEAR_LIMIT = 0.85;
/** How straight the climb must be (R² of a line through the points). */
const MIN_FIT = 0.8;
/** The climb over the span must be at least this share of the limit, so a flat series near its limit is not "climbing". */
const MIN_CLIMB_SHARE = 0.1;
const MIN_POINTS = 20;
/** Tags that tie a limit series to the series it limits. */
const LINK_TAGS = ['container', 'pod', 'instance', 'device', 'mountpoint', 'service', 'app', 'job', 'database', 'datname'];

export function detectExhaustion(series: readonly Series[], since: Date): Anomaly[] {
  const limits = series.filter((s) => LIMIT.test(s.metric));
  const out: Anomaly[] = [];
  for (const s of series) {
    if (LIMIT.test(s.metric) || !RESOURCE.test(s.metric) || s.points.length < MIN_POINTS) continue;
    const limit = limitOf(s, limits);
    if (!limit) continue;
    const fit = lineFit(s.points);
    const first = s.points[0]![1];
    const last = s.points[s.points.length - 1]![1];
    if (fit.slope <= 0 || fit.r2 < MIN_FIT || last < NEAR_LIMIT * limit || last - first < MIN_CLIMB_SHARE * limit) continue;
    const inWindow = s.points.find(([t]) => t >= since.getTime()) ?? s.points[0]!;
    const peak = s.points.reduce((best, p) => (p[1] > best[1] ? p : best));
    const perHour = fit.slope * 3_600_000;
    const hoursLeft = perHour > 0 ? Math.max(0, (limit - last) / perHour) : Number.POSITIVE_INFINITY;
    out.push({
      metric: s.metric,
      tags: s.tags,
      service: s.service ?? serviceOf(s.metric, s.tags),
      unit: s.unit,
      kind: 'level_shift',
      direction: 'up',
      onset: new Date(inWindow[0]).toISOString(),
      peakAt: new Date(peak[0]).toISOString(),
      baseline: round(first, 6),
      peak: round(peak[1], 6),
      ratio: round(first === 0 ? 1e6 : peak[1] / first, 4),
      zScore: 0,
      severity: last >= 0.95 * limit ? 'critical' : 'high',
      score: 250 + Math.min(50, (100 * last) / limit - 50),
      shape: 'gradual',
      recovered: false,
      baselineFrom: 'preceding',
      exhaustion: {
        limit: round(limit, 6),
        usedShare: round(last / limit, 4),
        perHour: round(perHour, 6),
        hoursLeft: Number.isFinite(hoursLeft) ? round(hoursLeft, 2) : null,
      },
    });
  }
  return out;
}

function limitOf(s: Series, limits: readonly Series[]): number | undefined {
  const unit = s.unit?.trim().toLowerCase();
  if (unit === '%' || unit === 'percent' || /_percent$|_pct$/.test(s.metric)) return 100;
  if (unit === 'ratio' || /_ratio$/.test(s.metric)) return 1;
  for (const key of LINK_TAGS) {
    const value = s.tags[key];
    if (!value) continue;
    const match = limits.find((l) => l.tags[key] === value && l.points.length > 0);
    if (match) return match.points[match.points.length - 1]![1];
  }
  return undefined;
}

/** Least-squares line through the points: slope per millisecond and R². */
function lineFit(points: readonly [number, number][]): { slope: number; r2: number } {
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
