import path from 'node:path';
import { parseGoLogLine, parsePythonBasicLine, parseRubyLoggerLine } from './app-formats.js';
import { parseCriLine } from './container.js';
import { hasCustomFormats, parseCustomLine } from './custom.js';
import { parseEnvoyLine } from './envoy.js';
import { parseDotnetConsoleLine, parseLogbackTimeLine, parseSerilogConsoleLine } from './platform-formats.js';
import { looksLikePostgres, parsePostgresLine } from './postgres.js';
import { parseJsonLine, parseLogfmtLine } from './structured.js';
import { parseGlogLine, parseSyslogLine } from './syslog.js';
import { parseApacheLine, parseBglLine, parseHdfsLine, parseIsoLine, parseSparkLine } from './text-formats.js';
import type { ParsedHead } from './types.js';
import { parseAccessLine, parseNginxErrorLine } from './web-formats.js';
import { withLocalZone } from './zone.js';

export type { ParsedHead } from './types.js';

/** The fifth character of `YYYY-MM-DDT…` and `YYYY/MM/DD`: tells ISO-led lines from others cheaply. */
const DATE_SEP = 4;
/** The third character of `HH:MM:SS` (logback's time-only default). */
const TIME_SEP = 2;

/**
 * Recognises the first line of an entry in any supported format, or returns null for a continuation line
 * (a stack frame) or text no format accepts. The first character picks the candidates, so an ordinary line
 * costs one or two regex tests. `referenceMs` dates year-less timestamps (syslog, glog): the dataset's now or the
 * file's modification time; without it the wall clock.
 */
export function parseHead(line: string, context: number | HeadContext = Date.now(), inContainer = false): ParsedHead | null {
  if (typeof context === 'number') return parseLine(line, context, inContainer);
  if (context.zone === undefined) return parseLine(line, context.referenceMs, inContainer);
  return withLocalZone(context.zone, () => parseLine(line, context.referenceMs, inContainer));
}

/** What dates a file's lines: the reference for year-less stamps, and the zone of offset-less ones (UTC when unset). */
export interface HeadContext {
  referenceMs: number;
  zone?: string | undefined;
}

function parseLine(line: string, referenceMs: number, inContainer: boolean): ParsedHead | null {
  if (hasCustomFormats()) {
    const custom = parseCustomLine(line);
    if (custom) return custom;
  }
  const first = line.charCodeAt(0);
  if (first === 0x7b /* { */) return parseJsonLine(line);
  if (first === 0x5b /* [ */) return parseEnvoyLine(line) ?? parseApacheLine(line) ?? parseSerilogConsoleLine(line, referenceMs);
  if (first === 0x3c /* < */) return parseSyslogLine(line, referenceMs);
  if (first >= 0x30 && first <= 0x39) {
    const sep = line.charCodeAt(DATE_SEP);
    if (sep === 0x2d /* - */ && !inContainer && isCriStream(line)) {
      const cri = parseCriLine(line, (message) => parseHead(message, referenceMs, true));
      if (cri) return cri;
    }
    if (sep === 0x2d && looksLikePostgres(line)) {
      const pg = parsePostgresLine(line);
      if (pg === 'continuation') return null;
      if (pg) return pg;
    }
    if (sep === 0x2f /* / */) {
      const nginx = parseNginxErrorLine(line) ?? parseGoLogLine(line);
      if (nginx) return nginx;
    }
    if (line.charCodeAt(TIME_SEP) === 0x3a /* : */) {
      const logback = parseLogbackTimeLine(line, referenceMs);
      if (logback) return logback;
    }
    return (
      parseIsoLine(line) ??
      parseAccessLine(line) ??
      parseHdfsLine(line) ??
      parseSparkLine(line) ??
      parseBglLine(line) ??
      parseLogfmtLine(line)
    );
  }
  if (first === 0x20 || first === 0x09) return null;
  if (first === 0x3a /* : (IPv6 client) */) return parseAccessLine(line);
  return (
    parseRubyLoggerLine(line) ??
    parsePythonBasicLine(line) ??
    parseDotnetConsoleLine(line) ??
    parseGlogLine(line, referenceMs) ??
    parseSyslogLine(line, referenceMs) ??
    parseIsoLine(line) ??
    parseBglLine(line) ??
    parseAccessLine(line) ??
    parseLogfmtLine(line)
  );
}
/** A CRI line's stream word follows its timestamp: a cheap test before the regex, since most ISO lines are not CRI. */
function isCriStream(line: string): boolean {
  const space = line.indexOf(' ');
  return space > 0 && space < CRI_TIME_MAX && (line.startsWith(' stdout ', space) || line.startsWith(' stderr ', space));
}
/** RFC 3339 with nanoseconds and a zone is at most 35 characters. */
const CRI_TIME_MAX = 40;

/**
 * ANSI colour and cursor sequences (ESC [ parameters final-byte): terminal styling in container logs. Dropped whole,
 * so `ESC[31mERROR ESC[0m` reads `ERROR`; a byte prefilter treats any line holding ESC as a candidate for that reason.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching the escape character is this regex's job.
const ANSI_CSI = /\u001B\[[0-?]*[ -/]*[@-~]/g;
/**
 * Other C0 controls (tab kept), DEL and C1 controls: binary noise that would garble a model's context. Each becomes
 * U+FFFD rather than vanishing, so bytes on either side are never fused into words the file does not hold
 * (`time\0out` is not `timeout`); the byte prefilters rely on that to skip lines without scanning for controls.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is this regex's job.
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g;

export function sanitizeLine(line: string): string {
  const text = line.endsWith('\r') ? line.slice(0, -1) : line;
  CONTROL.lastIndex = 0;
  if (!CONTROL.test(text)) return text;
  return text.replace(ANSI_CSI, '').replace(CONTROL, '\uFFFD');
}

/** Whether any line of a decoded chunk needs sanitizeLine beyond dropping a trailing CR; lets clean chunks skip the per-line test. */
export function hasControlChars(text: string): boolean {
  CONTROL.lastIndex = 0;
  return CONTROL.test(text.replace(/\r\n/g, '\n'));
}

const LOG_SUFFIX = /\.(?:log|jsonl|ndjson|txt)(?:[.-].*)?$/i;

/** `checkout-api.log.1.gz` → `checkout-api`; `payments.jsonl` → `payments`. */
export function serviceFromFileName(file: string): string {
  const base = path.basename(file).replace(/\.gz$/i, '');
  const stripped = base.replace(LOG_SUFFIX, '').replace(/\.\d+$/, '');
  return stripped.length > 0 ? stripped : base;
}
