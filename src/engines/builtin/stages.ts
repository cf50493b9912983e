import type { CommitOut } from '../../../mcp-servers/git/schemas.js';
import { parseTimeArg } from '../../../mcp-servers/shared/time.js';
import type { ToolSession } from '../../agent/tool-session.js';
import type { ScoredChange } from './changes.js';
import type { Cited } from './facts.js';
import { commitDetail, fullEntry } from './gather.js';
import { causeLine, literalPrefix, type Symptom, traceOf } from './symptoms.js';

/** Steps of the analysis that call tools for detail: stack traces of the top symptoms, commits of the top deployments. */

export const DEFAULT_SINCE = '6h';
/** Deployments whose commits are fetched one by one when the commit list lacks them: only the few that could win. */
const MAX_DEPLOYS_TO_EXPAND = 3;
/** Symptoms whose full entry is fetched for its stack trace: the few that drive the verdict. */
const MAX_DETAIL_LOOKUPS = 2;
/** A signature's literal prefix shorter than this matches too much to find its own entries. */
const MIN_PATTERN = 8;
/** At most this many get_commit calls per analysis, whatever the deployments list. */
const MAX_COMMIT_LOOKUPS = 6;

/** Fills in each top symptom's cause line from one full entry, when the entry has continuation lines. */
export async function addDetails(session: ToolSession, notes: string[], symptoms: Symptom[], since: string, until: string): Promise<void> {
  if (!session.hasTool('search_logs')) return;
  for (const symptom of symptoms.slice(0, MAX_DETAIL_LOOKUPS)) {
    const pattern = literalPrefix(symptom.signature);
    if (pattern.length < MIN_PATTERN) continue;
    const entry = await fullEntry(session, notes, pattern, symptom.services[0], since, until);
    const detail = entry ? causeLine(entry.message) : undefined;
    if (entry && detail) {
      symptom.detail = detail;
      symptom.detailCallId = entry.callId;
    }
    const trace = entry ? traceOf(entry.message) : undefined;
    if (trace) symptom.trace = trace;
  }
}

export function resolveSince(since: string, now: Date, notes: string[]): Date {
  try {
    return parseTimeArg(since, now, 'since');
  } catch {
    notes.push(`could not read since "${since}"; used ${DEFAULT_SINCE}`);
    return parseTimeArg(DEFAULT_SINCE, now, 'since');
  }
}

/** Fetches the commits of the leading deployments when the commit list did not include them (older or other branches). */
export async function expandDeployments(
  session: ToolSession,
  notes: string[],
  scored: readonly ScoredChange[],
  known: readonly string[],
): Promise<Cited<CommitOut>[]> {
  // Several deployments can name the same commit (staging then production); look each one up once.
  const missing = [
    ...new Set(
      scored
        .filter((entry) => entry.change.kind === 'deployment' && !entry.afterOnset)
        .slice(0, MAX_DEPLOYS_TO_EXPAND)
        .flatMap((entry) => missingShas(entry, known)),
    ),
  ].slice(0, MAX_COMMIT_LOOKUPS);
  const out: Cited<CommitOut>[] = [];
  for (const sha of missing) {
    const commit = await commitDetail(session, notes, sha);
    if (commit) out.push(commit);
  }
  return out;
}

function missingShas(entry: ScoredChange, known: readonly string[]): string[] {
  const shipped = entry.change.commits.map((commit) => commit.sha);
  return entry.change.declaredCommits.filter(
    (sha) => !shipped.some((have) => have.startsWith(sha) || sha.startsWith(have)) && !known.some((have) => have.startsWith(sha)),
  );
}
