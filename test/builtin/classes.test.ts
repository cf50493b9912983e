import { describe, expect, test } from 'vitest';
import { matchClasses, nearCapacity } from '../../src/engines/builtin/classes.js';
import type { Symptom } from '../../src/engines/builtin/symptoms.js';
import { anomaly, at } from './support/scenarios.js';

function symptom(signature: string, score = 5): Symptom {
  return {
    signature,
    example: signature,
    services: ['svc'],
    before: 0,
    after: 50,
    growth: 50,
    novel: true,
    score,
    firstSeen: null,
    callId: 'T5',
  };
}

describe('failure classes', () => {
  test('resolver errors make DNS the leading class, a dependency', () => {
    const [top] = matchClasses([symptom('getaddrinfo EAI_AGAIN api.partner.test'), symptom('order sync failed', 1)], []);
    expect(top?.cls.key).toBe('dns');
    expect(top?.cls.kind).toBe('dependency');
  });

  test('disk errors backed by a disk metric are infrastructure and score above the logs alone', () => {
    const symptoms = [symptom('write /var/spool/x: ENOSPC: no space left on device')];
    const logsOnly = matchClasses(symptoms, [])[0];
    const withMetric = matchClasses(symptoms, [{ value: anomaly({ metric: 'node_disk_used_percent', onset: at(30) }), callId: 'T3' }])[0];
    expect(logsOnly?.cls.kind).toBe('infrastructure');
    expect(withMetric?.cls.key).toBe('disk');
    expect(withMetric?.score ?? 0).toBeGreaterThan(logsOnly?.score ?? 0);
  });

  test('waiting for a local pool is not an upstream timeout', () => {
    const keys = matchClasses([symptom('timeout acquiring connection from pool after 3000ms')], []).map((match) => match.cls.key);
    expect(keys).toContain('pool');
    expect(keys).not.toContain('upstream');
  });

  test('an error-rate series is not a traffic surge, a request-count series is', () => {
    const errors = matchClasses([], [{ value: anomaly({ metric: 'http_request_errors_ratio', onset: at(10) }), callId: 'T3' }]);
    expect(errors.map((match) => match.cls.key)).not.toContain('surge');
    const traffic = matchClasses([], [{ value: anomaly({ metric: 'http_requests_per_second', onset: at(10) }), callId: 'T3' }]);
    expect(traffic[0]?.cls.key).toBe('surge');
    expect(traffic[0]?.cls.kind).toBe('capacity');
  });
});

describe('a capacity class needs its signature: a share of capacity near the capacity', () => {
  const cpu = (peak: number, unit: string | null, metric = 'cpu_usage') => ({
    value: anomaly({ metric, service: 'svc', onset: at(30), unit, peak }),
    callId: 'T1',
  });

  test('percent: 85 is near capacity, just under is not', () => {
    expect(nearCapacity(cpu(85, '%').value)).toBe(true);
    expect(nearCapacity(cpu(84.9, '%').value)).toBe(false);
    expect(nearCapacity(cpu(49, 'percent').value)).toBe(false);
  });

  test('ratio or utilisation: 0.85 is near capacity, just under is not', () => {
    expect(nearCapacity(cpu(0.85, 'ratio').value)).toBe(true);
    expect(nearCapacity(cpu(0.84, 'ratio').value)).toBe(false);
    expect(nearCapacity(cpu(0.5, null, 'container_cpu_utilization').value)).toBe(false);
  });

  test('series that are not a share (throttled periods, event loop lag) are judged by their move', () => {
    expect(nearCapacity(cpu(400, 'count', 'container_cpu_cfs_throttled_periods_total').value)).toBe(true);
    expect(nearCapacity(cpu(900, 'ms', 'event_loop_lag_ms').value)).toBe(true);
  });

  test('CPU busier but far from saturated does not make CPU saturation a class', () => {
    const keys = (series: ReturnType<typeof cpu>) => matchClasses([symptom('request failed')], [series]).map((m) => m.cls.key);
    expect(keys(cpu(49, '%'))).not.toContain('cpu');
    expect(keys(cpu(96, '%'))).toContain('cpu');
  });
});
