import type { RateSeries } from '../types.js';
import { mean, median, round } from './stats.js';

/**
 * Error-rate status shared by every backend: per series, the baseline (median of the baseline window, so an earlier
 * blip does not count as normal), the current level (mean of the current window) and the peak over both.
 */

export type ErrorStatus = 'ok' | 'elevated' | 'critical';

/** Status thresholds, as fractions of requests (0.05 = 5%). */
export const CRITICAL_RATE = 0.05;
export const CRITICAL_RATIO = 3;
/** So bad that no baseline makes it normal. */
export const ALWAYS_CRITICAL_RATE = 0.2;
export const ELEVATED_RATE = 0.01;
export const ELEVATED_RATIO = 2;
export const RATIO_CAP = 1e6;

export interface ErrorRateRow {
  service: string;
  metric: string;
  tags: Record<string, string>;
  unit: '%' | 'ratio';
  baseline: number | null;
  current: number | null;
  peak: number | null;
  peakAt: string | null;
  ratio: number | null;
  status: ErrorStatus;
}

export interface RateWindows {
  baseline: { start: Date; end: Date };
  current: { start: Date; end: Date };
}

export function computeErrorRates(series: readonly RateSeries[], windows: RateWindows): ErrorRateRow[] {
  const rows = series.map((s) => rowFor(s, windows));
  const rank: Record<ErrorStatus, number> = { critical: 2, elevated: 1, ok: 0 };
  return rows.sort((a, b) => rank[b.status] - rank[a.status] || (b.ratio ?? 0) - (a.ratio ?? 0) || a.service.localeCompare(b.service));
}

function rowFor(s: RateSeries, { baseline, current }: RateWindows): ErrorRateRow {
  const within = (t: number, w: { start: Date; end: Date }) => t >= w.start.getTime() && t <= w.end.getTime();
  const basePoints = s.points.filter(([t]) => within(t, baseline) && t < current.start.getTime());
  const currentPoints = s.points.filter(([t]) => within(t, current));
  const base = basePoints.length > 0 ? median(basePoints.map(([, v]) => v)) : null;
  const now = currentPoints.length > 0 ? mean(currentPoints.map(([, v]) => v)) : null;
  let peak: [number, number] | null = null;
  for (const p of [...basePoints, ...currentPoints]) if (!peak || p[1] > peak[1]) peak = p;
  let currentPeak = Number.NEGATIVE_INFINITY;
  for (const [, v] of currentPoints) currentPeak = Math.max(currentPeak, v);

  const ratio = base === null || now === null ? null : base === 0 ? (now === 0 ? 1 : RATIO_CAP) : Math.min(RATIO_CAP, now / base);
  const scale = s.unit === '%' ? 100 : 1;
  let status = classify(now === null ? null : now / scale, base === null ? null : base / scale, ratio);
  // A burst that is already fading still matters: a current-window peak far above baseline is at least elevated.
  if (status === 'ok' && currentPoints.length > 0 && base !== null) {
    const peakFraction = currentPeak / scale;
    if (peakFraction >= CRITICAL_RATE && currentPeak >= CRITICAL_RATIO * Math.max(base, Number.EPSILON)) status = 'elevated';
  }
  return {
    service: s.service,
    metric: s.metric,
    tags: s.tags,
    unit: s.unit,
    baseline: base === null ? null : round(base, 4),
    current: now === null ? null : round(now, 4),
    peak: peak ? round(peak[1], 4) : null,
    peakAt: peak ? new Date(peak[0]).toISOString() : null,
    ratio: ratio === null ? null : round(ratio, 4),
    status,
  };
}

/** `current` and `baseline` as fractions (0.05 = 5%). */
export function classify(current: number | null, baseline: number | null, ratio: number | null): ErrorStatus {
  if (current === null) return 'ok';
  const worseThan = (r: number) => baseline === null || ratio === null || ratio >= r;
  if (current >= ALWAYS_CRITICAL_RATE || (current >= CRITICAL_RATE && worseThan(CRITICAL_RATIO))) return 'critical';
  if (current >= CRITICAL_RATE || (current >= ELEVATED_RATE && worseThan(ELEVATED_RATIO))) return 'elevated';
  return 'ok';
}
