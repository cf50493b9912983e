import { describe, expect, it } from 'vitest';
import { detectExhaustion } from '../../mcp-servers/metrics/analysis/exhaustion.js';
import type { AnomalyOut } from '../../mcp-servers/metrics/schemas.js';
import type { Change } from '../../src/engines/builtin/changes.js';
import { clearedByDimension, findConcentration } from '../../src/engines/builtin/dimensions.js';
import { novelSymptom } from '../builtin/support/correlator-fixtures.js';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const anomaly = (tags: Record<string, string>, severity: AnomalyOut['severity'] = 'critical'): { value: AnomalyOut; callId: string } => ({
  value: {
    metric: 'error_rate',
    tags,
    service: tags.service ?? null,
    unit: '%',
    kind: 'level_shift',
    direction: 'up',
    onset: '2026-01-01T12:00:00Z',
    peakAt: '2026-01-01T12:10:00Z',
    baseline: 0.1,
    peak: 10,
    ratio: 100,
    zScore: 50,
    severity,
    score: 300,
  },
  callId: 'T1',
});
const deploy = (id: string, environment: string, version = 'v2'): Change => ({
  kind: 'deployment',
  id,
  version,
  service: 'api',
  at: '2026-01-01T11:00:00Z',
  environment,
  text: 'feat: x',
  files: [],
  commits: [],
  declaredCommits: [],
  callId: 'T2',
  needles: [],
});

describe('dimension comparison', () => {
  const series = ['eu', 'us', 'ap'].map((region) => ({ metric: 'error_rate', tags: { service: 'api', region } }));

  it('reports symptoms confined to some values of a dimension', () => {
    const found = findConcentration([anomaly({ service: 'api', region: 'eu' })], series, ['api']);
    expect(found).toMatchObject({ service: 'api', dimension: 'region', unhealthy: ['eu'], healthy: ['ap', 'us'] });
  });

  it('finds nothing when every value suffers, or a value only mildly', () => {
    const all = ['eu', 'us', 'ap'].map((region) => anomaly({ service: 'api', region }));
    expect(findConcentration(all, series, ['api'])).toBeUndefined();
    expect(findConcentration([anomaly({ service: 'api', region: 'eu' }, 'low')], series, ['api'])).toBeUndefined();
  });

  it('clears a release that reached healthy and unhealthy values alike, keeps one confined to the unhealthy value', () => {
    const concentration = findConcentration([anomaly({ service: 'api', region: 'eu' })], series, ['api']);
    const cleared = clearedByDimension(
      [deploy('d1', 'production-eu'), deploy('d2', 'production-us'), deploy('d3', 'production-eu', 'v3')],
      concentration,
    );
    expect([...cleared].sort()).toEqual(['d1', 'd2']);
  });
});

describe('slow exhaustion', () => {
  const points = (f: (i: number) => number): [number, number][] => Array.from({ length: 120 }, (_, i) => [T0 + i * 6 * 60_000, f(i)]);

  it('flags a straight climb near a matching limit series, with the hours left', () => {
    const found = detectExhaustion(
      [
        { metric: 'container_memory_working_set_bytes', tags: { container: 'cache' }, unit: 'MiB', points: points((i) => 2000 + i * 15) },
        { metric: 'container_spec_memory_limit_bytes', tags: { container: 'cache' }, unit: 'MiB', points: points(() => 4000) },
      ],
      new Date(T0 + 6 * 3_600_000),
    );
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ service: 'cache', shape: 'gradual', direction: 'up' });
    expect(found[0]?.exhaustion?.usedShare).toBeGreaterThan(0.9);
    expect(found[0]?.exhaustion?.hoursLeft).toBeGreaterThan(0);
  });

  it('ignores a flat series near its limit, a noisy one, and one without a known limit', () => {
    const series = [
      { metric: 'disk_used_percent', tags: { instance: 'a' }, unit: '%', points: points(() => 91) },
      { metric: 'disk_used_percent', tags: { instance: 'b' }, unit: '%', points: points((i) => (i % 2 === 0 ? 40 : 95)) },
      { metric: 'process_resident_memory_bytes', tags: { instance: 'c' }, unit: 'bytes', points: points((i) => 1e9 + i * 1e7) },
    ];
    expect(detectExhaustion(series, new Date(T0))).toEqual([]);
  });
});

describe('trigger vs sustaining cause', () => {
  const trigger = { ...anomaly({ service: 'db' }).value, metric: 'replication_lag_seconds', recovered: true, kind: 'spike' as const };
  const symptom = novelSymptom(
    'retrying ledger call (attempt <n>/<n>) without backoff',
    ['wallet'],
    'retrying ledger call (attempt 3/6) without backoff',
  );
  const rates = [
    {
      value: { service: 'wallet', metric: 'error_rate', status: 'critical' as const, ratio: 50, baseline: 0.1, current: 12 },
      callId: 'T4',
    },
  ];
  const onset = new Date('2026-01-01T12:01:00Z');

  it('names the trigger that ended and the symptom that sustains the failure', async () => {
    const { findSustain, sustainSentence } = await import('../../src/engines/builtin/sustain.js');
    const found = findSustain([{ value: trigger, callId: 'T1' }], rates, [symptom], [], onset, { affected: ['db'] });
    expect(found?.trigger.value.metric).toBe('replication_lag_seconds');
    expect(sustainSentence(found)).toMatch(/moved first .* what sustains it is "retrying ledger call/);
  });

  it('says nothing when the first anomaly is still going, or the failure stopped', async () => {
    const { findSustain } = await import('../../src/engines/builtin/sustain.js');
    expect(
      findSustain([{ value: { ...trigger, recovered: false }, callId: 'T1' }], rates, [symptom], [], onset, { affected: ['db'] }),
    ).toBeUndefined();
    const healed = [{ ...rates[0]!, value: { ...rates[0]!.value, status: 'ok' as const } }];
    expect(findSustain([{ value: trigger, callId: 'T1' }], healed, [symptom], [], onset, { affected: ['db'] })).toBeUndefined();
  });
});
