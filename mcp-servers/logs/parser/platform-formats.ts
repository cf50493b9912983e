import type { LogLevel } from '../schemas.js';
import { normalizeLevel } from './levels.js';
import { utcMs } from './time.js';
import type { ParsedHead } from './types.js';

/**
 * JVM and .NET loggers' default layouts that the ISO parser cannot read alone: logback's and log4j2's built-in
 * pattern (`%d{HH:mm:ss.SSS} [%thread] %-5level %logger{36} - %msg`, a time without a date), Serilog's console
 * template (`[{Timestamp:HH:mm:ss} {Level:u3}] {Message}`) and Microsoft.Extensions.Logging's console lines
 * (`fail: Category[0]`, the message on the indented next line). Spring Boot's and Serilog's file layouts start with a
 * full date and are read by parseIsoLine; springBootPrefix trims what Spring puts between the level and the logger.
 */

/** A time-of-day more than this after the reference belongs to the day before (a file read just after midnight). */
const FUTURE_SLACK_MS = 3_600_000;
const DAY_MS = 86_400_000;

/**
 * A time without a date: the day that puts it within the day before the reference (its file's time or the
 * dataset's now), at most FUTURE_SLACK_MS after it. Offset-less, so read in the file's zone.
 */
function timeOfDay(hour: number, minute: number, second: number, fraction: string | undefined, referenceMs: number): number | null {
  const ref = new Date(referenceMs);
  const time = utcMs(ref.getUTCFullYear(), ref.getUTCMonth(), ref.getUTCDate(), hour, minute, second, fraction);
  if (time === null) return null;
  if (time > referenceMs + FUTURE_SLACK_MS) return time - DAY_MS;
  if (time <= referenceMs + FUTURE_SLACK_MS - DAY_MS) return time + DAY_MS;
  return time;
}

/** logback / log4j2 default: `18:52:38.826 [main] ERROR c.e.Checkout - payment declined`. */
const LOGBACK_TIME = /^(\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))? \[[^\]]{0,200}\] ([A-Za-z]{4,5}) {1,2}/;

export function parseLogbackTimeLine(line: string, referenceMs: number): ParsedHead | null {
  const m = LOGBACK_TIME.exec(line);
  const level = m ? normalizeLevel(m[5] ?? '') : null;
  if (!m || level === null) return null;
  const time = timeOfDay(Number(m[1]), Number(m[2]), Number(m[3]), m[4], referenceMs);
  if (time === null) return null;
  return { time, level, service: null, message: line.slice(m[0].length) };
}

/** Serilog's console default: `[18:52:38 ERR] payment declined`; u3 level names (VRB DBG INF WRN ERR FTL). */
const SERILOG_CONSOLE = /^\[(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,7}))? ([A-Za-z]{3})\] ?/;

export function parseSerilogConsoleLine(line: string, referenceMs: number): ParsedHead | null {
  const m = SERILOG_CONSOLE.exec(line);
  const level = m ? normalizeLevel(m[5] ?? '') : null;
  if (!m || level === null) return null;
  const time = timeOfDay(Number(m[1]), Number(m[2]), Number(m[3]), m[4], referenceMs);
  if (time === null) return null;
  return { time, level, service: null, message: line.slice(m[0].length) };
}

/** Microsoft.Extensions.Logging's four-letter console levels. */
const MEL_LEVELS: Record<string, LogLevel> = { trce: 'trace', dbug: 'debug', info: 'info', warn: 'warn', fail: 'error', crit: 'fatal' };
/** `fail: Shop.Checkout.PaymentClient[1002]` (category and event id; the message follows, indented, on the next line). */
const MEL_CONSOLE = /^(trce|dbug|info|warn|fail|crit): ([\w.`+<>-]{1,300})\[(-?\d{1,10})\]\s*/;

export function parseDotnetConsoleLine(line: string): ParsedHead | null {
  const m = MEL_CONSOLE.exec(line);
  if (!m) return null;
  const rest = line.slice(m[0].length);
  // The category says where; the file names the service. The message is on the continuation line when rest is empty.
  return { time: null, level: MEL_LEVELS[m[1] ?? ''] ?? null, service: null, message: rest.length > 0 ? rest : `${m[2]}[${m[3]}]` };
}

/**
 * Spring Boot after its level: `12345 --- [main] c.e.Checkout : msg` (2.x) or `12345 --- [myapp] [main] …` (3.x, the
 * application name first). Returns the application name, when there is one, and how much to skip to the logger.
 */
const SPRING_PREFIX = /^(?:\d{1,10}|\?{1,4}) --- (?:\[([^\]]{1,100})\] )?\[[^\]]{0,100}\] /;
/** The logger padded to 40 columns before ` : `: the padding goes, so one logger reads the same on every line. */
const SPRING_LOGGER = /^(\S{1,300}?) {1,60}: /;

export function springBootPrefix(rest: string): { application: string | null; message: string } | null {
  const m = SPRING_PREFIX.exec(rest);
  if (!m) return null;
  const after = rest.slice(m[0].length);
  const logger = SPRING_LOGGER.exec(after);
  const application = m[1]?.trim() || null;
  return { application, message: logger ? `${logger[1]}: ${after.slice(logger[0].length)}` : after };
}
