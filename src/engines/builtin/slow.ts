import { CLIMB_LOOKBACK_DAYS } from '../../../mcp-servers/metrics/analysis/climb-start.js';
import { familyOf } from '../../../mcp-servers/metrics/analysis/limits.js';
import type { Analysis } from './analysis.js';
import type { ScoredChange } from './changes.js';
import type { ClassMatch } from './classes.js';

/**
 * Slow exhaustion in the correlator: a resource of an affected service climbing toward its limit started long before
 * the symptoms, so its cause is looked for days back, and among the exhausted service's deploys the one that can
 * have started the climb now on the charts is preferred.
 */

/** How far back changes are fetched for a slow exhaustion: as far as the metrics server looks for the climb's start. */
export const SLOW_LOOKBACK_DAYS = CLIMB_LOOKBACK_DAYS;
const DAY_MS = 24 * 3_600_000;
/** For a slow exhaustion a change days before the symptoms is as plausible as one hours before. */
export const SLOW_TIME_SCALE_MS = 3 * DAY_MS;
/** What is left of an internal resource class's score when a deploy of the exhausted service is a candidate. */
const SLOW_MECHANISM_FACTOR = 0.4;
/** An older deploy of an exhausted service, superseded by a later one whose restart reset the resource. */
const SUPERSEDED_FACTOR = 0.4;
/** Resources that fill up toward a limit. */
const EXHAUSTION =
  /memory|heap|rss|working_set|disk|filesystem|fs_|inode|connections|conns|file_?descriptors|fds|open_files|xact|transaction_age|oldest|backlog|queue_depth|wal|bloat/i;
/** Resources a restart gives back: what a process holds. A disk, a queue or a transaction horizon outlives it. */
const RESET_BY_RESTART = new Set(['memory', 'fds', 'connections']);
/** The climb's start is estimated from bucketed history: a change this soon after it may still have started it. */
export const CLIMB_START_TOLERANCE_MS = 60 * 60_000;
/** A change of the exhausted service made after its resource began climbing did not start the climb. */
const AFTER_CLIMB_FACTOR = 0.35;
/** The newest change of that service at or before the climb's start: the one that can have started it. */
const CLIMB_STARTER_FACTOR = 1.5;
/** A climb whose first point out of band is this close to the window's start began before what the window shows. */
const BEFORE_WINDOW_MS = 60 * 60_000;

type Anomalies = Analysis['anomalies'];

export function slowExhaustion(anomalies: Anomalies, primary: readonly string[], windowStart: Date): Anomalies[number] | undefined {
  return anomalies.find(
    ({ value }) =>
      // A series of what is left (free disk) falls as it fills: its exhaustion block says so, whatever the direction.
      (value.exhaustion !== undefined ||
        (Date.parse(value.onset) - windowStart.getTime() <= BEFORE_WINDOW_MS &&
          value.shape === 'gradual' &&
          value.direction === 'up' &&
          EXHAUSTION.test(value.metric))) &&
      !value.recovered &&
      value.service !== null &&
      primary.includes(value.service),
  );
}

/** The service whose resource runs out is where the failure sits; its callers' errors follow from it. */
export function leadWithExhausted(primary: readonly string[], climbing: Anomalies[number], max: number): string[] {
  const owner = climbing.value.service;
  if (!owner) return [...primary];
  return [owner, ...primary.filter((service) => service !== owner)].slice(0, max);
}

/** Whether a restart of the process gives the resource back; unknown resources are assumed to be the process's own. */
export function resetByRestart(metric: string, tags: Record<string, string>): boolean {
  const family = familyOf(metric, tags);
  return family === undefined || RESET_BY_RESTART.has(family);
}

/**
 * Re-weighs changes and classes for a slow exhaustion. A climb of what a process holds restarts with the process:
 * of the exhausted service's deploys the newest before the onset started the climb now on the charts, older ones
 * were superseded by it. A disk or a backlog keeps filling across restarts, so every deploy of the service keeps its
 * score and what it says decides. A deploy of that service is the cause; the filling resource (and the class that
 * names it, such as a full disk) is only the mechanism.
 */
export function weighSlowExhaustion(climbing: Anomalies[number], scored: ScoredChange[], classes: ClassMatch[]): void {
  const service = climbing.value.service ?? '';
  const own = scored
    .filter((entry) => entry.change.kind === 'deployment' && !entry.afterOnset && entry.touches.includes(service))
    .sort((a, b) => Date.parse(b.change.at) - Date.parse(a.change.at));
  if (resetByRestart(climbing.value.metric, climbing.value.tags)) for (const older of own.slice(1)) older.score *= SUPERSEDED_FACTOR;
  else weighByClimbStart(climbing, scored);
  scored.sort((a, b) => b.score - a.score || a.change.id.localeCompare(b.change.id));
  // The class that names the filling resource itself (a full disk for a filling disk) is the mechanism too.
  if (own.some((entry) => entry.links.length > 0))
    for (const match of classes)
      if (!match.cls.external || match.cls.metrics.test(climbing.value.metric)) match.score *= SLOW_MECHANISM_FACTOR;
}

/**
 * A disk or a backlog keeps filling across restarts, so the start of its climb is when the cause arrived: of the
 * changes touching the exhausted service, the newest one at or before the climb's start is favoured, and one made
 * after the climb began is discounted (it cannot have started it). Without a known start nothing moves.
 */
export function weighByClimbStart(climbing: Anomalies[number], scored: ScoredChange[]): void {
  const start = climbing.value.exhaustion?.climbStart;
  const service = climbing.value.service;
  if (!start || !service) return;
  const latest = Date.parse(start) + CLIMB_START_TOLERANCE_MS;
  const touching = scored.filter((entry) => !entry.afterOnset && entry.touches.includes(service));
  const before = touching.filter((entry) => Date.parse(entry.change.at) <= latest);
  const after = touching.filter((entry) => Date.parse(entry.change.at) > latest);
  if (before.length === 0) return;
  const newest = Math.max(...before.map((entry) => Date.parse(entry.change.at)));
  for (const entry of before)
    if (Date.parse(entry.change.at) === newest) entry.score = Math.max(entry.score, Math.min(1, entry.score * CLIMB_STARTER_FACTOR));
  for (const entry of after) entry.score *= AFTER_CLIMB_FACTOR;
}

/** What the charts show of the climb: how full, how fast, how long is left, and where the limit came from. */
export function exhaustionSentence(climbing: Anomalies[number] | undefined): string {
  const found = climbing?.value.exhaustion;
  if (!climbing || !found) return '';
  const subject = `${climbing.value.metric}${climbing.value.service ? ` of ${climbing.value.service}` : ''}`;
  if (found.limit === null || found.usedShare === null)
    return ` ${subject} has been growing steadily (${Math.abs(found.perHour).toPrecision(3)} ${climbing.value.unit ?? ''}/h) with no limit of its own: a slow exhaustion that began before the window.`;
  const left = found.hoursLeft === null ? '' : `, about ${found.hoursLeft} h from the limit at this pace`;
  const from = found.limitFrom === 'unit' ? 'its unit' : found.limitFrom === 'series' ? 'its paired limit series' : 'its limit';
  return ` ${subject} has been filling steadily toward its limit (${(found.usedShare * 100).toFixed(1)}% used, limit from ${from}${left}): a slow exhaustion that began before the window.`;
}
