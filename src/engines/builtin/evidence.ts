import type { AnomalyOut } from '../../../mcp-servers/metrics/schemas.js';
import type { Confidence } from '../../report/schema.js';
import type { Cascade } from './cascade.js';
import type { ScoredChange } from './changes.js';
import { codeLinks } from './code-refs.js';
import type { Concentration } from './concentration.js';
import { changeReach } from './dimensions.js';
import type { Cited } from './facts.js';
import type { Hypothesis } from './hypotheses.js';
import type { InfraLink } from './infra.js';
import type { Sustain } from './sustain.js';
import { type Symptom, symptomText } from './symptoms.js';

/**
 * Calibrated confidence: how many independent kinds of evidence tie the leading hypothesis to the symptoms. Time, a
 * code path the errors name, a dimension the symptoms are confined to, what a resource metric measures, and a log line
 * that states the link, and the running system's own state (a failed rollout, pods OOM-killed under a lowered
 * limit, a node condition the failing pods share) are independent of one another; a shared service is a weak hint and shared words are the
 * weakest link, never evidence of their own.
 */
export type EvidenceKind = 'time' | 'code' | 'dimension' | 'resource' | 'log' | 'state';

export interface Evidence {
  kinds: EvidenceKind[];
  /** The suspect touches a service showing the symptoms: a hint that lifts one strong kind to medium, no further. */
  service: boolean;
}

/** A failure class counts as stated in the logs when its own phrasing carries this share of the symptom weight. */
const CLASS_LOG_SHARE = 0.15;
/** Versions, flags and ids shorter than this are too generic to count as a log line naming the change. */
const MIN_NEEDLE = 4;

export interface EvidenceContext {
  symptoms: readonly Symptom[];
  concentration?: Concentration | undefined;
  infra?: InfraLink | undefined;
  exhaustion?: Cited<AnomalyOut> | undefined;
  cascade?: Cascade | undefined;
  sustain?: Sustain | undefined;
  /** The service whose open transaction holds the locks others wait on. */
  holder?: string | undefined;
}

/** The kinds of evidence behind a hypothesis, for the confidence cap and for the report to say. */
export function evidenceFor(hypothesis: Hypothesis | undefined, ctx: EvidenceContext): Evidence {
  if (!hypothesis) return { kinds: [], service: false };
  if (hypothesis.change) return changeEvidence(hypothesis.change, ctx);
  const match = hypothesis.cls;
  const kinds = new Set<EvidenceKind>();
  if (match) {
    // A class is its signature: the metric that measures the failing resource, and log lines in the class' own words.
    if (match.anomalies.length > 0) kinds.add('resource');
    if (match.symptomShare >= CLASS_LOG_SHARE) kinds.add('log');
    if (ctx.infra && match.anomalies.some(({ value }) => value.metric === ctx.infra?.anomaly.value.metric)) kinds.add('dimension');
    if (match.state) kinds.add('state');
  }
  // A class located at a service (its series or lines belong to one) has the same hint a change of that service has.
  return { kinds: [...kinds].sort(), service: match?.service !== undefined };
}

function changeEvidence(entry: ScoredChange, ctx: EvidenceContext): Evidence {
  const kinds = new Set<EvidenceKind>();
  if (entry.links.includes('time')) kinds.add('time');
  if (codeLinks(entry.change, ctx.symptoms).length > 0) kinds.add('code');
  if (confinedLikeChange(entry, ctx.concentration)) kinds.add('dimension');
  if (resourceLinked(entry, ctx)) kinds.add('resource');
  if (entry.change.live || namedInLogs(entry, ctx.symptoms)) kinds.add('log');
  if (entry.links.includes('state')) kinds.add('state');
  return { kinds: [...kinds].sort(), service: entry.links.includes('service') };
}

/** The symptoms sit only where the change went (a region-only config, a canary version): placement links them. */
function confinedLikeChange(entry: ScoredChange, concentration: Concentration | undefined): boolean {
  if (!concentration || !entry.touches.includes(concentration.service)) return false;
  if (concentration.leftBehind) return entry.change.id === concentration.leftBehind.change;
  const reach = changeReach(entry.change, [...concentration.unhealthy, ...concentration.healthy]);
  return reach.length > 0 && reach.every((value) => concentration.unhealthy.includes(value));
}

/**
 * What a resource metric measures ties the change to it: its service's resource started climbing after it, its
 * service is the caller whose calls jumped, the holder of the locks others wait on, or the change set the policy that
 * sustains the failure.
 */
function resourceLinked(entry: ScoredChange, ctx: EvidenceContext): boolean {
  const touches = (service: string | undefined | null) => !!service && entry.touches.includes(service);
  if (ctx.sustain?.policyChange?.change.id === entry.change.id) return true;
  if (ctx.cascade?.internal && touches(ctx.cascade.caller) && !entry.afterOnset) return true;
  if (ctx.holder && touches(ctx.holder)) return true;
  const climb = ctx.exhaustion;
  if (!climb || !touches(climb.value.service) || entry.afterOnset) return false;
  const start = climb.value.exhaustion?.climbStart;
  return start ? Date.parse(entry.change.at) <= Date.parse(start) + CLIMB_TOLERANCE_MS : true;
}

/** A change made this long after the climb's recorded start can still be what started it (bucketed history). */
const CLIMB_TOLERANCE_MS = 6 * 3_600_000;

/** An error line that names the change itself (its version, flag or id) states the link outright. */
function namedInLogs(entry: ScoredChange, symptoms: readonly Symptom[]): boolean {
  const needles = [entry.change.version, entry.change.id].filter((needle): needle is string => !!needle && needle.length >= MIN_NEEDLE);
  return symptoms.some((symptom) => {
    const text = symptomText(symptom).toLowerCase();
    return needles.some((needle) => text.includes(needle.toLowerCase()));
  });
}

const RANK: Record<Confidence, number> = { low: 0, medium: 1, high: 2 };

/**
 * The most confidence the evidence allows: two independent kinds for high; one kind, or one with the service hint,
 * for medium (a suspect linked by time plus shared words alone is low).
 */
export function evidenceCap(evidence: Evidence): Confidence {
  const strong = evidence.kinds.length;
  if (strong >= 2) return 'high';
  if (strong + (evidence.service ? 1 : 0) >= 2) return 'medium';
  return 'low';
}

/** The margin-based confidence, lowered to what the evidence allows. */
export function calibrate(confidence: Confidence, evidence: Evidence): Confidence {
  const cap = evidenceCap(evidence);
  return RANK[cap] < RANK[confidence] ? cap : confidence;
}

/** One line for the report's notes when the evidence, not the margin, set the confidence. */
export function evidenceNote(before: Confidence, after: Confidence, evidence: Evidence): string | undefined {
  if (before === after) return undefined;
  const kinds = evidence.kinds.length > 0 ? evidence.kinds.join(' and ') : 'no independent evidence';
  return `confidence ${after}, not ${before}: the suspect is linked to the symptoms by ${kinds}${evidence.service ? ' (and its service)' : ''}; high needs two independent kinds (time, code path, dimension, resource, log statement, system state)`;
}
