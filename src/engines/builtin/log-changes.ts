import type { LogEntryOut } from '../../../mcp-servers/logs/schemas.js';
import type { ToolSession } from '../../agent/tool-session.js';
import type { Change } from './changes.js';
import type { Cited } from './facts.js';
import { searchEntries } from './gather.js';
import { ACTION_EVENT_LIMIT, ACTION_EVENT_PATTERN, ONSET_SKEW_MS, RARE_BASELINE_MS, rareEventChanges } from './rare-events.js';

/**
 * Changes that never touch git: feature-flag flips, runtime configuration reloads, percentage rollouts, scaling and
 * autoscaler events, manual operations. They show up only as log lines; each becomes a candidate change with the
 * same scoring as a deployment, its id taken from the line.
 */

/** RE2 (the logs server's regex engine): one search finds every kind of change event. */
export const CHANGE_EVENT_PATTERN = [
  String.raw`flag\b.{0,120}(updated|changed|enabled|disabled|toggled|flipped|set to|rolled out|->)`,
  String.raw`config(uration)?\b.{0,60}(reloaded|reload|updated|changed|applied|pushed)`,
  '(reloaded|applied|loaded new) (config|configuration|settings)',
  String.raw`runtime (config|setting|parameter)s?\b.{0,60}(updated|changed|set)`,
  'scaled (up |down )?(deployment|statefulset|replica ?set|service|pool|group)',
  String.raw`scaling replica set|new size: \d+|desired replicas`,
  'manual(ly)? (operation|failover|restart|change|scale|intervention|override)',
  'kubectl (scale|rollout|edit|apply|patch|set)',
  String.raw`rollout (to|at) \d+ ?%|percentage rollout`,
].join('|');

/** A template seen more often than this in the window is routine (an autoscaler breathing), not a change. */
const ROUTINE_MAX = 3;
/** Matches read per analysis: change events are rare; a flood of them is routine chatter. */
export const CHANGE_EVENT_LIMIT = 60;

const CONFIG_WORDS = /flag|config|setting|parameter|rollout|percentage/i;
const ID_PATTERNS: readonly RegExp[] = [
  /\bflag[\s:"'=]+(?!(?:updated|changed|enabled|disabled|toggled|flipped|set)\b)([A-Za-z][\w.:/-]{2,80})/i,
  /\b(?:revision|rev|generation|checksum|config[ _-]?version|version|hash)[\s:=#"']+([\w.-]{3,64})/i,
  /\b(?:deployment|statefulset|replica ?set|pool|group)[\s/:"']+([A-Za-z][\w.-]{1,80})/i,
];

function templateOf(message: string): string {
  return message
    .split('\n')[0]!
    .replace(/\d+/g, '#')
    .replace(/\b[0-9a-f]{6,}\b/gi, '#');
}

function idOf(entry: LogEntryOut): string {
  const first = entry.message.split('\n')[0] ?? '';
  for (const pattern of ID_PATTERNS) {
    const id = pattern.exec(first)?.[1];
    if (id) return id.replace(/[.,;:]+$/, '');
  }
  return `${entry.service}@${(entry.time ?? '').slice(11, 19)}`;
}

export interface LogChangeWindow {
  since: Date;
  onset: Date;
  now: Date;
  knownServices: readonly string[];
  deployments: readonly { service: string; at: string }[];
}

/**
 * Every change the logs show: the known kinds (one search over the window) and any action line whose template is new
 * or rare before the onset (one more search, from a day before the onset). Two search_logs calls per logs server.
 */
export async function logVisibleChanges(session: ToolSession, notes: string[], window: LogChangeWindow): Promise<Change[]> {
  const iso = (date: Date) => date.toISOString();
  const known = changesFromLogs(
    await searchEntries(session, notes, CHANGE_EVENT_PATTERN, iso(window.since), iso(window.now), CHANGE_EVENT_LIMIT),
    window.knownServices,
  );
  const since = new Date(Math.min(window.since.getTime(), window.onset.getTime() - RARE_BASELINE_MS));
  const until = new Date(Math.min(window.now.getTime(), window.onset.getTime() + ONSET_SKEW_MS));
  const actions = await searchEntries(session, notes, ACTION_EVENT_PATTERN, iso(since), iso(until), ACTION_EVENT_LIMIT);
  // A line the known kinds already made a candidate is theirs; it is neither mined nor counted again.
  const seen = new Set(known.map((change) => `${change.at}|${change.text}`));
  const unseen = actions.filter(({ value }) => !seen.has(`${value.time}|${value.message.split('\n')[0] ?? ''}`));
  const rare = rareEventChanges(unseen, window);
  return [...known, ...rare];
}

/** Change events from search_logs matches: routine templates dropped, one candidate per line. */
export function changesFromLogs(matches: readonly Cited<LogEntryOut>[], knownServices: readonly string[]): Change[] {
  const counts = new Map<string, number>();
  for (const { value } of matches) counts.set(templateOf(value.message), (counts.get(templateOf(value.message)) ?? 0) + 1);
  const out: Change[] = [];
  for (const { value, callId } of matches) {
    if (!value.time || (counts.get(templateOf(value.message)) ?? 0) > ROUTINE_MAX) continue;
    const text = value.message.split('\n')[0] ?? '';
    const named = workloadsNamed(text, knownServices).filter((service) => service !== value.service);
    // A scaling line written by a controller is about the workload it names, not about the controller.
    const scaled = /scal|replica|new size/i.test(text) && named.length > 0 ? named[0] : undefined;
    const service = scaled ?? (knownServices.includes(value.service) ? value.service : (named[0] ?? value.service));
    out.push({
      kind: CONFIG_WORDS.test(text) && !/scal|replica/i.test(text) ? 'config' : 'infrastructure',
      id: idOf(value),
      service,
      at: value.time,
      text,
      files: [],
      commits: [],
      declaredCommits: [],
      callId,
      needles: [text.slice(0, 120)],
      live: true,
      alsoTouches: named,
    });
  }
  return out;
}

/**
 * Services a line names as whole words, also as a workload with a pod or replica-set suffix (`ledger-7d9c5f`);
 * longest first, so `ledger` is not found inside `ledger-api`, nor `edge` inside `ledger`.
 */
function workloadsNamed(text: string, known: readonly string[]): string[] {
  return known
    .filter((service) => new RegExp(`(^|[^\\w-])${escapeRegExp(service)}(?=$|[^\\w-]|-[0-9a-z]{4,10}\\b)`, 'i').test(text))
    .sort((a, b) => b.length - a.length || a.localeCompare(b));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
