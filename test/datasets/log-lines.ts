/**
 * A strict reader for the log line formats of docs/datasets.md. It is deliberately separate from the
 * logs server's parser: these tests pin down the data, the server's own tests pin down its parser.
 */

export type Format =
  | 'plain'
  | 'log4j'
  | 'pino'
  | 'json'
  | 'logfmt'
  | 'nginx-access'
  | 'nginx-error'
  | 'syslog'
  | 'syslog5424'
  | 'journald'
  | 'cri'
  | 'klog'
  | 'otel'
  | 'kube-event'
  | 'envoy'
  | 'envoy-app'
  | 'postgres'
  | 'postgres-session'
  | 'team';
export type Level = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';

export interface Entry {
  format: Format;
  time: number;
  level: Level;
  /** The message plus any continuation lines. */
  text: string;
  file: string;
  line: number;
}

const PLAIN = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z) (TRACE|DEBUG|INFO|WARN|ERROR|FATAL) \[([\w.-]+)\] (.+)$/;
const LOG4J = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}),(\d{3}) (TRACE|DEBUG|INFO|WARN|ERROR|FATAL) ([\w.$[\]/-]+) - (.+)$/;
const LOGFMT = /^time=(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z) level=(trace|debug|info|warn|error|fatal) service=([\w.-]+) msg=(.+)$/;
const PINO_LEVELS: Record<number, Level> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const NGINX_ACCESS =
  /^\S+ - - \[(\d{2})\/(\w{3})\/(\d{4}):(\d{2}:\d{2}:\d{2}) \+0000\] "[A-Z]+ \S+ HTTP\/1\.1" (\d{3}) \d+ "-" "[^"]*" rt=\d+\.\d{3} upstream=\S+$/;
const NGINX_ERROR = /^(\d{4})\/(\d{2})\/(\d{2}) (\d{2}:\d{2}:\d{2}) \[(debug|info|notice|warn|error|crit)\] \d+#\d+: (.+)$/;
const SYSLOG = /^(\w{3}) ([ \d]\d) (\d{2}:\d{2}:\d{2}) [\w.-]+ ([\w-]+)(?:\[\d+\])?: (.*)$/;
const SYSLOG5424 = /^<(\d{1,3})>1 (\S+Z) [\w.-]+ [\w-]+ (?:\d+|-) - - (.*)$/;
const CRI = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{9}Z) (stdout|stderr) F (\{.*\})$/;
const KLOG = /^([IWEF])(\d{2})(\d{2}) (\d{2}:\d{2}:\d{2})\.(\d{3})\d{3} +\d+ [\w.]+\.go:\d+\] (.+)$/;
const SEVERITY: Level[] = ['fatal', 'fatal', 'fatal', 'error', 'warn', 'info', 'info', 'debug'];
const KLOG_LEVEL: Record<string, Level> = { I: 'info', W: 'warn', E: 'error', F: 'fatal' };

const ENVOY =
  /^\[(\S+Z)\] "[A-Z]+ \S+ HTTP\/1\.1" (\d{3}) (?:-|[A-Z]+) \d+ \d+ \d+ (?:\d+|-) "-" "[^"]*" "[0-9a-f-]{36}" "[\w.-]+:\d+" "(?:[\d.]+:\d+|-)"$/;
const ENVOY_APP = /^\[(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3})\]\[\d+\]\[(trace|debug|info|warning|error|fatal)\]\[[\w./-]+\] (.+)$/;
const POSTGRES = /^(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}) UTC \[\d+\] (DEBUG1|LOG|WARNING|ERROR|FATAL|DETAIL|STATEMENT): {2}(.+)$/;
/** A team's own layout, read by the logs server only through LOG_FORMATS (case 43 ships the pattern). */
const TEAM = /^(\d{2})\.(\d{2})\.(\d{4}) (\d{2}:\d{2}:\d{2}\.\d{3}) <(TRACE|DEBUG|INFO|WARN|ERROR|FATAL)> [\w.-]+\/worker-\d: (.+)$/;
const POSTGRES_SESSION =
  /^(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}) UTC \[\d+\]: user=[^,\s]*,db=[^,\s]*,app=[^,\s]*,client=\S+ (DEBUG1|LOG|WARNING|ERROR|FATAL|DETAIL|STATEMENT): {2}(.+)$/;
const PG_LEVEL: Record<string, Level> = { DEBUG1: 'debug', LOG: 'info', WARNING: 'warn', ERROR: 'error', FATAL: 'fatal' };
const OTEL_LEVEL: Record<number, Level> = { 1: 'trace', 5: 'debug', 9: 'info', 13: 'warn', 17: 'error', 21: 'fatal' };

/** Application lines in syslog carry their level word first; system programs' lines do not. */
function syslogLevel(text: string): Level {
  const word = /^(TRACE|DEBUG|INFO|WARN|ERROR|FATAL) /.exec(text)?.[1];
  if (word) return word.toLowerCase() as Level;
  return /Killed process|code=killed/.test(text) ? 'fatal' : 'info';
}

/** Formats whose time has no year take it from the dataset's now. */
function systemLine(line: string, year: number): Omit<Entry, 'file' | 'line'> | undefined {
  let m = TEAM.exec(line);
  if (m) return { format: 'team', time: Date.parse(`${m[3]}-${m[2]}-${m[1]}T${m[4]}Z`), level: m[5]!.toLowerCase() as Level, text: m[6]! };
  m = NGINX_ACCESS.exec(line);
  if (m) {
    const status = Number(m[5]);
    const time = Date.parse(`${m[3]}-${String(MONTHS.indexOf(m[2]!) + 1).padStart(2, '0')}-${m[1]}T${m[4]}Z`);
    return { format: 'nginx-access', time, level: status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info', text: line };
  }
  m = NGINX_ERROR.exec(line);
  if (m) {
    const level = m[5] === 'crit' ? 'fatal' : m[5] === 'notice' ? 'info' : (m[5] as Level);
    return { format: 'nginx-error', time: Date.parse(`${m[1]}-${m[2]}-${m[3]}T${m[4]}Z`), level, text: m[6]! };
  }
  m = SYSLOG.exec(line);
  if (m && MONTHS.includes(m[1]!)) {
    const time = Date.parse(`${year}-${String(MONTHS.indexOf(m[1]!) + 1).padStart(2, '0')}-${m[2]!.trim().padStart(2, '0')}T${m[3]}Z`);
    return { format: 'syslog', time, level: syslogLevel(m[5]!), text: m[5]! };
  }
  m = SYSLOG5424.exec(line);
  if (m) return { format: 'syslog5424', time: Date.parse(m[2]!), level: SEVERITY[Number(m[1]) % 8]!, text: m[3]! };
  m = CRI.exec(line);
  if (m) {
    const inner = JSON.parse(m[3]!) as Record<string, unknown>;
    if (typeof inner.level === 'string' && typeof inner.msg === 'string')
      return { format: 'cri', time: Date.parse(m[1]!), level: inner.level as Level, text: inner.msg };
  }
  m = ENVOY.exec(line);
  if (m) {
    const status = Number(m[2]);
    return { format: 'envoy', time: Date.parse(m[1]!), level: status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info', text: line };
  }
  m = ENVOY_APP.exec(line);
  if (m)
    return {
      format: 'envoy-app',
      time: Date.parse(`${m[1]!.replace(' ', 'T')}Z`),
      level: m[2] === 'warning' ? 'warn' : (m[2] as Level),
      text: m[3]!,
    };
  m = POSTGRES.exec(line);
  if (m && PG_LEVEL[m[2]!])
    return { format: 'postgres', time: Date.parse(`${m[1]!.replace(' ', 'T')}Z`), level: PG_LEVEL[m[2]!]!, text: m[3]! };
  m = POSTGRES_SESSION.exec(line);
  if (m && PG_LEVEL[m[2]!])
    return { format: 'postgres-session', time: Date.parse(`${m[1]!.replace(' ', 'T')}Z`), level: PG_LEVEL[m[2]!]!, text: m[3]! };
  m = KLOG.exec(line);
  if (m) {
    const time = Date.parse(`${year}-${m[2]}-${m[3]}T${m[4]}.${m[5]}Z`);
    return { format: 'klog', time, level: KLOG_LEVEL[m[1]!]!, text: m[6]! };
  }
  return undefined;
}

/** Parses one line as the start of an entry; undefined when it is not one (a continuation or garbage). */
export function parseLine(line: string, year = 2024): Omit<Entry, 'file' | 'line'> | undefined {
  const system = systemLine(line, year);
  if (system) return system;
  let m = PLAIN.exec(line);
  if (m) return { format: 'plain', time: Date.parse(m[1]!), level: m[2]!.toLowerCase() as Level, text: m[4]! };
  m = LOG4J.exec(line);
  if (m) return { format: 'log4j', time: Date.parse(`${m[1]}T${m[2]}.${m[3]}Z`), level: m[4]!.toLowerCase() as Level, text: m[6]! };
  m = LOGFMT.exec(line);
  if (m) return { format: 'logfmt', time: Date.parse(m[1]!), level: m[2] as Level, text: line };
  if (line.startsWith('{')) {
    const rec = JSON.parse(line) as Record<string, unknown>;
    if (typeof rec.level === 'number' && typeof rec.time === 'number' && typeof rec.msg === 'string' && typeof rec.service === 'string') {
      const level = PINO_LEVELS[rec.level];
      if (level) return { format: 'pino', time: rec.time, level, text: line };
    }
    if (typeof rec.__REALTIME_TIMESTAMP === 'string' && typeof rec.PRIORITY === 'string' && typeof rec.MESSAGE === 'string') {
      const time = Math.floor(Number(rec.__REALTIME_TIMESTAMP) / 1000);
      return { format: 'journald', time, level: SEVERITY[Number(rec.PRIORITY)]!, text: rec.MESSAGE };
    }
    if (typeof rec.timeUnixNano === 'string' && typeof rec.severityNumber === 'number' && rec.body && rec.resource) {
      const level = OTEL_LEVEL[rec.severityNumber];
      const body = (rec.body as { stringValue?: unknown }).stringValue;
      if (level && typeof body === 'string') return { format: 'otel', time: Number(rec.timeUnixNano.slice(0, -6)), level, text: body };
    }
    if (
      rec.kind === 'Event' &&
      typeof rec.reason === 'string' &&
      typeof rec.lastTimestamp === 'string' &&
      typeof rec.message === 'string'
    ) {
      const level: Level = rec.type === 'Warning' ? 'warn' : 'info';
      return { format: 'kube-event', time: Date.parse(rec.lastTimestamp), level, text: rec.message };
    }
    if (typeof rec.ts === 'string' && typeof rec.severity === 'string' && typeof rec.message === 'string' && typeof rec.app === 'string') {
      return { format: 'json', time: Date.parse(rec.ts), level: rec.severity as Level, text: line };
    }
  }
  return undefined;
}

/** Splits a file into entries; a line that is no entry must be a continuation of a line-format WARN/ERROR entry. */
export function parseFile(file: string, text: string, year?: number): Entry[] {
  const entries: Entry[] = [];
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  lines.forEach((raw, i) => {
    const parsed = parseLine(raw, year);
    if (parsed) {
      entries.push({ ...parsed, file, line: i + 1 });
      return;
    }
    const last = entries.at(-1);
    const multiLine = last && (last.format === 'plain' || last.format === 'log4j' || last.format === 'klog' || last.format === 'team');
    // PostgreSQL's DETAIL and STATEMENT lines belong to the ERROR before them.
    const pgDetail =
      (last?.format === 'postgres' && / UTC \[\d+\] (DETAIL|STATEMENT): {2}/.test(raw)) ||
      (last?.format === 'postgres-session' && / UTC \[\d+\]: \S+ (DETAIL|STATEMENT): {2}/.test(raw));
    if (pgDetail && last) {
      last.text += `\n${raw}`;
      return;
    }
    if (!last || !multiLine || !['warn', 'error', 'fatal'].includes(last.level)) {
      throw new Error(`${file}:${i + 1}: not a log line and not a continuation: ${raw.slice(0, 120)}`);
    }
    last.text += `\n${raw}`;
  });
  return entries;
}
