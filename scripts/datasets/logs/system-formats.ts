import { iso } from '../time.js';
import type { Fields, FieldValue, Level, LogEvent, Origin } from './event.js';

/**
 * Writers for the formats of hosts, proxies and clusters: nginx (access lines in the combined format, everything else
 * in its error-log layout, as an ingress container's output mixes them), syslog (RFC 3164 as rsyslog writes files, and
 * RFC 5424), journald's JSON export, Kubernetes CRI container logs and klog. A program name in `logger` (kernel,
 * systemd) replaces the service's own on syslog-like formats.
 */

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const SYSLOG_SEVERITY: Record<Level, number> = { fatal: 2, error: 3, warn: 4, info: 6, debug: 7, trace: 7 };
/** local0: where applications log by convention. */
const FACILITY_LOCAL0 = 16;
const FACILITY_KERNEL = 0;
const FACILITY_DAEMON = 3;

const two = (n: number) => String(n).padStart(2, '0');

function kvText(fields: Fields | undefined): string {
  if (!fields) return '';
  return Object.entries(fields)
    .filter(([key]) => key !== 'http')
    .map(([k, v]) => ` ${k}=${scalar(v)}`)
    .join('');
}

function scalar(value: FieldValue): string {
  if (typeof value === 'object') return JSON.stringify(value);
  const text = String(value);
  return /[\s"=]/.test(text) || text === '' ? JSON.stringify(text) : text;
}

function hms(ms: number): string {
  const d = new Date(ms);
  return `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
}

function program(origin: Origin, e: LogEvent): { name: string; pid: number | null; system: boolean } {
  if (e.logger === 'kernel') return { name: 'kernel', pid: null, system: true };
  if (e.logger === 'systemd') return { name: 'systemd', pid: 1, system: true };
  if (e.logger && /^[\w-]+$/.test(e.logger)) return { name: e.logger, pid: origin.pid, system: true };
  return { name: origin.service, pid: origin.pid, system: false };
}

/** What an application writes into a syslog message: its level word, the text, its fields. */
function appText(e: LogEvent, system: boolean): string {
  const body = `${e.msg}${kvText(e.fields)}`;
  return system ? body : `${e.level.toUpperCase()} ${body}`;
}

export function syslog3164(origin: Origin, e: LogEvent): string {
  const d = new Date(e.t);
  const day = String(d.getUTCDate()).padStart(2, ' ');
  const prog = program(origin, e);
  const tag = prog.pid === null ? prog.name : `${prog.name}[${prog.pid}]`;
  const stamp = `${MONTHS[d.getUTCMonth()]} ${day} ${hms(e.t)}`;
  const head = `${stamp} ${origin.hostname} ${tag}: ${appText(e, prog.system)}`;
  return [head, ...(e.stack ?? []).map((line) => `${stamp} ${origin.hostname} ${tag}: ${line}`)].join('\n');
}

export function syslog5424(origin: Origin, e: LogEvent): string {
  const prog = program(origin, e);
  const facility = prog.name === 'kernel' ? FACILITY_KERNEL : prog.system ? FACILITY_DAEMON : FACILITY_LOCAL0;
  const pri = facility * 8 + SYSLOG_SEVERITY[e.level];
  const text = `${e.msg}${kvText(e.fields)}${e.stack && e.stack.length > 0 ? ` | ${e.stack[0]}` : ''}`;
  return `<${pri}>1 ${iso(e.t)} ${origin.hostname} ${prog.name} ${prog.pid ?? '-'} - - ${text}`;
}

export function journald(origin: Origin, e: LogEvent): string {
  const prog = program(origin, e);
  const record: Record<string, string> = {
    __REALTIME_TIMESTAMP: String(e.t * 1000 + (e.t % 7) * 113),
    PRIORITY: String(SYSLOG_SEVERITY[e.level]),
    _HOSTNAME: origin.hostname,
    SYSLOG_IDENTIFIER: prog.name,
  };
  if (prog.name !== 'kernel') record._SYSTEMD_UNIT = prog.system ? 'init.scope' : `${origin.service}.service`;
  if (prog.pid !== null) record._PID = String(prog.pid);
  record.MESSAGE = `${e.msg}${kvText(e.fields)}${e.stack && e.stack.length > 0 ? `\n${e.stack.join('\n')}` : ''}`;
  return JSON.stringify(record);
}

/** A container runtime's line around the app's own JSON (zap-style), stderr for errors. */
export function cri(origin: Origin, e: LogEvent): string {
  const inner: Record<string, unknown> = { level: e.level, ts: iso(e.t), logger: e.logger ?? origin.service, msg: e.msg };
  Object.assign(inner, e.fields);
  if (e.stack && e.stack.length > 0) inner.stacktrace = e.stack.join('\n');
  const stream = e.level === 'error' || e.level === 'fatal' ? 'stderr' : 'stdout';
  return `${iso(e.t).replace('Z', `${String((e.t * 7919) % 1_000_000).padStart(6, '0')}Z`)} ${stream} F ${JSON.stringify(inner)}`;
}

const KLOG_LETTER: Record<Level, string> = { trace: 'I', debug: 'I', info: 'I', warn: 'W', error: 'E', fatal: 'F' };

export function klog(origin: Origin, e: LogEvent): string {
  const d = new Date(e.t);
  const micros = String((e.t % 1000) * 1000 + (e.t % 997)).padStart(6, '0');
  const file = `${(e.logger ?? 'main').replace(/[^\w]/g, '_').toLowerCase()}.go:${100 + (e.msg.length % 800)}`;
  const head = `${KLOG_LETTER[e.level]}${two(d.getUTCMonth() + 1)}${two(d.getUTCDate())} ${hms(e.t)}.${micros} ${String(origin.pid).padStart(7, ' ')} ${file}] ${e.msg}${kvText(e.fields)}`;
  return [head, ...(e.stack ?? [])].join('\n');
}

/** Access lines carry `fields.http`; the rest of an nginx container's output is its error log. */
export function nginx(origin: Origin, e: LogEvent): string {
  const http = e.fields?.http;
  if (http && typeof http === 'object') {
    const d = new Date(e.t);
    const stamp = `${two(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${hms(e.t)} +0000`;
    const h = http as Record<string, FieldValue>;
    return `${h.client} - - [${stamp}] "${h.method} ${h.path} HTTP/1.1" ${h.status} ${h.bytes} "-" "${h.agent}" rt=${h.rt} upstream=${h.upstream ?? '-'}`;
  }
  const d = new Date(e.t);
  const date = `${d.getUTCFullYear()}/${two(d.getUTCMonth() + 1)}/${two(d.getUTCDate())}`;
  const level = e.level === 'warn' ? 'warn' : e.level === 'fatal' ? 'crit' : e.level;
  return `${date} ${hms(e.t)} [${level}] ${origin.pid}#${origin.pid}: ${e.msg}${kvText(e.fields)}`;
}
