import { setTimeout as delay } from 'node:timers/promises';
import { CHARS_PER_TOKEN, COMPACT_AT_RATIO, COMPACT_TO_RATIO } from './compaction.js';
import { MAX_RETRY_HINT_MS, OllamaError } from './errors.js';

/** Share of the time left that a rate-limit wait may take: the rest is for the answer. */
const RETRY_WAIT_SHARE = 0.5;

/**
 * Whether the next prompt will crowd the context window. The server's count of the last prompt is the best figure
 * (it knows the template and tokenizer); what was added since is estimated. A cached prompt can under-count, so the
 * plain estimate is a floor.
 */
export function contextPressure(
  estimate: number,
  last: { estimate: number; server: number } | undefined,
  numCtx: number,
): { projected: number; charsToFree: number } | undefined {
  const projected = Math.max(estimate, last ? last.server + (estimate - last.estimate) : 0);
  if (projected < numCtx * COMPACT_AT_RATIO) return undefined;
  return { projected, charsToFree: Math.ceil((projected - numCtx * COMPACT_TO_RATIO) * CHARS_PER_TOKEN) };
}

/** The wait a 429 asked for, when it is short enough to honour within the time left; undefined means give up. */
export function retryWaitMs(error: unknown, remainingMs: number): number | undefined {
  if (!(error instanceof OllamaError) || error.kind !== 'rate_limited' || error.retryAfterMs === undefined) return undefined;
  const wait = Math.max(0, error.retryAfterMs);
  return wait <= Math.min(MAX_RETRY_HINT_MS, remainingMs * RETRY_WAIT_SHARE) ? wait : undefined;
}

/** A wait that ends early, rejecting, when the analysis is aborted or its deadline passes. */
export async function sleep(ms: number | undefined, signal: AbortSignal): Promise<void> {
  if (ms === undefined) return;
  await delay(ms, undefined, { signal });
}
