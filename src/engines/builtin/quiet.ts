import type { DeploymentOut } from '../../../mcp-servers/git/schemas.js';
import type { AnomalyOut } from '../../../mcp-servers/metrics/schemas.js';
import type { Cited, ErrorRate } from './facts.js';
import type { Symptom } from './symptoms.js';

/**
 * Whether anything is wrong at all. A rollout restarts pods: CPU bumps for a few minutes and memory drops while the
 * new pods warm up; those are the deploy's side effects, not an incident onset. When what remains stays within its
 * baseline and no log signature grew significantly, "nothing abnormal" is the answer.
 */

/** Rollout effects start within this long after the deploy is recorded (pods restart over a few minutes). */
const ROLLOUT_EFFECT_MS = 10 * 60_000;
/** … or at most this long before it (a deploy record is written when the rollout finishes). */
const ROLLOUT_LEAD_MS = 2 * 60_000;
/** Series a restart moves by itself: CPU while starting, memory/heap/RSS after (a fresh process), restarts, replicas. */
const RESTART_METRIC = /cpu|memory|mem_|heap|rss|restart|replica|pods?_|gc|uptime|start/i;
/** A resource series that rose and came back within the window after a deploy is its warm-up. */
function isSideEffect(anomaly: AnomalyOut, deploys: readonly DeploymentOut[]): boolean {
  if (!RESTART_METRIC.test(anomaly.metric)) return false;
  const onset = Date.parse(anomaly.onset);
  const near = deploys.some(
    (deploy) =>
      (deploy.service === anomaly.service || anomaly.service === null) &&
      onset - Date.parse(deploy.deployedAt) <= ROLLOUT_EFFECT_MS &&
      Date.parse(deploy.deployedAt) - onset <= ROLLOUT_LEAD_MS,
  );
  if (!near) return false;
  // Memory falls when a process restarts; CPU spikes and settles. A sustained rise in memory after a deploy is a leak.
  return anomaly.direction === 'down' || anomaly.recovered === true || anomaly.kind === 'spike';
}

export function isProduction(deploy: DeploymentOut): boolean {
  return !deploy.environment || !/stag|dev|test|qa|sandbox|preview/i.test(deploy.environment);
}

/** Splits anomalies into those that may be the incident and the rollout side effects of production deploys. */
export function withoutSideEffects(
  anomalies: readonly Cited<AnomalyOut>[],
  deploys: readonly Cited<DeploymentOut>[],
): { kept: Cited<AnomalyOut>[]; sideEffects: Cited<AnomalyOut>[] } {
  const production = deploys.map(({ value }) => value).filter(isProduction);
  const kept: Cited<AnomalyOut>[] = [];
  const sideEffects: Cited<AnomalyOut>[] = [];
  for (const anomaly of anomalies) (isSideEffect(anomaly.value, production) ? sideEffects : kept).push(anomaly);
  return { kept, sideEffects };
}

/**
 * An anomaly that is an incident by itself: high or critical, unless it was a spike that already passed. Medium moves
 * (a p95 wobble, a blip) happen every hour in healthy systems; they only matter next to other evidence.
 */
export function incidentGrade(anomaly: AnomalyOut, rates: readonly Cited<ErrorRate>[] = []): boolean {
  if (anomaly.severity !== 'high' && anomaly.severity !== 'critical') return false;
  if (anomaly.recovered === true && anomaly.kind === 'spike') return false;
  // An error-rate series that quadrupled from 0.05 % is still a healthy service; the error-rate check decides.
  if (ERROR_METRIC.test(anomaly.metric)) {
    const rate = rates.find(({ value }) => value.service === anomaly.service);
    if (rate?.value.status === 'ok' && anomaly.peak < tinyErrorRate(anomaly.unit)) return false;
  }
  return true;
}

const ERROR_METRIC = /error|fail|5xx/i;
/** Error rates below this (1 %) never make an incident on their own. */
function tinyErrorRate(unit: string | null): number {
  return unit === 'ratio' ? 0.01 : 1;
}

export interface QuietCheck {
  quiet: boolean;
  /** What was checked, for the root cause: counts of series, services and signatures. */
  seriesChecked: number;
  ratesChecked: number;
  ratesOk: number;
  signaturesChecked: number;
  sideEffects: Cited<AnomalyOut>[];
  minorAnomalies: Cited<AnomalyOut>[];
}

export function checkQuiet(input: {
  anomalies: readonly Cited<AnomalyOut>[];
  sideEffects: Cited<AnomalyOut>[];
  errorRates: readonly Cited<ErrorRate>[];
  symptoms: readonly Symptom[];
  seriesScanned: number;
  signaturesChecked: number;
}): QuietCheck {
  const serious = input.anomalies.filter(({ value }) => incidentGrade(value, input.errorRates));
  const failingRates = input.errorRates.filter(({ value }) => value.status !== 'ok');
  return {
    quiet: serious.length === 0 && failingRates.length === 0 && input.symptoms.length === 0,
    seriesChecked: input.seriesScanned,
    ratesChecked: input.errorRates.length,
    ratesOk: input.errorRates.length - failingRates.length,
    signaturesChecked: input.signaturesChecked,
    sideEffects: input.sideEffects,
    minorAnomalies: input.anomalies.filter(({ value }) => !incidentGrade(value, input.errorRates)),
  };
}
