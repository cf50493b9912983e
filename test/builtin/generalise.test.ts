import { describe, expect, test } from 'vitest';
import type { LogEntryOut } from '../../mcp-servers/logs/schemas.js';
import type { Analysis } from '../../src/engines/builtin/analysis.js';
import { findCascade } from '../../src/engines/builtin/cascade.js';
import type { ScoredChange } from '../../src/engines/builtin/changes.js';
import { attributeHosts, hostMap, noisyNeighbour } from '../../src/engines/builtin/hosts.js';
import { changesFromLogs } from '../../src/engines/builtin/log-changes.js';
import { matchingCommit, rollbackSentence } from '../../src/engines/builtin/prose.js';
import { checkQuiet, incidentGrade, withoutSideEffects } from '../../src/engines/builtin/quiet.js';
import { grewSignificantly, poissonUpperTail } from '../../src/engines/builtin/significance.js';
import { scoreSymptoms } from '../../src/engines/builtin/symptoms.js';
import { anomaly, at, commit, deployment } from './support/scenarios.js';

const cite = <T>(value: T) => ({ value, callId: 'T1' });
const HOUR = 3_600_000;

describe('significance of growth', () => {
  test('Poisson tail matches known values', () => {
    expect(poissonUpperTail(0, 3)).toBe(1);
    expect(poissonUpperTail(1, 2)).toBeCloseTo(1 - Math.exp(-2), 10);
    expect(poissonUpperTail(10, 2)).toBeCloseTo(4.6494e-5, 8);
  });

  test('a handful of lines that were already there is noise; a real jump is not', () => {
    expect(grewSignificantly(9, 4, 3, 0.33, 0.5)).toBe(false);
    expect(grewSignificantly(0, 4, 3, 0.33, 0.5)).toBe(false);
    expect(grewSignificantly(9, 4, 40, 0.33, 0.5)).toBe(true);
    expect(grewSignificantly(0, 4, 6, 0.33, 0.5)).toBe(true);
  });

  test('the before-rate uses the span the data covers: 4 h of logs in a 6 h window', () => {
    const sig = (count: number) => ({
      signature: 'cache miss storm',
      level: 'warn' as const,
      count,
      firstSeen: at(10),
      lastSeen: at(1),
      services: ['a'],
      example: 'x',
    });
    // 40 lines over 4 covered hours = 10/h; 8 in the last 30 min is the same rate, not growth.
    expect(scoreSymptoms([cite(sig(40))], [cite(sig(8))], 4 * HOUR, 0.5 * HOUR)).toEqual([]);
    // Counting the uncovered 2 h as quiet time would have made the same 8 lines look like growth.
    expect(scoreSymptoms([cite(sig(40))], [cite(sig(16))], 6 * HOUR, 0.5 * HOUR).length).toBe(1);
  });
});

describe('nothing abnormal', () => {
  test('a rollout CPU spike and memory drop next to a deploy are side effects, a leak after it is not', () => {
    const deploy = cite(deployment('d-1', 30, 'orders', [], null));
    const cpu = cite(anomaly({ metric: 'cpu_usage', service: 'orders', onset: at(29), kind: 'spike', recovered: true }));
    const memDrop = cite(anomaly({ metric: 'jvm_memory_used_bytes', service: 'orders', onset: at(29), direction: 'down', kind: 'drop' }));
    const leak = cite(anomaly({ metric: 'jvm_memory_used_bytes', service: 'orders', onset: at(28), kind: 'level_shift' }));
    const errors = cite(anomaly({ metric: 'error_rate', service: 'orders', onset: at(29) }));
    const { kept, sideEffects } = withoutSideEffects([cpu, memDrop, leak, errors], [deploy]);
    expect(sideEffects).toEqual([cpu, memDrop]);
    expect(kept).toEqual([leak, errors]);
  });

  test('quiet only when no serious anomaly, no failing error rate and no significant symptom', () => {
    const minor = cite(anomaly({ metric: 'latency_p95_ms', service: 'a', onset: at(20), severity: 'medium' }));
    const rate = (status: 'ok' | 'elevated') => cite({ service: 'a', metric: 'error_rate', status, ratio: 1, baseline: 0.1, current: 0.1 });
    const base = { sideEffects: [], symptoms: [], seriesScanned: 10, signaturesChecked: 5 };
    expect(checkQuiet({ ...base, anomalies: [minor], errorRates: [rate('ok')] }).quiet).toBe(true);
    expect(checkQuiet({ ...base, anomalies: [minor], errorRates: [rate('elevated')] }).quiet).toBe(false);
    const tinyErrors = anomaly({
      metric: 'error_rate',
      service: 'a',
      onset: at(20),
      severity: 'critical',
      unit: '%',
      baseline: 0.05,
      peak: 0.2,
    });
    expect(incidentGrade(tinyErrors, [rate('ok')])).toBe(false);
    expect(incidentGrade({ ...tinyErrors, peak: 12 }, [rate('ok')])).toBe(true);
  });
});

describe('changes outside git', () => {
  const entry = (message: string, service: string, minutesAgo: number): LogEntryOut => ({
    time: at(minutesAgo),
    level: 'info',
    service,
    message,
    file: `${service}.log`,
    line: 1,
  });

  test('flag flips, reloads and scaling become candidates with ids from the line; routine autoscaler chatter does not', () => {
    const routine = [5, 65, 125, 185].map((m) =>
      cite(entry(`HorizontalPodAutoscaler web: New size: ${3 + (m % 3)}; reason: cpu above target`, 'kube-events', m)),
    );
    const changes = changesFromLogs(
      [
        cite(entry('feature flag checkout.fast-tax updated: 0% -> 100% (by ana)', 'checkout', 12)),
        cite(entry('config reloaded: revision cfg-77 applied by sync', 'edge', 30)),
        cite(entry('Scaled down replica set ledger-7d9c to 2 from 6', 'kube-events', 40)),
        ...routine,
      ],
      ['checkout', 'edge', 'ledger', 'web', 'kube-events'],
    );
    expect(changes.map((change) => [change.kind, change.id, change.service])).toEqual([
      ['config', 'checkout.fast-tax', 'checkout'],
      ['config', 'cfg-77', 'edge'],
      ['infrastructure', 'ledger-7d9c', 'ledger'],
    ]);
    expect(changes.every((change) => change.live)).toBe(true);
  });
});

describe('cascades and hosts', () => {
  const dep = anomaly({ metric: 'latency_p95_ms', service: 'stock', onset: at(20) });
  const calls = anomaly({
    metric: 'client_requests_per_sec',
    service: 'basket',
    tags: { service: 'basket', peer: 'stock' },
    onset: at(21),
    baseline: 100,
    peak: 700,
  });

  test('a caller whose calls to a suffering service jumped with flat ingress is an internal fan-out', () => {
    const cascade = findCascade([cite(dep), cite(calls)], ['stock']);
    expect(cascade).toMatchObject({ caller: 'basket', dependency: 'stock', internal: true });
  });

  test('the same jump with the caller’s own traffic up is an external surge', () => {
    const ingress = anomaly({ metric: 'request_rate', service: 'basket', onset: at(22), baseline: 100, peak: 650 });
    expect(findCascade([cite(dep), cite(calls), cite(ingress)], ['stock'])).toMatchObject({ caller: 'basket', internal: false });
  });

  test('exporter series go to a service on their host; a neighbour that grew its own usage is named', () => {
    const hosts = hostMap([
      { metric: 'request_rate', tags: { service: 'web', host: 'vm-7' } },
      { metric: 'cpu_usage', tags: { service: 'batch', host: 'vm-7' } },
      { metric: 'node_cpu', tags: { job: 'node', instance: 'vm-7:9100' } },
    ]);
    expect(hosts.get('vm-7')).toEqual(['batch', 'web']);
    const nodeCpu = cite(
      anomaly({ metric: 'node_cpu_seconds', service: 'node', tags: { job: 'node', instance: 'vm-7:9100' }, onset: at(15) }),
    );
    const batchCpu = cite(anomaly({ metric: 'cpu_usage', service: 'batch', onset: at(16) }));
    const webLatency = cite(anomaly({ metric: 'latency_p95_ms', service: 'web', onset: at(14) }));
    const view = attributeHosts([nodeCpu, batchCpu, webLatency], hosts);
    expect(view.anomalies[0]?.value.service).toBe('batch');
    const neighbour = noisyNeighbour(view, view.anomalies, ['web', 'batch']);
    expect(neighbour).toMatchObject({ service: 'batch', victim: 'web', host: 'vm-7' });
  });
});

describe('precise prose', () => {
  test('the commit of a multi-commit deployment that matches the symptoms is quoted, not the first one', () => {
    const docs = commit('a'.repeat(40), 50, 'idx', 'docs: update README', ['idx/README.md']);
    const tests = commit('b'.repeat(40), 45, 'idx', 'test: cover bulk timeout paths', ['idx/test/bulk.test.ts']);
    const real = commit('c'.repeat(40), 40, 'idx', 'lower bulk timeout to 2s', ['idx/src/bulk.ts']);
    const scored = {
      change: {
        kind: 'deployment',
        id: 'd',
        service: 'idx',
        at: at(30),
        text: '',
        files: [],
        commits: [docs, tests, real],
        declaredCommits: [],
        callId: 'T1',
        needles: [],
      },
      shared: ['bulk', 'timeout', '~timeout'],
    } as unknown as ScoredChange;
    expect(matchingCommit(scored)?.sha).toBe(real.sha);
  });

  test('a rollback after the onset that did not end the symptoms is said so; without one nothing is added', () => {
    const deploy = (id: string, version: string, minutesAgo: number, afterOnset: boolean) =>
      ({ change: { kind: 'deployment', id, version, service: 'cat', at: at(minutesAgo) }, afterOnset }) as unknown as ScoredChange;
    const culprit = deploy('r1', 'v8.0.0', 40, false);
    const rollback = deploy('r2', 'v7.9.3', 15, true);
    const analysis = {
      changes: [culprit, rollback],
      symptoms: [{ firstSeen: at(38) }],
      anomalies: [cite(anomaly({ metric: 'error_rate', service: 'cat', onset: at(38) }))],
    } as unknown as Analysis;
    expect(rollbackSentence(analysis, culprit)).toContain('r2 (v7.9.3) of cat');
    expect(rollbackSentence({ ...analysis, changes: [culprit] }, culprit)).toBe('');
  });
});
