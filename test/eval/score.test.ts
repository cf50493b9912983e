import { describe, expect, test } from 'vitest';
import { ExpectSchema } from '../../src/eval/cases.js';
import { idMatches, scoreReport } from '../../src/eval/score.js';
import type { Report } from '../../src/report/schema.js';

const report: Report = {
  incident: 'orders failing',
  window: { start: '2031-01-01T00:00:00Z', end: '2031-01-01T06:00:00Z' },
  summary: 'orders-api: pool exhausted after deployment rel-3',
  rootCause: 'The deploy lowered the connection pool size.',
  confidence: 'medium',
  suspect: { kind: 'deployment', id: 'rel-3', service: 'orders-api' },
  timeline: [],
  evidence: [],
  recommendations: [],
  engine: 'builtin',
  toolCalls: [],
  durationMs: 1,
};

const expectation = (raw: unknown) => ExpectSchema.parse(raw);

describe('scorer', () => {
  test('a matching expectation passes', () => {
    const score = scoreReport(
      report,
      expectation({
        suspect: { kind: ['deployment', 'config'], id: ['v9', 'rel-3'], service: 'orders-api' },
        rootCauseKeywords: ['POOL'],
        mustNot: { suspectIds: ['rel-2'], suspectKinds: ['dependency'] },
        minConfidence: 'medium',
      }),
    );
    expect(score).toEqual({ pass: true, failures: [] });
  });

  test('a deliberately wrong expectation fails, naming each failed check', () => {
    const score = scoreReport(
      report,
      expectation({
        suspect: { kind: 'dependency', id: 'rel-4', service: ['payments'] },
        rootCauseKeywords: ['dns', 'nxdomain'],
        mustNot: { suspectIds: ['rel-3'], suspectKinds: ['deployment'] },
        minConfidence: 'high',
      }),
    );
    expect(score.pass).toBe(false);
    expect(score.failures.map((failure) => failure.check)).toEqual([
      'suspect.kind',
      'suspect.id',
      'suspect.service',
      'rootCauseKeywords',
      'mustNot.suspectIds',
      'mustNot.suspectKinds',
      'minConfidence',
    ]);
  });

  test('maxConfidence caps how sure a report may sound', () => {
    expect(scoreReport(report, expectation({ maxConfidence: 'medium' })).pass).toBe(true);
    const capped = scoreReport(report, expectation({ maxConfidence: 'low' }));
    expect(capped.failures).toEqual([{ check: 'maxConfidence', detail: 'confidence medium > low' }]);
  });

  test('the strict service check needs exactly that service, whatever the suspect kind', () => {
    expect(scoreReport(report, expectation({ service: 'Orders-API' })).pass).toBe(true);
    expect(scoreReport(report, expectation({ service: ['orders'] })).failures.map((f) => f.check)).toEqual(['service']);
    expect(scoreReport(report, expectation({ service: ['orders-api-v2'] })).pass).toBe(false);
    const { suspect: _none, ...bare } = report;
    expect(scoreReport(bare, expectation({ service: 'orders-api' })).failures.map((f) => f.check)).toEqual(['service']);
  });

  test('a report without a suspect fails a suspect expectation', () => {
    const { suspect: _none, ...bare } = report;
    expect(scoreReport(bare, expectation({ suspect: { kind: 'unknown' } })).pass).toBe(false);
  });

  test('ids match exactly or as sha prefixes of at least 7 characters', () => {
    expect(idMatches('9f3c2ab71d', '9f3c2ab')).toBe(true);
    expect(idMatches('9f3c2ab', '9f3c2ab71d')).toBe(true);
    expect(idMatches('9f3c2ab71d', '9f3c')).toBe(false);
    expect(idMatches('REL-3', 'rel-3')).toBe(true);
    expect(idMatches('rel-30', 'rel-3')).toBe(false);
  });

  test('typos in expectations are rejected instead of silently passing', () => {
    expect(() => expectation({ suspect: { kind: 'deployment', ids: ['x'] } })).toThrow();
    expect(() => expectation({ rootCauseKeyword: ['x'] })).toThrow();
  });
});

describe('the runbook check', () => {
  const base = {
    incident: 'i',
    window: { start: 'a', end: 'b' },
    summary: 's',
    rootCause: 'r',
    confidence: 'low' as const,
    timeline: [],
    evidence: [],
    recommendations: [],
    engine: 'builtin',
    toolCalls: [],
    durationMs: 1,
  };
  const runbook = { id: 'checkout-api/db-pool.md', title: 't', steps: ['x'], why: [], tool: 'T1' };

  test('passes on the expected runbook and fails on another or none', () => {
    expect(scoreReport({ ...base, runbook }, { runbook: 'checkout-api/db-pool.md' }).pass).toBe(true);
    expect(
      scoreReport({ ...base, runbook: { ...runbook, id: 'orders-api/db-pool.md' } }, { runbook: 'checkout-api/db-pool.md' }).failures[0]
        ?.check,
    ).toBe('runbook');
    expect(scoreReport(base, { runbook: 'checkout-api/db-pool.md' }).failures[0]?.detail).toBe(
      'runbook (none), want checkout-api/db-pool.md',
    );
  });

  test('`none` fails when any runbook is shown', () => {
    expect(scoreReport(base, { runbook: 'none' }).pass).toBe(true);
    expect(scoreReport({ ...base, runbook }, { runbook: 'none' }).pass).toBe(false);
  });
});
