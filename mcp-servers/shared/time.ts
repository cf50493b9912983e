/**
 * Time arguments shared by every server: an ISO-8601 instant, or a relative duration (`30m`, `2h`, `1d`)
 * counted back from the dataset's "now" so that replays of old incidents behave like live ones.
 */

const UNIT_MS: Record<string, number> = {
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

const DURATION = /^(\d+(?:\.\d+)?)\s*(s|m|h|d|w)$/i;

export class TimeArgError extends Error {}

/** Parses `30m`, `2h`, `1d` … into milliseconds; returns undefined when the text is not a duration. */
export function parseDuration(text: string): number | undefined {
  const match = DURATION.exec(text.trim());
  if (!match) return undefined;
  const unit = UNIT_MS[(match[2] ?? '').toLowerCase()];
  return unit === undefined ? undefined : Number(match[1]) * unit;
}

/** Resolves a time argument against `now`. Throws TimeArgError naming the field and the accepted forms. */
export function parseTimeArg(value: string, now: Date, field: string): Date {
  const trimmed = value.trim();
  if (trimmed === '') throw new TimeArgError(`${field} is empty; give an ISO-8601 time or a duration such as 30m, 2h, 1d`);
  if (trimmed.toLowerCase() === 'now') return now;
  const back = parseDuration(trimmed.replace(/\s+ago$/i, '').replace(/^-/, ''));
  if (back !== undefined) return new Date(now.getTime() - back);
  if (/^\d{4}-\d{2}-\d{2}/.test(trimmed)) {
    const parsed = Date.parse(trimmed);
    if (!Number.isNaN(parsed)) return new Date(parsed);
  }
  throw new TimeArgError(
    `${field} "${value}" is not a time; give an ISO-8601 time (2024-05-01T14:30:00Z) or a duration back from now (30m, 2h, 1d)`,
  );
}

export interface TimeWindow {
  since?: Date;
  until?: Date;
}

/** Parses an optional since/until pair and checks their order. */
export function parseWindow(args: { since?: string | undefined; until?: string | undefined }, now: Date): TimeWindow {
  const since = args.since === undefined ? undefined : parseTimeArg(args.since, now, 'since');
  const until = args.until === undefined ? undefined : parseTimeArg(args.until, now, 'until');
  if (since && until && since.getTime() > until.getTime()) {
    throw new TimeArgError(`since (${since.toISOString()}) is after until (${until.toISOString()}); swap them`);
  }
  return { since, until };
}

export function inWindow(time: number, window: TimeWindow): boolean {
  if (window.since && time < window.since.getTime()) return false;
  if (window.until && time > window.until.getTime()) return false;
  return true;
}
