import type { KubeObject } from '../kube-types.js';
import type { EventGroupOut } from '../schemas.js';
import { type OwnerIndex, timeOf, workloadKey } from './workloads.js';

/** One event in either API's form (core/v1 Event or events.k8s.io/v1 Event). */
export interface NormalEvent {
  uid: string | undefined;
  type: 'Warning' | 'Normal';
  reason: string;
  object: { kind: string; namespace: string | null; name: string; fieldPath: string | undefined };
  count: number;
  first: number | undefined;
  last: number | undefined;
  message: string;
}

/** Normal events that belong to a rollout or a scale: the timeline around Warning events. */
export const ROLLOUT_REASONS = new Set([
  'ScalingReplicaSet',
  'SuccessfulRescale',
  'DeploymentRollback',
  'SuccessfulCreate',
  'SuccessfulDelete',
  'Killing',
]);

/** Longest message kept per group: one readable line of the kubelet's text. */
const MESSAGE_CHARS = 240;

export function normalizeEvent(event: KubeObject): NormalEvent {
  const v1 = event.regarding !== undefined || event.note !== undefined || event.apiVersion === 'events.k8s.io/v1';
  const target = (v1 ? event.regarding : event.involvedObject) ?? {};
  const last =
    timeOf(event.series?.lastObservedTime) ?? timeOf(v1 ? event.deprecatedLastTimestamp : event.lastTimestamp) ?? timeOf(event.eventTime);
  const first = timeOf(v1 ? event.deprecatedFirstTimestamp : event.firstTimestamp) ?? timeOf(event.eventTime) ?? last;
  const count = event.series?.count ?? (v1 ? event.deprecatedCount : event.count) ?? 1;
  return {
    uid: event.metadata?.uid,
    type: event.type === 'Warning' ? 'Warning' : 'Normal',
    reason: event.reason ?? '',
    object: { kind: target.kind ?? '', namespace: target.namespace ?? null, name: target.name ?? '', fieldPath: target.fieldPath },
    count,
    first,
    last: last ?? first,
    message: (v1 ? event.note : event.message) ?? '',
  };
}

/** Both APIs' events, each event once: the same event is visible through both under one uid. */
export function mergeEvents(core: readonly KubeObject[], v1: readonly KubeObject[]): NormalEvent[] {
  const seen = new Set<string>();
  const out: NormalEvent[] = [];
  for (const event of [...v1, ...core].map(normalizeEvent)) {
    if (event.uid !== undefined) {
      if (seen.has(event.uid)) continue;
      seen.add(event.uid);
    }
    out.push(event);
  }
  return out;
}

/** An event belongs to the window when its first…last span overlaps it. */
export function eventInWindow(event: NormalEvent, window: { since: number; until: number }): boolean {
  const first = event.first ?? event.last;
  const last = event.last ?? event.first;
  return first !== undefined && last !== undefined && first <= window.until && last >= window.since;
}

/** The container an event's fieldPath names (`spec.containers{web}`). */
export function containerOf(fieldPath: string | undefined): string | undefined {
  return /^spec\.(?:initContainers|containers)\{([^}]+)\}$/.exec(fieldPath ?? '')?.[1];
}

/** Events grouped by reason and object, with summed counts and the first/last times, Warnings first. */
export function groupEvents(
  events: readonly NormalEvent[],
  owners: OwnerIndex,
  pods: Map<string, KubeObject>,
): (EventGroupOut & { workloadRef?: string })[] {
  const groups = new Map<string, EventGroupOut & { workloadRef?: string; lastMessageAt: number }>();
  for (const event of events) {
    const key = [event.type, event.reason, event.object.kind, event.object.namespace, event.object.name].join('\u0000');
    const workload = owners.workloadOfObject(event.object.kind, event.object.namespace ?? undefined, event.object.name, pods);
    const group = groups.get(key) ?? {
      type: event.type,
      reason: event.reason,
      object: { kind: event.object.kind, namespace: event.object.namespace, name: event.object.name },
      workload: workload && workload.kind !== 'Pod' ? `${workload.kind}/${workload.name}` : null,
      ...(workload ? { workloadRef: workloadKey(workload) } : {}),
      count: 0,
      firstTime: null,
      lastTime: null,
      message: '',
      lastMessageAt: Number.NEGATIVE_INFINITY,
    };
    group.count += event.count;
    if (event.first !== undefined && (group.firstTime === null || event.first < Date.parse(group.firstTime)))
      group.firstTime = new Date(event.first).toISOString();
    if (event.last !== undefined && (group.lastTime === null || event.last > Date.parse(group.lastTime)))
      group.lastTime = new Date(event.last).toISOString();
    if ((event.last ?? 0) >= group.lastMessageAt) {
      group.message = event.message.length > MESSAGE_CHARS ? `${event.message.slice(0, MESSAGE_CHARS - 1)}…` : event.message;
      group.lastMessageAt = event.last ?? 0;
    }
    groups.set(key, group);
  }
  return [...groups.values()]
    .map(({ lastMessageAt: _dropped, ...group }) => group)
    .sort(
      (a, b) =>
        (a.type === b.type ? 0 : a.type === 'Warning' ? -1 : 1) || b.count - a.count || (b.lastTime ?? '').localeCompare(a.lastTime ?? ''),
    );
}
