import type { Point, Series } from '../types.js';
import { type Anomaly, SEVERITY_RANK, type Severity } from './anomaly.js';
import { detectExhaustion } from './exhaustion.js';
import { ERROR_RATE_NAME, serviceOf } from './naming.js';
import { MAD_TO_SIGMA, mad, median, round } from './stats.js';

/**
 * Anomaly detection shared by every backend. Per series: a robust baseline (median + MAD) from the period before
 * the window, or from the window's early part when there is none; excursions are runs of points outside the band;
 * the most significant excursion becomes one anomaly with its onset (first point out of the band), peak and severity.
 */

/** Points beyond this many robust sigmas leave the band (3σ: ~0.3% of normal noise). */
export const BAND_Z = 3;
/** A run shorter than this is noise unless a single point is extreme. */
export const MIN_RUN_POINTS = 3;
/** One point this far out is a spike on its own (normal noise essentially never reaches 8σ). */
export const SPIKE_SINGLE_Z = 8;
/** Noise can drop a climbing series back into the band for a few points; gaps up to this join runs. */
export const MERGE_GAP_POINTS = 5;
/** Fewer baseline points than this make the median and MAD unreliable. */
export const MIN_BASELINE_POINTS = 8;
/** Without a preceding period, this leading share of the window is the baseline. */
export const EARLY_BASELINE_FRACTION = 0.25;
/** Moves under 10% of the baseline level do not deserve a model's attention, however quiet the series. */
export const MIN_REL_CHANGE = 0.1;
/** Sigma never drops below 1% of the level, so a flat series does not turn every wiggle into 100σ. */
export const REL_SIGMA_FLOOR = 0.01;
/** For a zero baseline, sigma is at least this share of the largest value seen, for the same reason. */
export const ZERO_BASELINE_SIGMA_SHARE = 0.01;
/** A step taking at least this share of the whole excursion makes it sharp (a burst) rather than gradual. */
export const SHARP_STEP_SHARE = 0.3;
/** Reported z-scores and ratios are capped so JSON never carries Infinity. */
export const Z_CAP = 1_000;
export const RATIO_CAP = 1e6;
/** Series longer than this are cut to their newest points: a bound on work per call. */
export const MAX_POINTS_PER_SERIES = 50_000;

export { type Anomaly, SEVERITY_RANK, type Severity } from './anomaly.js';

interface Run {
  start: number;
  end: number;
  /** Points out of the band; a run's span also includes the short in-band gaps it bridged. */
  count: number;
  direction: 1 | -1;
}

export interface DetectOptions {
  since: Date;
  until: Date;
}

export function detectAnomalies(series: readonly Series[], options: DetectOptions): Anomaly[] {
  const out: Anomaly[] = [];
  const climbing = new Map(detectExhaustion(series, options.since).map((a) => [`${a.metric}${JSON.stringify(a.tags)}`, a]));
  for (const s of series) {
    const key = `${s.metric}${JSON.stringify(s.tags)}`;
    const found = detectOne(s, options);
    const slow = climbing.get(key);
    // A steady climb toward a limit is reported as such, even when the window alone shows too small a move.
    if (found && slow)
      out.push({ ...found, exhaustion: slow.exhaustion!, shape: found.shape, severity: moreSevere(found.severity, slow.severity) });
    else if (found ?? slow) out.push((found ?? slow)!);
  }
  return out.sort((a, b) => b.score - a.score);
}

function moreSevere(a: Severity, b: Severity): Severity {
  return SEVERITY_RANK[a] >= SEVERITY_RANK[b] ? a : b;
}

export function detectOne(series: Series, { since, until }: DetectOptions): Anomaly | undefined {
  const points = series.points.slice(-MAX_POINTS_PER_SERIES).filter(([, v]) => Number.isFinite(v));
  const s0 = since.getTime();
  const u0 = until.getTime();
  let scan = points.filter(([t]) => t >= s0 && t <= u0);
  let base = points.filter(([t]) => t < s0);
  let baselineSource: Anomaly['baselineFrom'] = 'preceding';
  if (base.length < MIN_BASELINE_POINTS) {
    const k = Math.max(MIN_BASELINE_POINTS, Math.floor(scan.length * EARLY_BASELINE_FRACTION));
    if (scan.length < k + MIN_RUN_POINTS) return undefined;
    base = scan.slice(0, k);
    scan = scan.slice(k);
    baselineSource = 'early-window';
  }
  const values = base.map(([, v]) => v);
  const level = median(values);
  const largest = Math.max(...scan.map(([, v]) => Math.abs(v)), 0);
  const sigma = Math.max(
    MAD_TO_SIGMA * mad(values, level),
    REL_SIGMA_FLOOR * Math.abs(level),
    level === 0 ? ZERO_BASELINE_SIGMA_SHARE * largest : 0,
    Number.EPSILON,
  );
  const runs = findRuns(scan, level, sigma);
  let best: Anomaly | undefined;
  for (const run of runs) {
    const candidate = describeRun(series, scan, run, level, sigma, baselineSource);
    if (candidate && (!best || candidate.score > best.score)) best = candidate;
  }
  return best;
}

function outOfBand(value: number, level: number, sigma: number): 0 | 1 | -1 {
  const delta = value - level;
  if (Math.abs(delta) < BAND_Z * sigma) return 0;
  if (level !== 0 && Math.abs(delta) < MIN_REL_CHANGE * Math.abs(level)) return 0;
  return delta > 0 ? 1 : -1;
}

function findRuns(scan: readonly Point[], level: number, sigma: number): Run[] {
  const raw: Run[] = [];
  for (let i = 0; i < scan.length; i += 1) {
    const direction = outOfBand(scan[i]![1], level, sigma);
    if (direction === 0) continue;
    const last = raw[raw.length - 1];
    if (last && last.direction === direction && i - last.end - 1 <= MERGE_GAP_POINTS) {
      last.end = i;
      last.count += 1;
    } else raw.push({ start: i, end: i, count: 1, direction });
  }
  return raw;
}

/** Below this share of requests an error rate is not an incident by itself (get_error_rates' `elevated` floor). */
const NEGLIGIBLE_ERROR_SHARE = 0.01;

/** A share-of-requests error series (`error_rate`, unit % or ratio) whose peak stays under 1% of requests. */
function negligibleErrorRate(series: Series, peak: number): boolean {
  if (!ERROR_RATE_NAME.test(series.metric)) return false;
  const unit = series.unit?.trim().toLowerCase();
  const scale = unit === '%' || unit === 'percent' ? 100 : unit === 'ratio' || unit === 'fraction' ? 1 : undefined;
  return scale !== undefined && peak / scale < NEGLIGIBLE_ERROR_SHARE;
}

function describeRun(
  series: Series,
  scan: readonly Point[],
  run: Run,
  level: number,
  sigma: number,
  baselineSource: Anomaly['baselineFrom'],
): Anomaly | undefined {
  let peakIndex = run.start;
  for (let i = run.start; i <= run.end; i += 1) {
    if ((scan[i]![1] - scan[peakIndex]![1]) * run.direction > 0) peakIndex = i;
  }
  const peak = scan[peakIndex]![1];
  const excursion = Math.abs(peak - level);
  const z = (peak - level) / sigma;
  const short = run.count < MIN_RUN_POINTS;
  if (short && Math.abs(z) < SPIKE_SINGLE_Z) return undefined;

  let maxStep = 0;
  for (let i = Math.max(1, run.start); i <= peakIndex; i += 1) {
    maxStep = Math.max(maxStep, Math.abs(scan[i]![1] - scan[i - 1]![1]));
  }
  const sharp = maxStep >= SHARP_STEP_SHARE * excursion;
  const recovered = run.end < scan.length - 1 && scan.slice(run.end + 1).every(([, v]) => outOfBand(v, level, sigma) !== run.direction);
  const relChange = level === 0 ? Number.POSITIVE_INFINITY : excursion / Math.abs(level);
  const direction = run.direction === 1 ? 'up' : 'down';

  let severity = grade(direction, sharp, relChange, Math.abs(z));
  // A brief blip, or a slow swing that came back by itself (typically a daily pattern), is worth a look, not an alarm.
  if ((short || (!sharp && recovered)) && SEVERITY_RANK[severity] > SEVERITY_RANK.medium) severity = 'medium';
  // An error rate that never reached 1% of requests is a wobble, however many times its tiny baseline it is.
  if (direction === 'up' && negligibleErrorRate(series, peak) && SEVERITY_RANK[severity] > SEVERITY_RANK.medium) severity = 'medium';

  const kind: Anomaly['kind'] = direction === 'down' && relChange >= 0.5 ? 'drop' : recovered ? 'spike' : 'level_shift';
  const ratio = level === 0 ? (peak === 0 ? 1 : RATIO_CAP) : Math.min(RATIO_CAP, Math.abs(peak / level));
  const cappedZ = Math.max(-Z_CAP, Math.min(Z_CAP, z));
  const score = SEVERITY_RANK[severity] * 100 + Math.min(Math.abs(cappedZ), 50) + 10 * Math.min(relChange, 5);
  return {
    metric: series.metric,
    tags: series.tags,
    service: series.service ?? serviceOf(series.metric, series.tags),
    unit: series.unit,
    kind,
    direction,
    onset: new Date(scan[run.start]![0]).toISOString(),
    peakAt: new Date(scan[peakIndex]![0]).toISOString(),
    baseline: round(level, 6),
    peak: round(peak, 6),
    ratio: round(ratio, 4),
    zScore: round(cappedZ, 3),
    severity,
    score: round(score, 4),
    shape: sharp ? 'sharp' : 'gradual',
    recovered,
    baselineFrom: baselineSource,
  };
}

/**
 * Severity from size in both senses: z (beyond noise) and relative change (beyond what matters). A gradual climb
 * needs a larger relative change than a sharp one, because slow swings are usually load following the time of day.
 */
export function grade(direction: 'up' | 'down', sharp: boolean, relChange: number, absZ: number): Severity {
  const levels =
    direction === 'down'
      ? { critical: 0.8, high: 0.5, medium: 0.2 }
      : sharp
        ? { critical: 2, high: 0.5, medium: 0.2 }
        : { critical: 3, high: 1, medium: 0.2 };
  if (absZ >= 10 && relChange >= levels.critical) return 'critical';
  if (absZ >= 6 && relChange >= levels.high) return 'high';
  if (absZ >= 4 && relChange >= levels.medium) return 'medium';
  return 'low';
}
