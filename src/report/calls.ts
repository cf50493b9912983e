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
