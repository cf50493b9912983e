import type { ScoredChange } from './changes.js';
import type { ClassMatch } from './classes.js';
import type { FailureClass } from './failure-class.js';
import { CANNOT_START, type ClusterState, type KubeRollout, type KubeWorkloadHealth, OOM, quantityBytes } from './kubernetes.js';
import type { ClusterChanges } from './kubernetes-changes.js';
import { MAX_SYMPTOMS, type Symptom, symptomText } from './symptoms.js';

/**
 * What the cluster's state concludes on its own: pods that cannot start or are OOM-killed are symptoms with times;
 * a rollout that failed, whose image cannot be pulled, or that lowered the memory limit its pods are now killed at is
 * its own verdict; a node condition shared by the failing pods is an infrastructure cause.
 */

/** A cluster symptom weighs this share of the strongest log symptom: the pods are failing, however quiet the logs. */
const SYMPTOM_SHARE = { cannotStart: 0.9, oom: 0.8, crashLoop: 0.7, evicted: 0.7, probe: 0.5 } as const;
/** Without log symptoms a cluster symptom scores like a new error seen this often. */
const FALLBACK_COUNT = 10;
const FALLBACK_SCORE = (1.5 + Math.log(FALLBACK_COUNT)) * Math.log1p(FALLBACK_COUNT);
/** Cluster symptoms carried beside the log ones (one per failure reason and workload, the strongest first). */
const MAX_CLUSTER_SYMPTOMS = 4;
/** A change the cluster's state shows failing scores this much higher: the state states the link outright. */
export const STATE_FACTOR = 2.5;
/** A rollout this long after its own pods' first trouble did not start it (events and terminations are second-exact). */
const OWN_TROUBLE_GRACE_MS = 60_000;
/** A node condition shared by failing pods scores this, plus a little per failing workload it hosts. */
const NODE_SCORE = 0.5;
const NODE_SCORE_PER_WORKLOAD = 0.1;
const NODE_SCORE_MAX = 0.8;
/** Conditions of a node that make its pods fail. */
const NODE_TROUBLE = /^(NotReady|MemoryPressure|DiskPressure|PIDPressure|NetworkUnavailable|Unschedulable|Cordoned)$/;

function symptom(health: KubeWorkloadHealth, signature: string, example: string, count: number, score: number): Symptom {
  return {
    signature,
    example,
    services: [health.workload],
    before: 0,
    after: Math.max(1, count),
    growth: Number.POSITIVE_INFINITY,
    novel: true,
    score,
    firstSeen: health.firstTrouble ?? null,
    callId: health.callId,
  };
}

/** One symptom per workload and failure: the reason in the words kubectl shows. */
export function clusterSymptoms(state: ClusterState | undefined, logSymptoms: readonly Symptom[]): Symptom[] {
  if (!state) return [];
  const top = logSymptoms[0]?.score ?? FALLBACK_SCORE;
  const out: Symptom[] = [];
  for (const health of state.health) {
    const where = `${health.namespace}/${health.workload}`;
    const cannot = health.waiting.find((reason) => CANNOT_START.test(reason));
    if (cannot)
      out.push(
        symptom(
          health,
          `pods of ${where} cannot start: ${cannot}`,
          health.waitingMessage ?? cannot,
          health.desired - health.ready,
          top * SYMPTOM_SHARE.cannotStart,
        ),
      );
    const ooms = health.terminations.filter((termination) => OOM.test(termination.reason));
    if (ooms.length > 0)
      out.push(
        symptom(
          health,
          `container of ${where} OOMKilled (exit code 137), ${health.restarts} restarts${health.memoryLimit ? `, memory limit ${health.memoryLimit}` : ''}`,
          `lastState.terminated reason OOMKilled exitCode 137 (memory limit ${health.memoryLimit ?? 'none'})`,
          health.restarts,
          top * SYMPTOM_SHARE.oom,
        ),
      );
    else if (health.waiting.includes('CrashLoopBackOff'))
      out.push(
        symptom(
          health,
          `pods of ${where} in CrashLoopBackOff, ${health.restarts} restarts`,
          health.waitingMessage ?? 'CrashLoopBackOff',
          health.restarts,
          top * SYMPTOM_SHARE.crashLoop,
        ),
      );
    if (health.evictions > 0)
      out.push(
        symptom(
          health,
          `${health.evictions} pods of ${where} evicted from ${health.evictedFrom.join(', ')}`,
          'pods evicted by the kubelet: the node was low on a resource',
          health.evictions,
          top * SYMPTOM_SHARE.evicted,
        ),
      );
    if (health.probeFailures > 0 && !cannot)
      out.push(
        symptom(
          health,
          `readiness probe failing on pods of ${where}: ${health.probeMessage ?? 'probe failed'}`,
          health.probeMessage ?? 'Readiness probe failed',
          health.probeFailures,
          top * SYMPTOM_SHARE.probe,
        ),
      );
  }
  return out.sort((a, b) => b.score - a.score || a.signature.localeCompare(b.signature)).slice(0, MAX_CLUSTER_SYMPTOMS);
}

/** The log symptoms and the cluster's, strongest first, with room kept for the cluster's. */
export function mergeSymptoms(logSymptoms: Symptom[], cluster: readonly Symptom[]): void {
  if (cluster.length === 0) return;
  const merged = [...logSymptoms, ...cluster].sort((a, b) => b.score - a.score || a.signature.localeCompare(b.signature));
  logSymptoms.splice(0, logSymptoms.length, ...merged.slice(0, MAX_SYMPTOMS + cluster.length));
}

function healthOf(state: ClusterState, workload: string | null): KubeWorkloadHealth | undefined {
  return workload ? state.health.find((health) => health.workload === workload) : undefined;
}

/** Why the state condemns a rollout, or undefined when it does not. */
export function rolloutVerdict(rollout: KubeRollout, health: KubeWorkloadHealth | undefined): string | undefined {
  const name = `${rollout.workload} revision ${rollout.revision}`;
  const cannot = health?.waiting.find((reason) => CANNOT_START.test(reason));
  if (cannot) return `the pods of ${name} cannot start: ${cannot}${health?.waitingMessage ? ` (${health.waitingMessage})` : ''}`;
  if (rollout.status === 'failed')
    return `the rollout of ${name} failed (${rollout.reason ?? 'not progressing'})${health?.probeFailures ? `: its new pods fail their readiness probe${health.probeMessage ? ` (${health.probeMessage})` : ''}` : ''}, leaving ${health ? `${health.ready} of ${health.desired}` : 'too few'} pods ready`;
  const lowered = (quantityBytes(rollout.memoryLimitAfter) ?? Number.POSITIVE_INFINITY) < (quantityBytes(rollout.memoryLimitBefore) ?? 0);
  const killed = health?.terminations.some((termination) => OOM.test(termination.reason));
  if (lowered && killed)
    return `${name} lowered the memory limit from ${rollout.memoryLimitBefore} to ${rollout.memoryLimitAfter} and its containers are now OOMKilled (exit code 137)`;
  return undefined;
}

/**
 * Raises the changes the cluster's state condemns and links them by `state`; returns the sentence that says why, for
 * the root cause. A scale-down or lowered autoscaler ceiling of a workload showing the symptoms counts too.
 */
export function applyClusterVerdicts(
  scored: ScoredChange[],
  state: ClusterState | undefined,
  cluster: ClusterChanges,
  symptomServices: readonly string[],
): Map<string, string> {
  const verdicts = new Map<string, string>();
  if (!state) return verdicts;
  for (const entry of scored) {
    const rollout = cluster.rolloutOf.get(entry.change.id);
    const config = cluster.configOf.get(entry.change.id);
    let why: string | undefined;
    const health = rollout ? healthOf(state, rollout.workload) : undefined;
    // A rollout is judged against its own pods' trouble: another workload failing earlier (two incidents at once)
    // moves the incident's onset before it, but does not make it innocent of what its own pods show.
    const ownTrouble = rollout && health?.firstTrouble ? Date.parse(health.firstTrouble) : undefined;
    const beforeOwn = ownTrouble !== undefined && rollout !== undefined && Date.parse(rollout.at) <= ownTrouble + OWN_TROUBLE_GRACE_MS;
    if (rollout && (!entry.afterOnset || beforeOwn)) why = rolloutVerdict(rollout, health);
    else if (config?.fewer && !entry.afterOnset && config.workloads.some((workload) => symptomServices.includes(workload)))
      why = `${config.kind === 'hpa' ? 'the autoscaler' : 'the replica count'} of ${config.workloads.join(', ')} was lowered (${config.detail}) just before the symptoms`;
    if (!why) continue;
    if (entry.afterOnset) {
      entry.score /= entry.timeFactor;
      entry.timeFactor = 1;
      entry.afterOnset = false;
      entry.links.push('time');
    }
    entry.score *= STATE_FACTOR;
    entry.links.push('state');
    verdicts.set(entry.change.id, why);
  }
  scored.sort((a, b) => b.score - a.score || a.change.id.localeCompare(b.change.id));
  return verdicts;
}

/** A node condition the failing pods share, as an infrastructure cause. */
export function nodeCauses(state: ClusterState | undefined, symptoms: readonly Symptom[], affected: readonly string[]): ClassMatch[] {
  if (!state) return [];
  const failing = new Set([
    ...affected,
    ...state.health
      .filter((health) => health.evictions > 0 || health.restarts > 0 || health.ready < health.desired)
      .map((health) => health.workload),
  ]);
  const total = symptoms.reduce((sum, entry) => sum + entry.score, 0);
  const out: ClassMatch[] = [];
  for (const issue of state.nodes) {
    if (!NODE_TROUBLE.test(issue.condition)) continue;
    const evictedHere = state.health.filter((health) => health.evictedFrom.includes(issue.node)).map((health) => health.workload);
    const shared = [...new Set([...evictedHere, ...issue.workloads.filter((workload) => failing.has(workload))])].sort();
    if (shared.length === 0) continue;
    const cls: FailureClass = {
      key: `node-${issue.condition.toLowerCase()}`,
      kind: 'infrastructure',
      title: `node ${issue.node} under ${issue.condition}${issue.since ? ` since ${issue.since.slice(11, 16)} UTC` : ''}, shared by the failing pods of ${shared.join(', ')}`,
      symptoms: /evicted|low on resource|NodeNotReady|MemoryPressure|DiskPressure|PIDPressure|node not ready/i,
      metrics: /(?!)/,
      external: true,
      advice: [
        `Cordon and drain ${issue.node} (kubectl cordon ${issue.node}; kubectl drain ${issue.node} --ignore-daemonsets) so the pods run elsewhere`,
        `Find what uses the node's ${issue.condition === 'MemoryPressure' ? 'memory' : 'resources'} (kubectl top pods on the node, DaemonSets) and set requests/limits that keep it in bounds`,
      ],
    };
    const hits = symptoms.filter(
      (entry) => cls.symptoms.test(symptomText(entry)) || entry.services.some((service) => shared.includes(service)),
    );
    const symptomShare = total > 0 ? hits.reduce((sum, entry) => sum + entry.score, 0) / total : 0;
    const service = shared.find((workload) => affected.includes(workload)) ?? shared[0];
    out.push({
      cls,
      score: Math.min(NODE_SCORE_MAX, NODE_SCORE + NODE_SCORE_PER_WORKLOAD * shared.length),
      symptomShare,
      symptoms: hits,
      anomalies: [],
      ...(service ? { service } : {}),
      state: true,
    });
  }
  return out;
}
