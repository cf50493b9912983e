import path from 'node:path';

export const FIXTURE_DIR = path.resolve('test/fixtures/metrics-dataset');

/**
 * Deterministic generator for test/fixtures/metrics-dataset (checked in; fixture.test.ts proves the file matches).
 * The constants are the ground truth the tests assert against; the engine never sees them.
 */

export const START = Date.parse('2024-05-01T08:00:00Z');
export const END = Date.parse('2024-05-01T14:00:00Z');
export const STEP_MS = 60_000;
/** checkout: error rate 0.1% → 15%, p95 latency ×6, throughput −63%, all from this minute on. */
export const BURST_START = Date.parse('2024-05-01T13:35:00Z');
/** inventory: memory flat at 512 MiB, then a linear climb to 1400 MiB at END. */
export const RAMP_START = Date.parse('2024-05-01T11:00:00Z');
export const RAMP_FROM = 512 * 2 ** 20;
export const RAMP_TO = 1400 * 2 ** 20;
/** frontend: traffic swings ±20% around 1000/min with a 4 h period (a compressed daily pattern). */
export const SWING_PERIOD_MS = 4 * 3_600_000;

export interface FixtureSeries {
  metric: string;
  tags: Record<string, string>;
  unit: string;
  points: Array<[string, number]>;
}

/** mulberry32: a tiny seeded PRNG so the fixture is reproducible byte for byte. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Standard normal noise (Box–Muller). */
export function gaussian(random: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

function sig(value: number, digits = 5): number {
  return Number(value.toPrecision(digits));
}

export function generateFixture(seed = 42): { series: FixtureSeries[] } {
  const noise = gaussian(prng(seed));
  const times: number[] = [];
  for (let t = START; t <= END; t += STEP_MS) times.push(t);
  const make = (metric: string, tags: Record<string, string>, unit: string, value: (t: number) => number): FixtureSeries => ({
    metric,
    tags,
    unit,
    points: times.map((t) => [new Date(t).toISOString(), sig(value(t))]),
  });
  const burst = (t: number) => t >= BURST_START;

  let requestsTotal = 1_000_000;
  let errorsTotal = 1_000;
  const cumulative = times.map(() => {
    const requests = Math.round(900 + 30 * noise());
    requestsTotal += requests;
    errorsTotal += Math.max(0, Math.round(0.9 + noise()));
    return [requestsTotal, errorsTotal] as const;
  });
  let index = 0;
  const payments = times.map(() => cumulative[index++]!);

  return {
    series: [
      make('http_error_rate', { service: 'checkout' }, '%', (t) => Math.max(0, burst(t) ? 15 + noise() : 0.1 + 0.02 * noise())),
      make('http_error_rate', { service: 'search' }, 'ratio', () => Math.max(0, 0.002 + 0.0004 * noise())),
      make('http_request_duration_p95_ms', { service: 'checkout' }, 'ms', (t) => (burst(t) ? 800 + 40 * noise() : 120 + 8 * noise())),
      make('http_requests', { service: 'checkout' }, 'count', (t) => Math.round(burst(t) ? 220 + 20 * noise() : 600 + 25 * noise())),
      make('http_requests', { service: 'frontend' }, 'count', (t) =>
        Math.round((1000 + 200 * Math.sin((2 * Math.PI * (t - START)) / SWING_PERIOD_MS)) * (1 + 0.02 * noise())),
      ),
      {
        metric: 'payments_requests_total',
        tags: { service: 'payments' },
        unit: 'count',
        points: times.map((t, i) => [new Date(t).toISOString(), payments[i]![0]]),
      },
      {
        metric: 'payments_errors_total',
        tags: { service: 'payments' },
        unit: 'count',
        points: times.map((t, i) => [new Date(t).toISOString(), payments[i]![1]]),
      },
      make('process_memory_bytes', { service: 'inventory' }, 'bytes', (t) => {
        const level = t < RAMP_START ? RAMP_FROM : RAMP_FROM + ((RAMP_TO - RAMP_FROM) * (t - RAMP_START)) / (END - RAMP_START);
        return Math.round(level * (1 + 0.01 * noise()));
      }),
      make('cpu_usage_percent', { service: 'search' }, '%', () => 35 + 2 * noise()),
    ],
  };
}

export const FIXTURE_META = {
  name: 'metrics-fixture',
  description:
    'Synthetic metrics for the metrics server tests: a checkout error burst, an inventory memory ramp, a frontend traffic swing, noise.',
  now: new Date(END).toISOString(),
};

/** The fixture files' text, as fixture.test.ts compares them and `npx tsx`-free regeneration writes them. */
export function fixtureFiles(): Record<string, string> {
  return {
    'dataset.json': `${JSON.stringify(FIXTURE_META, null, 2)}\n`,
    // One series per line keeps diffs and JSON error positions readable.
    'metrics/metrics.json': `{"series": [\n${generateFixture()
      .series.map((s) => JSON.stringify(s))
      .join(',\n')}\n]}\n`,
  };
}
