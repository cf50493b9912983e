import { describe, expect, test } from 'vitest';
import type { DeploymentOut } from '../../mcp-servers/git/schemas.js';
import type { AnomalyOut } from '../../mcp-servers/metrics/schemas.js';
import type { ErrorRate } from '../../src/engines/builtin/facts.js';
import { checkQuiet, incidentGrade, isProduction, withoutSideEffects } from '../../src/engines/builtin/quiet.js';
import { grewSignificantly, lnGamma, MIN_SYMPTOM_COUNT, poissonUpperTail, SIGNIFICANCE } from '../../src/engines/builtin/significance.js';
import type { Symptom } from '../../src/engines/builtin/symptoms.js';
import { anomaly, at, deployment } from './support/scenarios.js';

/** The "nothing abnormal" rules and the growth test at their edges: every threshold, every list member. */

const cite = <T>(value: T) => ({ value, callId: 'T1' });
const MINUTE = 60_000;
/** A deploy 30 minutes before now and an anomaly `offsetMs` after it (negative: before it). */
const deployAt = at(30);
const afterDeploy = (offsetMs: number) => new Date(Date.parse(deployAt) + offsetMs).toISOString();
const deploy = (over: Partial<DeploymentOut> = {}) => cite({ ...deployment('d-1', 30, 'orders', [], null), ...over });
const warmUp = (over: Partial<AnomalyOut> = {}) =>
  cite(anomaly({ metric: 'cpu_usage', service: 'orders', onset: afterDeploy(MINUTE), kind: 'spike', recovered: true, ...over }));
const isSideEffect = (a: ReturnType<typeof warmUp>, deploys = [deploy()]) => withoutSideEffects([a], deploys).sideEffects.length === 1;

describe('rollout side effects', () => {
  test.each([
    'cpu_seconds',
    'container_memory_working_set_bytes',
    'node_mem_used',
    'jvm_heap_used',
    'process_rss',
    'kube_pod_container_status_restarts',
    'deployment_replicas',
    'kube_pods_ready',
    'kube_pod_info',
    'jvm_gc_pause_seconds',
    'process_uptime_seconds',
    'process_start_time_seconds',
  ])('%s moves by itself when pods restart', (metric) => {
    expect(isSideEffect(warmUp({ metric }))).toBe(true);
  });

  test('a series a restart does not move (latency, errors) is never a side effect', () => {
    expect(isSideEffect(warmUp({ metric: 'latency_p95_ms' }))).toBe(false);
    expect(isSideEffect(warmUp({ metric: 'http_errors_ratio' }))).toBe(false);
  });

  test('within 10 minutes after the deploy is its warm-up; a millisecond later is not', () => {
    expect(isSideEffect(warmUp({ onset: afterDeploy(10 * MINUTE) }))).toBe(true);
    expect(isSideEffect(warmUp({ onset: afterDeploy(10 * MINUTE + 1) }))).toBe(false);
  });

  test('up to 2 minutes before the deploy record counts (it is written when the rollout ends); earlier does not', () => {
    expect(isSideEffect(warmUp({ onset: afterDeploy(-2 * MINUTE) }))).toBe(true);
    expect(isSideEffect(warmUp({ onset: afterDeploy(-2 * MINUTE - 1) }))).toBe(false);
  });

  test("another service's deploy explains nothing; an anomaly with no service is near any deploy", () => {
    expect(isSideEffect(warmUp({ service: 'billing' }))).toBe(false);
    expect(isSideEffect(warmUp({ service: null }))).toBe(true);
  });

  test('a fall, a recovered move or a spike is warm-up; a sustained rise is not (a leak)', () => {
    const sustained = { kind: 'level_shift' as const, direction: 'up' as const, recovered: false };
    expect(isSideEffect(warmUp(sustained))).toBe(false);
    expect(isSideEffect(warmUp({ ...sustained, recovered: undefined }))).toBe(false);
    expect(isSideEffect(warmUp({ ...sustained, direction: 'down', kind: 'drop' }))).toBe(true);
    expect(isSideEffect(warmUp({ ...sustained, recovered: true }))).toBe(true);
    expect(isSideEffect(warmUp({ ...sustained, kind: 'spike' }))).toBe(true);
  });

  test('without a deploy nothing is a side effect', () => {
    expect(isSideEffect(warmUp(), [])).toBe(false);
  });

  test.each(['staging', 'dev', 'test', 'qa', 'sandbox', 'preview', 'STAGE-2'])(
    'a deploy to %s is not production, so it explains nothing in production',
    (environment) => {
      expect(isProduction(deploy({ environment }).value)).toBe(false);
      expect(isSideEffect(warmUp(), [deploy({ environment })])).toBe(false);
    },
  );

  test.each([['production'], ['prod-eu'], [null], ['']])('a deploy to %j counts as production', (environment) => {
    expect(isProduction(deploy({ environment: environment as string }).value)).toBe(true);
  });

  test('anomalies keep their order: kept and side effects each in the order given', () => {
    const a = warmUp({ metric: 'cpu_a' });
    const b = warmUp({ metric: 'latency_b' });
    const c = warmUp({ metric: 'cpu_c' });
    const d = warmUp({ metric: 'latency_d' });
    expect(withoutSideEffects([a, b, c, d], [deploy()])).toEqual({ kept: [b, d], sideEffects: [a, c] });
  });
});

describe('incident grade', () => {
  const base = anomaly({ metric: 'queue_depth', service: 'orders', onset: at(10) });
  test.each([
    ['low', false],
    ['medium', false],
    ['high', true],
    ['critical', true],
  ] as const)('severity %s → %s', (severity, expected) => {
    expect(incidentGrade({ ...base, severity })).toBe(expected);
  });

  test('a spike that already passed is no incident; a drop or a level shift that came back still is', () => {
    expect(incidentGrade({ ...base, kind: 'spike', recovered: true })).toBe(false);
    expect(incidentGrade({ ...base, kind: 'spike', recovered: false })).toBe(true);
    expect(incidentGrade({ ...base, kind: 'spike' })).toBe(true);
    expect(incidentGrade({ ...base, kind: 'drop', direction: 'down', recovered: true })).toBe(true);
    expect(incidentGrade({ ...base, kind: 'level_shift', recovered: true })).toBe(true);
  });

  const rate = (status: ErrorRate['status'], service = 'orders') =>
    cite<ErrorRate>({ service, metric: 'http_errors', status, ratio: 1, baseline: 0.001, current: 0.001 });
  test.each(['http_error_ratio', 'payment_failures', 'http_5xx_rate'])(
    '%s below 1 % with a healthy error rate is no incident; at 1 % it is',
    (metric) => {
      const errors = { ...base, metric, unit: 'ratio' };
      expect(incidentGrade({ ...errors, peak: 0.0099 }, [rate('ok')])).toBe(false);
      expect(incidentGrade({ ...errors, peak: 0.01 }, [rate('ok')])).toBe(true);
    },
  );

  test('in percent (or any unit but ratio) the line is 1', () => {
    const errors = { ...base, metric: 'http_errors', unit: '%' };
    expect(incidentGrade({ ...errors, peak: 0.99 }, [rate('ok')])).toBe(false);
    expect(incidentGrade({ ...errors, peak: 1 }, [rate('ok')])).toBe(true);
    expect(incidentGrade({ ...errors, unit: null, peak: 0.99 }, [rate('ok')])).toBe(false);
  });

  test("a tiny error series still counts when the service's error rate is not ok, or no rate of that service is known", () => {
    const tiny = { ...base, metric: 'http_errors', unit: 'ratio', peak: 0.002 };
    expect(incidentGrade(tiny, [rate('elevated')])).toBe(true);
    expect(incidentGrade(tiny, [rate('critical')])).toBe(true);
    expect(incidentGrade(tiny, [rate('ok', 'billing')])).toBe(true);
    expect(incidentGrade(tiny, [])).toBe(true);
    expect(incidentGrade(tiny)).toBe(true);
  });

  test('a non-error series is not excused by a healthy error rate', () => {
    expect(incidentGrade({ ...base, metric: 'queue_depth', unit: 'ratio', peak: 0.002 }, [rate('ok')])).toBe(true);
  });
});

describe('nothing abnormal', () => {
  const symptom: Symptom = {
    signature: 'db timeout',
    example: 'db timeout after 5s',
    services: ['orders'],
    before: 0,
    after: 12,
    growth: 12,
    novel: true,
    score: 5,
    firstSeen: at(20),
    callId: 'T2',
  };
  const ok = cite<ErrorRate>({ service: 'orders', metric: 'http_errors', status: 'ok', ratio: 1, baseline: 0.001, current: 0.001 });
  const minor = cite(anomaly({ metric: 'latency_p95_ms', service: 'orders', onset: at(20), severity: 'medium' }));
  const serious = cite(anomaly({ metric: 'queue_depth', service: 'orders', onset: at(20), severity: 'high' }));
  const input = { anomalies: [minor], sideEffects: [], errorRates: [ok], symptoms: [], seriesScanned: 40, signaturesChecked: 7 };

  test('quiet with only minor anomalies and healthy rates, and it says what was checked', () => {
    const side = warmUp();
    expect(checkQuiet({ ...input, sideEffects: [side] })).toEqual({
      quiet: true,
      seriesChecked: 40,
      ratesChecked: 1,
      ratesOk: 1,
      signaturesChecked: 7,
      sideEffects: [side],
      minorAnomalies: [minor],
    });
  });

  test('a serious anomaly, a failing rate (elevated or critical) or a grown signature each end the quiet', () => {
    expect(checkQuiet({ ...input, anomalies: [minor, serious] })).toMatchObject({ quiet: false, minorAnomalies: [minor] });
    for (const status of ['elevated', 'critical'] as const) {
      const failing = cite<ErrorRate>({ ...ok.value, service: 'billing', status });
      expect(checkQuiet({ ...input, errorRates: [ok, failing] })).toMatchObject({ quiet: false, ratesChecked: 2, ratesOk: 1 });
    }
    expect(checkQuiet({ ...input, symptoms: [symptom] }).quiet).toBe(false);
  });

  test('a drop that came back is still abnormal: no "nothing abnormal" verdict', () => {
    const drop = cite(
      anomaly({ metric: 'orders_placed_per_min', service: 'orders', onset: at(20), kind: 'drop', direction: 'down', recovered: true }),
    );
    expect(checkQuiet({ ...input, anomalies: [drop] })).toMatchObject({ quiet: false, minorAnomalies: [] });
  });
});

describe('significant growth', () => {
  /** P(X ≥ 4) for X ~ Poisson(λ), in closed form. */
  const tail4 = (lambda: number) => 1 - Math.exp(-lambda) * (1 + lambda + lambda ** 2 / 2 + lambda ** 3 / 6);
  /** The λ whose P(X ≥ 4) is `p` (bisection; the tail rises with λ). */
  const lambdaFor = (p: number) => {
    let lo = 0;
    let hi = 10;
    for (let k = 0; k < 200; k += 1) {
      const mid = (lo + hi) / 2;
      if (tail4(mid) < p) lo = mid;
      else hi = mid;
    }
    return lo;
  };

  test(`${MIN_SYMPTOM_COUNT} lines can be a symptom, ${MIN_SYMPTOM_COUNT - 1} never are, whatever the before-rate`, () => {
    expect(grewSignificantly(0, 4, MIN_SYMPTOM_COUNT, 1, 0.001)).toBe(true);
    expect(grewSignificantly(0, 4, MIN_SYMPTOM_COUNT - 1, 1, 0.001)).toBe(false);
  });

  test('just below the significance level is growth, just above is not', () => {
    const below = lambdaFor(SIGNIFICANCE * 0.99);
    const above = lambdaFor(SIGNIFICANCE * 1.01);
    expect(poissonUpperTail(4, below)).toBeCloseTo(SIGNIFICANCE * 0.99, 10);
    // The rate comes from the floor here: nothing before, one hour after.
    expect(grewSignificantly(0, 4, 4, 1, below)).toBe(true);
    expect(grewSignificantly(0, 4, 4, 1, above)).toBe(false);
  });

  test('the before-rate is lines per covered hour, and the floor only lifts it', () => {
    // 4 lines in 2 h = 2/h; 8 in the next hour: P(X ≥ 8 | λ = 2) ≈ 0.0011, not significant.
    expect(grewSignificantly(4, 2, 8, 1, 0.01)).toBe(false);
    // The same 4 lines over 40 h = 0.1/h: 8 in an hour is growth.
    expect(grewSignificantly(4, 40, 8, 1, 0.01)).toBe(true);
    // A floor above the before-rate decides: 2/h again.
    expect(grewSignificantly(4, 40, 8, 1, 2)).toBe(false);
    // After-hours scale the expectation: 8 lines in 4 h at 2/h is just the rate.
    expect(grewSignificantly(4, 2, 8, 4, 0.01)).toBe(false);
  });

  test('no covered time before is judged by the floor, not as an infinite or undefined rate', () => {
    expect(grewSignificantly(0, 0, 10, 1, 0.1)).toBe(true);
    expect(grewSignificantly(3, 0, 10, 1, 0.1)).toBe(false);
  });

  test('a signature that fell from thousands an hour to a few lines did not grow', () => {
    // The tail far below the mean is almost all the mass; summing upward from k alone never reaches the mode.
    expect(poissonUpperTail(10, 5000)).toBeCloseTo(1, 12);
    expect(grewSignificantly(5000, 1, 10, 1, 0.1)).toBe(false);
    expect(grewSignificantly(2400, 1, 30, 1, 0.1)).toBe(false);
  });

  test('Poisson tail: certain at or below 0, impossible with no rate, sums the whole tail', () => {
    expect(poissonUpperTail(0, 3)).toBe(1);
    expect(poissonUpperTail(-2, 3)).toBe(1);
    expect(poissonUpperTail(1, 0)).toBe(0);
    expect(poissonUpperTail(1, -1)).toBe(0);
    // Far above the mean the tail is summed upward, so a tiny tail keeps its digits (1 − P(X < k) would round to 0).
    expect(poissonUpperTail(30, 2)).toBeGreaterThan(5e-25);
    expect(poissonUpperTail(30, 2)).toBeLessThan(7e-25);
    expect(poissonUpperTail(4, 2.5)).toBeCloseTo(tail4(2.5), 12);
    // Far above the mean the tail is still the sum of many terms, not its first one.
    const first = Math.exp(-2 + 10 * Math.log(2) - lnGamma(11));
    expect(poissonUpperTail(10, 2)).toBeGreaterThan(first * 1.2);
    // A large rate needs many terms past the mode.
    expect(poissonUpperTail(1, 800)).toBeCloseTo(1, 12);
    expect(poissonUpperTail(800, 800)).toBeGreaterThan(0.49);
    expect(poissonUpperTail(800, 800)).toBeLessThan(0.51);
    expect(poissonUpperTail(900, 800)).toBeGreaterThan(0.0002);
    expect(poissonUpperTail(900, 800)).toBeLessThan(0.0003);
  });

  test('ln Γ matches factorials and Γ(½) = √π, also below ½ (reflection)', () => {
    expect(lnGamma(1)).toBeCloseTo(0, 12);
    expect(lnGamma(5)).toBeCloseTo(Math.log(24), 12);
    expect(lnGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 12);
    expect(lnGamma(0.25)).toBeCloseTo(Math.log(3.625609908221908), 11);
    expect(lnGamma(101)).toBeCloseTo(363.73937555556347, 9);
  });
});
