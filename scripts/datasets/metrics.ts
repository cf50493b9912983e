import type { Rng } from './prng.js';
import { diurnal, floorMinute, iso, MINUTE } from './time.js';

/** One series as metrics/metrics.json stores it. */
export interface SeriesOut {
  metric: string;
  tags: Record<string, string>;
  unit: string;
  points: [string, number][];
}

export interface SeriesSpec {
  metric: string;
  tags: Record<string, string>;
  unit: string;
  base: number;
  /** Relative standard deviation of point-to-point jitter (0.05 = 5 %). */
  jitter?: number;
  /** Amplitude of the daily traffic curve; 0 for series that do not follow traffic (pool sizes, disks). */
  diurnal?: number;
  peakHour?: number;
  /** Slow drift: relative standard deviation of a mean-reverting random walk per minute. */
  drift?: number;
  /** Short harmless excursions (a GC, a cron, a noisy neighbour) so a detector cannot treat every bump as the incident. */
  blips?: { perHour: number; factor: [number, number]; minutes?: [number, number] };
  decimals?: number;
  min?: number;
  max?: number;
  /** Points before the window, every `everyMinutes` from `from`: what a TSDB keeps of the days before (slow climbs). */
  history?: { from: number; everyMinutes: number };
}

interface RampOpts {
  /** Minutes to reach the new level (0 = a step). */
  ramp?: number;
  /** When the effect starts to wear off (recovery), if it does inside the window. */
  until?: number;
  recover?: number;
  /** Relative jitter of the new level; defaults to the series jitter. */
  jitter?: number;
}

type Effect = (t: number, v: number, rng: Rng) => number;

function progress(t: number, from: number, opts: RampOpts): number {
  const ramp = (opts.ramp ?? 1) * MINUTE;
  let p = t < from ? 0 : ramp === 0 ? 1 : Math.min(1, (t - from) / ramp);
  if (opts.until !== undefined && t >= opts.until) {
    const recover = (opts.recover ?? opts.ramp ?? 1) * MINUTE;
    p *= recover === 0 ? 0 : Math.max(0, 1 - (t - opts.until) / recover);
  }
  return p;
}

/**
 * Builds a 1-minute series: a noisy baseline first, then the incident's effects layered on top in order,
 * the way a scenario tells it ("from 14:45 the error rate goes to 15.5 %").
 */
export class SeriesBuilder {
  private readonly effects: Effect[] = [];
  private values: number[] | undefined;

  private add(effect: Effect): this {
    // Logs read the finished values; an effect added after that would make logs and charts disagree.
    if (this.values) throw new Error(`${this.spec.metric}: effect added after the series was read`);
    this.effects.push(effect);
    return this;
  }

  constructor(
    readonly spec: SeriesSpec,
    private readonly start: number,
    private readonly end: number,
    private readonly rng: Rng,
  ) {}

  /** Moves the series to `value` from `from` (ramping), optionally recovering after `until`. */
  level(from: number, value: number, opts: RampOpts = {}): this {
    const jitter = opts.jitter ?? this.spec.jitter ?? 0.05;
    return this.add((t, v, rng) => {
      const p = progress(t, from, opts);
      return p === 0 ? v : v + (value * (1 + rng.normal(0, jitter)) - v) * p;
    });
  }

  /** Multiplies the series by `factor` from `from`; the baseline's own noise carries through. */
  scale(from: number, factor: number, opts: RampOpts = {}): this {
    return this.add((t, v) => v * (1 + (factor - 1) * progress(t, from, opts)));
  }

  /** Arbitrary shape between two instants: fn(minutes since `from`, current value) → new value. */
  shape(from: number, until: number, fn: (minutes: number, v: number, rng: Rng) => number): this {
    return this.add((t, v, rng) => (t >= from && t < until ? fn((t - from) / MINUTE, v, rng) : v));
  }

  /** A cumulative counter (container_restarts) that steps up by one at each instant. */
  steps(at: number[]): this {
    return this.add((t, v) => v + at.filter((s) => s <= t).length);
  }

  /** The history before the window, from its own random stream so the window's points do not move. */
  private computeHistory(): [number, number][] {
    const history = this.spec.history;
    if (!history) return [];
    const rng = this.rng.fork('history');
    const out: [number, number][] = [];
    const jitter = this.spec.jitter ?? 0.05;
    for (let t = history.from; t < this.start; t += history.everyMinutes * MINUTE) {
      let v = this.spec.base * (this.spec.diurnal ? diurnal(t, this.spec.diurnal, this.spec.peakHour) : 1) * (1 + rng.normal(0, jitter));
      for (const effect of this.effects) v = effect(t, v, rng);
      out.push([t, this.round(v)]);
    }
    return out;
  }

  private round(v: number): number {
    const clamped = Math.min(this.spec.max ?? Number.POSITIVE_INFINITY, Math.max(this.spec.min ?? 0, v));
    const scale = 10 ** (this.spec.decimals ?? 1);
    return Math.round(clamped * scale) / scale;
  }

  private compute(): number[] {
    const { spec } = this;
    const jitter = spec.jitter ?? 0.05;
    const out: number[] = [];
    let walk = 0;
    let blipLeft = 0;
    let blipFactor = 1;
    for (let t = this.start; t <= this.end; t += MINUTE) {
      walk = walk * 0.97 + this.rng.normal(0, spec.drift ?? 0);
      let v = spec.base * (spec.diurnal ? diurnal(t, spec.diurnal, spec.peakHour) : 1) * (1 + walk + this.rng.normal(0, jitter));
      if (blipLeft > 0) {
        blipLeft--;
        v *= blipFactor;
      } else if (spec.blips && this.rng.chance(spec.blips.perHour / 60)) {
        const [lo, hi] = spec.blips.minutes ?? [1, 2];
        blipLeft = this.rng.int(lo, hi) - 1;
        blipFactor = this.rng.float(spec.blips.factor[0], spec.blips.factor[1]);
        v *= blipFactor;
      }
      for (const effect of this.effects) v = effect(t, v, this.rng);
      const clamped = Math.min(spec.max ?? Number.POSITIVE_INFINITY, Math.max(spec.min ?? 0, v));
      const scale = 10 ** (spec.decimals ?? 1);
      out.push(Math.round(clamped * scale) / scale);
    }
    return out;
  }

  /** The value at a minute, after every effect: log writers use it so logs agree with the charts. */
  valueAt(t: number): number {
    this.values ??= this.compute();
    const index = Math.round((floorMinute(t) - this.start) / MINUTE);
    return this.values[Math.max(0, Math.min(this.values.length - 1, index))] ?? 0;
  }

  build(): SeriesOut {
    this.values ??= this.compute();
    const points: [string, number][] = [
      ...this.computeHistory().map(([t, v]): [string, number] => [iso(t), v]),
      ...this.values.map((v, i): [string, number] => [iso(this.start + i * MINUTE), v]),
    ];
    return { metric: this.spec.metric, tags: this.spec.tags, unit: this.spec.unit, points };
  }
}
