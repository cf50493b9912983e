import type { AnomalyOut } from '../../../mcp-servers/metrics/schemas.js';
import type { Confidence, SuspectKind } from '../../report/schema.js';
import { ONSET_GRACE_MS, type ScoredChange } from './changes.js';
import type { ClassMatch } from './classes.js';
import type { Cited } from './facts.js';
import { type Symptom, symptomText } from './symptoms.js';
import { tokens } from './text.js';

/** Below this no hypothesis is worth naming as the cause. */
export const MIN_SCORE = 0.12;
/** An internal mechanism (pool, heap) that the leading change already explains is its effect, not a rival. */
const MECHANISM_DISCOUNT = 0.6;
/** A change made after an external signal moved keeps this share: it may still have made things worse. */
const PRECEDED_FACTOR = 0.5;
/** An external class must explain this share of the error volume before its timing judges changes. */
const EXTERNAL_SHARE = 0.3;
/** Metric names say less than error text about what broke. */
const METRIC_TOKEN_WEIGHT = 0.6;
/** The incident text is a human guess: it hints, it does not decide. */
const INCIDENT_TOKEN_WEIGHT = 0.25;
/** Margins (share of the best score the runner-up lacks) and scores for each confidence level. */
const HIGH = { margin: 0.45, score: 0.35 };
const MEDIUM = { margin: 0.2, score: 0.2 };

export interface Hypothesis {
  kind: SuspectKind;
  score: number;
  change?: ScoredChange;
  cls?: ClassMatch;
  /** For a change: the external signal that moved before it, which it therefore cannot have caused. */
  precededBy?: string;
}

/** What the symptoms are about, as token weights 0..1: error signatures, anomalous metric names, the incident text. */
export function symptomVocabulary(
  symptoms: readonly Symptom[],
  anomalies: readonly Cited<AnomalyOut>[],
  incident: string,
): Map<string, number> {
  const vocab = new Map<string, number>();
  const add = (text: string, weight: number) => {
    for (const token of tokens(text)) vocab.set(token, Math.max(vocab.get(token) ?? 0, weight));
  };
  const topSymptom = Math.max(0, ...symptoms.map((symptom) => symptom.score));
  for (const symptom of symptoms) add(symptomText(symptom), topSymptom > 0 ? symptom.score / topSymptom : 0);
  const topAnomaly = Math.max(0, ...anomalies.map(({ value }) => value.score));
  for (const { value } of anomalies) add(value.metric, topAnomaly > 0 ? (METRIC_TOKEN_WEIGHT * value.score) / topAnomaly : 0);
  add(incident, INCIDENT_TOKEN_WEIGHT);
  return vocab;
}

/** Changes and failure classes on one scale, best first. */
export function rankHypotheses(changes: readonly ScoredChange[], classes: readonly ClassMatch[]): Hypothesis[] {
  const leading = changes.find((change) => !change.afterOnset);
  const explained = leading?.overlapNorm ?? 0;
  const external = externalOnset(classes);
  const all: Hypothesis[] = [
    ...changes.map((change): Hypothesis => {
      const preceded = external !== undefined && Date.parse(change.change.at) > external.at - ONSET_GRACE_MS;
      return preceded
        ? { kind: change.change.kind, score: change.score * PRECEDED_FACTOR, change, precededBy: external.metric }
        : { kind: change.change.kind, score: change.score, change };
    }),
    ...classes.map((cls) => ({
      kind: cls.cls.kind,
      score: cls.cls.external ? cls.score : cls.score * (1 - MECHANISM_DISCOUNT * explained),
      cls,
    })),
  ];
  // Below MIN_SCORE nothing ties a hypothesis to the symptoms enough to name it (a commit that never shipped, a day old).
  return all
    .filter((hypothesis) => hypothesis.score >= MIN_SCORE)
    .sort((a, b) => b.score - a.score || describeKey(a).localeCompare(describeKey(b)));
}

/**
 * When an external cause's series (a provider's latency, a DNS error count) left its baseline: a change made after
 * that cannot have started it. Only classes that explain a real share of the errors count.
 */
function externalOnset(classes: readonly ClassMatch[]): { at: number; metric: string } | undefined {
  let found: { at: number; metric: string } | undefined;
  for (const match of classes) {
    if (!match.cls.external || match.symptomShare < EXTERNAL_SHARE) continue;
    for (const { value } of match.anomalies) {
      const at = Date.parse(value.onset);
      if (found === undefined || at < found.at) found = { at, metric: value.metric };
    }
  }
  return found;
}

function describeKey(hypothesis: Hypothesis): string {
  return hypothesis.change ? `c:${hypothesis.change.change.id}` : `k:${hypothesis.cls?.cls.key ?? ''}`;
}

/**
 * The runner-up that would change the verdict: another change, or a cause of another kind. Two failure classes of the
 * same kind (DNS and upstream timeouts are both a dependency) support the same conclusion rather than compete.
 */
export function rivalOf(hypotheses: readonly Hypothesis[]): Hypothesis | undefined {
  const best = hypotheses[0];
  if (!best) return undefined;
  return hypotheses.slice(1).find((other) => other.change !== undefined || best.change !== undefined || other.kind !== best.kind);
}

/** Confidence from the margin between the best hypothesis and the runner-up, capped by how strong the best is. */
export function confidenceOf(best: number, runnerUp: number): Confidence {
  if (best < MIN_SCORE) return 'low';
  const margin = best > 0 ? (best - runnerUp) / best : 0;
  if (margin >= HIGH.margin && best >= HIGH.score) return 'high';
  if (margin >= MEDIUM.margin && best >= MEDIUM.score) return 'medium';
  return 'low';
}
