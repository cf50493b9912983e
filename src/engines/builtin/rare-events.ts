import type { LogEntryOut } from '../../../mcp-servers/logs/schemas.js';
import type { Change } from './changes.js';
import type { Cited } from './facts.js';
import { mineTemplates, templateText } from './templates.js';

/**
 * Changes nobody announced: a package upgraded in a host journal, automation applying a plan, a job starting, a
 * controller swapping a node, a failover, a certificate rotated. Whatever their level, they are lines whose template
 * is new or rare near the onset; the same rare line on many services in one minute is one fleet-wide change.
 */

/** Verbs by which something changes state; the one search for such lines (RE2, every level) is built from them. */
const ACTIONS = [
  'installed',
  'upgraded',
  'upgrading',
  'downgraded',
  'updated',
  'restarted',
  'restarting',
  'reloaded',
  'applied',
  'applying',
  'deleted',
  'removed',
  'purged',
  'enabled',
  'disabled',
  'started',
  'starting',
  'stopped',
  'swapped',
  'replaced',
  'replacing',
  'promoted',
  'demoted',
  'failed over',
  'failover',
  'rotated',
  'renewed',
  'expired',
  'revoked',
  'migrated',
  'rebooted',
  'drained',
  'cordoned',
  'evicted',
  'terminated',
  'provisioned',
  'decommissioned',
  'resized',
  'truncated',
  'reindexed',
  'rebalanced',
];
export const ACTION_EVENT_PATTERN = String.raw`\b(${ACTIONS.join('|')})\b`;
/** Lines read per logs server for the mining: events that change state are far fewer than the limit (500). */
export const ACTION_EVENT_LIMIT = 500;

/** How far back the baseline reaches: a daily job is then seen at most once, an hourly one many times. */
export const RARE_BASELINE_MS = 24 * 3_600_000;
/** The window before the onset where a change's event is looked for. */
export const NEAR_MS = 60 * 60_000;
/** Clocks differ and onsets are estimated: an event this far after the onset still counts as before it. */
export const ONSET_SKEW_MS = 2 * 60_000;
/** A template seen at most this often in the baseline is rare; more often, it is routine. */
export const RARE_BASELINE_MAX = 1;
/** More near-onset lines of one template than this is a flood (a symptom's messages), not a change. */
export const BURST_MAX = 20;
/** Distinct services or files with the same rare event in one minute that make it one fleet-wide change. */
export const FLEET_MIN = 3;
/** Rare events this close on the same services are one episode (an upgrade and the restart it caused). */
export const EPISODE_MS = 2 * 60_000;
/** Lines one episode quotes at most: the first few tell the story. */
const EPISODE_MAX_LINES = 4;
/** Candidates returned at most: the rarest and closest to the onset first. */
export const RARE_MAX_CANDIDATES = 8;
/** Weight of an event seen once in the baseline against a new one. */
const SEEN_ONCE_WEIGHT = 0.6;
/** Weight of wording that only says something began (started, enabled) against one that changed state. */
const WEAK_ACTION_WEIGHT = 0.7;

const WEAK_ACTION = /\b(started|starting|enabled|restarting)\b/i;
const JOB_WORDS = /\b(job|cron|crontab|batch|backup|timer|compaction|vacuum|cleanup|report|export|import|snapshot)\b/i;
/** Host and package wording: a unit's "Network Configuration" is the host's, not a settings change. */
const HOST_WORDS = /\b(package|packages|upgrade|upgrades|upgraded|installed|kernel|reboot|rebooted|node|host|systemd|network)\b/i;
const CONFIG_WORDS = /\b(config|configuration|setting|settings|parameter|policy|flag|plan|terraform|ansible|puppet|chef)\b/i;

/** A service's own action lines this soon after its deployment are that deployment's footprint (its restart). */
export const DEPLOY_ECHO_MS = 15 * 60_000;

export interface RareEventOptions {
  onset: Date;
  knownServices: readonly string[];
  /** Recorded deployments: their services' action lines just after them are not changes of their own. */
  deployments?: readonly { service: string; at: string }[];
}

function deployEcho(entry: LogEntryOut, at: number, deployments: RareEventOptions['deployments']): boolean {
  return (deployments ?? []).some((deployment) => {
    const lag = at - Date.parse(deployment.at);
    return deployment.service === entry.service && lag >= -ONSET_SKEW_MS && lag <= DEPLOY_ECHO_MS;
  });
}

interface RareEvent {
  change: Change;
  weight: number;
  at: number;
  /** The log files it was seen in: events in the same files belong to the same hosts or services. */
  files: string;
}

interface Occurrence {
  entry: Cited<LogEntryOut>;
  at: number;
  template: number;
}

/** Change candidates from action lines whose template is new or rare in the hour before the onset. */
export function rareEventChanges(entries: readonly Cited<LogEntryOut>[], options: RareEventOptions): Change[] {
  const onset = options.onset.getTime();
  const nearStart = onset - NEAR_MS;
  const timed = entries.filter((entry) => entry.value.time && Number.isFinite(Date.parse(entry.value.time)));
  const mined = mineTemplates(timed.map((entry) => entry.value.message));
  const occurrences: Occurrence[] = timed.map((entry, index) => ({
    entry,
    at: Date.parse(entry.value.time ?? ''),
    template: mined.assignment[index] ?? -1,
  }));
  const byTemplate = new Map<number, Occurrence[]>();
  for (const occurrence of occurrences) {
    if (occurrence.template < 0 || occurrence.at > onset + ONSET_SKEW_MS) continue;
    if (deployEcho(occurrence.entry.value, occurrence.at, options.deployments)) continue;
    byTemplate.set(occurrence.template, [...(byTemplate.get(occurrence.template) ?? []), occurrence]);
  }
  const out: RareEvent[] = [];
  for (const [id, all] of byTemplate) {
    const baseline = all.filter((occurrence) => occurrence.at < nearStart).length;
    const near = all.filter((occurrence) => occurrence.at >= nearStart);
    if (near.length === 0 || near.length > BURST_MAX || baseline > RARE_BASELINE_MAX) continue;
    const template = templateText(mined.templates[id] ?? { id, tokens: [], lines: [] });
    for (const group of groupsOf(near)) {
      const first = group[0];
      if (!first) continue;
      const change = toChange(first, group, template, options.knownServices);
      const weight = (baseline === 0 ? 1 : SEEN_ONCE_WEIGHT) * (WEAK_ACTION.test(change.text) ? WEAK_ACTION_WEIGHT : 1);
      const files = [...new Set(group.map((occurrence) => occurrence.entry.value.file))].sort().join(',');
      out.push({ change: { ...change, weight }, weight, at: first.at, files });
    }
  }
  return episodes(out)
    .sort((a, b) => b.weight - a.weight || b.at - a.at || a.change.id.localeCompare(b.change.id))
    .slice(0, RARE_MAX_CANDIDATES)
    .map((entry) => entry.change);
}

/**
 * Rare events in the same log files (hosts, services) within EPISODE_MS of each other are one change told in several lines (a package
 * upgraded, then the unit it restarted): one candidate, named by its first line, quoting up to EPISODE_MAX_LINES.
 */
function episodes(events: readonly RareEvent[]): RareEvent[] {
  const merged: (RareEvent & { lines: number })[] = [];
  for (const event of [...events].sort((a, b) => a.at - b.at)) {
    const into = merged.find(
      (episode) => episode.files === event.files && event.at - episode.at <= EPISODE_MS && episode.lines < EPISODE_MAX_LINES,
    );
    if (!into) {
      merged.push({ ...event, lines: 1 });
      continue;
    }
    into.change = {
      ...into.change,
      text: `${into.change.text}; then ${event.change.needles[0] ?? event.change.text}`,
      needles: [...into.change.needles, ...event.change.needles],
      weight: Math.max(into.weight, event.weight),
    };
    into.weight = Math.max(into.weight, event.weight);
    into.lines++;
  }
  return merged;
}

/** Occurrences on FLEET_MIN or more sources within one minute form one group; the others stay one per source. */
function groupsOf(near: readonly Occurrence[]): Occurrence[][] {
  const byMinute = new Map<number, Occurrence[]>();
  for (const occurrence of near) {
    const minute = Math.floor(occurrence.at / 60_000);
    byMinute.set(minute, [...(byMinute.get(minute) ?? []), occurrence]);
  }
  const fleet = [...byMinute.values()].find((group) => new Set(group.map(sourceOf)).size >= FLEET_MIN);
  if (fleet) return [fleet];
  const bySource = new Map<string, Occurrence[]>();
  for (const occurrence of near) bySource.set(sourceOf(occurrence), [...(bySource.get(sourceOf(occurrence)) ?? []), occurrence]);
  return [...bySource.values()];
}

function sourceOf(occurrence: Occurrence): string {
  return `${occurrence.entry.value.service}\u0000${occurrence.entry.value.file}`;
}

/**
 * Services a line belongs to: the one it names as its writer and the one whose log file holds it, when known. A host
 * journal's lines are written by systemd or a package manager, yet they happen on the host of the file's service.
 */
function ownersOf(entry: LogEntryOut, known: readonly string[]): string[] {
  const stem =
    entry.file
      .split('/')
      .pop()
      ?.replace(/\.[^.]*$/, '') ?? '';
  return [...new Set([entry.service, stem])].filter((service) => known.includes(service));
}

function toChange(first: Occurrence, group: readonly Occurrence[], template: string, known: readonly string[]): Change {
  const text = first.entry.value.message.split('\n')[0] ?? '';
  const owners = [...new Set(group.flatMap((occurrence) => ownersOf(occurrence.entry.value, known)))];
  const fleetWide = new Set(group.map(sourceOf)).size >= FLEET_MIN;
  const kind = CONFIG_WORDS.test(text) && !HOST_WORDS.test(text) ? 'config' : 'infrastructure';
  const label = JOB_WORDS.test(text) ? 'job' : kind;
  return {
    kind,
    id: `${label}:${template.slice(0, 40)}@${(first.entry.value.time ?? '').slice(11, 16)}`,
    service: fleetWide ? null : (owners[0] ?? null),
    at: first.entry.value.time ?? '',
    text: fleetWide ? `${text} (the same event on ${group.length} hosts or services in one minute: fleet-wide)` : text,
    files: [],
    commits: [],
    declaredCommits: [],
    callId: first.entry.callId,
    needles: [text.slice(0, 120)],
    live: true,
    alsoTouches: fleetWide ? owners : owners.slice(1),
  };
}
