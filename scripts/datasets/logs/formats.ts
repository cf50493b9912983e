import { iso, isoSeconds, log4jTime } from '../time.js';
import type { Fields, FieldValue, Level, LogEvent, LogFormat, Origin } from './event.js';
import { cri, journald, klog, nginx, syslog3164, syslog5424 } from './system-formats.js';
import { envoy, kubeEvent, otel, postgres, postgresSession } from './telemetry-formats.js';

// The event types live in event.ts so the writers' modules can use them without importing this one back.
export type { Fields, FieldValue, Level, LogEvent, LogFormat, Origin } from './event.js';

/**
 * One writer per log format the logs server understands. A dataset mixes them the way a real fleet does:
 * JVM services with log4j/logback layouts, Node services with pino, Go services with logfmt, Python with JSON.
 */

const PINO_LEVEL: Record<Level, number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 };

function kvValue(value: FieldValue): string {
  if (typeof value === 'object') return JSON.stringify(JSON.stringify(value));
  const text = String(value);
  return /[\s"=]/.test(text) || text === '' ? JSON.stringify(text) : text;
}

function kv(fields: Fields | undefined): string {
  if (!fields) return '';
  return Object.entries(fields)
    .map(([k, v]) => ` ${k}=${kvValue(v)}`)
    .join('');
}

function withStack(line: string, stack: string[] | undefined): string {
  return stack && stack.length > 0 ? `${line}\n${stack.join('\n')}` : line;
}

function plain(origin: Origin, e: LogEvent): string {
  return withStack(`${iso(e.t)} ${e.level.toUpperCase()} [${origin.service}] ${e.msg}${kv(e.fields)}`, e.stack);
}

function log4j(origin: Origin, e: LogEvent): string {
  const logger = e.logger ?? origin.service;
  return withStack(`${log4jTime(e.t)} ${e.level.toUpperCase()} ${logger} - ${e.msg}${kv(e.fields)}`, e.stack);
}

function pino(origin: Origin, e: LogEvent): string {
  const record: Record<string, unknown> = {
    level: PINO_LEVEL[e.level],
    time: e.t,
    pid: origin.pid,
    hostname: origin.hostname,
    service: origin.service,
  };
  if (e.logger) record.module = e.logger;
  Object.assign(record, e.fields);
  if (e.stack && e.stack.length > 0) {
    const first = e.stack[0] ?? '';
    const type = /^([A-Za-z]+(?:Error|Exception)?)(?::|$)/.exec(first)?.[1] ?? 'Error';
    record.err = { type, message: first.replace(/^[A-Za-z]+:\s*/, ''), stack: e.stack.join('\n') };
  }
  record.msg = e.msg;
  return JSON.stringify(record);
}

function json(origin: Origin, e: LogEvent): string {
  const record: Record<string, unknown> = {
    ts: iso(e.t),
    severity: e.level,
    app: origin.service,
  };
  if (e.logger) record.logger = e.logger;
  record.message = e.msg;
  Object.assign(record, e.fields);
  if (e.stack && e.stack.length > 0) record.exc_info = e.stack.join('\n');
  record.host = origin.hostname;
  return JSON.stringify(record);
}

function logfmt(origin: Origin, e: LogEvent): string {
  const error = e.stack && e.stack.length > 0 ? ` error=${kvValue(e.stack[0] ?? '')}` : '';
  return `time=${isoSeconds(e.t)} level=${e.level} service=${origin.service} msg=${kvValue(e.msg)}${kv(e.fields)}${error}`;
}

/**
 * A team's own layout that no built-in parser reads: `09.03.2026 07:14:22.481 <ERROR> route-planner/worker-3: …`,
 * day first, the level in angle brackets, the worker after the service. Only LOG_FORMATS makes it readable; its
 * pattern is TEAM_FORMAT below.
 */
function team(origin: Origin, e: LogEvent): string {
  const [date, time] = iso(e.t).replace('Z', '').split('T') as [string, string];
  const [y, m, d] = date.split('-');
  const worker = `worker-${(origin.pid % 7) + 1}`;
  return withStack(`${d}.${m}.${y} ${time} <${e.level.toUpperCase()}> ${origin.service}/${worker}: ${e.msg}${kv(e.fields)}`, e.stack);
}

/** The LOG_FORMATS entry that reads `team` lines. */
export const TEAM_FORMAT = {
  name: 'dispatch-team',
  pattern: String.raw`^(?P<time>\d{2}\.\d{2}\.\d{4} \d{2}:\d{2}:\d{2}\.\d{3}) <(?P<level>[A-Z]+)> (?P<service>[\w.-]+)/[\w-]+: (?P<message>.*)$`,
  timeLayout: 'DD.MM.YYYY HH:mm:ss.SSS',
};

const WRITERS: Record<LogFormat, (origin: Origin, e: LogEvent) => string> = {
  plain,
  log4j,
  pino,
  json,
  logfmt,
  nginx,
  syslog: syslog3164,
  syslog5424,
  journald,
  cri,
  klog,
  otel,
  'kube-events': kubeEvent,
  envoy,
  postgres,
  'postgres-session': postgresSession,
  team,
};

export function renderEvent(format: LogFormat, origin: Origin, event: LogEvent): string {
  return WRITERS[format](origin, event);
}
