import type { ErrorSignature } from '../../../mcp-servers/logs/schemas.js';
import type { Cited } from './facts.js';
import { grewSignificantly } from './significance.js';

/** Pseudo-count added to both rates so one stray line before the onset does not make growth infinite or zero. */
const SMOOTHING_PER_HOUR = 0.5;
/** Extra weight for a signature never seen before the onset: new errors are the strongest clue. */
const NOVELTY_BONUS = 1.5;
/** A known signature must at least double its rate to count as a symptom rather than background. */
const MIN_GROWTH = 2;
/** The most symptoms carried into scoring and the report; the tail is noise for a correlator. */
export const MAX_SYMPTOMS = 6;
/** Warnings count, but less than errors: they are often the background hum. */
const LEVEL_WEIGHT: Record<string, number> = { warn: 0.6, error: 1, fatal: 1.3 };
const HOUR_MS = 3_600_000;

export interface Symptom {
  signature: string;
  example: string;
  services: string[];
  before: number;
  after: number;
  growth: number;
  novel: boolean;
  score: number;
  firstSeen: string | null;
  callId: string;
  /** The first line of the full entry's continuation (an exception class and message), when one was fetched. */
  detail?: string;
  detailCallId?: string;
  /** The full entry's stack frames (bounded): the code the error ran through, to trace to the commits that touched it. */
  trace?: string;
}

/** Everything a symptom says, for matching against failure classes, services and changes. */
export function symptomText(symptom: Symptom): string {
  return [symptom.signature, symptom.example, symptom.detail ?? ''].join('\n');
}

/**
 * The line of a multi-line entry that names the cause: the first continuation line that is not a stack frame
 * (`java.lang.X: …`, `Caused by: …`, `TypeError: …`).
 */
export function causeLine(message: string): string | undefined {
  return message
    .split('\n')
    .slice(1)
    .map((line) => line.trim())
    .find((line) => line.length > 0 && !/^(at |File "|\.\.\.|#\d|goroutine |\w+\.go:\d)/.test(line));
}

/** Frames kept from one entry: the top of a trace names the application's code, the rest is framework. */
const MAX_TRACE_LINES = 40;
const MAX_TRACE_LINE = 300;

/** The continuation lines of a multi-line entry (its stack frames and causes), bounded. */
export function traceOf(message: string): string | undefined {
  const lines = message
    .split('\n')
    .slice(1, 1 + MAX_TRACE_LINES)
    .map((line) => line.trim().slice(0, MAX_TRACE_LINE))
    .filter((line) => line.length > 0);
  return lines.length > 0 ? lines.join('\n') : undefined;
}

/** The literal text of a signature before its first mask, to search for entries of that signature. */
export function literalPrefix(signature: string): string {
  return (signature.split('<')[0] ?? '').trim();
}

/**
 * Error signatures that are new or grew sharply after the onset: growth of the hourly rate (smoothed) times the
 * log of how often it happened after, plus a bonus for novelty. A constant background error scores near zero.
 */
export function scoreSymptoms(
  before: readonly Cited<ErrorSignature>[],
  after: readonly Cited<ErrorSignature>[],
  beforeSpanMs: number,
  afterSpanMs: number,
): Symptom[] {
  const beforeCounts = new Map<string, number>();
  for (const { value } of before) beforeCounts.set(value.signature, (beforeCounts.get(value.signature) ?? 0) + value.count);
  const beforeHours = Math.max(beforeSpanMs / HOUR_MS, 1 / 60);
  const afterHours = Math.max(afterSpanMs / HOUR_MS, 1 / 60);
  const symptoms: Symptom[] = [];
  for (const { value, callId } of after) {
    const prior = beforeCounts.get(value.signature) ?? 0;
    const growth = (value.count / afterHours + SMOOTHING_PER_HOUR) / (prior / beforeHours + SMOOTHING_PER_HOUR);
    const novel = prior === 0;
    if (!novel && growth < MIN_GROWTH) continue;
    if (!grewSignificantly(prior, beforeHours, value.count, afterHours, SMOOTHING_PER_HOUR)) continue;
    const lift = Math.max(0, Math.log(growth)) + (novel ? NOVELTY_BONUS : 0);
    const score = lift * Math.log1p(value.count) * (LEVEL_WEIGHT[value.level] ?? 0.3);
    if (score <= 0) continue;
    symptoms.push({
      signature: value.signature,
      example: value.example,
      services: value.services,
      before: prior,
      after: value.count,
      growth,
      novel,
      score,
      firstSeen: value.firstSeen,
      callId,
    });
  }
  return symptoms.sort((a, b) => b.score - a.score || a.signature.localeCompare(b.signature)).slice(0, MAX_SYMPTOMS);
}
