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

function totals(stats: Map<string, ServiceStats>): { entries: number; levelled: number; lastSeen: number | null } {
  let entries = 0;
  let levelled = 0;
  let lastSeen: number | null = null;
  for (const s of stats.values()) {
    entries += s.entries;
    levelled += s.levelled;
    if (s.lastSeen !== null && (lastSeen === null || s.lastSeen > lastSeen)) lastSeen = s.lastSeen;
  }
  return { entries, levelled, lastSeen };
}

function signedHours(hours: number): string {
  return `${hours >= 0 ? '+' : '-'}${Math.abs(hours)}`;
}

export function fileNotes(perFile: ReadonlyArray<{ file: LogFile; stats: Map<string, ServiceStats> }>, nowMs: number): string[] {
  const notes: string[] = [];
  for (const { file, stats } of perFile) {
    const { entries, levelled, lastSeen } = totals(stats);
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
    }
  }
  return notes;
}
