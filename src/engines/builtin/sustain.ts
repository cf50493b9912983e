import { SEVERITY_RANK } from '../../../mcp-servers/metrics/analysis/anomalies.js';
import type { AnomalyOut } from '../../../mcp-servers/metrics/schemas.js';
import type { Cascade } from './cascade.js';
import type { ScoredChange } from './changes.js';
import type { ClassMatch } from './classes.js';
import type { Cited, ErrorRate } from './facts.js';
import { isLockWait } from './holder.js';
import { isExporter } from './hosts.js';
import { type Symptom, symptomText } from './symptoms.js';

/**
 * Trigger vs sustaining cause: when the first anomaly (a failover, a blip) ended while the failure goes on, something
 * keeps it going: retries, a caller that multiplied its calls, a lock held by a long transaction, a backlog. This
 * names that mechanism from the symptoms (and the caller whose calls into the failing service jumped and stayed up)
 * and the change that set the policy behind it. When the trigger was no change, that change is the suspect: the
 * blip would have passed without it.
 */

const SUSTAINING =
  /retr(y|ies|ying)|attempt \d|backoff|back-off|(?<!c)lock(ed| wait| timeout)?\b|deadlock|still waiting for|idle in transaction|long[- ]running transaction|oldest transaction|queue|backlog|lag\b|redeliver|circuit (breaker )?open/i;
const POLICY =
  /retr(y|ies)|timeout|backoff|attempts|max_?retries|circuit|pool|lock|isolation|batch|fan-?out|parallel|concurren|hedg|prefetch|transaction/i;
/** The trigger must have begun within this long of the onset to be the incident's first move. */
const TRIGGER_NEAR_MS = 20 * 60_000;
/** A change of the trigger's own service this long before it makes the trigger a change, not a blip. */
const TRIGGER_CHANGE_MS = 2 * 3_600_000;
/** How much the change that set the sustaining policy gains when the trigger was no change. */
const SUSTAIN_BOOST = 2;
/** What is left of a class that only describes the trigger, once the trigger is over. */
const TRIGGER_CLASS_FACTOR = 0.5;
/** What is left of a change of a service that only waited on another service's lock: it did not make it hold. */
const WAITER_FACTOR = 0.5;

export interface Sustain {
  trigger: Cited<AnomalyOut>;
  mechanism: Symptom;
  policyChange?: ScoredChange;
  /** A caller whose calls into the failing service multiplied and are still up. */
  caller?: string;
  /** A change of the trigger's own service shortly before it: then the trigger itself was a change. */
  triggerIsChange: boolean;
  /** The service whose open transaction holds the locks others wait on. */
  holder?: string;
  /** The services whose requests waited on that lock. */
  waiters: string[];
}

export interface SustainContext {
  /** Services showing the incident: a trigger elsewhere is a bystander's blip. */
  affected: readonly string[];
  cascade?: Cascade | undefined;
  /** The service holding the locks the failing requests wait on (holder.ts). */
  holder?: string | undefined;
}

function pickTrigger(anomalies: readonly Cited<AnomalyOut>[], onset: Date, affected: readonly string[]) {
  const gap = (value: AnomalyOut) => Math.abs(Date.parse(value.onset) - onset.getTime());
  return anomalies
    .filter(
      ({ value }) =>
        value.recovered === true &&
        value.severity !== 'low' &&
        !/error|fail|5xx/i.test(value.metric) &&
        (isExporter(value.service) || affected.includes(value.service ?? '')) &&
        gap(value) <= TRIGGER_NEAR_MS,
    )
    .sort((a, b) => SEVERITY_RANK[b.value.severity] - SEVERITY_RANK[a.value.severity] || gap(a.value) - gap(b.value))[0];
}

export function findSustain(
  anomalies: readonly Cited<AnomalyOut>[],
  errorRates: readonly Cited<ErrorRate>[],
  symptoms: readonly Symptom[],
  changes: readonly ScoredChange[],
  onset: Date,
  context: SustainContext = { affected: [] },
): Sustain | undefined {
  const ongoing = errorRates.some(({ value }) => value.status !== 'ok');
  if (!ongoing) return undefined;
  const trigger = pickTrigger(anomalies, onset, context.affected);
  if (!trigger) return undefined;
  const mechanism = symptoms.find((symptom) => SUSTAINING.test(symptomText(symptom)));
  if (!mechanism) return undefined;
  const load = context.cascade;
  const caller = load && load.outbound.value.recovered !== true ? load.caller : undefined;
  // The policy lives where the sustaining behaviour runs: the service retrying or holding the lock, or the caller.
  // A lock's holder runs the policy that keeps it (how long its transaction stays open); its changes come first.
  const holder = context.holder;
  const sustainers = new Set([...mechanism.services, ...(caller ? [caller] : []), ...(holder ? [holder] : [])]);
  const setsPolicy = (entry: ScoredChange, among: ReadonlySet<string>) =>
    !entry.afterOnset && entry.links.length > 0 && entry.touches.some((service) => among.has(service)) && POLICY.test(entry.change.text);
  const policyChange =
    (holder ? changes.find((entry) => setsPolicy(entry, new Set([holder]))) : undefined) ??
    changes.find((entry) => setsPolicy(entry, sustainers));
  const triggerAt = Date.parse(trigger.value.onset);
  const triggerService = trigger.value.service;
  const triggerIsChange = changes.some(
    (entry) =>
      !entry.afterOnset &&
      triggerService !== null &&
      entry.touches.includes(triggerService) &&
      !sustainers.has(triggerService) &&
      triggerAt - Date.parse(entry.change.at) >= 0 &&
      triggerAt - Date.parse(entry.change.at) <= TRIGGER_CHANGE_MS,
  );
  return {
    trigger,
    mechanism,
    ...(policyChange ? { policyChange } : {}),
    ...(caller ? { caller } : {}),
    ...(holder ? { holder } : {}),
    waiters: holder
      ? [...new Set(symptoms.filter((symptom) => isLockWait(symptomText(symptom))).flatMap((symptom) => symptom.services))].filter(
          (service) => service !== holder,
        )
      : [],
    triggerIsChange,
  };
}

/**
 * Re-ranks for a sustained failure whose trigger was no change: the change that set the sustaining policy gains, and
 * the class that only describes the trigger (a node, a network, a failover) loses, since that fault is over. When
 * another service holds the lock, the changes of the services that only waited on it lose too.
 */
export function applySustain(sustain: Sustain | undefined, scored: ScoredChange[], classes: ClassMatch[]): void {
  if (!sustain?.policyChange || sustain.triggerIsChange) return;
  sustain.policyChange.score *= SUSTAIN_BOOST;
  const { holder } = sustain;
  if (holder)
    for (const entry of scored)
      if (!entry.touches.includes(holder) && entry.touches.some((service) => sustain.waiters.includes(service)))
        entry.score *= WAITER_FACTOR;
  const metric = sustain.trigger.value.metric;
  for (const match of classes) if (match.cls.metrics.test(metric)) match.score *= TRIGGER_CLASS_FACTOR;
  scored.sort((a, b) => b.score - a.score || a.change.id.localeCompare(b.change.id));
  classes.sort((a, b) => b.score - a.score || a.cls.key.localeCompare(b.cls.key));
}

export function sustainSentence(sustain: Sustain | undefined): string {
  if (!sustain) return '';
  const { trigger, mechanism, policyChange, caller, holder } = sustain;
  const ended = trigger.value.peakAt.slice(11, 16);
  const policy = policyChange ? `, under the policy set by ${policyChange.change.id}` : '';
  const load = caller ? `; ${caller} keeps multiplying its calls into the failing service` : '';
  const held = holder ? `; the lock is held by an open transaction of ${holder}` : '';
  return ` Trigger vs sustaining cause: ${trigger.value.metric}${isExporter(trigger.value.service) ? '' : ` of ${trigger.value.service}`} moved first (from ${trigger.value.onset.slice(11, 16)} UTC, peak ${ended}) and is back in band, yet the failure continues; what sustains it is "${mechanism.signature.slice(0, 100)}" (${mechanism.after} since the onset)${load}${held}${policy}.`;
}
