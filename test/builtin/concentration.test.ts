import { describe, expect, test } from 'vitest';
import type { AnomalyOut } from '../../mcp-servers/metrics/schemas.js';
import { concentrationSentence, DOMINANCE_RATIO, dominantValue, findConcentration } from '../../src/engines/builtin/dimensions.js';
import { anomaly, at } from './support/scenarios.js';

const slice = (zone: string, peak: number, metric = 'error_rate'): { value: AnomalyOut; callId: string } => ({
  value: anomaly({ metric, service: 'api', tags: { service: 'api', zone }, onset: at(30), peak, severity: 'critical' }),
  callId: 'T1',
});
const series = ['a', 'b', 'c'].map((zone) => ({ metric: 'error_rate', tags: { service: 'api', zone } }));

describe('concentration when every slice rose', () => {
  test('the slice whose peak is five times every other slice’s holds the failure', () => {
    const found = findConcentration([slice('a', 40), slice('b', 8), slice('c', 2)], series, ['api']);
    expect(found).toMatchObject({ dimension: 'zone', unhealthy: ['a'], healthy: ['b', 'c'], othersRose: true });
    expect(found?.anomalies.map(({ value }) => value.tags.zone)).toEqual(['a']);
    expect(concentrationSentence(found)).toContain(`at least ${DOMINANCE_RATIO} times that of b, c, which rose far less`);
  });

  test('just under five times the runner-up is no concentration', () => {
    expect(findConcentration([slice('a', 39.9), slice('b', 8), slice('c', 2)], series, ['api'])).toBeUndefined();
    expect(
      dominantValue(
        [slice('a', 40), slice('b', 8)].map((entry) => entry),
        'zone',
      ),
    ).toBe('a');
    expect(dominantValue([slice('a', 39.9), slice('b', 8)], 'zone')).toBeUndefined();
  });

  test('peaks are compared on the same series only', () => {
    expect(dominantValue([slice('a', 400, 'latency_p95_ms'), slice('b', 8)], 'zone')).toBeUndefined();
  });
});

describe('slices below a region: shard, tenant, pod, host', () => {
  for (const key of ['shard', 'tenant', 'customer', 'pod', 'host', 'instance']) {
    test(`a ${key} holding most errors while the others rose far less is a concentration`, () => {
      const at30 = at(30);
      const hit = (value: string, peak: number) => ({
        value: anomaly({
          metric: 'error_ratio',
          service: 'api',
          tags: { app: 'api', [key]: value },
          onset: at30,
          peak,
          severity: 'critical',
        }),
        callId: 'T1',
      });
      const all = ['s1', 's2', 's3'].map((value) => ({ metric: 'error_ratio', tags: { app: 'api', [key]: value } }));
      expect(findConcentration([hit('s1', 0.4), hit('s2', 0.014), hit('s3', 0.013)], all, ['api'])).toMatchObject({
        key,
        unhealthy: ['s1'],
        othersRose: true,
      });
    });
  }
});
