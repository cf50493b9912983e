import type { ScoredChange } from './changes.js';
import { clip, describeChange, firstLine } from './describe.js';

/**
 * A defect shipped long ago and triggered today: when the leading change is linked by the code the errors ran through
 * and is older than LATENT_AGE_MS, it did not break anything the day it shipped. The report names it as the defect and
 * names the newest change before the onset (any kind, any service: a config or data push, a grants change, a flag)
 * as what most likely set it off.
 */

/** A code-linked change older than this before the onset was latent: it ran fine until something else changed. */
export const LATENT_AGE_MS = 24 * 3_600_000;
/** Bucketed onsets: a trigger may be stamped this much after the onset. */
const TRIGGER_GRACE_MS = 5 * 60_000;

/** The change that most likely triggered a latent defect: the newest one time-linked to the onset, not the defect. */
export function latentTrigger(defect: ScoredChange, changes: readonly ScoredChange[], onset: Date): ScoredChange | undefined {
  if (!defect.links.includes('code')) return undefined;
  if (onset.getTime() - Date.parse(defect.change.at) < LATENT_AGE_MS) return undefined;
  return changes
    .filter(
      (entry) =>
        entry !== defect &&
        entry.links.includes('time') &&
        !entry.links.includes('code') &&
        Date.parse(entry.change.at) <= onset.getTime() + TRIGGER_GRACE_MS,
    )
    .sort((a, b) => Date.parse(b.change.at) - Date.parse(a.change.at))[0];
}

/** The sentence that says the defect is old and what set it off now. */
export function latentSentence(defect: ScoredChange, changes: readonly ScoredChange[], onset: Date): string {
  if (!defect.links.includes('code')) return '';
  const days = Math.round((onset.getTime() - Date.parse(defect.change.at)) / 86_400_000);
  if (onset.getTime() - Date.parse(defect.change.at) < LATENT_AGE_MS) return '';
  const trigger = latentTrigger(defect, changes, onset);
  const old = ` It shipped ${days} day${days === 1 ? '' : 's'} before the onset and the errors' code path runs through it: a latent defect, not a new one.`;
  if (!trigger) return `${old} No change shortly before the onset explains why it surfaced now (traffic, data or a date may have).`;
  return `${old} What set it off now is most likely ${describeChange(trigger)} at ${trigger.change.at}: "${clip(firstLine(trigger.change.text), 140)}".`;
}
