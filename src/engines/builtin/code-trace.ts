import { CommitListOutput, type CommitOut, type DeploymentOut, GetCommitOutput } from '../../../mcp-servers/git/schemas.js';
import type { ToolSession } from '../../agent/tool-session.js';
import { type CodeRef, codeRefs, commitCodeLinks } from './code-refs.js';
import type { Cited } from './facts.js';
import { callParsed } from './gather.js';
import { type Symptom, symptomText } from './symptoms.js';

/**
 * Errors name code; the commits that last touched that code may be weeks old, far beyond the deploy lookback. The
 * code the top symptoms ran through is searched in the commit history (`search_commits`) over a bounded span, and
 * each commit found is followed to the deployments that shipped it (`get_commit`). A defect shipped weeks ago and
 * triggered today then stands as a candidate beside today's changes.
 */

/** How far back the code the errors name is traced: a defect can ship weeks before something triggers it. */
export const CODE_LOOKBACK_DAYS = 90;
/** Symptoms whose code is traced: the strongest few carry the incident. */
const MAX_TRACED_SYMPTOMS = 3;
/** One `search_commits` call per code reference; bounded so a long trace cannot fan out into many calls. */
const MAX_CODE_QUERIES = 4;
/** Commits followed to their deployments (one `get_commit` each), newest first. */
const MAX_TRACED_COMMITS = 3;
/** Commits a search may return; a reference touched more often than this is shared plumbing, not a suspect. */
const SEARCH_LIMIT = 5;
/** Frames of runtimes, frameworks and libraries: they name code no team of ours changed. */
const FOREIGN_FRAME =
  /^(at\s+)?(java\.|javax\.|jdk\.|sun\.|kotlin\.|scala\.|org\.springframework|org\.apache|org\.hibernate|org\.postgresql|com\.zaxxer|com\.fasterxml|io\.netty|io\.grpc|reactor\.|node:|internal\/|runtime\/|net\/http)|node_modules|site-packages|dist-packages|\/usr\/lib\/|<generated>|\$\$/i;
/** Forms in the order they identify code: a file path, then a class, then a function. */
const FORM_ORDER: Record<CodeRef['form'], number> = { file: 0, class: 1, function: 2 };

/** The code the strongest symptoms name in frames of our own code, files first; at most MAX_CODE_QUERIES. */
export function ownCodeRefs(symptoms: readonly Symptom[]): CodeRef[] {
  const refs = new Map<string, CodeRef>();
  for (const symptom of symptoms.slice(0, MAX_TRACED_SYMPTOMS)) {
    const lines = [symptomText(symptom), symptom.trace ?? ''].join('\n').split('\n');
    const own = lines.filter((line) => !FOREIGN_FRAME.test(line.trim())).join('\n');
    for (const ref of codeRefs(own)) if (!refs.has(ref.key)) refs.set(ref.key, ref);
  }
  return [...refs.values()].sort((a, b) => FORM_ORDER[a.form] - FORM_ORDER[b.form]).slice(0, MAX_CODE_QUERIES);
}

/** What a search looks for: a file by its name (without folders), a class or function by its name. */
function queryOf(ref: CodeRef): string {
  return ref.form === 'file' ? (ref.ref.split('/').pop() ?? ref.ref) : ref.ref;
}

export interface TracedCode {
  commits: Cited<CommitOut>[];
  deployments: Cited<DeploymentOut>[];
}

/**
 * Commits (not already known) that touched the code the symptoms name, within CODE_LOOKBACK_DAYS before `until`, and
 * the deployments that shipped them. Nothing is added when the errors name no code of ours.
 */
export async function traceCode(
  session: ToolSession,
  notes: string[],
  symptoms: readonly Symptom[],
  known: ReadonlySet<string>,
  until: Date,
): Promise<TracedCode> {
  const out: TracedCode = { commits: [], deployments: [] };
  if (!session.hasTool('search_commits')) return out;
  const since = new Date(until.getTime() - CODE_LOOKBACK_DAYS * 86_400_000).toISOString();
  const found = new Map<string, Cited<CommitOut>>();
  for (const ref of ownCodeRefs(symptoms)) {
    const result = await callParsed(
      session,
      notes,
      'search_commits',
      { query: queryOf(ref), since, until: until.toISOString(), limit: SEARCH_LIMIT },
      CommitListOutput,
    );
    for (const commit of result?.data.commits ?? []) {
      if (known.has(commit.sha) || found.has(commit.sha)) continue;
      // A substring search finds more than the code: keep commits whose files or message really name it.
      if (commitCodeLinks(commit.files, [commit.message], symptoms).length === 0) continue;
      found.set(commit.sha, { value: commit, callId: result?.callId ?? '' });
    }
  }
  const newest = [...found.values()].sort((a, b) => Date.parse(b.value.date) - Date.parse(a.value.date)).slice(0, MAX_TRACED_COMMITS);
  for (const commit of newest) {
    out.commits.push(commit);
    const detail = await callParsed(session, notes, 'get_commit', { sha: commit.value.sha }, GetCommitOutput);
    for (const deployment of detail?.data.deployments ?? []) out.deployments.push({ value: deployment, callId: detail?.callId ?? '' });
  }
  if (out.commits.length > 0)
    notes.push(
      `traced the code the errors name to ${out.commits.length} commit(s) up to ${CODE_LOOKBACK_DAYS} days back: ${out.commits.map(({ value }) => value.shortSha).join(', ')}`,
    );
  return out;
}

/** The change history with the traced commits and the deployments that shipped them added (each once). */
export function withTraced<H extends { commits: Cited<CommitOut>[]; deployments: Cited<DeploymentOut>[] }>(
  history: H,
  traced: TracedCode,
): H {
  const shas = new Set(history.commits.map(({ value }) => value.sha));
  const ids = new Set(history.deployments.map(({ value }) => value.id));
  const deployments = [...history.deployments];
  for (const deployment of traced.deployments)
    if (!ids.has(deployment.value.id)) {
      ids.add(deployment.value.id);
      deployments.push(deployment);
    }
  return { ...history, commits: [...history.commits, ...traced.commits.filter(({ value }) => !shas.has(value.sha))], deployments };
}
