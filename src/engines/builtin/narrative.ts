import type { Report } from '../../report/schema.js';
import type { Analysis } from './analysis.js';
import type { ScoredChange } from './changes.js';
import type { ClassMatch } from './classes.js';
import { subjectOf } from './classes.js';
import { culpritSentence } from './culprit.js';
import { clip, describeChange, firstLine, round } from './describe.js';
import { concentrationSentence } from './dimensions.js';
import type { Hypothesis } from './hypotheses.js';
import { infraSentence } from './infra.js';
import { latentSentence } from './latent.js';
import { cascadeSentence, changeHeadline, matchingCommit, quietRootCause, quietSummary, rollbackSentence } from './prose.js';
import { exhaustionSentence } from './slow.js';
import { sustainSentence } from './sustain.js';

/** Runner-up hypotheses reported as alternatives. */
const MAX_ALTERNATIVES = 2;
/** A mechanism class must explain at least this share of the error volume to be named next to a change. */
const MECHANISM_SHARE = 0.3;
/** A change touching services weighted below this is not worth a rollback suggestion. */
const RELEVANT_SERVICE = 0.6;
/** Overlap below this means a change shares essentially nothing with the symptoms. */
const WEAK_OVERLAP = 0.2;

function minutes(ms: number): string {
  const total = Math.round(Math.abs(ms) / 60_000);
  return total >= 120 ? `${(total / 60).toFixed(1)} h` : `${total} min`;
}

function where(analysis: Analysis): string {
  return analysis.primary.length > 0 ? analysis.primary.join(', ') : 'the affected service';
}

/**
 * The headline symptom: with a suspect change, the strongest one on a service it touches (a gateway's "upstream
 * error" is an echo of the failing service's own error), else the strongest overall.
 */
function whatBroke(analysis: Analysis, change?: ScoredChange): string {
  const own = change
    ? analysis.symptoms.find((symptom) => symptom.services.some((service) => change.touches.includes(service)))
    : undefined;
  const symptom = own ?? analysis.symptoms[0];
  if (symptom) return `"${clip(symptom.signature, 90)}"`;
  const anomaly = analysis.onsetAnomaly?.value ?? analysis.anomalies[0]?.value;
  return anomaly ? `${anomaly.metric} ${anomaly.direction === 'up' ? 'rising' : 'falling'}` : 'errors';
}

/** Words a change shares with the symptoms, readable (concept markers shown as the concept's name). */
function sharedWords(change: ScoredChange): string[] {
  return [...new Set(change.shared.map((token) => token.replace(/^~/, '')))];
}

/** The internal mechanism (pool, heap …) behind the errors, when one clearly shows. */
export function mechanism(analysis: Analysis): ClassMatch | undefined {
  // In a slow exhaustion the resource running out is the mechanism, even when its class is infrastructure (a disk).
  const metric = analysis.exhaustion?.value.metric;
  const filling = metric ? analysis.classes.find((cls) => cls.cls.metrics.test(metric)) : undefined;
  return filling ?? analysis.classes.find((cls) => !cls.cls.external && cls.symptomShare >= MECHANISM_SHARE);
}

export function summaryOf(analysis: Analysis): string {
  if (analysis.quiet) return quietSummary(analysis);
  const best = analysis.hypotheses[0];
  const onset = analysis.onset.toISOString().slice(11, 16);
  if (best?.change) {
    return `${where(analysis)}: ${whatBroke(analysis, best.change)} since ${onset} UTC, most likely caused by ${describeChange(best.change)}: ${clip(changeHeadline(best.change), 100)}`;
  }
  if (best?.cls) {
    const subject = best.cls.anomalies[0] ? subjectOf(best.cls.anomalies[0].value) : undefined;
    return `${where(analysis)}: ${best.cls.cls.title}${subject && !best.cls.cls.title.includes(subject) ? ` (${subject})` : ''} since ${onset} UTC — ${whatBroke(analysis)}; no recent change explains it`;
  }
  return `${where(analysis)}: ${whatBroke(analysis)} since ${onset} UTC; the cause could not be determined from the available data`;
}

function symptomSentence(analysis: Analysis): string {
  const parts = analysis.symptoms
    .slice(0, 2)
    .map(
      (symptom) =>
        `"${clip(symptom.signature, 100)}" (${symptom.after} since the onset, ${symptom.before} before${symptom.detail ? `; cause: ${clip(symptom.detail, 140)}` : ''}; e.g. ${clip(symptom.example.split('\n')[0] ?? '', 180)})`,
    );
  const metrics = analysis.anomalies
    .filter(({ value }) => value.service === null || analysis.primary.includes(value.service))
    .slice(0, 2)
    .map(({ value }) => `${value.metric} went from ${round(value.baseline)} to ${round(value.peak)}`);
  const logs = parts.length > 0 ? `The logs show ${parts.join(' and ')}.` : 'The logs show no new error signature.';
  return metrics.length > 0 ? `${logs} Metrics: ${metrics.join('; ')}.` : logs;
}

export function rootCauseOf(analysis: Analysis): string {
  if (analysis.quiet) return quietRootCause(analysis);
  const best = analysis.hypotheses[0];
  const onset = analysis.onset.toISOString();
  if (best?.change) {
    const change = best.change;
    const lead = analysis.onset.getTime() - Date.parse(change.change.at);
    const timing = lead >= 0 ? `${minutes(lead)} before the onset at ${onset}` : `within minutes of the onset at ${onset}`;
    const touches = change.touches.length > 0 ? `It touches ${change.touches.join(', ')}.` : 'It names no service.';
    const shared = sharedWords(change);
    const overlap =
      shared.length > 0
        ? `Its text shares ${shared.map((word) => `"${word}"`).join(', ')} with the symptoms.`
        : 'Its text shares no words with the symptoms.';
    const how = mechanism(analysis);
    const mechanismText = how ? ` The failure mode is ${how.cls.title}.` : '';
    const matched = change.change.commits.length > 1 ? matchingCommit(change) : undefined;
    const opening = firstLine(change.change.text);
    const headline = changeHeadline(change);
    const quoted =
      matched && opening !== headline
        ? `"${clip(opening, 160)}"; of its ${change.change.commits.length} commits the one matching the symptoms is ${matched.shortSha}: "${clip(headline, 160)}".${culpritSentence(change, analysis.symptoms).replace(/\.$/, '')}`
        : `"${clip(headline, 160)}"`;
    return `${describeChange(change)} at ${change.change.at}, ${timing}: ${quoted}.${latentSentence(change, analysis.changes, analysis.onset)} ${touches} ${overlap} ${symptomSentence(analysis)}${mechanismText}${exhaustionSentence(analysis.exhaustion)}${cascadeSentence(analysis)}${concentrationSentence(analysis.concentration)}${infraSentence(analysis.infra)}${sustainSentence(analysis.sustain)}${stateSentence(analysis)}${rollbackSentence(analysis, change)}`;
  }
  if (best?.cls) {
    const closest = analysis.changes.find((change) => !change.afterOnset);
    const changes = closest
      ? `No change explains the symptoms: the strongest candidate, ${describeChange(closest)}, ${reasonsAgainst(closest, analysis).join(' and ')}.`
      : 'No deployment or commit was recorded before the onset.';
    const where = best.cls.service ? ` in ${best.cls.service}` : '';
    return `${changes} ${symptomSentence(analysis)} This points at ${best.cls.cls.title}${where}, a ${best.cls.cls.kind} cause rather than a code change.${cascadeSentence(analysis)}${concentrationSentence(analysis.concentration)}${infraSentence(analysis.infra)}${sustainSentence(analysis.sustain)}`;
  }
  return `Neither a change nor a known failure class explains the symptoms. ${symptomSentence(analysis)}`;
}

function stateSentence(analysis: Analysis): string {
  return analysis.stateNote ? ` The cluster's state shows it: ${analysis.stateNote}.` : '';
}

function reasonsAgainst(change: ScoredChange, analysis: Analysis): string[] {
  const reasons: string[] = [];
  const preceded = analysis.hypotheses.find((hypothesis) => hypothesis.change === change)?.precededBy;
  if (preceded) reasons.push(`came after ${preceded} had already left its baseline`);
  if (change.afterOnset) reasons.push(`came after the onset (${change.change.at})`);
  if (change.serviceFactor < RELEVANT_SERVICE)
    reasons.push(
      change.touches.length > 0 ? `touches ${change.touches.join(', ')}, not ${where(analysis)}` : 'touches no affected service',
    );
  if (change.overlapNorm < WEAK_OVERLAP) reasons.push('shares nothing with the symptoms');
  if (reasons.length === 0) reasons.push('explains the symptoms less well');
  return reasons;
}

function whyLessLikely(hypothesis: Hypothesis, best: Hypothesis, analysis: Analysis): string {
  const scores = `score ${hypothesis.score.toFixed(2)} vs ${best.score.toFixed(2)}`;
  if (hypothesis.change) return `It ${reasonsAgainst(hypothesis.change, analysis).join(' and ')} (${scores}).`;
  const cls = hypothesis.cls;
  if (!cls) return scores;
  if (!cls.cls.external && best.change)
    return `Looks like the mechanism of ${describeChange(best.change)} rather than a separate cause (${scores}).`;
  const metric = cls.anomalies.length > 0 ? 'a metric shows it' : 'no metric shows it';
  return `It matches ${Math.round(cls.symptomShare * 100)}% of the new error volume and ${metric} (${scores}).`;
}

function titleOf(hypothesis: Hypothesis): string {
  if (hypothesis.change) return `${describeChange(hypothesis.change)}: ${clip(changeHeadline(hypothesis.change), 100)}`;
  return hypothesis.cls ? `${hypothesis.cls.cls.title} (${hypothesis.cls.cls.kind})` : hypothesis.kind;
}

export function alternativesOf(analysis: Analysis): NonNullable<Report['alternatives']> {
  const best = analysis.hypotheses[0];
  if (!best) return [];
  return analysis.hypotheses
    .slice(1, 1 + MAX_ALTERNATIVES)
    .map((hypothesis) => ({ hypothesis: titleOf(hypothesis), whyLessLikely: whyLessLikely(hypothesis, best, analysis) }));
}

export function recommendationsOf(analysis: Analysis): string[] {
  const best = analysis.hypotheses[0];
  const out: string[] = [];
  const watch = analysis.onsetAnomaly?.value.metric ?? analysis.anomalies[0]?.value.metric;
  if (analysis.quiet && analysis.incomplete?.length) {
    for (const item of analysis.incomplete)
      out.push(`Bring back ${item.source} (${item.reason}) and re-run: until then treat the incident as unexplained`);
    return out;
  }
  if (analysis.quiet) {
    out.push(
      'No action indicated by the data; if users still see a problem, ask for a time, an endpoint or a request id and re-run on that narrower window',
    );
    return out;
  }
  if (best?.change) {
    const change = best.change.change;
    const commit = matchingCommit(best.change);
    out.push(
      change.kind === 'deployment'
        ? `Roll back ${change.id}${change.version ? ` (${change.version})` : ''} of ${change.service ?? 'the service'}${commit ? `, or revert ${commit.shortSha}` : ''}`
        : change.live || change.applied
          ? `Undo the ${change.kind} change ${change.id}${change.service ? ` on ${change.service}` : ''} (set it back to its previous value)`
          : `Revert ${change.id.slice(0, 7)}${change.service ? ` in ${change.service}` : ''} and redeploy`,
    );
    const how = mechanism(analysis);
    if (how) out.push(...how.cls.advice);
    out.push(`Before re-shipping, review the change against the symptom (${whatBroke(analysis)}) and add a test or canary check for it`);
  } else if (best?.cls) {
    out.push(...best.cls.cls.advice);
    const fallback = analysis.hypotheses.find((hypothesis) => hypothesis.change)?.change;
    if (fallback && !fallback.afterOnset && fallback.serviceFactor >= RELEVANT_SERVICE)
      out.push(`If the cause above is ruled out, consider rolling back ${describeChange(fallback)}`);
  } else {
    out.push(`Widen the window or check dependencies and infrastructure of ${where(analysis)} by hand; the tools show no clear cause`);
  }
  if (watch) out.push(`Watch ${watch} to confirm recovery, and alert on it if it is not already`);
  return out;
}
