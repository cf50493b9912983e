import { describe, expect, test } from 'vitest';
import {
  type Change,
  type ChangeContext,
  ONSET_GRACE_MS,
  scoreChanges,
  servicesTouched,
  timeFactor,
} from '../../src/engines/builtin/changes.js';
import { tokens } from '../../src/engines/builtin/text.js';

const ONSET = new Date('2031-01-01T12:00:00Z');
const minutesBefore = (minutes: number) => new Date(ONSET.getTime() - minutes * 60_000).toISOString();

function change(id: string, minutes: number, service: string, text: string, files: string[] = []): Change {
  return {
    kind: 'deployment',
    id,
    service,
    at: minutesBefore(minutes),
    text,
    files,
    commits: [],
    declaredCommits: [],
    callId: 'T1',
    needles: [id],
  };
}

function context(symptomText: string, primary: string[] = ['billing']): ChangeContext {
  return {
    onset: ONSET,
    primary,
    symptomServices: primary,
    allServices: ['billing', 'search', 'mailer'],
    symptomTokens: new Map([...tokens(symptomText)].map((token) => [token, 1])),
    deploymentsRecorded: true,
  };
}

describe('change scoring', () => {
  test('the closest deploy loses to an older one that touches the failing service and shares words with the symptoms', () => {
    const ranked = scoreChanges(
      [change('close', 5, 'search', 'Reindex nightly job'), change('culprit', 120, 'billing', 'Cache invoice totals in process memory')],
      context('JavaScript heap out of memory in invoice worker'),
    );
    expect(ranked.map((entry) => entry.change.id)).toEqual(['culprit', 'close']);
    expect(ranked[0]?.shared).toContain('~memory');
  });

  test('a change after the onset never wins, even when it matches service and symptoms perfectly', () => {
    const after = change('after', -30, 'billing', 'Tune the database connection pool');
    const before = change('before', 40, 'billing', 'Rename a metric label');
    const ranked = scoreChanges([after, before], context('could not acquire database connection from pool'));
    expect(ranked[0]?.change.id).toBe('before');
    const afterEntry = ranked.find((entry) => entry.change.id === 'after');
    expect(afterEntry?.afterOnset).toBe(true);
    expect(afterEntry?.score).toBeLessThan(ranked[0]?.score ?? 0);
  });

  test('a change touching only other services ranks below one touching the failing service with equal text', () => {
    const ranked = scoreChanges(
      [change('other', 10, 'mailer', 'Lower retry limit'), change('mine', 10, 'billing', 'Lower retry limit')],
      context('retry limit reached'),
    );
    expect(ranked[0]?.change.id).toBe('mine');
    expect((ranked[1]?.score ?? 1) / (ranked[0]?.score ?? 1)).toBeLessThan(0.5);
  });

  test('a word many changes share counts less than a rare one', () => {
    const ranked = scoreChanges(
      [
        change('a', 30, 'billing', 'timeout tweak'),
        change('b', 30, 'billing', 'timeout tweak for queue'),
        change('c', 30, 'billing', 'timeout tweak again'),
      ],
      context('queue timeout while publishing'),
    );
    expect(ranked[0]?.change.id).toBe('b');
  });

  test('time matters weakly and monotonically; inside the grace window a change keeps part of its weight', () => {
    const near = timeFactor(minutesBefore(5), ONSET).factor;
    const far = timeFactor(minutesBefore(600), ONSET).factor;
    expect(near).toBeGreaterThan(far);
    expect(far).toBeGreaterThan(0.4);
    const grace = timeFactor(new Date(ONSET.getTime() + ONSET_GRACE_MS / 2).toISOString(), ONSET);
    expect(grace.afterOnset).toBe(false);
    expect(grace.factor).toBeLessThan(near);
    expect(timeFactor(minutesBefore(-60), ONSET)).toEqual({ factor: expect.any(Number), afterOnset: true });
  });

  test('files under a service folder count as touching that service', () => {
    const touched = servicesTouched(change('x', 1, 'mailer', 'x', ['services/billing/config/pool.yaml', 'README.md']), [
      'billing',
      'search',
      'mailer',
    ]);
    expect(touched).toEqual(['billing', 'mailer']);
  });

  test('a change on a service that shows only part of the trouble explains less than one covering all of it', () => {
    const ctx = {
      ...context('session lookup failed'),
      symptomOwners: [
        { owners: ['billing'], weight: 1 },
        { owners: ['search'], weight: 1 },
        { owners: ['mailer'], weight: 1 },
      ],
    };
    const partial = scoreChanges([change('p', 20, 'billing', 'session store')], ctx)[0];
    const whole = scoreChanges([change('p', 20, 'billing', 'session store')], {
      ...ctx,
      symptomOwners: [{ owners: ['billing'], weight: 3 }],
    })[0];
    expect(partial?.coverage).toBeCloseTo(1 / 3);
    expect(whole?.coverage).toBe(1);
    expect(partial?.score ?? 1).toBeLessThan((whole?.score ?? 0) * 0.7);
  });
});
