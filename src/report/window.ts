import { parseDuration } from '../../mcp-servers/shared/time.js';
import type { RecordedCall } from './calls.js';
import type { TimelineEntry } from './schema.js';

/** Look-back used when a request names none; the servers use the same default. */
export const DEFAULT_SINCE = '2h';

/** Latest `now` the servers reported (datasets replay old incidents, so the wall clock is the wrong "now"). */
function reportedNow(calls: readonly RecordedCall[]): number | undefined {
  let latest: number | undefined;
  for (const call of calls) {
    const now = call.outcome.structured?.now;
    if (typeof now !== 'string') continue;
    const time = Date.parse(now);
    if (!Number.isNaN(time) && (latest === undefined || time > latest)) latest = time;
  }
  return latest;
}

/**
 * The analysed window: it ends at the servers' "now" (or the latest timeline entry, or the wall clock) and reaches
 * back by `since`, widened to cover every timeline entry.
 */
export function inferWindow(options: {
  since?: string | undefined;
  timeline?: readonly TimelineEntry[];
  calls?: readonly RecordedCall[];
  now?: Date;
}): { start: string; end: string } {
  const times = (options.timeline ?? []).map((entry) => Date.parse(entry.at)).filter((time) => !Number.isNaN(time));
  const end = reportedNow(options.calls ?? []) ?? (times.length > 0 ? Math.max(...times) : (options.now ?? new Date()).getTime());
  const since = options.since?.trim();
  const sinceAsTime = since && /^\d{4}-\d{2}-\d{2}/.test(since) ? Date.parse(since) : Number.NaN;
  const back = parseDuration(since ?? DEFAULT_SINCE) ?? parseDuration(DEFAULT_SINCE) ?? 7_200_000;
  let start = Number.isNaN(sinceAsTime) ? end - back : sinceAsTime;
  if (times.length > 0) start = Math.min(start, ...times);
  return { start: new Date(start).toISOString(), end: new Date(Math.max(end, ...times)).toISOString() };
}
