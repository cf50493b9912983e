import type { CommitOut } from '../../../mcp-servers/git/schemas.js';
import type { ScoredChange } from './changes.js';
import { commitCodeLinks } from './code-refs.js';
import type { Symptom } from './symptoms.js';
import { tokens } from './text.js';

/**
 * Inside a multi-commit release, the commit that can produce the symptom: one whose files or message the errors'
 * code path names leads; one that raises the very limit the symptoms show exhausted is a mitigation, not the cause;
 * words shared with the symptoms only break ties between the rest.
 */

/** A code path the errors ran through outweighs any number of shared words. */
const CODE_WEIGHT = 10;
/** What is left of a mitigation's weight: it may still be named when nothing else in the release can be. */
const MITIGATION_FACTOR = 0.1;
/** Raising, not lowering: verbs that give a limit more room. */
const RAISE = /\b(rais(e|es|ed|ing)|increas(e|es|ed|ing)|bump(s|ed|ing)?|doubl(e|es|ed|ing)|grow(s|n)?|extend(s|ed|ing)?|more)\b/i;
/** `30 -> 35`, `30 → 35`, `from 30 to 35`: a number going up. */
const NUMBER_UP = /(\d+(?:\.\d+)?)\s*(?:->|→|=>|to)\s*(\d+(?:\.\d+)?)/gi;
/** Resources a limit bounds: the concepts whose exhaustion a raise would relieve (text.ts concept keys). */
const LIMITED = new Set(['~pool', '~memory', '~disk', '~queue', '~timeout', '~cpu']);
/** Tests and docs change nothing that runs. */
const INERT_FILE = /(^|\/)(tests?|__tests__|spec|docs?)\/|\.(md|rst|txt|adoc)$|[._-](test|spec)\.\w+$|Tests?\.java$/i;
/** Log field names and package folders: shared by symptoms and commits alike without saying anything. */
const GENERIC = new Set('status code path method level host port took duration com org net main resources internal pkg cmd'.split(' '));
/** A shared word found only in a commit's file paths counts this much of one in its message. */
const PATH_WEIGHT = 0.25;

function raisesNumber(text: string): boolean {
  for (const match of text.matchAll(NUMBER_UP)) if (Number(match[2]) > Number(match[1])) return true;
  return false;
}

/**
 * A commit that gives more room to a resource the symptoms show running out (it raises a pool, a heap, a timeout the
 * errors are about): it relieves the symptom, it cannot cause it.
 */
export function isMitigation(commit: CommitOut, symptomTokens: ReadonlySet<string>): boolean {
  const message = commit.message;
  if (!RAISE.test(message) && !raisesNumber(message)) return false;
  return [...tokens(message)].some((token) => LIMITED.has(token) && symptomTokens.has(token));
}

export interface CommitChoice {
  commit: CommitOut;
  /** Code the errors name that this commit touched. */
  code: string[];
  mitigation: boolean;
}

/** The commit of a multi-commit change that can produce the symptoms, or undefined for a single commit. */
export function causeCommit(entry: ScoredChange, symptoms: readonly Symptom[]): CommitChoice | undefined {
  const commits = entry.change.commits;
  if (commits.length <= 1) return undefined;
  const shared = new Set(entry.shared);
  let best: { choice: CommitChoice; weight: number } | undefined;
  for (const commit of commits) {
    const running = commit.files.filter((file) => !INERT_FILE.test(file));
    // A commit that only touches tests or docs changes nothing that runs.
    const inert = commit.files.length > 0 && running.length === 0;
    const code = inert ? [] : commitCodeLinks(running, [commit.message], symptoms).map((link) => link.ref.ref);
    const mitigation = isMitigation(commit, shared);
    const weight = inert ? 0 : (code.length * CODE_WEIGHT + wordWeight(entry, commit)) * (mitigation ? MITIGATION_FACTOR : 1);
    if (!best || weight > best.weight) best = { choice: { commit, code, mitigation }, weight };
  }
  return best?.choice;
}

/**
 * Words a commit shares with the symptoms, each weighted by how strongly the symptoms use it (so a package name in a
 * stack trace counts less than "index"); words only in its file paths count a quarter.
 */
function wordWeight(entry: ScoredChange, commit: CommitOut): number {
  const shared = new Set(entry.shared);
  const said = tokens(commit.message);
  const pathOnly = [...tokens(commit.files.join('\n'))].filter((token) => !said.has(token));
  const weigh = (list: Iterable<string>, factor: number) =>
    [...list]
      .filter((token) => shared.has(token) && !GENERIC.has(token))
      .reduce((sum, token) => sum + factor * (entry.weights?.get(token) ?? 1), 0);
  return weigh(said, 1) + weigh(pathOnly, PATH_WEIGHT);
}

/** Marks, on each multi-commit change, the commit the report quotes and reverts. */
export function chooseCauseCommits(scored: readonly ScoredChange[], symptoms: readonly Symptom[]): void {
  for (const entry of scored) {
    const choice = causeCommit(entry, symptoms);
    if (choice) entry.causeCommit = choice.commit.sha;
  }
}

/** Why the quoted commit of a release, and not another, is the one: the code it shares with the errors, a mitigation passed over. */
export function culpritSentence(entry: ScoredChange, symptoms: readonly Symptom[]): string {
  const choice = causeCommit(entry, symptoms);
  if (!choice) return '';
  const shared = new Set(entry.shared);
  const code =
    choice.code.length > 0
      ? ` The errors' code path (${choice.code.slice(0, 3).join(', ')}) runs through what ${choice.commit.shortSha} changed.`
      : '';
  const passed = entry.change.commits.filter((commit) => commit !== choice.commit && isMitigation(commit, shared));
  const mitigation =
    passed.length > 0
      ? ` ${passed.map((commit) => commit.shortSha).join(', ')} raises the limit the symptoms exhaust: a mitigation, not the cause.`
      : '';
  return `${code}${mitigation}`;
}
