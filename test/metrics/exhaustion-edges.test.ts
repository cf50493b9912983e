import { describe, expect, it } from 'vitest';
import { detectExhaustion, NEAR_LIMIT } from '../../mcp-servers/metrics/analysis/exhaustion.js';
import type { Series } from '../../mcp-servers/metrics/types.js';

/**
 * Each exhaustion threshold exactly at its value and one step either side. Values are multiples of 1/8 (or other
 * binary fractions), so "exactly at" is exact in floating point and the climb is a perfect line.
 */

const T0 = Date.parse('2026-01-01T00:00:00Z');
const STEP_MS = 6 * 60_000;
const at = (i: number) => T0 + i * STEP_MS;
/** `n` points on a straight line ending at `last`, rising `step` per point. */
const line = (n: number, last: number, step: number): [number, number][] =>
  Array.from({ length: n }, (_, i) => [at(i), last - (n - 1 - i) * step]);
/** A disk percentage: bounded at 100 by its unit. */
const percent = (points: [number, number][], metric = 'disk_used_percent'): Series => ({
  metric,
  tags: { host: 'db-1' },
  unit: 'percent',
  points,
});
const queue = (points: [number, number][]): Series => ({ metric: 'orders_queue_backlog', tags: { queue: 'orders' }, unit: null, points });
const since = new Date(at(100));

/** R² of a least-squares line, to show which side of a fit threshold a test series falls. */
function r2(points: readonly [number, number][]): number {
  const n = points.length;
  const xs = points.map(([t]) => t - T0);
  const ys = points.map(([, y]) => y);
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i += 1) {
    sxy += (xs[i]! - mx) * (ys[i]! - my);
    sxx += (xs[i]! - mx) ** 2;
    syy += (ys[i]! - my) ** 2;
  }
  return (sxy * sxy) / (sxx * syy);
}

/** A climb of 0.125 per point with an alternating wobble of `noise`: the wobble lowers R² without moving the ends much. */
const wobbly = (noise: number, last = 95, n = 120): [number, number][] =>
  line(n, last, 0.125).map(([t, v], i) => [t, v + (i % 2 === 0 ? noise : -noise)]);
/** The wobble whose line fit has R² `target` (bisection; R² falls as the wobble grows). */
function wobbleFor(target: number, last = 95): number {
  let lo = 0;
  let hi = 50;
  for (let k = 0; k < 80; k += 1) {
    const mid = (lo + hi) / 2;
    if (r2(wobbly(mid, last)) > target) lo = mid;
    else hi = mid;
  }
  return lo;
}

describe('exhaustion thresholds with a limit', () => {
  it(`flags a climb that ends exactly at ${NEAR_LIMIT * 100} % of its limit, not one step below`, () => {
    const atLimit = detectExhaustion([percent(line(120, 85, 0.125))], since);
    expect(atLimit).toHaveLength(1);
    expect(atLimit[0]?.exhaustion).toMatchObject({ limit: 100, limitFrom: 'unit', usedShare: 0.85 });
    expect(detectExhaustion([percent(line(120, 84.875, 0.125))], since)).toEqual([]);
  });

  it('needs a climb of at least 4 % of the limit over the span: exactly 4 counts, 3.875 does not', () => {
    // 33 points, 32 steps: 32 × 0.125 = 4, 32 × 0.12109375 = 3.875.
    expect(detectExhaustion([percent(line(33, 90, 0.125))], since)).toHaveLength(1);
    expect(detectExhaustion([percent(line(33, 90, 0.12109375))], since)).toEqual([]);
  });

  it('needs 20 points: 19 are too few to call a line', () => {
    expect(detectExhaustion([percent(line(20, 95, 0.5))], since)).toHaveLength(1);
    expect(detectExhaustion([percent(line(19, 95, 0.5))], since)).toEqual([]);
  });

  it('needs a straight climb: R² just above 0.8 is flagged, just below is not', () => {
    const straightEnough = wobbly(wobbleFor(0.81));
    const tooCrooked = wobbly(wobbleFor(0.79));
    expect(r2(straightEnough)).toBeGreaterThan(0.8);
    expect(r2(tooCrooked)).toBeLessThan(0.8);
    expect(detectExhaustion([percent(straightEnough)], since)).toHaveLength(1);
    expect(detectExhaustion([percent(tooCrooked)], since)).toEqual([]);
  });

  it('a series falling toward a level near its limit is not climbing', () => {
    const falling = line(120, 90, 0.125).map(([t], i, all) => [t, all[all.length - 1 - i]![1]] as [number, number]);
    expect(falling[0]![1]).toBeGreaterThan(falling[119]![1]);
    expect(detectExhaustion([percent(falling)], since)).toEqual([]);
  });
});

describe('line fit', () => {
  it('a climb whose line falls is not flagged, even when its last point is three times its first', () => {
    // One low first point, then a straight fall from 100 to 30: the ends say growth, the line says decline.
    // 257 points keep the line straight (R² ≈ 0.93) despite the one low point.
    const points = line(257, 30, -0.2734375);
    points[0] = [at(0), 10];
    expect(points[1]![1]).toBeGreaterThan(points[256]![1]);
    expect(detectExhaustion([queue(points)], since)).toEqual([]);
  });

  it('points all stamped at one instant make no line (a duplicated scrape), whatever their values', () => {
    const stamped: [number, number][] = Array.from({ length: 40 }, (_, i) => [at(0), 80 + i * 0.5]);
    expect(detectExhaustion([percent(stamped)], since)).toEqual([]);
  });
});

describe('how an exhaustion is described', () => {
  it('at 95 % used it is critical, just below it is high; the score grows with the share used', () => {
    const critical = detectExhaustion([percent(line(120, 95, 0.125))], since)[0];
    const high = detectExhaustion([percent(line(120, 94.875, 0.125))], since)[0];
    expect(critical).toMatchObject({ severity: 'critical', score: 295 });
    expect(high?.severity).toBe('high');
    expect(high?.score).toBeCloseTo(294.875, 9);
    const near = detectExhaustion([percent(line(120, 85, 0.125))], since)[0];
    expect(near).toMatchObject({ severity: 'high', score: 285 });
  });

  it('past its limit the score stops at 300 and no hours are left', () => {
    const over = detectExhaustion([percent(line(120, 120, 0.25))], since)[0];
    expect(over).toMatchObject({ severity: 'critical', score: 300 });
    expect(over?.exhaustion).toMatchObject({ usedShare: 1.2, hoursLeft: 0 });
  });

  it('reports the climb per hour, the hours left to the limit, and where it started and peaked', () => {
    // 0.125 per 6 minutes = 1.25 per hour; 10 left → 8 hours.
    const found = detectExhaustion([percent(line(120, 90, 0.125))], since)[0];
    expect(found).toMatchObject({
      metric: 'disk_used_percent',
      kind: 'level_shift',
      direction: 'up',
      shape: 'gradual',
      recovered: false,
      baselineFrom: 'preceding',
      zScore: 0,
      onset: new Date(at(100)).toISOString(),
      peakAt: new Date(at(119)).toISOString(),
      baseline: 75.125,
      peak: 90,
      ratio: Number((90 / 75.125).toFixed(4)),
    });
    expect(found?.exhaustion).toMatchObject({ limit: 100, limitFrom: 'unit', usedShare: 0.9, perHour: 1.25, hoursLeft: 8 });
  });

  it('the peak is the highest point, not the last, and the onset falls back to the first point before the window', () => {
    const points = line(120, 92, 0.125);
    points[60] = [at(60), 99];
    // A tie keeps the first time it was reached.
    points[70] = [at(70), 99];
    const found = detectExhaustion([percent(points)], new Date(at(500)))[0];
    expect(found).toMatchObject({ peakAt: new Date(at(60)).toISOString(), peak: 99, onset: new Date(at(0)).toISOString() });
  });

  it('a climb from zero has a ratio of 1e6 rather than infinity', () => {
    const fromZero: [number, number][] = Array.from({ length: 120 }, (_, i) => [at(i), i * 0.75]);
    expect(detectExhaustion([percent(fromZero)], since)[0]?.ratio).toBe(1e6);
  });

  it('what is left falls: reported downward in its own values, with a negative rate', () => {
    const free = line(120, 90, 0.125).map(([t, v]) => [t, 100 - v] as [number, number]);
    const found = detectExhaustion([percent(free, 'disk_free_percent')], since)[0];
    expect(found).toMatchObject({ direction: 'down', baseline: 24.875, peak: 10 });
    expect(found?.exhaustion).toMatchObject({ usedShare: 0.9, perHour: -1.25, hoursLeft: 8 });
  });
});

describe('exhaustion by growth alone, without a limit', () => {
  it('a backlog that grew exactly three-fold on a line is flagged; a little less is not', () => {
    // 10 → 30 over 119 steps of 20/119 would not be exact; 8 → 24 over 128 steps of 0.125 is.
    const three = detectExhaustion([queue(line(129, 24, 0.125))], since);
    expect(three).toHaveLength(1);
    expect(three[0]).toMatchObject({ severity: 'high', score: 230, direction: 'up' });
    expect(three[0]?.exhaustion).toMatchObject({ limit: null, limitFrom: 'none', usedShare: null, hoursLeft: null });
    // 8 → 23.875: 15.875 / 128 per step keeps the first point at 8.
    expect(detectExhaustion([queue(line(129, 23.875, 0.1240234375))], since)).toEqual([]);
  });

  it('a backlog from zero is not growth several-fold: there is no level to multiply', () => {
    expect(detectExhaustion([queue(line(129, 16, 0.125))], since)).toEqual([]);
  });

  it('needs a straighter climb than with a limit: R² just above 0.9 is flagged, just below (still above 0.8) is not', () => {
    // The ends stay put (8 and 24, three-fold); only the points between wobble.
    const noisyQueue = (noise: number) =>
      line(129, 24, 0.125).map(([t, v], i) => [t, i === 0 || i === 128 ? v : v + (i % 2 === 0 ? noise : -noise)] as [number, number]);
    const r2For = (target: number) => {
      let lo = 0;
      let hi = 50;
      for (let k = 0; k < 80; k += 1) {
        const mid = (lo + hi) / 2;
        if (r2(noisyQueue(mid)) > target) lo = mid;
        else hi = mid;
      }
      return noisyQueue(lo);
    };
    const straight = r2For(0.91);
    const crooked = r2For(0.89);
    expect(r2(straight)).toBeGreaterThan(0.9);
    expect(r2(crooked)).toBeLessThan(0.9);
    expect(r2(crooked)).toBeGreaterThan(0.8);
    expect(detectExhaustion([queue(straight)], since)).toHaveLength(1);
    expect(detectExhaustion([queue(crooked)], since)).toEqual([]);
  });

  it('a capacity series without a known limit is not flagged by growth', () => {
    const memory: Series = {
      metric: 'process_resident_memory_bytes',
      tags: { job: 'api' },
      unit: 'bytes',
      points: line(129, 24e6, 0.125e6),
    };
    expect(detectExhaustion([memory], since)).toEqual([]);
  });
});
