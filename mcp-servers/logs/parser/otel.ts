import type { LogLevel } from '../schemas.js';
import { normalizeLevel } from './levels.js';
import { timeFromValue } from './time.js';
import type { ParsedHead } from './types.js';

/**
 * OpenTelemetry log records as OTLP/JSON writes them (the collector's file exporter, `otel-cli`, SDK exporters):
 * one record per line (`timeUnixNano`, `severityText`/`severityNumber`, `body`, `attributes`, `resource`), or a
 * whole `resourceLogs` batch per line. A batch is one entry headed by its most severe record, since the reader
 * keeps one entry per line; the resource's `service.name` names the service.
 */

/** The most records of a batch line looked at: a bound on work per line. */
const MAX_BATCH_RECORDS = 1_000;

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** True for a parsed JSON line shaped like an OTel log record or batch. */
export function isOtelRecord(record: Json): boolean {
  return (
    Array.isArray(record.resourceLogs) ||
    ((record.timeUnixNano !== undefined || record.observedTimeUnixNano !== undefined) &&
      (record.body !== undefined || record.severityText !== undefined || record.severityNumber !== undefined))
  );
}

export function fromOtel(record: Json): ParsedHead | null {
  if (Array.isArray(record.resourceLogs)) return fromBatch(record.resourceLogs);
  const resource = isObject(record.resource) ? attributes(record.resource.attributes) : {};
  return fromLogRecord(record, resource);
}

function fromBatch(resourceLogs: unknown[]): ParsedHead | null {
  let best: ParsedHead | null = null;
  let bestRank = -1;
  let seen = 0;
  for (const entry of resourceLogs) {
    if (!isObject(entry)) continue;
    const resource = isObject(entry.resource) ? attributes(entry.resource.attributes) : {};
    const scopes = Array.isArray(entry.scopeLogs)
      ? entry.scopeLogs
      : Array.isArray(entry.instrumentationLibraryLogs)
        ? entry.instrumentationLibraryLogs
        : [];
    for (const scope of scopes) {
      if (!isObject(scope) || !Array.isArray(scope.logRecords)) continue;
      for (const logRecord of scope.logRecords) {
        if (seen++ >= MAX_BATCH_RECORDS || !isObject(logRecord)) continue;
        const parsed = fromLogRecord(logRecord, resource);
        const rank = parsed ? RANK[parsed.level ?? 'info'] : -1;
        if (parsed && rank > bestRank) {
          best = parsed;
          bestRank = rank;
        }
      }
    }
  }
  if (best && seen > 1) best.message = `${best.message} (1 of ${seen} records in this batch)`;
  return best;
}

const RANK: Record<LogLevel, number> = { trace: 0, debug: 1, info: 2, warn: 3, error: 4, fatal: 5 };

function fromLogRecord(record: Json, resource: Record<string, string>): ParsedHead | null {
  const time = nanoTime(record.timeUnixNano) ?? nanoTime(record.observedTimeUnixNano) ?? timeFromValue(record.time);
  const level = severity(record.severityText, record.severityNumber);
  const attrs = attributes(record.attributes);
  const body = anyValue(record.body);
  if (time === null && level === null && body === '') return null;
  const service = resource['service.name'] ?? attrs['service.name'] ?? null;
  const detail = [attrs['exception.type'], attrs['exception.message']].filter(Boolean).join(': ');
  let message = body || detail || JSON.stringify(attrs);
  if (detail && !message.includes(detail)) message = `${message}: ${detail}`;
  const stack = attrs['exception.stacktrace'];
  if (stack) message = `${message}\n${stack}`;
  return { time, level, service: service?.trim() ? service.trim() : null, message };
}

/** `"1700000000123456789"` (nanoseconds, as a string or a number) to milliseconds; 0 means unset in OTLP. */
function nanoTime(value: unknown): number | null {
  const digits = typeof value === 'string' ? value.trim() : typeof value === 'number' ? BigInt(Math.round(value)).toString() : '';
  if (!/^\d{13,19}$/.test(digits) || /^0+$/.test(digits)) return null;
  return Number(digits.padStart(19, '0').slice(0, 13));
}

/** severityNumber 1–4 trace, 5–8 debug, 9–12 info, 13–16 warn, 17–20 error, 21–24 fatal (the OTel data model). */
function severity(text: unknown, number: unknown): LogLevel | null {
  if (typeof text === 'string' && text.trim()) {
    const named = normalizeLevel(text.replace(/\d+$/, ''));
    if (named) return named;
  }
  const n = typeof number === 'number' ? number : typeof number === 'string' ? Number(/\d+/.exec(number)?.[0] ?? Number.NaN) : Number.NaN;
  if (!Number.isFinite(n) || n < 1) return null;
  if (n <= 4) return 'trace';
  if (n <= 8) return 'debug';
  if (n <= 12) return 'info';
  if (n <= 16) return 'warn';
  if (n <= 20) return 'error';
  return 'fatal';
}

/** OTLP `AnyValue` ({stringValue}, {intValue}, …) or a plain JSON value, as text. */
function anyValue(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (isObject(value)) {
    for (const key of ['stringValue', 'intValue', 'doubleValue', 'boolValue']) if (value[key] !== undefined) return String(value[key]);
    if (value.kvlistValue !== undefined || value.arrayValue !== undefined) return JSON.stringify(value.kvlistValue ?? value.arrayValue);
  }
  return JSON.stringify(value);
}

/** OTLP attribute list (`[{key, value: AnyValue}]`) or a plain object, as string values. */
function attributes(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (Array.isArray(value)) {
    for (const item of value.slice(0, MAX_BATCH_RECORDS))
      if (isObject(item) && typeof item.key === 'string') out[item.key] = anyValue(item.value);
  } else if (isObject(value)) {
    for (const [key, inner] of Object.entries(value)) out[key] = anyValue(inner);
  }
  return out;
}
