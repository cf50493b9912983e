import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { correctness, formatReliability, overconfident, reliability } from '../../src/eval/reliability.js';
import type { CaseResult } from '../../src/eval/runner.js';
import type { CheckFailure } from '../../src/eval/score.js';
import type { Confidence, Report } from '../../src/report/schema.js';

function result(name: string, confidence: Confidence, failures: CheckFailure['check'][] = []): CaseResult {
  const report: Report = {
    incident: 'x',
    window: { start: '2031-01-01T00:00:00Z', end: '2031-01-01T06:00:00Z' },
    summary: 's',
    rootCause: 'r',
    confidence,
    timeline: [],
    evidence: [],
    recommendations: [],
    engine: 'builtin',
    toolCalls: [],
    durationMs: 1,
  };
  return {
    name,
    title: name,
    verdict: failures.length > 0 ? 'fail' : 'pass',
    failures: failures.map((check) => ({ check, detail: check })),
    ms: 1,
    toolCalls: 0,
    report,
  };
}

describe('reliability table', () => {
  test('a failed answer check makes the answer wrong; a failed confidence check alone does not', () => {
    expect(correctness(result('a', 'low'))).toBe('right');
    expect(correctness(result('b', 'low', ['maxConfidence']))).toBe('right');
    expect(correctness(result('c', 'low', ['minConfidence']))).toBe('right');
    for (const check of ['suspect.kind', 'suspect.id', 'suspect.service', 'service', 'rootCauseKeywords', 'mustNot.suspectIds'] as const)
      expect(correctness(result('d', 'low', [check]))).toBe('wrong');
  });

  test('an engine error is a wrong answer', () => {
    const errored: CaseResult = { name: 'e', title: 'e', verdict: 'error', failures: [], ms: 1, toolCalls: 0, error: 'boom' };
    expect(correctness(errored)).toBe('wrong');
  });

  test('counts each confidence level, high first', () => {
    const rows = reliability([result('a', 'high'), result('b', 'high', ['suspect.id']), result('c', 'low'), result('d', 'medium')]);
    expect(rows).toEqual([
      { confidence: 'high', right: 1, wrong: 1 },
      { confidence: 'medium', right: 1, wrong: 0 },
      { confidence: 'low', right: 1, wrong: 0 },
    ]);
  });

  test('only a wrong answer at high confidence is overconfident', () => {
    const cases = [
      result('ok', 'high'),
      result('wrong-medium', 'medium', ['suspect.kind']),
      result('wrong-high', 'high', ['suspect.kind']),
    ];
    expect(overconfident(cases).map((entry) => entry.name)).toEqual(['wrong-high']);
    expect(formatReliability(cases)).toContain('wrong at high confidence: wrong-high');
    expect(formatReliability([result('ok', 'high')])).toContain('no wrong answer at high confidence');
  });
});

describe('npm run eval prints the reliability table', () => {
  test('a case answered wrongly at high confidence is listed under the table and the run exits 1', () => {
    const cli = path.resolve('dist/src/eval/cli.js');
    const dir = mkdtempSync(path.join(tmpdir(), 'reliability-'));
    try {
      // The checkout sample is answered with high confidence; expecting another deployment makes that answer wrong.
      const original = readFileSync('test/evals/01-checkout-outage/case.yaml', 'utf8');
      const wrong = original.replace(/id: \[dep-1340[^\]]*\]/, 'id: [dep-1341]');
      expect(wrong).not.toBe(original);
      mkdirSync(path.join(dir, '01-wrong'));
      writeFileSync(path.join(dir, '01-wrong', 'case.yaml'), wrong);
      const run = spawnSync(process.execPath, [cli, '--cases', dir], { encoding: 'utf8', timeout: 120_000 });
      expect(run.status, run.stderr).toBe(1);
      expect(run.stdout).toContain('confidence  right  wrong  accuracy');
      expect(run.stdout).toMatch(/high\s+0\s+1\s+0%/);
      expect(run.stdout).toContain('wrong at high confidence: 01-wrong');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
