import type { AnomalyOut } from '../../../mcp-servers/metrics/schemas.js';
import type { ScoredChange } from './changes.js';
import type { Cited, ErrorRate } from './facts.js';
import { type Symptom, symptomText } from './symptoms.js';

/**
 * Trigger vs sustaining cause: when the first anomaly (a failover, a blip) ended while the failure goes on, something
 * keeps it going: retries, a lock held by a long transaction, a backlog. This names that mechanism from the symptoms
 * and, when a change set a retry/timeout policy, that change, so the report can say both what started it and what
 * sustains it.
 */

const SUSTAINING =
  /retr(y|ies|ying)|attempt \d|backoff|back-off|lock(ed| wait| timeout)?\b|deadlock|idle in transaction|long[- ]running transaction|oldest transaction|queue|backlog|lag\b|redeliver|circuit (breaker )?open/i;
const POLICY = /retr(y|ies)|timeout|backoff|attempts|max_?retries|circuit|pool|lock|isolation|batch/i;
/** The trigger must have begun within this long of the onset to be the incident's first move. */
const TRIGGER_NEAR_MS = 20 * 60_000;

export interface Sustain {
  trigger: Cited<AnomalyOut>;
  mechanism: Symptom;
  policyChange?: ScoredChange;
}

export function findSustain(
  anomalies: readonly Cited<AnomalyOut>[],
  errorRates: readonly Cited<ErrorRate>[],
  symptoms: readonly Symptom[],
  changes: readonly ScoredChange[],
  onset: Date,
): Sustain | undefined {
  const ongoing = errorRates.some(({ value }) => value.status !== 'ok');
  if (!ongoing) return undefined;
  const trigger = anomalies
    .filter(
      ({ value }) =>
        value.recovered === true &&
        value.severity !== 'low' &&
        !/error|fail|5xx/i.test(value.metric) &&
        Math.abs(Date.parse(value.onset) - onset.getTime()) <= TRIGGER_NEAR_MS,
    )
    .sort((a, b) => Date.parse(a.value.onset) - Date.parse(b.value.onset))[0];
  if (!trigger) return undefined;
  const mechanism = symptoms.find((symptom) => SUSTAINING.test(symptomText(symptom)));
  if (!mechanism) return undefined;
  const policyChange = changes.find((entry) => !entry.afterOnset && entry.links.length > 0 && POLICY.test(entry.change.text));
  return { trigger, mechanism, ...(policyChange ? { policyChange } : {}) };
}

export function sustainSentence(sustain: Sustain | undefined): string {
  if (!sustain) return '';
  const { trigger, mechanism, policyChange } = sustain;
  const ended = trigger.value.peakAt.slice(11, 16);
  const policy = policyChange ? `, under the policy set by ${policyChange.change.id}` : '';
  return ` Trigger vs sustaining cause: ${trigger.value.metric}${trigger.value.service ? ` of ${trigger.value.service}` : ''} moved first (from ${trigger.value.onset.slice(11, 16)} UTC, peak ${ended}) and is back in band, yet the failure continues; what sustains it is "${mechanism.signature.slice(0, 100)}" (${mechanism.after} since the onset)${policy}.`;
}
