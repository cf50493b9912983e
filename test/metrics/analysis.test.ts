import { describe, expect, it } from 'vitest';
import { isCumulative, toDeltas, toRate } from '../../mcp-servers/metrics/analysis/counters.js';
import { downsample } from '../../mcp-servers/metrics/analysis/downsample.js';
import { classify, computeErrorRates } from '../../mcp-servers/metrics/analysis/error-rates.js';
import { closestNames, impliedService, serviceOf } from '../../mcp-servers/metrics/analysis/naming.js';
import { mad, median, round } from '../../mcp-servers/metrics/analysis/stats.js';
import type { Point } from '../../mcp-servers/metrics/types.js';

const T0 = Date.parse('2024-03-10T00:00:00Z');
const pts = (values: number[], stepMs = 60_000): Point[] => values.map((v, i) => [T0 + i * stepMs, v]);

describe('downsample', () => {
  it('bucket-averages to at most maxPoints and leaves short series alone', () => {
    const raw = pts(Array.from({ length: 1000 }, (_, i) => i));
    const { points, downsampled } = downsample(raw, 120);
    expect(downsampled).toBe(true);
    expect(points.length).toBeLessThanOrEqual(120);
    expect(points.length).toBeGreaterThan(100);
    expect(points[0]![0]).toBe(T0);
    // Averages of consecutive integers: the first bucket's mean is below its last value, the series stays increasing.
    for (let i = 1; i < points.length; i += 1) expect(points[i]![1]).toBeGreaterThan(points[i - 1]![1]);
    expect(downsample(raw.slice(0, 50), 120)).toEqual({ points: raw.slice(0, 50), downsampled: false });
  });
});

describe('counters', () => {
  it('recognises cumulative counters and turns them into rates, surviving a reset', () => {
    const counter = pts([100, 160, 220, 10, 70]);
    expect(isCumulative('requests_total', counter)).toBe(true);
    expect(isCumulative('requests', counter)).toBe(false);
    expect(isCumulative('queue_total', pts([5, 3, 6, 2, 7]))).toBe(false);
    expect(toDeltas(counter).map(([, v]) => v)).toEqual([60, 60, 10, 60]);
    expect(toRate(counter).map(([, v]) => v)).toEqual([1, 1, 10 / 60, 1]);
  });
});

describe('naming', () => {
  it('finds the service in tags first, then in the metric name', () => {
    expect(serviceOf('x', { service: 'a', job: 'b' })).toBe('a');
    expect(serviceOf('x', { job: 'b' })).toBe('b');
    expect(serviceOf('x', { app: 'c' })).toBe('c');
    expect(impliedService('checkout.error_rate')).toBe('checkout');
    expect(impliedService('checkout_requests_total')).toBe('checkout');
    expect(impliedService('http_requests_total')).toBeNull();
    expect(impliedService('cpu')).toBeNull();
  });

  it('lists closest names first and says how many more exist', () => {
    const names = ['memory_bytes', 'http_error_rate', 'cpu_usage', 'error_count', 'latency_p95'];
    expect(closestNames('error_rate', names).split(', ')[0]).toBe('http_error_rate');
    expect(closestNames('cpu', names, 2)).toBe('cpu_usage, error_count (+3 more)');
  });
});

describe('stats', () => {
  it('median and MAD resist outliers', () => {
    expect(median([1, 2, 3, 1000])).toBe(2.5);
    expect(mad([1, 2, 3, 4, 1000])).toBe(1);
    expect(round(0.00123456)).toBe(0.001235);
    expect(round(123456.7)).toBe(123457);
  });
});

describe('error rates', () => {
  it('classifies by level and by change against the baseline', () => {
    expect(classify(0.15, 0.001, 150)).toBe('critical');
    expect(classify(0.25, 0.2, 1.25)).toBe('critical');
    expect(classify(0.06, 0.05, 1.2)).toBe('elevated');
    expect(classify(0.02, 0.005, 4)).toBe('elevated');
    expect(classify(0.002, 0.001, 2)).toBe('ok');
    expect(classify(null, null, null)).toBe('ok');
  });

  it('compares the current window with a median baseline and reports the peak', () => {
    const values = Array.from({ length: 120 }, (_, i) => (i === 20 ? 0.5 : i >= 100 ? 0.12 : 0.001));
    const rows = computeErrorRates(
      [
        { service: 'bad', metric: 'm', tags: {}, unit: 'ratio', points: pts(values) },
        { service: 'fine', metric: 'm', tags: {}, unit: '%', points: pts(values.map(() => 0.1)) },
      ],
      {
        baseline: { start: new Date(T0), end: new Date(T0 + 90 * 60_000) },
        current: { start: new Date(T0 + 90 * 60_000), end: new Date(T0 + 119 * 60_000) },
      },
    );
    expect(rows.map((r) => [r.service, r.status])).toEqual([
      ['bad', 'critical'],
      ['fine', 'ok'],
    ]);
    expect(rows[0]!.baseline).toBe(0.001);
    expect(rows[0]!.peak).toBe(0.5);
    expect(rows[0]!.peakAt).toBe(new Date(T0 + 20 * 60_000).toISOString());
    expect(rows[0]!.current).toBeCloseTo((10 * 0.001 + 20 * 0.12) / 30, 4);
  });
});
