import type { KubeObject } from '../kube-types.js';
import type { NodeHealthOut } from '../schemas.js';
import { isoOf, type OwnerIndex, timeOf } from './workloads.js';

/** Conditions that are a problem when True (Ready is the one that is a problem when not True). */
const PRESSURE = ['MemoryPressure', 'DiskPressure', 'PIDPressure', 'NetworkUnavailable'] as const;

/**
 * A node's conditions, cordon and taints, and the workloads whose pods it runs: the shared cause when failing pods
 * sit on one node under pressure.
 */
export function nodeHealth(node: KubeObject, pods: readonly KubeObject[], owners: OwnerIndex): NodeHealthOut {
  const name = node.metadata?.name ?? '';
  const conditions = node.status?.conditions ?? [];
  const ready = conditions.find((c) => c.type === 'Ready');
  const problems: string[] = [];
  if (ready && ready.status !== 'True') problems.push('NotReady');
  for (const type of PRESSURE) if (conditions.find((c) => c.type === type)?.status === 'True') problems.push(type);
  const unschedulable = node.spec?.unschedulable === true;
  if (unschedulable) problems.push('Cordoned');
  const here = pods.filter((pod) => pod.spec?.nodeName === name);
  const workloads = [...new Set(here.map((pod) => owners.workloadOf(pod)).map((ref) => `${ref.namespace}/${ref.kind}/${ref.name}`))].sort();
  return {
    name,
    ready: ready ? ready.status === 'True' : null,
    problems,
    conditions: conditions.map((c) => ({
      type: c.type,
      status: c.status,
      reason: c.reason ?? null,
      since: isoOf(timeOf(c.lastTransitionTime)),
    })),
    unschedulable,
    taints: (node.spec?.taints ?? []).map((t) => ({
      key: t.key,
      value: t.value ?? null,
      effect: t.effect,
      since: isoOf(timeOf(t.timeAdded)),
    })),
    memoryAllocatable: node.status?.allocatable?.memory ?? null,
    workloads,
    pods: here.length,
  };
}

/** The newest problem transition, for ordering and for "changed in the window". */
export function lastProblemTime(node: NodeHealthOut): number | undefined {
  const times = [
    ...node.conditions
      .filter((c) => (c.type === 'Ready' ? c.status !== 'True' : c.status === 'True'))
      .map((c) => timeOf(c.since ?? undefined)),
    ...node.taints.map((t) => timeOf(t.since ?? undefined)),
  ].filter((t): t is number => t !== undefined);
  return times.length > 0 ? Math.max(...times) : undefined;
}
