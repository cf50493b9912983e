import type { ToolCallRecord } from './schema.js';

/**
 * What a tool call returned and how it is kept for the report's checks. These live beside the report schema, not in
 * agent/, because the report's own checks (quotes, window) read them: the report must not reach up into the agent.
 */

/** What a tool call returned, whatever went wrong: engines never see protocol exceptions. */
export interface ToolOutcome {
  ok: boolean;
  /** The text content as a model would read it (for errors: the message and hint). */
  text: string;
  structured?: Record<string, unknown>;
  ms: number;
}

/** One call of an analysis with its full outcome, so quotes in the report can be checked against it. */
export interface RecordedCall extends ToolCallRecord {
  outcome: ToolOutcome;
}

/** Runs of whitespace (including line breaks and the output's indentation) compare equal; nothing else does. */
export function normalizeForQuote(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/**
 * Resolves an evidence item's `tool` to the recorded call: a call id (T3, also t3 or [T3]) or, when exactly one call
 * used that tool, the tool's name.
 */
export function resolveCall(reference: string, calls: readonly RecordedCall[]): RecordedCall | undefined {
  const trimmed = reference.trim().replace(/^\[|\]$/g, '');
  const byId = calls.find((call) => call.id.toLowerCase() === trimmed.toLowerCase());
  if (byId) return byId;
  const byName = calls.filter((call) => call.tool === trimmed);
  return byName.length === 1 ? byName[0] : undefined;
}
