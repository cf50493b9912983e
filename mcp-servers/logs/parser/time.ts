import { fromLocalWall } from './zone.js';

/**
 * Timestamp helpers: every parsed time is epoch milliseconds; a time without a zone is wall-clock time in the zone
 * of the file being read (LOG_TIMEZONE / LOG_TIMEZONES, UTC by default; see zone.ts).
 */

const MONTHS: Record<string, number> = { jan: 0, feb: 1, mar: 2, apr: 3, may: 4, jun: 5, jul: 6, aug: 7, sep: 8, oct: 9, nov: 10, dec: 11 };

export function monthIndex(name: string): number | undefined {
  return MONTHS[name.slice(0, 3).toLowerCase()];
}

/** Fraction digits (`123`, `675872`) to whole milliseconds. */
export function fractionMs(digits: string | undefined): number {
  if (!digits) return 0;
  const ms = digits.length >= 3 ? digits.slice(0, 3) : digits.padEnd(3, '0');
  return Number(ms);
}

/** Two-digit years (HDFS `081109`, Spark `17/06/09`) are read as 1970–2069. */
export function fullYear(twoDigits: number): number {
  return twoDigits < 70 ? 2000 + twoDigits : 1900 + twoDigits;
}

/** `Z`, `+02:00`, `-0530` to the offset in minutes east of UTC. */
function zoneMinutes(zone: string | undefined): number {
  if (!zone || zone === 'Z' || zone === 'z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || '0'));
}

export function utcMs(
  year: number,
  month0: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  fraction?: string,
  zone?: string,
): number | null {
  if (month0 < 0 || month0 > 11 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return null;
  const wall = Date.UTC(year, month0, day, hour, minute, second) + fractionMs(fraction);
  const ms = zone ? wall - zoneMinutes(zone) * 60_000 : fromLocalWall(wall);
  return Number.isFinite(ms) ? ms : null;
}

/**
 * `2024-05-01T14:30:00.123Z`, `2024-05-01 14:30:00,123`, `2024-05-01T14:30:00+02:00` at the start of a line; also
 * Serilog's file default `2024-05-01 14:30:00.123 +02:00` (.NET `zzz` after a space; only the `±hh:mm` form there).
 */
export const ISO_PREFIX =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))?(?: (?=[+-]\d{2}:\d{2}\b))?(Z|z|[+-]\d{2}:?\d{2}\b)?/;

export function isoMatchMs(m: RegExpExecArray): number | null {
  return utcMs(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]), m[7], m[8]);
}

/** A JSON or logfmt time value: ISO text, or epoch seconds / milliseconds (as a number or digits). */
export function timeFromValue(value: unknown): number | null {
  if (typeof value === 'number') return epochMs(value);
  if (typeof value !== 'string') return null;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return epochMs(Number(text));
  const iso = ISO_PREFIX.exec(text);
  if (iso) return isoMatchMs(iso);
  const parsed = Date.parse(text);
  return Number.isNaN(parsed) ? null : parsed;
}

/** Below 1e11 a number is seconds (1e11 s is the year 5138; 1e11 ms is 1973). */
function epochMs(value: number): number | null {
  if (!Number.isFinite(value) || value <= 0) return null;
  return value < 1e11 ? Math.round(value * 1000) : Math.round(value);
}
