import { normalizeLevel } from './levels.js';
import { utcMs } from './time.js';
import type { ParsedHead } from './types.js';

/**
 * Standard-library loggers' default layouts, as teams ship them untouched: Python's logging.basicConfig, Ruby's
 * Logger (and Rails), Go's log package. None writes a UTC offset, so their times are read in the file's zone.
 */

/** Python `%(levelname)s:%(name)s:%(message)s` (basicConfig's default): `ERROR:payments.api:charge failed`. */
const PY_BASIC = /^(CRITICAL|FATAL|ERROR|WARNING|WARN|INFO|DEBUG):([^:\s]{1,200}):/;

export function parsePythonBasicLine(line: string): ParsedHead | null {
  const m = PY_BASIC.exec(line);
  if (!m) return null;
  return { time: null, level: normalizeLevel(m[1] ?? ''), service: serviceOrNull(m[2] ?? ''), message: line.slice(m[0].length) };
}

/**
 * Python `%(asctime)s - %(name)s - %(levelname)s - %(message)s` (the cookbook's layout), after its timestamp:
 * ` - payments - ERROR - message`. Returns the level, the logger and where the message starts.
 */
const PY_NAME_LEVEL = /^\s+-\s+([^\s]{1,200})\s+-\s+([A-Za-z]{3,8})\s+-\s+/;

export function pythonNameLevel(rest: string): { level: NonNullable<ParsedHead['level']>; service: string | null; length: number } | null {
  const m = PY_NAME_LEVEL.exec(rest);
  const level = m ? normalizeLevel(m[2] ?? '') : null;
  if (!m || level === null) return null;
  return { level, service: serviceOrNull(m[1] ?? ''), length: m[0].length };
}

/** Ruby Logger: `E, [2026-12-07T18:52:38.826123 #12] ERROR -- app: message` (progname may be empty). */
const RUBY =
  /^([DIWEFAU]), \[(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?\s+#\d+\]\s+([A-Z]+)\s+--\s+([^:]{0,200}):\s?/;

export function parseRubyLoggerLine(line: string): ParsedHead | null {
  const m = RUBY.exec(line);
  if (!m) return null;
  const time = utcMs(Number(m[2]), Number(m[3]) - 1, Number(m[4]), Number(m[5]), Number(m[6]), Number(m[7]), m[8], m[9]);
  if (time === null) return null;
  // ANY and UNKNOWN are Logger's "always logged" severity; the letter alone still says it is no error.
  const level = normalizeLevel(m[10] ?? '') ?? (m[1] === 'U' || m[1] === 'A' ? 'info' : null);
  return { time, level, service: serviceOrNull((m[11] ?? '').trim()), message: line.slice(m[0].length) };
}

/**
 * Go's log package: `2026/12/07 18:52:38 message`, with microseconds (Lmicroseconds) and `file.go:12: ` (Lshortfile)
 * when asked for. It has no levels; a leading level word (`ERROR:`, `[warn]`, `level=error`) or `panic:` gives one.
 */
const GO_LOG = /^(\d{4})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))? (?:[\w./-]{1,200}\.go:\d+: )?/;
const LEADING_LEVEL = /^(?:\[([A-Za-z]{3,8})\]|([A-Za-z]{3,8}):|level=([A-Za-z]{3,8})\b|(PANIC|FATAL|ERROR|WARN|WARNING|INFO|DEBUG)\b)\s*/;

export function parseGoLogLine(line: string): ParsedHead | null {
  const m = GO_LOG.exec(line);
  if (!m) return null;
  const time = utcMs(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]), m[7]);
  if (time === null) return null;
  const message = line.slice(m[0].length);
  if (message.startsWith('panic:')) return { time, level: 'fatal', service: null, message };
  const lead = LEADING_LEVEL.exec(message);
  const level = lead ? normalizeLevel(lead[1] ?? lead[2] ?? lead[3] ?? lead[4] ?? '') : null;
  return { time, level, service: null, message: level && lead ? message.slice(lead[0].length) : message };
}

/** `payments` or `order-worker` names a service; a dotted module (`payments.api`), `root` or `__main__` is a logger. */
function serviceOrNull(name: string): string | null {
  return /^[A-Za-z][A-Za-z\d]*(?:[-_][A-Za-z\d]+)+$/.test(name) ? name : null;
}
