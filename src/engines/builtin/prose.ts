import type { CommitOut } from '../../../mcp-servers/git/schemas.js';
import { describeMissing } from '../../report/completeness.js';
import type { Analysis } from './analysis.js';
import type { ScoredChange } from './changes.js';
import { causeCommit } from './culprit.js';
import { clip, describeChange, firstLine, round } from './describe.js';

/** Pieces of prose the narrative shares: the commit that matches, the cascade, the quiet verdict. */

/**
 * The commit of a multi-commit deployment that can produce the symptoms (culprit.ts): the one the engine chose, else
 * the one whose code path, message and files share most with the symptoms, mitigations passed over.
 */
export function matchingCommit(change: ScoredChange): CommitOut | undefined {
  const commits = change.change.commits;
  if (commits.length <= 1) return commits[0];
  const chosen = change.causeCommit ? commits.find((commit) => commit.sha === change.causeCommit) : undefined;
  return chosen ?? causeCommit(change, [])?.commit;
}

/** What a change says about itself: the matching commit's message for a multi-commit deployment. */
export function changeHeadline(change: ScoredChange): string {
  const commit = change.change.commits.length > 1 ? matchingCommit(change) : undefined;
  return commit ? firstLine(commit.message) : firstLine(change.change.text);
}

/** Commits ordered with the matching one first, for evidence and rollback advice. */
export function commitsByMatch(change: ScoredChange): CommitOut[] {
  const first = matchingCommit(change);
  return first ? [first, ...change.change.commits.filter((commit) => commit !== first)] : [...change.change.commits];
}

export function cascadeSentence(analysis: Analysis): string {
  const cascade = analysis.cascade;
  if (!cascade) return '';
  const { value } = cascade.outbound;
  const jump = `${cascade.caller}'s calls to ${cascade.dependency} (${value.metric}) rose ×${round(cascade.factor)} from ${value.onset.slice(11, 16)} UTC`;
  return cascade.internal
    ? ` ${jump} while its own incoming traffic stayed flat: an internal fan-out that loaded ${cascade.dependency}, whose errors and timeouts follow from it.`
    : ` ${jump}, and its own incoming traffic rose too: an external surge passing through to ${cascade.dependency}.`;
}

export function quietSummary(analysis: Analysis): string {
  if (analysis.incomplete?.length) {
    return `incomplete: ${describeMissing(analysis.incomplete)}; the sources that answered show no cause, but the missing one could hold it`;
  }
  const checked = [...new Set(analysis.errorRates.map(({ value }) => value.service))].sort();
  const services = checked.length > 0 ? `all ${checked.length} services (${clip(checked.join(', '), 120)})` : 'the services';
  return `No anomaly found: ${services} stayed within baseline from ${analysis.windowStart.toISOString().slice(11, 16)} to ${analysis.now.toISOString().slice(11, 16)} UTC; nothing abnormal to explain`;
}

export function quietRootCause(analysis: Analysis): string {
  const quiet = analysis.quiet;
  if (!quiet) return '';
  const parts = [
    analysis.incomplete?.length
      ? `The analysis is incomplete: ${describeMissing(analysis.incomplete)}. No all-clear can be given while a source is missing. In the sources that answered:`
      : `Nothing abnormal: no anomaly found in the data.`,
    `Checked ${quiet.seriesChecked} metric series (none left its baseline in a way that lasted${quiet.minorAnomalies.length > 0 ? `; ${quiet.minorAnomalies.length} brief or minor move${quiet.minorAnomalies.length > 1 ? 's' : ''} such as ${quiet.minorAnomalies[0]?.value.metric}` : ''}),`,
    `${quiet.ratesOk} of ${quiet.ratesChecked} error rates within baseline,`,
    `and ${quiet.signaturesChecked} error and warning signatures (none new or grown beyond what their earlier rate explains).`,
  ];
  if (quiet.sideEffects.length > 0) {
    const effect = quiet.sideEffects[0]?.value;
    parts.push(
      `The only metric moves were rollout side effects (${effect ? `${effect.metric} ${effect.direction === 'up' ? 'up' : 'down'} at ${effect.onset.slice(11, 16)}` : 'restarts'}), which is what pods restarting during a deploy look like.`,
    );
  }
  const recent = analysis.recentChange;
  if (recent) {
    parts.push(
      `The most recent change, ${describeChange({ change: recent } as ScoredChange)} at ${recent.at}, is not named as a cause: nothing in the data links it to a symptom.`,
    );
  }
  return clip(parts.join(' '), 1_500);
}

/** A later deployment of the same service after the onset (a rollback) while the symptoms went on. */
export function rollbackSentence(analysis: Analysis, change: ScoredChange): string {
  if (change.change.kind !== 'deployment' || !change.change.service) return '';
  const later = analysis.changes.find(
    (other) =>
      other.change.kind === 'deployment' &&
      other.change.service === change.change.service &&
      other.afterOnset &&
      other.change.version !== change.change.version &&
      Date.parse(other.change.at) > Date.parse(change.change.at),
  );
  const ongoing =
    analysis.symptoms.some((symptom) => symptom.firstSeen !== null) && analysis.anomalies.some(({ value }) => value.recovered !== true);
  if (!later || !ongoing) return '';
  return ` ${describeChange(later)} at ${later.change.at} replaced it after the onset, yet the symptoms continue: what the change left behind (data, schema, state or configuration) outlives the code.`;
}
