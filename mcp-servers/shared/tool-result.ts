import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { TimeArgError } from './time.js';

/** Output bounds: one call must never flood a model's context window. */
export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 500;
export const MAX_LINE_CHARS = 500;
export const MAX_TEXT_CHARS = 16_000;

export function cutLine(text: string, max = MAX_LINE_CHARS): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/**
 * Joins rendered lines under the text budget, always ending with how many more matched so the model
 * knows to narrow its query instead of assuming it saw everything.
 */
export function renderBounded(header: string, lines: string[], totalMatched: number, maxChars = MAX_TEXT_CHARS): string {
  const out: string[] = [header];
  let used = header.length + 1;
  let shown = 0;
  for (const line of lines) {
    const cut = cutLine(line);
    if (used + cut.length + 1 > maxChars - 120) break;
    out.push(cut);
    used += cut.length + 1;
    shown += 1;
  }
  const more = totalMatched - shown;
  if (more > 0) out.push(`… ${more} more matched; narrow the filters or raise limit (max ${MAX_LIMIT}).`);
  return out.join('\n');
}

export function toolOk<T extends Record<string, unknown>>(text: string, structured: T): CallToolResult {
  return { content: [{ type: 'text', text }], structuredContent: structured };
}

/** Tool failure is data: the model reads the message and the hint and can correct its next call. */
export function toolError(message: string, hint?: string): CallToolResult {
  return { content: [{ type: 'text', text: hint ? `Error: ${message}\nHint: ${hint}` : `Error: ${message}` }], isError: true };
}

/** Errors whose message is meant for the caller (bad arguments, missing data) rather than a bug. */
export class ToolInputError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

/**
 * Wraps a tool handler so that every failure becomes an `isError` result: expected input errors keep their
 * hint; anything unexpected is logged to stderr (stdout is the protocol) and reported without a stack.
 * The SDK's `extra` (its abort signal among others) is passed through.
 */
export function guarded<A, E = unknown>(handler: (args: A, extra: E) => Promise<CallToolResult> | CallToolResult) {
  return async (args: A, extra: E): Promise<CallToolResult> => {
    try {
      return await handler(args, extra);
    } catch (error) {
      if (error instanceof ToolInputError) return toolError(error.message, error.hint);
      // The caller cancelled (the SDK's request signal): nothing is wrong, and nobody waits for this answer. The SDK
      // aborts with the client's reason, which may arrive as a plain string, so the signal decides, not the error.
      if ((error as { name?: unknown } | null)?.name === 'AbortError' || (extra as { signal?: AbortSignal } | null)?.signal?.aborted)
        return toolError('the call was cancelled', 'call again if the answer is still needed');
      if (error instanceof TimeArgError) return toolError(error.message);
      console.error('tool failed:', error);
      return toolError(error instanceof Error ? error.message : String(error), 'this looks like a server fault; try other tools');
    }
  };
}
