import { describe, expect, test } from 'vitest';
import type { Change, ScoredChange } from '../../src/engines/builtin/changes.js';
import type { Concentration } from '../../src/engines/builtin/concentration.js';
import { leftBehindBy, leftBehindSentence, weighLeftBehind } from '../../src/engines/builtin/rollout.js';

const onset = new Date('2031-01-02T13:30:00Z');

function deploy(id: string, version: string, at: string, service = 'router'): Change {
  return { kind: 'deployment', id, version, service, at, text: '', files: [], commits: [], declaredCommits: [], callId: 'T5', needles: [] };
}

function version(unhealthy: string[], healthy: string[], extra: Partial<Concentration> = {}): Concentration {
  return { service: 'router', dimension: 'version', key: 'version', unhealthy, healthy, anomalies: [], ...extra };
}

const rollout = deploy('d2', 'v4.2.0', '2031-01-01T22:10:00Z');
const old = deploy('d1', 'v4.1.7', '2030-12-23T21:30:00Z');

describe('a rollout that left the failing version behind', () => {
  test('the failing version shipped before the latest rollout, which runs healthy: the rollout is the finding', () => {
    expect(leftBehindBy([old, rollout], version(['v4.1.7'], ['v4.2.0']), onset)).toEqual({
      change: 'd2',
      version: 'v4.2.0',
      behind: ['v4.1.7'],
      superseded: ['d1'],
    });
  });

  test('the old release need not be in view: a version with no record predates the rollout', () => {
    expect(leftBehindBy([rollout], version(['v4.1.7'], ['v4.2.0']), onset)?.superseded).toEqual([]);
  });

  test('versions compare without the leading v and case', () => {
    expect(leftBehindBy([deploy('d2', 'V4.2.0', rollout.at)], version(['4.1.7'], ['4.2.0']), onset)?.change).toBe('d2');
  });

  test('a failing version shipped at or after the rollout is a canary failing, not one left behind', () => {
    const canary = deploy('d3', 'v4.1.7', rollout.at);
    expect(leftBehindBy([rollout, canary], version(['v4.1.7'], ['v4.2.0']), onset)).toBeUndefined();
    const later = deploy('d3', 'v4.1.7', '2031-01-02T09:00:00Z');
    expect(leftBehindBy([rollout, later], version(['v4.1.7'], ['v4.2.0']), onset)).toBeUndefined();
  });

  test('only a version dimension, only when the other versions stayed healthy, only rollouts before the onset', () => {
    expect(leftBehindBy([old, rollout], { ...version(['a'], ['b']), dimension: 'zone', key: 'zone' }, onset)).toBeUndefined();
    expect(leftBehindBy([old, rollout], version(['v4.1.7'], ['v4.2.0'], { othersRose: true }), onset)).toBeUndefined();
    expect(leftBehindBy([old, rollout], version(['v4.1.7'], ['v4.2.0']), new Date('2031-01-01T22:09:59Z'))).toBeUndefined();
    expect(leftBehindBy([old, rollout], undefined, onset)).toBeUndefined();
  });

  test('another service’s deployment of the healthy version is not this service’s rollout', () => {
    expect(leftBehindBy([deploy('x', 'v4.2.0', rollout.at, 'feed')], version(['v4.1.7'], ['v4.2.0']), onset)).toBeUndefined();
  });

  test('weighing: the rollout is uncleared and judged by placement, the superseded release is cleared', () => {
    const left = leftBehindBy([old, rollout], version(['v4.1.7'], ['v4.2.0']), onset);
    if (!left) throw new Error('expected a rollout left behind');
    const entry = { change: rollout, score: 0.1, timeFactor: 0.5, afterOnset: false } as ScoredChange;
    const cleared = new Set(['d2']);
    weighLeftBehind(left, [entry], cleared);
    expect([...cleared]).toEqual(['d1']);
    expect(entry.score).toBeCloseTo(0.1 * (0.8 / 0.5) * 1.5);
    expect(leftBehindSentence(left)).toContain('The rollout of v4.2.0 did not reach the instances still on v4.1.7');
    expect(leftBehindSentence(undefined)).toBe('');
  });
});
