import type { Confidence, Report } from '../report/schema.js';
import type { Expectation } from './cases.js';

/** Deterministic scoring of a report against a case's expectations: no model judges another model. */

export interface CheckFailure {
  check:
    | 'suspect.kind'
    | 'suspect.id'
    | 'suspect.service'
    | 'rootCauseKeywords'
    | 'mustNot.suspectIds'
    | 'mustNot.suspectKinds'
    | 'minConfidence'
    | 'maxConfidence'
    | 'service'
    | 'runbook'
    | 'todo';
  detail: string;
}

export interface Score {
  pass: boolean;
  failures: CheckFailure[];
}

const CONFIDENCE_RANK: Record<Confidence, number> = { low: 0, medium: 1, high: 2 };
/** Shortest sha prefix accepted as naming a commit; shorter hex strings are too ambiguous. */
const MIN_SHA_PREFIX = 7;
const HEX = /^[0-9a-f]+$/i;

/** Ids match when equal (case-insensitive), or when both are hex and one is a prefix (of at least 7) of the other. */
export function idMatches(actual: string, expected: string): boolean {
  const a = actual.trim().toLowerCase();
  const e = expected.trim().toLowerCase();
  if (a === e) return true;
  if (!HEX.test(a) || !HEX.test(e) || Math.min(a.length, e.length) < MIN_SHA_PREFIX) return false;
  return a.startsWith(e) || e.startsWith(a);
}

export function scoreReport(report: Report, expect: Expectation): Score {
  const failures: CheckFailure[] = [];
  const suspect = report.suspect;
  const shown = suspect ? `${suspect.kind}${suspect.id ? ` ${suspect.id}` : ''}${suspect.service ? ` (${suspect.service})` : ''}` : 'none';
  if (expect.suspect) {
    const want = expect.suspect;
    if (!suspect || !want.kind.includes(suspect.kind))
      failures.push({ check: 'suspect.kind', detail: `got ${shown}, want ${want.kind.join('|')}` });
    if (want.id && !(suspect?.id && want.id.some((id) => idMatches(suspect.id ?? '', id))))
      failures.push({ check: 'suspect.id', detail: `got ${suspect?.id ?? 'no id'}, want ${want.id.join('|')}` });
    if (want.service && !(suspect?.service && want.service.some((service) => service.toLowerCase() === suspect.service?.toLowerCase())))
      failures.push({ check: 'suspect.service', detail: `got ${suspect?.service ?? 'no service'}, want ${want.service.join('|')}` });
  }
  if (expect.rootCauseKeywords && expect.rootCauseKeywords.length > 0) {
    const text = `${report.summary}\n${report.rootCause}`.toLowerCase();
    if (!expect.rootCauseKeywords.some((keyword) => text.includes(keyword.toLowerCase())))
      failures.push({ check: 'rootCauseKeywords', detail: `none of ${expect.rootCauseKeywords.join(', ')} in summary or root cause` });
  }
  const banned = expect.mustNot?.suspectIds?.find((id) => suspect?.id !== undefined && idMatches(suspect.id, id));
  if (banned) failures.push({ check: 'mustNot.suspectIds', detail: `suspect ${suspect?.id} is a known-innocent change (${banned})` });
  if (suspect && expect.mustNot?.suspectKinds?.includes(suspect.kind))
    failures.push({ check: 'mustNot.suspectKinds', detail: `suspect kind ${suspect.kind} is excluded` });
  if (expect.minConfidence && CONFIDENCE_RANK[report.confidence] < CONFIDENCE_RANK[expect.minConfidence])
    failures.push({ check: 'minConfidence', detail: `confidence ${report.confidence} < ${expect.minConfidence}` });
  if (expect.maxConfidence && CONFIDENCE_RANK[report.confidence] > CONFIDENCE_RANK[expect.maxConfidence])
    failures.push({ check: 'maxConfidence', detail: `confidence ${report.confidence} > ${expect.maxConfidence}` });
  if (expect.service && !expect.service.some((service) => service.trim().toLowerCase() === suspect?.service?.trim().toLowerCase()))
    failures.push({
      check: 'service',
      detail: `suspect service ${suspect?.service ?? '(none)'}, want exactly ${expect.service.join('|')}`,
    });
  if (expect.runbook !== undefined) {
    const shown = report.runbook?.id;
    if (expect.runbook === 'none' ? shown !== undefined : shown !== expect.runbook)
      failures.push({ check: 'runbook', detail: `runbook ${shown ?? '(none)'}, want ${expect.runbook}` });
  }
  return { pass: failures.length === 0, failures };
}
