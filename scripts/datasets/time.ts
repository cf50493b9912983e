/** Time helpers. Every instant in the generator is epoch milliseconds in UTC. */

export const SECOND = 1_000;
export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** `2024-03-12T14:45:03Z`: logfmt emitters (Go's time.RFC3339) drop the milliseconds. */
export function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** `2024-03-12 14:45:03,123`: log4j's default ISO8601 layout. */
export function log4jTime(ms: number): string {
  return iso(ms).replace('T', ' ').replace('Z', '').replace('.', ',');
}

export function floorMinute(ms: number): number {
  return Math.floor(ms / MINUTE) * MINUTE;
}

/**
 * Scenario clock: `at('14:45')` is 14:45 UTC on the incident day, `at('16:42', -1)` the day before.
 * Scenarios read like the incident timeline this way.
 */
export class Clock {
  readonly day: number;

  constructor(date: string) {
    this.day = Date.parse(`${date}T00:00:00Z`);
    if (Number.isNaN(this.day)) throw new Error(`bad date ${date}`);
  }

  at(hhmm: string, dayOffset = 0): number {
    const m = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(hhmm);
    if (!m) throw new Error(`bad time ${hhmm}`);
    return this.day + dayOffset * DAY + Number(m[1]) * HOUR + Number(m[2]) * MINUTE + Number(m[3] ?? 0) * SECOND;
  }
}

/**
 * Traffic shape over a day: 1 at the daily mean, peaking at `peakHourUtc`. Real traffic is not a sine,
 * but over a 6-12 h window a smooth curve plus jitter reads the same in a chart.
 */
export function diurnal(ms: number, amplitude: number, peakHourUtc = 15): number {
  const hours = (ms % DAY) / HOUR;
  return 1 + amplitude * Math.cos(((hours - peakHourUtc) / 24) * 2 * Math.PI);
}
