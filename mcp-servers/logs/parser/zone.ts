/**
 * Lines that carry no UTC offset are wall-clock times in the zone their service logs in: LOG_TIMEZONE (default UTC)
 * or a LOG_TIMEZONES entry for the file. The zone applies while one line is parsed (parseHead sets it around its
 * synchronous work), so parsers keep calling utcMs and never learn about files.
 */

/** Offsets are looked up per quarter hour of wall time: zone rules change on quarter-hour boundaries at the finest. */
const BUCKET_MS = 15 * 60_000;
/** Cached buckets per zone before the cache is cleared: a year of quarter hours, far beyond any log window. */
const MAX_CACHED_BUCKETS = 40_000;

const formatters = new Map<string, Intl.DateTimeFormat>();
const offsets = new Map<string, Map<number, number>>();

function formatter(zone: string): Intl.DateTimeFormat {
  let format = formatters.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, format);
  }
  return format;
}

/** Whether Node knows the IANA zone name (Europe/Berlin, America/New_York, UTC). */
export function isKnownZone(zone: string): boolean {
  try {
    formatter(zone);
    return true;
  } catch {
    return false;
  }
}

/** The zone's offset from UTC (ms east) at a UTC instant. */
function offsetAt(zone: string, utcMs: number): number {
  const parts = formatter(zone).formatToParts(new Date(utcMs));
  const get = (type: string) => Number(parts.find((part) => part.type === type)?.value ?? '0');
  const wall = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return wall - Math.floor(utcMs / 1000) * 1000;
}

/** Offset to subtract from a wall-clock time read as UTC; two passes settle the instant around a change of offset. */
function wallOffset(zone: string, wallMs: number): number {
  let cache = offsets.get(zone);
  if (!cache) {
    cache = new Map();
    offsets.set(zone, cache);
  }
  const bucket = Math.floor(wallMs / BUCKET_MS);
  const hit = cache.get(bucket);
  if (hit !== undefined) return hit;
  const first = offsetAt(zone, wallMs);
  const offset = offsetAt(zone, wallMs - first);
  if (cache.size >= MAX_CACHED_BUCKETS) cache.clear();
  cache.set(bucket, offset);
  return offset;
}

let current: string | undefined;

/** Epoch ms of a wall-clock time without an offset, in the zone of the line being parsed (UTC when none is set). */
export function fromLocalWall(wallMs: number): number {
  if (current === undefined) return wallMs;
  return wallMs - wallOffset(current, wallMs);
}

/** Runs one synchronous parse with `zone` as the zone of offset-less times; nested parses (a CRI line's message) share it. */
export function withLocalZone<T>(zone: string | undefined, parse: () => T): T {
  if (zone === undefined || zone === current) return parse();
  const previous = current;
  current = zone === 'UTC' || zone === 'Etc/UTC' ? undefined : zone;
  try {
    return parse();
  } finally {
    current = previous;
  }
}

/** `+1 h`, `-5.5 h`: how far a zone's wall clock runs ahead of UTC at an instant, for notes. */
export function zoneOffsetHours(zone: string, utcMs: number): number {
  return offsetAt(zone, utcMs) / 3_600_000;
}
