import type { LogLevel } from '../schemas.js';
import { fromJournal } from './container.js';
import { fromKubeEvent, isKubeEvent } from './kube-events.js';
import { levelFromNumber, normalizeLevel } from './levels.js';
import { fromOtel, isOtelRecord } from './otel.js';
import { timeFromValue } from './time.js';
import type { ParsedHead } from './types.js';

const TIME_KEYS = ['time', 'timestamp', 'ts', '@timestamp', 'datetime', 'date'];
const LEVEL_KEYS = ['level', 'severity', 'lvl', 'loglevel', 'log.level', 'levelname'];
const SERVICE_KEYS = ['service', 'app', 'name', 'service.name', 'application', 'component'];
const MESSAGE_KEYS = ['msg', 'message', 'log', 'text'];
/** Error detail worth keeping next to the message, since a bare "request failed" hides the cause. */
const ERROR_KEYS = ['err', 'error', 'exception', 'reason'];

function pick(record: Record<string, unknown>, keys: readonly string[]): unknown {
  for (const key of keys) {
    const value = record[key];
    if (value !== undefined && value !== null && value !== '') return value;
  }
  return undefined;
}

function levelOf(value: unknown): LogLevel | null {
  if (typeof value === 'number') return levelFromNumber(value);
  if (typeof value === 'string') return /^\d+$/.test(value) ? levelFromNumber(Number(value)) : normalizeLevel(value);
  return null;
}

function text(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined) return '';
  return JSON.stringify(value);
}

/** Pino's `err` is an object with message and stack; the stack becomes continuation lines. */
function errorDetail(value: unknown): string {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const err = value as Record<string, unknown>;
    const message = typeof err.message === 'string' ? err.message : '';
    const stack = typeof err.stack === 'string' ? err.stack : '';
    if (stack) return stack.includes(message) ? stack : `${message}\n${stack}`;
    return message || JSON.stringify(value);
  }
  return text(value);
}

function fromRecord(record: Record<string, unknown>, raw: string): ParsedHead | null {
  const time = timeFromValue(pick(record, TIME_KEYS));
  const level = levelOf(pick(record, LEVEL_KEYS));
  const service = SERVICE_KEYS.map((key) => record[key]).find((value) => typeof value === 'string' && value.trim() !== '');
  const message = pick(record, MESSAGE_KEYS);
  if (time === null && level === null && message === undefined) return null;
  let body = message === undefined ? raw : text(message);
  const error = pick(record, ERROR_KEYS);
  if (error !== undefined) {
    const detail = errorDetail(error);
    if (detail && !body.includes(detail)) body = `${body}: ${detail}`;
  }
  return { time, level, service: typeof service === 'string' && service.trim() ? service.trim() : null, message: body };
}

/** One JSON object per line (pino, bunyan, ECS, logstash …). */
export function parseJsonLine(line: string): ParsedHead | null {
  const trimmed = line.trim();
  if (!trimmed.startsWith('{') || !trimmed.endsWith('}')) return null;
  let data: unknown;
  try {
    data = JSON.parse(trimmed);
  } catch {
    return null;
  }
  if (!data || typeof data !== 'object' || Array.isArray(data)) return null;
  const record = data as Record<string, unknown>;
  if (isOtelRecord(record)) return fromOtel(record);
  if (isKubeEvent(record)) return fromKubeEvent(record);
  const journal = fromJournal(record);
  if (journal) return journal;
  return fromRecord(flattenOneLevel(data as Record<string, unknown>), trimmed);
}

/** ECS nests `log.level` and `service.name`; lift one level of nesting into dotted keys. */
function flattenOneLevel(record: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...record };
  for (const [key, value] of Object.entries(record)) {
    if (key === 'err' || key === 'error' || !value || typeof value !== 'object' || Array.isArray(value)) continue;
    for (const [inner, innerValue] of Object.entries(value as Record<string, unknown>)) {
      if (out[`${key}.${inner}`] === undefined) out[`${key}.${inner}`] = innerValue;
    }
  }
  return out;
}

const LOGFMT_START = /^\s*[\w.@-]+=/;
/** A key starts where no key character precedes it: retrying inside a long run would make the scan quadratic. */
const LOGFMT_PAIR = /(?<![\w.@-])([\w.@-]+)=("(?:[^"\\]|\\.)*"|\S*)/g;

/** `time=… level=… service=… msg="…"`: needs a time, level or msg key to count as logfmt. */
export function parseLogfmtLine(line: string): ParsedHead | null {
  if (!LOGFMT_START.test(line)) return null;
  const record: Record<string, unknown> = {};
  for (const match of line.matchAll(LOGFMT_PAIR)) {
    const key = match[1] ?? '';
    const rawValue = match[2] ?? '';
    record[key] = rawValue.startsWith('"') ? unquote(rawValue) : rawValue;
  }
  return fromRecord(record, line);
}

function unquote(value: string): string {
  return value.slice(1, -1).replace(/\\(.)/g, (_, ch: string) => (ch === 'n' ? '\n' : ch === 't' ? '\t' : ch));
}
