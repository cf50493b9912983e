import type { LogLevel } from '../schemas.js';
import { utcMs } from './time.js';
import type { ParsedHead } from './types.js';

/**
 * PostgreSQL's server log (stderr/csv-less): a configurable `log_line_prefix` (`%m [%p] `, `%t [%p]: [%l-1]
 * user=%u,db=%d,app=%a `, …) that starts with the time, then `SEVERITY:  message` (two spaces). DETAIL, HINT,
 * CONTEXT, STATEMENT and QUERY lines belong to the entry before them, so they are continuation lines here.
 */

/** The prefix between the time and the severity is bounded so any `log_line_prefix` fits and no line backtracks long. */
const POSTGRES =
  /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))? ?([A-Z]{1,5}|[+-]\d{2}(?::?\d{2})?)?\b[^\n]{0,300}?\b(DEBUG[1-5]?|LOG|INFO|NOTICE|WARNING|ERROR|FATAL|PANIC|DETAIL|HINT|CONTEXT|STATEMENT|QUERY|LOCATION): {2}([^\n]*)$/;

const LEVELS: Record<string, LogLevel | null> = {
  LOG: 'info',
  INFO: 'info',
  NOTICE: 'info',
  WARNING: 'warn',
  ERROR: 'error',
  FATAL: 'fatal',
  PANIC: 'fatal',
  DETAIL: null,
  HINT: null,
  CONTEXT: null,
  STATEMENT: null,
  QUERY: null,
  LOCATION: null,
};

/** Cheap test before the regex: PostgreSQL alone puts two spaces after `SEVERITY:`. */
export function looksLikePostgres(line: string): boolean {
  return line.includes(':  ');
}

/** A head line, `'continuation'` for DETAIL/HINT/… lines, or null when the line is not PostgreSQL's. */
export function parsePostgresLine(line: string): ParsedHead | 'continuation' | null {
  const m = POSTGRES.exec(line);
  if (!m) return null;
  const severity = m[9]!;
  if (/^DEBUG/.test(severity)) return head(m, 'debug');
  const level = LEVELS[severity];
  if (level === undefined) return null;
  if (level === null) return 'continuation';
  return head(m, level);
}

/** The service stays the file's (the database), not the client application a prefix may name. */
function head(m: RegExpExecArray, level: LogLevel): ParsedHead {
  const zone = m[8] && /^[+-]/.test(m[8]) ? m[8] : undefined;
  const time = utcMs(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]), m[7], zone);
  return { time, level, service: null, message: m[10] ?? '' };
}
