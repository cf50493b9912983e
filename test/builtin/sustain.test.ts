import { describe, expect, it } from 'vitest';
import type { AnomalyOut } from '../../mcp-servers/metrics/schemas.js';
import type { Cascade } from '../../src/engines/builtin/cascade.js';
import type { ScoredChange } from '../../src/engines/builtin/changes.js';
import type { ClassMatch } from '../../src/engines/builtin/classes.js';
import { applySustain, findSustain, sustainSentence } from '../../src/engines/builtin/sustain.js';
import type { Symptom } from '../../src/engines/builtin/symptoms.js';
import { novelSymptom, scoredDeployment } from './support/correlator-fixtures.js';

const onset = new Date('2026-01-01T12:01:00Z');
const anomaly = (metric: string, service: string | null, extra: Partial<AnomalyOut> = {}) => ({
  value: {
    metric,
    tags: {},
    service,
    unit: '%',
    kind: 'spike' as const,
    direction: 'up' as const,
    onset: '2026-01-01T12:00:00Z',
    peakAt: '2026-01-01T12:03:00Z',
    baseline: 0.1,
    peak: 20,
    ratio: 200,
    zScore: 40,
    severity: 'high' as const,
    score: 200,
    recovered: true,
    ...extra,
  },
  callId: 'T1',
});
const symptom = (signature: string, services: string[]): Symptom => novelSymptom(signature, services);
const rates = [
  { value: { service: 'fares', metric: 'error_rate', status: 'critical' as const, ratio: 50, baseline: 0.1, current: 12 }, callId: 'T4' },
];
const change = (id: string, service: string, at: string, text: string, score = 0.3): ScoredChange =>
  scoredDeployment(id, service, at, text, score);
const cascade = (recovered: boolean): Cascade => ({
  caller: 'search',
  dependency: 'fares',
  outbound: anomaly('outbound_requests', 'search', { recovered, kind: 'level_shift' }),
  internal: true,
  factor: 3,
});
const retrying = symptom('fare lookup timed out, retrying', ['search']);

describe('trigger choice', () => {
  it('takes an infrastructure blip over a bystander service blip, and the more severe over the earlier', () => {
    const found = findSustain(
      [
        anomaly('latency_p95_ms', 'loyalty', { onset: '2026-01-01T11:50:00Z' }),
        anomaly('network_packet_loss_percent', null, { severity: 'critical' }),
        anomaly('cpu_usage', 'fares', { severity: 'medium', onset: '2026-01-01T11:55:00Z' }),
      ],
      rates,
      [retrying],
      [],
      onset,
      { affected: ['fares', 'search'] },
    );
    expect(found?.trigger.value.metric).toBe('network_packet_loss_percent');
  });

  it('takes a network exporter series (SNMP, blackbox) as infrastructure, even though no service is affected by that name', () => {
    const found = findSustain([anomaly('ifInDiscards_rate', 'snmp')], rates, [retrying], [], onset, { affected: ['fares'] });
    expect(found?.trigger.value.service).toBe('snmp');
    expect(sustainSentence(found)).not.toMatch(/of snmp/);
  });

  it('finds no trigger in a blip of a service that is not affected', () => {
    expect(findSustain([anomaly('latency_p95_ms', 'loyalty')], rates, [retrying], [], onset, { affected: ['fares'] })).toBeUndefined();
  });
});

describe('sustaining mechanisms', () => {
  const blip = [anomaly('network_packet_loss_percent', null)];

  it('reads lock waits and lock timeouts as sustaining, not clock skew', () => {
    const lock = symptom('canceling statement due to lock timeout', ['orders-db']);
    const waits = symptom('process <n> still waiting for ShareLock on transaction <n> after <duration>', ['orders-db']);
    const clock = symptom('clock skew detected between nodes', ['fares']);
    expect(findSustain(blip, rates, [lock], [], onset)?.mechanism.signature).toMatch(/lock timeout/);
    expect(findSustain(blip, rates, [waits], [], onset)?.mechanism.signature).toMatch(/ShareLock/);
    expect(findSustain(blip, rates, [clock], [], onset)).toBeUndefined();
  });

  it('takes the policy change from the caller that keeps multiplying its calls, not from an unrelated service', () => {
    const changes = [
      change('d-other', 'booking', '2026-01-01T11:00:00Z', 'feat: retry payment holds', 0.4),
      change('d-caller', 'search', '2025-12-31T17:00:00Z', 'feat(fares): hedge lookups, 3 parallel requests'),
    ];
    const silent = symptom('rejected fare lookup: executor queue full', ['fares']);
    const found = findSustain(blip, rates, [silent], changes, onset, { affected: ['fares', 'search'], cascade: cascade(false) });
    expect(found?.caller).toBe('search');
    expect(found?.policyChange?.change.id).toBe('d-caller');
    expect(sustainSentence(found)).toMatch(/search keeps multiplying its calls .* under the policy set by d-caller/);
  });

  it('a caller whose calls came back down sustains nothing', () => {
    const silent = symptom('rejected fare lookup: executor queue full', ['fares']);
    const changes = [change('d-caller', 'search', '2025-12-31T17:00:00Z', 'feat(fares): hedge lookups, 3 parallel requests')];
    const found = findSustain(blip, rates, [silent], changes, onset, { affected: ['fares', 'search'], cascade: cascade(true) });
    expect(found?.caller).toBeUndefined();
    expect(found?.policyChange).toBeUndefined();
  });
});

describe('re-ranking by the sustaining cause', () => {
  const node = { cls: { key: 'node', metrics: /packet_loss|node/ }, score: 0.4 } as unknown as ClassMatch;

  it('when the trigger was no change, the policy change gains and the trigger class loses', () => {
    const policy = change('d-caller', 'search', '2025-12-31T17:00:00Z', 'retry fare lookups 5 times', 0.28);
    const scored = [change('d-near', 'fares', '2026-01-01T11:30:00Z', 'bump jackson', 0.3), policy];
    const classes = [{ ...node }];
    const found = findSustain([anomaly('network_packet_loss_percent', null)], rates, [retrying], scored, onset, { affected: ['fares'] });
    expect(found?.triggerIsChange).toBe(false);
    applySustain(found, scored, classes);
    expect(scored[0]?.change.id).toBe('d-caller');
    expect(classes[0]?.score).toBeCloseTo(0.2);
  });

  it('when a change of the trigger service came just before it, the trigger is that change: nothing moves', () => {
    const policy = change('d-caller', 'search', '2025-12-31T17:00:00Z', 'retry fare lookups 5 times', 0.28);
    const migration = change('d-db', 'orders-db', '2026-01-01T11:40:00Z', 'migration: add index', 0.3);
    const scored = [migration, policy];
    const found = findSustain([anomaly('replication_lag_seconds', 'orders-db')], rates, [retrying], scored, onset, {
      affected: ['orders-db', 'search'],
    });
    expect(found?.triggerIsChange).toBe(true);
    applySustain(found, scored, []);
    expect(scored.map((entry) => entry.score)).toEqual([0.3, 0.28]);
  });
});
