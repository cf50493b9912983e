import { describe, expect, test } from 'vitest';
import type { ScoredChange } from '../../src/engines/builtin/changes.js';
import { FAILURE_CLASSES } from '../../src/engines/builtin/classes.js';
import { confidenceOf, type Hypothesis, MIN_SCORE, rankHypotheses, rivalOf } from '../../src/engines/builtin/hypotheses.js';
import { anomaly } from './support/scenarios.js';

const cls = (key: string) => {
  const found = FAILURE_CLASSES.find((candidate) => candidate.key === key);
  if (!found) throw new Error(key);
  return found;
};

function scored(id: string, score: number, overlapNorm: number): ScoredChange {
  return {
    change: {
      kind: 'deployment',
      id,
      service: 's',
      at: '2031-01-01T00:00:00Z',
      text: '',
      files: [],
      commits: [],
      declaredCommits: [],
      callId: 'T1',
      needles: [],
    },
    score,
    timeFactor: 1,
    serviceFactor: 1,
    overlap: 1,
    overlapNorm,
    shared: [],
    afterOnset: false,
    touches: ['s'],
    coverage: 1,
    links: ['time', 'service'],
  };
}

describe('hypotheses and confidence', () => {
  test('confidence follows the margin to the runner-up', () => {
    expect(confidenceOf(0.8, 0.1)).toBe('high');
    expect(confidenceOf(0.8, 0.55)).toBe('medium');
    expect(confidenceOf(0.8, 0.75)).toBe('low');
    expect(confidenceOf(0.05, 0)).toBe('low');
  });

  test('a pool class the leading change already explains is discounted; an external class is not', () => {
    const pool = { cls: cls('pool'), score: 0.5, symptomShare: 1, symptoms: [], anomalies: [] };
    const upstream = { cls: cls('upstream'), score: 0.5, symptomShare: 1, symptoms: [], anomalies: [] };
    const ranked = rankHypotheses([scored('d1', 0.6, 0.9)], [pool, upstream]);
    const scoreOf = (key: string) => ranked.find((hypothesis) => hypothesis.cls?.cls.key === key)?.score ?? 0;
    expect(scoreOf('pool')).toBeLessThan(0.5);
    expect(scoreOf('upstream')).toBe(0.5);
    expect(ranked[0]?.change?.change.id).toBe('d1');
  });

  test('two classes of the same kind do not compete for confidence', () => {
    const hypotheses: Hypothesis[] = [
      { kind: 'dependency', score: 0.4, cls: { cls: cls('dns'), score: 0.4, symptomShare: 1, symptoms: [], anomalies: [] } },
      { kind: 'dependency', score: 0.35, cls: { cls: cls('upstream'), score: 0.35, symptomShare: 1, symptoms: [], anomalies: [] } },
      { kind: 'deployment', score: 0.1, change: scored('d2', 0.1, 0) },
    ];
    expect(rivalOf(hypotheses)?.kind).toBe('deployment');
  });

  test('a change made after an external signal left its baseline is discounted and says so', () => {
    const upstream = {
      cls: cls('upstream'),
      score: 0.5,
      symptomShare: 0.8,
      symptoms: [],
      anomalies: [{ value: anomaly({ metric: 'upstream_latency_ms', onset: '2030-12-31T23:00:00Z' }), callId: 'T3' }],
    };
    const ranked = rankHypotheses([scored('late', 0.8, 0.9)], [upstream]);
    const late = ranked.find((hypothesis) => hypothesis.change);
    expect(late?.precededBy).toBe('upstream_latency_ms');
    expect(late?.score).toBeCloseTo(0.4);
    expect(ranked[0]?.cls?.cls.key).toBe('upstream');
  });

  test('a hypothesis below MIN_SCORE is not named; one at MIN_SCORE is', () => {
    const ranked = rankHypotheses([scored('at', MIN_SCORE, 0), scored('below', MIN_SCORE - 0.001, 0)], []);
    expect(ranked.map((hypothesis) => hypothesis.change?.change.id)).toEqual(['at']);
    expect(rankHypotheses([scored('below', MIN_SCORE - 0.001, 0)], [])).toEqual([]);
  });
});
