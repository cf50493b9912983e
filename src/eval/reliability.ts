import type { Confidence } from '../report/schema.js';
import type { CaseResult } from './runner.js';
import type { CheckFailure } from './score.js';

/**
 * Does the confidence mean something? Each case's answer is right or wrong by the answer checks alone (suspect,
 * service, keywords, innocent changes); the confidence checks judge the confidence, not the answer. A wrong answer
 * said with high confidence is the failure a team cannot recover from, so the eval fails on any.
 */

/** Checks about the confidence itself, not about what the answer names. */
const CONFIDENCE_CHECKS = new Set<CheckFailure['check']>(['minConfidence', 'maxConfidence', 'todo']);
const LEVELS: readonly Confidence[] = ['high', 'medium', 'low'];

export type Correctness = 'right' | 'wrong';

/** Right when no answer check failed; an engine error or a missing report is wrong. */
export function correctness(result: CaseResult): Correctness {
  if (result.verdict === 'error' || !result.report) return 'wrong';
  return result.failures.some((failure) => !CONFIDENCE_CHECKS.has(failure.check)) ? 'wrong' : 'right';
}

export interface ReliabilityRow {
  confidence: Confidence;
  right: number;
  wrong: number;
}

/** Counts per confidence level, high first; a case without a report counts as low. */
export function reliability(results: readonly CaseResult[]): ReliabilityRow[] {
  return LEVELS.map((confidence) => {
    const at = results.filter((result) => (result.report?.confidence ?? 'low') === confidence);
    const wrong = at.filter((result) => correctness(result) === 'wrong').length;
    return { confidence, right: at.length - wrong, wrong };
  });
}

/** The cases answered wrongly with high confidence. */
export function overconfident(results: readonly CaseResult[]): CaseResult[] {
  return results.filter((result) => result.report?.confidence === 'high' && correctness(result) === 'wrong');
}

/** The reliability table: confidence × right/wrong with each level's accuracy, then the overconfident cases. */
export function formatReliability(results: readonly CaseResult[]): string {
  const rows = reliability(results).map((row) => {
    const total = row.right + row.wrong;
    const share = total > 0 ? `${Math.round((100 * row.right) / total)}%` : '-';
    return `${row.confidence.padEnd(10)}  ${String(row.right).padStart(5)}  ${String(row.wrong).padStart(5)}  ${share.padStart(8)}`;
  });
  const bad = overconfident(results);
  return [
    'confidence  right  wrong  accuracy',
    '----------  -----  -----  --------',
    ...rows,
    bad.length > 0 ? `\nwrong at high confidence: ${bad.map((result) => result.name).join(', ')}` : '\nno wrong answer at high confidence',
  ].join('\n');
}
