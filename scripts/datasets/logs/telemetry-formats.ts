import { iso } from '../time.js';
import type { Fields, FieldValue, Level, LogEvent, Origin } from './event.js';

/**
 * Writers for telemetry as collectors and platforms write it: OpenTelemetry log records (OTLP/JSON, one per line),
 * Kubernetes events (one Event object per line), Envoy access logs (default layout; other lines as Envoy's own
 * `[time][level] message`), and PostgreSQL's server log (`%m [%p] ` prefix, `SEVERITY:  message`, DETAIL lines).
 */

const OTEL_SEVERITY: Record<Level, [number, string]> = {
  trace: [1, 'TRACE'],
  debug: [5, 'DEBUG'],
  info: [9, 'INFO'],
  warn: [13, 'WARN'],
  error: [17, 'ERROR'],
  fatal: [21, 'FATAL'],
};

const attr = (key: string, value: FieldValue) => ({
  key,
  value:
    typeof value === 'number'
      ? { intValue: String(value) }
      : { stringValue: typeof value === 'object' ? JSON.stringify(value) : String(value) },
});

export function otel(origin: Origin, e: LogEvent): string {
  const [number, text] = OTEL_SEVERITY[e.level];
  const attributes = Object.entries(e.fields ?? {}).map(([k, v]) => attr(k, v));
  if (e.logger) attributes.push(attr('code.namespace', e.logger));
  if (e.stack && e.stack.length > 0) attributes.push(attr('exception.stacktrace', e.stack.join('\n')));
  return JSON.stringify({
    timeUnixNano: `${e.t}000000`,
    observedTimeUnixNano: `${e.t + 3}000000`,
    severityNumber: number,
    severityText: text,
    body: { stringValue: e.msg },
    attributes,
    resource: {
      attributes: [attr('service.name', origin.service), attr('k8s.pod.name', origin.hostname), attr('service.namespace', 'prod')],
    },
  });
}

/** `fields.reason`, `fields.kind`, `fields.object`, `fields.namespace` describe the event; the level picks its type. */
export function kubeEvent(origin: Origin, e: LogEvent): string {
  const f = (e.fields ?? {}) as Record<string, FieldValue>;
  const name = String(f.object ?? origin.service);
  const namespace = String(f.namespace ?? 'default');
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: `${name}.${(e.t % 0xffffffff).toString(16)}`, namespace, creationTimestamp: iso(e.t).replace(/\.\d{3}Z$/, 'Z') },
    involvedObject: { kind: String(f.kind ?? 'Pod'), namespace, name },
    reason: String(f.reason ?? 'Info'),
    message: e.msg,
    source: { component: e.logger ?? 'kubelet' },
    firstTimestamp: iso(e.t).replace(/\.\d{3}Z$/, 'Z'),
    lastTimestamp: iso(e.t).replace(/\.\d{3}Z$/, 'Z'),
    count: typeof f.count === 'number' ? f.count : 1,
    type: e.level === 'warn' || e.level === 'error' || e.level === 'fatal' ? 'Warning' : 'Normal',
  });
}

/** Access lines carry `fields.envoy`; anything else is Envoy's own log line. */
export function envoy(origin: Origin, e: LogEvent): string {
  const access = e.fields?.envoy;
  if (access && typeof access === 'object') {
    const a = access as Record<string, FieldValue>;
    return `[${iso(e.t)}] "${a.method} ${a.path} HTTP/1.1" ${a.status} ${a.flags ?? '-'} ${a.rx ?? 0} ${a.tx ?? 0} ${a.duration} ${a.upstreamTime ?? '-'} "-" "${a.agent ?? 'envoy'}" "${a.rid}" "${a.authority}" "${a.upstream ?? '-'}"`;
  }
  return `[${iso(e.t).replace('T', ' ').replace('Z', '')}][${origin.pid}][${e.level === 'warn' ? 'warning' : e.level}][${e.logger ?? 'main'}] ${e.msg}${fieldsText(e.fields)}`;
}

const PG_SEVERITY: Record<Level, string> = {
  trace: 'DEBUG1',
  debug: 'DEBUG1',
  info: 'LOG',
  warn: 'WARNING',
  error: 'ERROR',
  fatal: 'FATAL',
};

/** `fields.detail` and `fields.statement` become the DETAIL and STATEMENT lines PostgreSQL writes after an error. */
export function postgres(origin: Origin, e: LogEvent): string {
  const stamp = `${iso(e.t).replace('T', ' ').replace('Z', '')} UTC [${origin.pid}]`;
  const lines = [`${stamp} ${PG_SEVERITY[e.level]}:  ${e.msg}`];
  const f = e.fields ?? {};
  if (f.detail !== undefined) lines.push(`${stamp} DETAIL:  ${String(f.detail)}`);
  if (f.statement !== undefined) lines.push(`${stamp} STATEMENT:  ${String(f.statement)}`);
  return lines.join('\n');
}

/**
 * The same log with `log_line_prefix = '%t [%p]: user=%u,db=%d,app=%a,client=%h '` (second precision, the session's
 * role, database, application_name and client): `fields.user/db/app/client` fill the prefix, detail and statement
 * lines repeat it.
 */
export function postgresSession(origin: Origin, e: LogEvent): string {
  const f = e.fields ?? {};
  const session = `user=${String(f.user ?? '[unknown]')},db=${String(f.db ?? '[unknown]')},app=${String(f.app ?? '[unknown]')},client=${String(f.client ?? '[local]')}`;
  const stamp = `${iso(e.t).slice(0, 19).replace('T', ' ')} UTC [${origin.pid}]: ${session}`;
  const lines = [`${stamp} ${PG_SEVERITY[e.level]}:  ${e.msg}`];
  if (f.detail !== undefined) lines.push(`${stamp} DETAIL:  ${String(f.detail)}`);
  if (f.statement !== undefined) lines.push(`${stamp} STATEMENT:  ${String(f.statement)}`);
  return lines.join('\n');
}

function fieldsText(fields: Fields | undefined): string {
  if (!fields) return '';
  return Object.entries(fields)
    .map(([k, v]) => ` ${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
    .join('');
}
