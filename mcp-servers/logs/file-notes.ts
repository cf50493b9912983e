import type { ServiceStats } from './reader/sampled-stats.js';
import type { LogFile } from './types.js';

/**
 * What a team reading its own files for the first time must hear about them: entries in a layout whose levels are
 * not understood (so no error is ever counted), and files dated in the future (local time read as UTC), whose
 * errors fall outside every window.
 */

/** Newest entries further than this after now are not clock jitter: the file is dated in another zone. */
export const FUTURE_SLACK_MS = 5 * 60_000;
const HALF_HOUR_MS = 30 * 60_000;
/** No zone runs more than 14 h ahead of UTC (Kiribati): further ahead is a clock or the data, not a zone. */
const MAX_ZONE_HOURS = 14;

/** Both ends of a file this close to a whole-hour shift of its neighbours' span read as a zone, not a coincidence. */
const SHIFT_TOLERANCE_MS = 2 * 60_000;
const HOUR_MS = 3_600_000;
const MIN_FILES_FOR_SHIFT = 3;

interface FileTotals {
  entries: number;
  levelled: number;
  firstSeen: number | null;
  lastSeen: number | null;
}

function totals(stats: Map<string, ServiceStats>): FileTotals {
  let entries = 0;
  let levelled = 0;
  let firstSeen: number | null = null;
  let lastSeen: number | null = null;
  for (const s of stats.values()) {
    entries += s.entries;
    levelled += s.levelled;
    if (s.firstSeen !== null && (firstSeen === null || s.firstSeen < firstSeen)) firstSeen = s.firstSeen;
    if (s.lastSeen !== null && (lastSeen === null || s.lastSeen > lastSeen)) lastSeen = s.lastSeen;
  }
  return { entries, levelled, firstSeen, lastSeen };
}

/**
 * Whole hours by which a file's first and last entries both sit away from the span the other files share (written
 * together, rotated together), or 0. A file in another zone moves both ends by its offset; one that merely started
 * or stopped at another time does not move both by the same whole hours.
 */
function wholeHourShift(own: FileTotals, others: FileTotals[]): number {
  const first = Math.min(...others.map((item) => item.firstSeen ?? Number.POSITIVE_INFINITY));
  const last = Math.max(...others.map((item) => item.lastSeen ?? Number.NEGATIVE_INFINITY));
  if (own.firstSeen === null || own.lastSeen === null || !Number.isFinite(first) || !Number.isFinite(last)) return 0;
  const startShift = own.firstSeen - first;
  const endShift = own.lastSeen - last;
  const hours = Math.round(endShift / HOUR_MS);
  if (hours === 0 || Math.abs(hours) > MAX_ZONE_HOURS) return 0;
  const whole = hours * HOUR_MS;
  return Math.abs(endShift - whole) <= SHIFT_TOLERANCE_MS && Math.abs(startShift - whole) <= SHIFT_TOLERANCE_MS ? hours : 0;
}

function signedHours(hours: number): string {
  return `${hours >= 0 ? '+' : '-'}${Math.abs(hours)}`;
}

export function fileNotes(perFile: ReadonlyArray<{ file: LogFile; stats: Map<string, ServiceStats> }>, nowMs: number): string[] {
  const notes: string[] = [];
  const all = perFile.map(({ stats }) => totals(stats));
  for (const [index, { file, stats }] of perFile.entries()) {
    const own = all[index] ?? totals(stats);
    const { entries, levelled, lastSeen } = own;
    if (entries > 0 && levelled === 0) {
      notes.push(
        `${file.label}: ${entries} entries but no level recognised in any of them, so none counts as an error or warning; describe its layout in LOG_FORMATS (docs/datasets.md, "team formats")`,
      );
    }
    if (lastSeen !== null && lastSeen - nowMs > FUTURE_SLACK_MS) {
      const ahead = lastSeen - nowMs;
      const hours = Math.round(ahead / HALF_HOUR_MS) / 2;
      const zone = file.zone ?? 'UTC';
      const likely =
        hours >= 0.5 && hours <= MAX_ZONE_HOURS
          ? `likely written in local time ${signedHours(hours)} h from ${zone}, the zone it is read in`
          : `its clock likely runs ahead`;
      notes.push(
        `${file.label}: its newest entry (${new Date(lastSeen).toISOString()}) lies ${Math.round(ahead / 60_000)} min after now: ${likely}; set LOG_TIMEZONE (or LOG_TIMEZONES for this file) to the zone it logs in, else its errors fall outside every window`,
      );
      continue;
    }
    // With one neighbour either file could be the shifted one: the others' span needs at least two files to agree on.
    const shift =
      all.length >= MIN_FILES_FOR_SHIFT
        ? wholeHourShift(
            own,
            all.filter((_, other) => other !== index),
          )
        : 0;
    if (shift !== 0) {
      notes.push(
        `${file.label}: its first and last entries both sit ${signedHours(shift)} h from the other files' span: likely written in another zone than it is read in (${file.zone ?? 'UTC'}); set LOG_TIMEZONES for this file to the zone it logs in`,
      );
    }
  }
  return notes;
}
