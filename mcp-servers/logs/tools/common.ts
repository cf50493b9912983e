import { z } from 'zod';
import { cutLine, DEFAULT_LIMIT, MAX_LIMIT, ToolInputError } from '../../shared/tool-result.js';
import type { LogsBackend } from '../backends/types.js';
import type { LogEntryOut } from '../schemas.js';
import type { LogEntry } from '../types.js';

export interface LogsToolContext {
  backend: LogsBackend;
}

/** What the SDK passes a tool handler besides its arguments; the logs tools use its abort signal. */
export interface ToolExtra {
  signal?: AbortSignal | undefined;
}

/** Structured messages are cut here: a stack trace is useful in its first frames, and 500 of them must stay small. */
const MAX_MESSAGE_OUT = 4_000;
/** Continuation lines shown per entry in the text: enough to see the exception and where it came from. */
const MAX_TEXT_CONTINUATION = 6;

export const serviceArg = z
  .string()
  .optional()
  .describe('Only this service (case-insensitive), e.g. "checkout-api"; list_services shows the names. Omit for all services.');
export const sinceArg = z
  .string()
  .optional()
  .describe(
    "Window start: ISO-8601 (2024-05-01T14:00:00Z) or a duration back from the dataset's now (30m, 2h, 1d). Omit for no lower bound.",
  );
export const untilArg = z
  .string()
  .optional()
  .describe('Window end: ISO-8601 or a duration back from now (e.g. 10m). Omit for "up to now".');
export const levelArg = z
  .string()
  .optional()
  .describe('Minimum level: trace, debug, info, warn, error or fatal (WARNING, ERR, CRITICAL also accepted). Omit for every level.');
export const limitArg = z
  .number()
  .int()
  .optional()
  .describe(`How many entries to return, ${DEFAULT_LIMIT} by default, at most ${MAX_LIMIT}.`);

export function resolveLimit(limit: number | undefined): { limit: number; note?: string } {
  if (limit === undefined) return { limit: DEFAULT_LIMIT };
  if (limit < 1) throw new ToolInputError(`limit must be at least 1 (got ${limit})`, `omit it for ${DEFAULT_LIMIT}`);
  if (limit > MAX_LIMIT) return { limit: MAX_LIMIT, note: `limit ${limit} lowered to the maximum ${MAX_LIMIT}.` };
  return { limit };
}

export function isoOrNull(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

export function entryOut(entry: LogEntry): LogEntryOut {
  return {
    time: isoOrNull(entry.time),
    level: entry.level,
    service: entry.service,
    message: cutLine(entry.message, MAX_MESSAGE_OUT),
    file: entry.file,
    line: entry.line,
  };
}

/** `2024-05-01T14:03:07.120Z ERROR [checkout-api] message`, continuation lines indented below. */
export function entryLine(entry: LogEntry): string {
  const [first = '', ...rest] = entry.message.split('\n', MAX_TEXT_CONTINUATION + 2);
  const head = `${isoOrNull(entry.time) ?? '(no time)'} ${(entry.level ?? '-').toUpperCase()} [${entry.service}] ${cutLine(first)}`;
  if (rest.length === 0) return head;
  const shown = rest.slice(0, MAX_TEXT_CONTINUATION).map((line) => `    ${cutLine(line, 200)}`);
  const more = entry.message.split('\n').length - 1 - shown.length;
  if (more > 0) shown.push(`    … ${more} more lines`);
  return [head, ...shown].join('\n');
}

export function windowText(window: { since?: Date | undefined; until?: Date | undefined }): string {
  if (!window.since && !window.until) return 'all time';
  return `${window.since?.toISOString() ?? 'start'} → ${window.until?.toISOString() ?? 'now'}`;
}

export function notesText(notes: string[]): string | undefined {
  return notes.length > 0 ? notes.map((n) => `Note: ${n}`).join('\n') : undefined;
}
