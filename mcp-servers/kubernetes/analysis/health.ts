import type { ContainerStatus, KubeObject } from '../kube-types.js';
import type { WorkloadHealthOut } from '../schemas.js';
import { containerOf, type NormalEvent } from './events.js';
import { type OwnerIndex, timeOf, type WorkloadRef, workloadKey } from './workloads.js';

/** Waiting reasons that are a normal step of starting, not a problem. */
const STARTING = new Set(['ContainerCreating', 'PodInitializing']);

type ContainerOut = WorkloadHealthOut['containers'][number];

function podReady(pod: KubeObject): boolean {
  const ready = pod.status?.conditions?.find((c) => c.type === 'Ready');
  if (ready) return ready.status === 'True';
  const statuses = pod.status?.containerStatuses ?? [];
  return statuses.length > 0 && statuses.every((s) => s.ready);
}

function desiredOf(object: KubeObject | undefined, ref: WorkloadRef): number | null {
  if (!object) return null;
  if (ref.kind === 'DaemonSet') return object.status?.desiredNumberScheduled ?? null;
  return object.spec?.replicas ?? 1;
}

function containerHealth(
  name: string,
  limits: { memory: string | null; cpu: string | null },
  entries: { pod: KubeObject; status: ContainerStatus | undefined }[],
  probeFailures: number,
  window: { since: number; until: number },
): ContainerOut {
  let restarts = 0;
  let restartsInWindow = 0;
  let last: ContainerOut['lastTermination'] = null;
  const waiting = new Map<string, { message: string | null; pods: number }>();
  for (const { pod, status } of entries) {
    if (!status) continue;
    restarts += status.restartCount ?? 0;
    const terminated = status.state?.terminated ?? status.lastState?.terminated;
    const at = timeOf(terminated?.finishedAt);
    if (terminated && at !== undefined && at >= window.since && at <= window.until) restartsInWindow += status.restartCount ?? 0;
    if (terminated && (last === null || (at ?? 0) > Date.parse(last.time ?? '1970'))) {
      last = {
        reason: terminated.reason ?? null,
        exitCode: terminated.exitCode ?? null,
        time: at === undefined ? null : new Date(at).toISOString(),
        pod: pod.metadata?.name ?? '',
      };
    }
    const reason = status.state?.waiting?.reason;
    if (reason && !STARTING.has(reason)) {
      const entry = waiting.get(reason) ?? { message: status.state?.waiting?.message ?? null, pods: 0 };
      entry.pods += 1;
      waiting.set(reason, entry);
    }
  }
  const worst = [...waiting].sort((a, b) => b[1].pods - a[1].pods)[0];
  return {
    name,
    memoryLimit: limits.memory,
    cpuLimit: limits.cpu,
    restarts,
    restartsInWindow,
    lastTermination: last,
    waiting: worst ? { reason: worst[0], message: worst[1].message, pods: worst[1].pods } : null,
    probeFailures,
  };
}

/**
 * One workload's health from its pods: ready against desired, per container the restarts, the newest termination
 * (OOMKilled, exit 137/143), the waiting reason (CrashLoopBackOff, ImagePullBackOff …), failed probes (Unhealthy
 * events) and the memory limit.
 */
export function workloadHealth(
  ref: WorkloadRef,
  object: KubeObject | undefined,
  pods: readonly KubeObject[],
  events: readonly NormalEvent[],
  window: { since: number; until: number },
): WorkloadHealthOut {
  const template = object?.spec?.template?.spec ?? pods[0]?.spec;
  const names = [
    ...new Set([
      ...(template?.containers ?? []).map((c) => c.name),
      ...pods.flatMap((p) => (p.status?.containerStatuses ?? []).map((s) => s.name)),
    ]),
  ];
  const podNames = new Set(pods.map((p) => p.metadata?.name));
  const probes = events.filter((e) => e.reason === 'Unhealthy' && e.object.kind === 'Pod' && podNames.has(e.object.name));
  const containers = names.map((name) => {
    const spec = (template?.containers ?? []).find((c) => c.name === name);
    const failures = probes.filter((e) => (containerOf(e.object.fieldPath) ?? names[0]) === name).reduce((sum, e) => sum + e.count, 0);
    return containerHealth(
      name,
      { memory: spec?.resources?.limits?.memory ?? null, cpu: spec?.resources?.limits?.cpu ?? null },
      pods.map((pod) => ({ pod, status: pod.status?.containerStatuses?.find((s) => s.name === name) })),
      failures,
      window,
    );
  });
  const ready = pods.filter(podReady).length;
  const desired = desiredOf(object, ref);
  const problems = new Set<string>();
  for (const c of containers) {
    const t = c.lastTermination;
    if (t?.reason === 'OOMKilled') problems.add('OOMKilled');
    else if (t && t.exitCode !== null && t.exitCode !== 0 && c.restartsInWindow > 0) problems.add(`Exit${t.exitCode}`);
    if (c.waiting) problems.add(c.waiting.reason);
    if (c.probeFailures > 0) problems.add('ProbeFailures');
  }
  const wanted = desired ?? pods.length;
  if (ready < wanted) problems.add('NotReady');
  const status = wanted > 0 && ready === 0 ? 'down' : problems.size > 0 ? 'degraded' : 'healthy';
  return {
    namespace: ref.namespace,
    workload: ref.name,
    kind: ref.kind,
    desired,
    ready,
    pods: pods.length,
    status,
    problems: [...problems],
    nodes: [...new Set(pods.map((p) => p.spec?.nodeName).filter((n): n is string => Boolean(n)))].sort(),
    containers,
  };
}

const RANK = { down: 0, degraded: 1, healthy: 2 } as const;

/** Every workload in scope (and bare pods by themselves), worst first. */
export function allWorkloadHealth(
  workloads: readonly { object: KubeObject; ref: WorkloadRef }[],
  pods: readonly KubeObject[],
  owners: OwnerIndex,
  events: readonly NormalEvent[],
  window: { since: number; until: number },
): { ref: WorkloadRef; health: WorkloadHealthOut }[] {
  const byWorkload = new Map<string, { ref: WorkloadRef; object: KubeObject | undefined; pods: KubeObject[] }>();
  for (const w of workloads) byWorkload.set(workloadKey(w.ref), { ref: w.ref, object: w.object, pods: [] });
  for (const pod of pods) {
    const ref = owners.workloadOf(pod);
    const entry = byWorkload.get(workloadKey(ref)) ?? { ref, object: undefined, pods: [] };
    entry.pods.push(pod);
    byWorkload.set(workloadKey(ref), entry);
  }
  return [...byWorkload.values()]
    .map((entry) => ({ ref: entry.ref, health: workloadHealth(entry.ref, entry.object, entry.pods, events, window) }))
    .sort(
      (a, b) =>
        RANK[a.health.status] - RANK[b.health.status] ||
        b.health.containers.reduce((s, c) => s + c.restartsInWindow, 0) - a.health.containers.reduce((s, c) => s + c.restartsInWindow, 0) ||
        a.health.workload.localeCompare(b.health.workload),
    );
}
