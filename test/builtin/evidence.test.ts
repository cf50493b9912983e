import { describe, expect, test } from 'vitest';
import type { ScoredChange } from '../../src/engines/builtin/changes.js';
import { FAILURE_CLASSES } from '../../src/engines/builtin/classes.js';
import { calibrate, type Evidence, evidenceCap, evidenceFor, evidenceNote } from '../../src/engines/builtin/evidence.js';
import { exhaustedSeries, novelSymptom, scoredDeployment } from './support/correlator-fixtures.js';
import { anomaly } from './support/scenarios.js';

function withLinks(entry: ScoredChange, links: ScoredChange['links']): ScoredChange {
  return { ...entry, links };
}

const deploy = (links: ScoredChange['links'], extra: Partial<ScoredChange['change']> = {}) => {
  const entry = withLinks(scoredDeployment('rel-42', 'orders', '2026-01-01T05:30:00Z', 'release', 0.6), links);
  return { ...entry, change: { ...entry.change, ...extra } };
};
const plain = novelSymptom('connection refused', ['orders']);

describe('evidence kinds behind a suspect', () => {
  test('time plus shared words is one kind: low', () => {
    const evidence = evidenceFor({ kind: 'deployment', score: 0.6, change: deploy(['time', 'text']) }, { symptoms: [plain] });
    expect(evidence).toEqual({ kinds: ['time'], service: false });
    expect(evidenceCap(evidence)).toBe('low');
  });

  test('time plus the service is medium at most', () => {
    const evidence = evidenceFor({ kind: 'deployment', score: 0.6, change: deploy(['time', 'service', 'text']) }, { symptoms: [plain] });
    expect(evidenceCap(evidence)).toBe('medium');
  });

  test('time plus the code path the errors name is high', () => {
    const trace = novelSymptom('NullPointerException', ['orders'], 'at com.acme.Reserver.reserve(StockReserver.java:9)');
    const change = deploy(['time', 'service'], { files: ['orders/src/StockReserver.java'] });
    const evidence = evidenceFor({ kind: 'deployment', score: 0.6, change }, { symptoms: [trace] });
    expect(evidence.kinds).toEqual(['code', 'time']);
    expect(evidenceCap(evidence)).toBe('high');
  });

  test('an error line naming the change (its version) is a log statement', () => {
    const named = novelSymptom('config rel-42 rejected', ['orders']);
    const evidence = evidenceFor({ kind: 'deployment', score: 0.6, change: deploy(['time']) }, { symptoms: [named] });
    expect(evidence.kinds).toEqual(['log', 'time']);
  });

  test('symptoms confined to where the change went are a dimension; a change that also went elsewhere is not', () => {
    const concentration = {
      service: 'orders',
      dimension: 'region',
      key: 'region',
      unhealthy: ['eu-west-1'],
      healthy: ['us-east-1'],
      anomalies: [],
    };
    const there = deploy(['time', 'service'], { environment: 'production-eu-west-1' });
    const everywhere = deploy(['time', 'service'], { environment: 'production eu-west-1 us-east-1' });
    expect(evidenceFor({ kind: 'deployment', score: 1, change: there }, { symptoms: [plain], concentration }).kinds).toContain('dimension');
    expect(evidenceFor({ kind: 'deployment', score: 1, change: everywhere }, { symptoms: [plain], concentration }).kinds).not.toContain(
      'dimension',
    );
  });

  test('a climb of its service that began after the change is resource evidence; one that began before is not', () => {
    const change = deploy(['service'], { at: '2026-01-01T01:00:00Z' });
    const after = exhaustedSeries('disk_free_bytes', { service: 'orders', climbStart: '2026-01-01T02:00:00Z' });
    const before = exhaustedSeries('disk_free_bytes', { service: 'orders', climbStart: '2025-12-31T12:00:00Z' });
    expect(evidenceFor({ kind: 'deployment', score: 1, change }, { symptoms: [plain], exhaustion: after }).kinds).toEqual(['resource']);
    expect(evidenceFor({ kind: 'deployment', score: 1, change }, { symptoms: [plain], exhaustion: before }).kinds).toEqual([]);
  });

  test('the lock holder and the caller whose calls jumped are resource evidence for their service’s change', () => {
    const change = deploy(['service']);
    expect(evidenceFor({ kind: 'deployment', score: 1, change }, { symptoms: [plain], holder: 'orders' }).kinds).toEqual(['resource']);
    expect(evidenceFor({ kind: 'deployment', score: 1, change }, { symptoms: [plain], holder: 'billing' }).kinds).toEqual([]);
  });

  test('a failure class needs its metric signature and its own log phrasing for high', () => {
    const disk = FAILURE_CLASSES.find((cls) => cls.key === 'disk');
    if (!disk) throw new Error('disk class');
    const series = {
      value: anomaly({ metric: 'node_filesystem_avail_bytes', onset: '2026-01-01T06:00:00Z', service: 'orders', direction: 'down' }),
      callId: 'T1',
    };
    const both = { cls: disk, score: 1, symptomShare: 0.8, symptoms: [], anomalies: [series], service: 'orders' };
    expect(evidenceCap(evidenceFor({ kind: 'infrastructure', score: 1, cls: both }, { symptoms: [] }))).toBe('high');
    const wordsOnly = { ...both, anomalies: [] };
    expect(evidenceCap(evidenceFor({ kind: 'infrastructure', score: 1, cls: wordsOnly }, { symptoms: [] }))).toBe('medium');
    // Just under the share at which the class' phrasing counts as a log statement.
    const nowhere = { ...both, anomalies: [], service: undefined };
    expect(evidenceCap(evidenceFor({ kind: 'infrastructure', score: 1, cls: nowhere }, { symptoms: [] }))).toBe('low');
    const faint = { ...both, anomalies: [], symptomShare: 0.14 };
    expect(evidenceFor({ kind: 'infrastructure', score: 1, cls: faint }, { symptoms: [] }).kinds).toEqual([]);
    const atShare = { ...both, anomalies: [], symptomShare: 0.15 };
    expect(evidenceFor({ kind: 'infrastructure', score: 1, cls: atShare }, { symptoms: [] }).kinds).toEqual(['log']);
  });

  test('calibration only lowers, and says why', () => {
    const one: Evidence = { kinds: ['time'], service: true };
    expect(calibrate('high', one)).toBe('medium');
    expect(calibrate('low', { kinds: ['time', 'code'], service: false })).toBe('low');
    expect(evidenceNote('high', 'medium', one)).toContain('linked to the symptoms by time (and its service)');
    expect(evidenceNote('medium', 'medium', one)).toBeUndefined();
    expect(evidenceFor(undefined, { symptoms: [] })).toEqual({ kinds: [], service: false });
  });
});
