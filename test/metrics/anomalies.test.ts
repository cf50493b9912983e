import { describe, expect, it } from 'vitest';
import { BAND_Z, detectAnomalies, detectOne, grade, MIN_REL_CHANGE, RATIO_CAP } from '../../mcp-servers/metrics/analysis/anomalies.js';
import type { Point, Series } from '../../mcp-servers/metrics/types.js';
import { gaussian, prng } from './fixture-data.js';

const T0 = Date.parse('2024-03-10T00:00:00Z');
const MIN = 60_000;

function series(values: number[], metric = 'm', tags: Record<string, string> = { service: 'svc' }): Series {
  return { metric, tags, unit: null, points: values.map((v, i) => [T0 + i * MIN, v] as Point) };
}

function window(fromIndex: number, toIndex: number) {
  return { since: new Date(T0 + fromIndex * MIN), until: new Date(T0 + toIndex * MIN) };
}

function values(n: number, f: (i: number) => number): number[] {
  return Array.from({ length: n }, (_, i) => f(i));
}

describe('detectAnomalies', () => {
  it('flags nothing in ordinary noise, across seeds, levels and noise sizes', () => {
    let scanned = 0;
    for (let seed = 1; seed <= 40; seed += 1) {
      const noise = gaussian(prng(seed));
      const level = [0.5, 35, 1000, 5e8][seed % 4]!;
      const relNoise = [0.01, 0.05, 0.2][seed % 3]!;
      const s = series(values(360, () => level * (1 + relNoise * noise())));
      expect(detectAnomalies([s], window(0, 359)), `seed ${seed}`).toEqual([]);
      expect(detectAnomalies([s], window(120, 359)), `seed ${seed} with a preceding baseline`).toEqual([]);
      scanned += 2;
    }
    expect(scanned).toBe(80);
  });

  it('finds a 0.1% → 15% error-rate jump as critical, with the onset at the first bad minute', () => {
    const noise = gaussian(prng(7));
    const jumpAt = 290;
    const s = series(
      values(360, (i) => Math.max(0, i >= jumpAt ? 15 + noise() : 0.1 + 0.02 * noise())),
      'error_rate',
    );
    const [a] = detectAnomalies([s], window(0, 359));
    expect(a).toBeDefined();
    expect(a!.severity).toBe('critical');
    expect(a!.direction).toBe('up');
    expect(a!.kind).toBe('level_shift');
    expect(a!.shape).toBe('sharp');
    expect(a!.onset).toBe(new Date(T0 + jumpAt * MIN).toISOString());
    expect(a!.ratio).toBeGreaterThan(100);
    expect(a!.baseline).toBeCloseTo(0.1, 1);
    expect(a!.service).toBe('svc');
  });

  it('dates a slow memory climb from where it first leaves the band, not from its peak', () => {
    const noise = gaussian(prng(11));
    const rampStart = 120;
    const base = 500;
    const slope = 3; // per minute: +100% over the remaining 240 minutes, ~0.6% of the level per step
    const s = series(
      values(361, (i) => (base + Math.max(0, i - rampStart) * slope) * (1 + 0.01 * noise())),
      'memory_bytes',
    );
    const a = detectOne(s, window(0, 360));
    expect(a).toBeDefined();
    expect(a!.shape).toBe('gradual');
    expect(a!.direction).toBe('up');
    // The band is max(3σ, 10% of the level); the ramp clears it after threshold / slope minutes.
    const crossing = rampStart + Math.max(BAND_Z * 0.01 * base, MIN_REL_CHANGE * base) / slope;
    const onsetMinute = (Date.parse(a!.onset) - T0) / MIN;
    expect(onsetMinute).toBeGreaterThanOrEqual(rampStart);
    expect(onsetMinute).toBeLessThanOrEqual(crossing + 5);
    expect(Date.parse(a!.peakAt) - Date.parse(a!.onset)).toBeGreaterThan(150 * MIN);
    expect(['high', 'critical']).toContain(a!.severity);
  });

  it('never rates a daily-style swing high, whatever the phase and window', () => {
    const severities = new Set<string>();
    for (let seed = 1; seed <= 8; seed += 1) {
      const noise = gaussian(prng(100 + seed));
      const phase = (seed / 8) * 2 * Math.PI;
      const s = series(values(720, (i) => (1000 + 250 * Math.sin(phase + (2 * Math.PI * i) / 360)) * (1 + 0.02 * noise())));
      for (const [from, to] of [
        [0, 719],
        [240, 360],
        [480, 719],
        [600, 719],
      ] as const) {
        for (const a of detectAnomalies([s], window(from, to))) {
          severities.add(a.severity);
          expect(['low', 'medium'], `seed ${seed} window ${from}-${to}: ${JSON.stringify(a)}`).toContain(a.severity);
        }
      }
    }
    // The swing is visible (so the test exercises the cap), just never alarming.
    expect(severities.size).toBeGreaterThan(0);
  });

  it('caps a big slow swing that came back by itself at medium', () => {
    const noise = gaussian(prng(21));
    // One hump of +150% inside the window, back to its level well before the end.
    const s = series(
      values(600, (i) => (i >= 200 && i < 440 ? 1000 + 1500 * Math.sin((Math.PI * (i - 200)) / 240) : 1000) * (1 + 0.01 * noise())),
    );
    const a = detectOne(s, window(100, 599));
    expect(a?.shape).toBe('gradual');
    expect(a?.recovered).toBe(true);
    expect(a?.ratio).toBeGreaterThan(2);
    expect(a?.severity).toBe('medium');
  });

  it('classifies a throughput collapse as a drop', () => {
    const noise = gaussian(prng(3));
    const s = series(
      values(200, (i) => (i >= 150 ? 90 : 1000) * (1 + 0.03 * noise())),
      'requests',
    );
    const a = detectOne(s, window(0, 199));
    expect(a?.kind).toBe('drop');
    expect(a?.direction).toBe('down');
    expect(a?.ratio).toBeLessThan(0.2);
    expect(['high', 'critical']).toContain(a?.severity);
  });

  it('keeps a lone extreme point as a spike of at most medium severity', () => {
    const noise = gaussian(prng(5));
    const s = series(values(200, (i) => (i === 170 ? 400 : 100 * (1 + 0.02 * noise()))));
    const a = detectOne(s, window(0, 199));
    expect(a?.kind).toBe('spike');
    expect(a?.recovered).toBe(true);
    expect(a?.peakAt).toBe(new Date(T0 + 170 * MIN).toISOString());
    expect(['low', 'medium']).toContain(a?.severity);
  });

  it('handles a zero baseline without Infinity in its output', () => {
    const s = series(values(100, (i) => (i >= 80 ? 5 : 0)));
    const a = detectOne(s, window(0, 99));
    expect(a?.baseline).toBe(0);
    expect(a?.ratio).toBe(RATIO_CAP);
    expect(Number.isFinite(a?.zScore)).toBe(true);
    expect(JSON.parse(JSON.stringify(a))).toEqual(a);
  });

  it('takes the baseline from the preceding period when there is one, else from the early window', () => {
    const s = series(values(200, (i) => (i >= 150 ? 50 : 10 + (i % 3))));
    expect(detectOne(s, window(100, 199))?.baselineFrom).toBe('preceding');
    expect(detectOne(s, window(0, 199))?.baselineFrom).toBe('early-window');
    // Too few points for any baseline: no verdict rather than a guess.
    expect(detectOne(series([1, 2, 50, 50, 50]), window(0, 4))).toBeUndefined();
  });

  it('ranks the stronger anomaly first', () => {
    const weak = series(
      values(200, (i) => (i >= 150 ? 130 : 100 + (i % 5))),
      'weak',
    );
    const strong = series(
      values(200, (i) => (i >= 150 ? 900 : 100 + (i % 5))),
      'strong',
    );
    expect(detectAnomalies([weak, strong], window(0, 199)).map((a) => a.metric)).toEqual(['strong', 'weak']);
  });
});

describe('grade', () => {
  it('needs both a large z and a large relative change', () => {
    expect(grade('up', true, 100, 50)).toBe('critical');
    expect(grade('up', true, 100, 3)).toBe('low');
    expect(grade('up', true, 0.05, 50)).toBe('low');
    expect(grade('up', true, 0.6, 7)).toBe('high');
    expect(grade('up', false, 0.6, 7)).toBe('medium');
    expect(grade('down', true, 0.9, 20)).toBe('critical');
  });
});

describe('error rates that stay negligible', () => {
  it('a 0.06% → 0.25% error-rate step stays medium; the same ratio past 1% of requests is critical', () => {
    const noise = gaussian(prng(11));
    const make = (base: number, unit: string) => ({
      ...series(
        values(360, (i) => Math.max(0, (i >= 290 ? base * 4 : base) * (1 + 0.05 * noise()))),
        'error_rate',
      ),
      unit,
    });
    const [tiny] = detectAnomalies([make(0.06, '%')], window(0, 359));
    expect(tiny?.ratio).toBeGreaterThan(3);
    expect(tiny?.severity).toBe('medium');
    const [ratio] = detectAnomalies([make(0.0006, 'ratio')], window(0, 359));
    expect(ratio?.severity).toBe('medium');
    const [real] = detectAnomalies([make(0.5, '%')], window(0, 359));
    expect(real?.severity).toBe('critical');
    // Without a unit the share is unknown: the detector's grade stands.
    const [bare] = detectAnomalies([{ ...make(0.06, '%'), unit: null }], window(0, 359));
    expect(bare?.severity).toBe('critical');
  });
});
