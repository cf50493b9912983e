import { pythonNameLevel } from './app-formats.js';
import { normalizeLevel } from './levels.js';
import { springBootPrefix } from './platform-formats.js';
import { fractionMs, fullYear, ISO_PREFIX, isoMatchMs, monthIndex, utcMs } from './time.js';
import type { ParsedHead } from './types.js';

/**
 * Line-oriented text formats. Each parser returns null unless the line starts the way its format does,
 * so the dispatcher can try them in turn; a line none accept is a continuation or an unparsed line.
 */

/** After a timestamp: optional `- ` (ZooKeeper), pid (OpenStack) or `[thread]` (log4j %t), then the level word. */
const AFTER_TIME = /^\s*(?:-\s+)?(?:\d+\s+)?\[?([A-Za-z]{3,11}\d?)\]?:?(?:\s+|$)/;
const AFTER_TIME_THREAD = /^\s*\[[^\]]{0,200}\]\s+\[?([A-Za-z]{3,11}\d?)\]?:?(?:\s+|$)/;
/** `[checkout-api] message` in the plain format. */
const BRACKETED_SERVICE = /^\[([A-Za-z][\w.-]{0,99})\]:?\s*/;
/** log4j `<logger or service> - message`. */
const NAME_DASH = /^([\w.$@:/-]{1,200})\s+-\s+/;
/** OpenStack (loghub) lines start with the file they came from: `nova-api.log.1.2017-05-16_13:53:08 2017-…`. */
const FILE_PREFIX = /^([\w-]+)\.log\S*\s+(?=\d{4}-\d{2}-\d{2})/;

/** ISO-8601 or `YYYY-MM-DD HH:MM:SS,mmm` first: the plain, log4j, ZooKeeper and OpenStack shapes. */
export function parseIsoLine(line: string): ParsedHead | null {
  let service: string | null = null;
  let text = line;
  const prefix = FILE_PREFIX.exec(text);
  if (prefix) {
    service = prefix[1] ?? null;
    text = text.slice(prefix[0].length);
  }
  const iso = ISO_PREFIX.exec(text);
  if (!iso) return null;
  const time = isoMatchMs(iso);
  if (time === null) return null;
  let rest = text.slice(iso[0].length);
  let lvl = AFTER_TIME.exec(rest);
  let level = lvl ? normalizeLevel(lvl[1] ?? '') : null;
  if (level === null) {
    lvl = AFTER_TIME_THREAD.exec(rest);
    level = lvl ? normalizeLevel(lvl[1] ?? '') : null;
  }
  if (!lvl || level === null) {
    const python = pythonNameLevel(rest);
    if (python) return { time, level: python.level, service: service ?? python.service, message: rest.slice(python.length) };
    return { time, level: null, service, message: rest.trim() };
  }
  rest = rest.slice(lvl[0].length);
  const spring = springBootPrefix(rest);
  if (spring) return { time, level, service: service ?? spring.application, message: spring.message };
  const bracketed = BRACKETED_SERVICE.exec(rest);
  if (bracketed && service === null) return { time, level, service: bracketed[1] ?? null, message: rest.slice(bracketed[0].length) };
  const named = NAME_DASH.exec(rest);
  if (named && service === null && isServiceName(named[1] ?? '')) {
    return { time, level, service: named[1] ?? null, message: rest.slice(named[0].length) };
  }
  // A logger such as com.shop.PaymentClient stays in the message: it says where, and the file names the service.
  return { time, level, service, message: rest };
}

/**
 * `checkout-api` or `order_worker` names a service; `com.shop.Client`, `Foo$Bar` or a bare word such as `gc` or
 * `root` is more often a logger, and then the file's name is the better service.
 */
function isServiceName(token: string): boolean {
  return /^[A-Za-z][A-Za-z\d]*(?:[-_][A-Za-z\d]+)+$/.test(token);
}

/** HDFS: `081109 203615 148 INFO dfs.DataNode$PacketResponder: …` (yyMMdd HHmmss pid level). */
const HDFS = /^(\d{2})(\d{2})(\d{2}) (\d{2})(\d{2})(\d{2}) \d+ ([A-Za-z]+) /;

export function parseHdfsLine(line: string): ParsedHead | null {
  const m = HDFS.exec(line);
  if (!m) return null;
  const level = normalizeLevel(m[7] ?? '');
  const time = utcMs(fullYear(Number(m[1])), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
  if (time === null || level === null) return null;
  return { time, level, service: null, message: line.slice(m[0].length) };
}

/** Spark / Hadoop yarn: `17/06/09 20:10:40 INFO executor.CoarseGrainedExecutorBackend: …`. */
const SPARK = /^(\d{2})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,6}))? ([A-Za-z]+) /;

export function parseSparkLine(line: string): ParsedHead | null {
  const m = SPARK.exec(line);
  if (!m) return null;
  const level = normalizeLevel(m[8] ?? '');
  const time = utcMs(fullYear(Number(m[1])), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]), m[7]);
  if (time === null || level === null) return null;
  return { time, level, service: null, message: line.slice(m[0].length) };
}

/** Apache error log, 2.2 and 2.4: `[Sun Dec 04 04:47:44 2005] [error] …`, `[Sun Dec 04 04:47:44.123 2005] [core:error] [pid 1] …`. */
const APACHE = /^\[\w{3} (\w{3}) +(\d{1,2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))? (\d{4})\] \[(?:[\w-]+:)?(\w+)\]\s*/;

export function parseApacheLine(line: string): ParsedHead | null {
  const m = APACHE.exec(line);
  if (!m) return null;
  const month = monthIndex(m[1] ?? '');
  const level = normalizeLevel(m[8] ?? '');
  if (month === undefined || level === null) return null;
  const time = utcMs(Number(m[7]), month, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), m[6]);
  if (time === null) return null;
  return { time, level, service: null, message: line.slice(m[0].length) };
}

/**
 * Blue Gene/L RAS log: `<alert|-> <epoch s> <yyyy.mm.dd> <node> <yyyy-mm-dd-hh.mm.ss.micros> <node> <type> <component> <level> …`.
 * The epoch field carries the zone-correct instant; the text time is the machine's local clock.
 */
const BGL = /^\S+ (\d{9,10}) \d{4}\.\d{2}\.\d{2} \S+ \d{4}-\d{2}-\d{2}-\d{2}\.\d{2}\.\d{2}\.(\d{1,6}) \S+ (\S+) (\S+) ([A-Za-z]+) ?/;

export function parseBglLine(line: string): ParsedHead | null {
  const m = BGL.exec(line);
  if (!m) return null;
  const level = normalizeLevel(m[5] ?? '');
  if (level === null) return null;
  const time = Number(m[1]) * 1000 + fractionMs(m[2]);
  return { time, level, service: null, message: `${m[3]} ${m[4]}: ${line.slice(m[0].length)}` };
}
