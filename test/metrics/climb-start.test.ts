import { describe, expect, it } from 'vitest';
import type { Anomaly } from '../../mcp-servers/metrics/analysis/anomalies.js';
import { CLIMB_LOOKBACK_DAYS, climbStart } from '../../mcp-servers/metrics/analysis/climb-start.js';
import { withClimbStarts } from '../../mcp-servers/metrics/tools/climb-history.js';
import type { MetricsBackend, Point, SeriesRequest } from '../../mcp-servers/metrics/types.js';

const HOUR = 3_600_000;
const T0 = Date.parse('2026-03-01T00:00:00Z');
/** Deterministic noise so a failure reproduces. */
const noise = (i: number, amplitude: number) => amplitude * Math.sin(i * 12.9898) * 0.5;

/** `days` of 15-minute points: flat at `level` until `startH` hours, then climbing `perHour`. */
function series(days: number, startH: number, level: number, perHour: number, jitter = 0): Point[] {
  const out: Point[] = [];
  for (let i = 0; i * 0.25 < days * 24; i++) {
    const h = i * 0.25;
    out.push([T0 + h * HOUR, level + Math.max(0, h - startH) * perHour + noise(i, jitter)]);
  }
  return out;
}

describe('when a slow climb began (climbStart)', () => {
  it('finds the start of a climb that began days before the end of the history', () => {
    const found = climbStart(series(6, 53.5, 100, 2, 1));
    expect(found).not.toBeNull();
    expect(Math.abs(found! - (T0 + 53.5 * HOUR))).toBeLessThanOrEqual(HOUR);
  });

  it('reads a series of what is left (free bytes falling) the same way', () => {
    const free = series(6, 30, 1000, 2, 1).map(([t, v]): Point => [t, 2000 - v]);
    const found = climbStart(free, true);
    expect(Math.abs(found! - (T0 + 30 * HOUR))).toBeLessThanOrEqual(HOUR);
    // Read as climbing, a falling series has no climb at all.
    expect(climbStart(free, false)).toBeNull();
  });

  it('has no start when the history climbs from its first point', () => {
    expect(climbStart(series(6, 0, 100, 2, 1))).toBeNull();
  });

  it('has no start for a flat or a noisy series', () => {
    expect(climbStart(series(6, 1e9, 100, 0, 1))).toBeNull();
    expect(climbStart(series(6, 1e9, 100, 0, 40))).toBeNull();
  });

  it('has no start when the level before the break is as noisy as the climb', () => {
    expect(climbStart(series(6, 100, 100, 1, 200))).toBeNull();
  });

  it('needs enough points on each side', () => {
    expect(climbStart([])).toBeNull();
    expect(climbStart(series(0.1, 1, 100, 2))).toBeNull();
  });
});

const anomaly = (metric: string, exhaustion?: Anomaly['exhaustion']): Anomaly =>
  ({
    metric,
    tags: { mountpoint: '/spool' },
    service: 'ingest',
    unit: 'bytes',
    kind: 'level_shift',
    direction: 'down',
    onset: '2026-03-06T00:00:00Z',
    peakAt: '2026-03-06T06:00:00Z',
    baseline: 1,
    peak: 1,
    ratio: 1,
    zScore: 0,
    severity: 'high',
    score: 1,
    shape: 'gradual',
    recovered: false,
    baselineFrom: 'preceding',
    ...(exhaustion ? { exhaustion } : {}),
  }) as Anomaly;

function backend(
  getSeries: (
    request: SeriesRequest,
  ) => Promise<{ series: { metric: string; tags: Record<string, string>; unit: string | null; points: Point[] }[] }>,
): MetricsBackend {
  return { getSeries } as unknown as MetricsBackend;
}

describe('climb starts on get_anomalies results (withClimbStarts)', () => {
  const exhaustion = { limit: 2000, limitFrom: 'series' as const, usedShare: 0.95, perHour: -2, hoursLeft: 10 };
  const until = new Date(T0 + 6 * 24 * HOUR);

  it('fetches the climbing series back CLIMB_LOOKBACK_DAYS and reports its start; other anomalies are untouched', async () => {
    const requests: SeriesRequest[] = [];
    const free = series(6, 30, 1000, 2, 1).map(([t, v]): Point => [t, 2000 - v]);
    const out = await withClimbStarts(
      backend(async (request) => {
        requests.push(request);
        return { series: [{ metric: 'free', tags: { mountpoint: '/spool' }, unit: 'bytes', points: free }] };
      }),
      [anomaly('free', exhaustion), anomaly('error_rate')],
      until,
    );
    expect(requests).toHaveLength(1);
    expect(until.getTime() - requests[0]!.range.since.getTime()).toBe(CLIMB_LOOKBACK_DAYS * 24 * HOUR);
    expect(Math.abs(Date.parse(out[0]!.exhaustion!.climbStart!) - (T0 + 30 * HOUR))).toBeLessThanOrEqual(HOUR);
    expect(out[1]!.exhaustion).toBeUndefined();
  });

  it('leaves the start unknown (null) when the backend cannot give the series back', async () => {
    const out = await withClimbStarts(
      backend(async () => {
        throw new Error('derived query');
      }),
      [anomaly('free', exhaustion)],
      until,
    );
    expect(out[0]!.exhaustion!.climbStart).toBeNull();
  });
});
