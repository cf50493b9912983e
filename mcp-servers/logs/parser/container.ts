import { levelFromPri, levelFromText, withKillOf } from './syslog.js';
import { ISO_PREFIX, isoMatchMs } from './time.js';
import type { ParsedHead } from './types.js';

/**
 * Container and systemd journal formats: Kubernetes CRI container logs (`<RFC3339Nano> stdout|stderr F|P <msg>`,
 * the message parsed again as whatever the app wrote) and `journalctl -o json` records.
 */

const CRI = /^(\d{4}-\d{2}-\d{2}T\S+) (stdout|stderr) ([FP]) ?/;

export function parseCriLine(line: string, inner: (message: string) => ParsedHead | null): ParsedHead | null {
  const m = CRI.exec(line);
  if (!m) return null;
  const iso = ISO_PREFIX.exec(m[1] ?? '');
  const time = iso ? isoMatchMs(iso) : null;
  if (time === null) return null;
  const message = line.slice(m[0].length);
  const parsed = inner(message);
  if (parsed && parsed.level !== null) return { ...parsed, time: parsed.time ?? time };
  return withKillOf({ time, level: levelFromText(message), service: parsed?.service ?? null, message: parsed?.message ?? message });
}

/** journald writes non-UTF-8 or binary messages as arrays of byte values. */
function journalText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.every((byte) => typeof byte === 'number')) return Buffer.from(value as number[]).toString('utf8');
  return undefined;
}

function unitName(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value.replace(/\.(service|scope|socket|timer)$/, '') : undefined;
}

/** A `journalctl -o json` record, or undefined when the object is not one. */
export function fromJournal(record: Record<string, unknown>): ParsedHead | undefined {
  if (!('__REALTIME_TIMESTAMP' in record) && !('MESSAGE' in record && 'PRIORITY' in record)) return undefined;
  const micros = Number(record.__REALTIME_TIMESTAMP);
  const time = Number.isFinite(micros) && micros > 0 ? Math.round(micros / 1000) : null;
  const message = journalText(record.MESSAGE) ?? '';
  const priority = Number(record.PRIORITY);
  const service =
    (typeof record.SYSLOG_IDENTIFIER === 'string' && record.SYSLOG_IDENTIFIER) ||
    unitName(record._SYSTEMD_UNIT) ||
    (typeof record._COMM === 'string' && record._COMM) ||
    null;
  const level = Number.isFinite(priority) && record.PRIORITY !== undefined ? levelFromPri(priority) : levelFromText(message);
  return withKillOf({ time, level, service: service === 'kernel' && !message ? null : service, message });
}
