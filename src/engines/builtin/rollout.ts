import type { Change, ScoredChange } from './changes.js';
import type { Concentration, LeftBehind } from './concentration.js';

/** A change linked by where the symptoms sit is not judged by its age: its time factor is at least this. */
const PLACEMENT_TIME_FACTOR = 0.8;
/** Placement is as strong a link as a code path. */
const PLACEMENT_FACTOR = 1.5;

function sameVersion(a: string | undefined, b: string): boolean {
  const norm = (value: string) => value.trim().toLowerCase().replace(/^v/, '');
  return a !== undefined && norm(a) === norm(b);
}

/** Undefined unless the latest rollout runs healthy and no failing version was shipped at or after it. */
export function leftBehindBy(changes: readonly Change[], concentration: Concentration | undefined, onset: Date): LeftBehind | undefined {
  if (concentration?.dimension !== 'version' || concentration.othersRose) return undefined;
  const deployments = changes
    .filter((change) => change.kind === 'deployment' && change.service === concentration.service && change.version)
    .filter((change) => Date.parse(change.at) <= onset.getTime())
    .sort((a, b) => Date.parse(b.at) - Date.parse(a.at));
  const rollout = deployments.find((change) => concentration.healthy.some((value) => sameVersion(change.version, value)));
  if (!rollout?.version) return undefined;
  const earlier = deployments.filter((change) => Date.parse(change.at) < Date.parse(rollout.at));
  const superseded = earlier.filter((change) => concentration.unhealthy.some((value) => sameVersion(change.version, value)));
  // A failing version shipped at or after the rollout is a new release failing (a canary), not one left behind. One
  // shipped before the lookback has no record here: it predates the rollout all the same.
  const later = deployments.filter((change) => Date.parse(change.at) >= Date.parse(rollout.at));
  if (concentration.unhealthy.some((value) => later.some((change) => sameVersion(change.version, value)))) return undefined;
  return {
    change: rollout.id,
    version: rollout.version,
    behind: concentration.unhealthy,
    superseded: superseded.map((change) => change.id),
  };
}

/**
 * The rollout keeps its score (it went to the healthy side, but that is the point) and is weighed by placement rather
 * than age; the releases it superseded are cleared. Call before the dimension clearing is applied; returns the ids to
 * clear instead.
 */
export function weighLeftBehind(left: LeftBehind, scored: ScoredChange[], cleared: Set<string>): void {
  cleared.delete(left.change);
  for (const id of left.superseded) cleared.add(id);
  const entry = scored.find((candidate) => candidate.change.id === left.change);
  if (!entry || entry.afterOnset) return;
  const time = Math.max(entry.timeFactor, PLACEMENT_TIME_FACTOR);
  entry.score = (entry.score / (entry.timeFactor || 1)) * time * PLACEMENT_FACTOR;
  entry.timeFactor = time;
}

export function leftBehindSentence(left: LeftBehind | undefined): string {
  if (!left) return '';
  return ` The rollout of ${left.version} did not reach the instances still on ${left.behind.join(', ')}: only they fail, and they ran without trouble before it, so the incomplete rollout (old and new versions side by side) is the finding, whatever the deployment reported.`;
}
