import type { z } from 'zod';
import {
  type ConfigChangeOut,
  type EventGroupOut,
  GetConfigChangesOutput,
  GetEventsOutput,
  GetNodeHealthOutput,
  GetRolloutsOutput,
  GetWorkloadHealthOutput,
  type RolloutOut,
  type WorkloadHealthOut,
} from '../../../mcp-servers/kubernetes/schemas.js';
import type { ToolSession } from '../../agent/tool-session.js';
import type { AgentEvent } from '../../agent/types.js';
import { callParsed } from './gather.js';
import type { ClusterState, KubeConfigChange, KubeNodeIssue, KubeRollout, KubeWorkloadHealth } from './kubernetes.js';

/** The kubernetes server's tools the analysis reads; without any of them there is no cluster to read. */
export const CLUSTER_TOOLS = ['get_rollouts', 'get_config_changes', 'get_workload_health', 'get_events', 'get_node_health'] as const;
/** Items per call: a cluster has many workloads; the server's own maximum keeps each answer bounded. */
const LIMIT = 200;
/** An autoscaler's own resize this soon after its bounds were edited is that edit's effect, not another change. */
const HPA_EFFECT_MS = 10 * 60_000;
const KIND_OF: Record<ConfigChangeOut['kind'], KubeConfigChange['kind']> = {
  ConfigMap: 'configmap',
  Secret: 'secret',
  HorizontalPodAutoscaler: 'hpa',
  Deployment: 'scale',
  StatefulSet: 'scale',
  ReplicaSet: 'scale',
};

/** `Deployment/orders` or `shop/Deployment/orders` → `orders`. */
function workloadName(ref: string): string {
  return ref.split('/').pop() ?? ref;
}

function rolloutOf(value: RolloutOut, callId: string): KubeRollout {
  const memory = value.changes.find((change) => change.field === 'limits.memory');
  return {
    namespace: value.namespace,
    workload: value.workload,
    kind: value.kind,
    revision: value.revision,
    at: value.time,
    imagesBefore: value.imagesBefore,
    imagesAfter: value.imagesAfter,
    ...(value.changeCause ? { changeCause: value.changeCause } : {}),
    status: value.status === 'failed' ? 'failed' : value.status === 'progressing' ? 'progressing' : 'complete',
    ...(value.statusReason && value.status === 'failed' ? { reason: value.statusReason } : {}),
    ...(value.rollback && value.rollbackTo !== null ? { rollbackOf: value.rollbackTo } : {}),
    ...(memory?.before ? { memoryLimitBefore: memory.before } : {}),
    ...(memory?.after ? { memoryLimitAfter: memory.after } : {}),
    callId,
  };
}

/** Trouble a workload's events show: first time, evictions, the latest probe message. */
function eventsOf(groups: readonly EventGroupOut[], workload: string) {
  const own = groups.filter((group) => group.type === 'Warning' && group.workload !== null && workloadName(group.workload) === workload);
  const first = own
    .map((group) => group.firstTime)
    .filter((time): time is string => time !== null)
    .sort()[0];
  const evicted = own.filter((group) => group.reason === 'Evicted');
  const probe = own.find((group) => group.reason === 'Unhealthy');
  return { first, evictions: evicted.reduce((sum, group) => sum + group.count, 0), probeMessage: probe?.message };
}

function healthOf(
  value: WorkloadHealthOut,
  groups: readonly EventGroupOut[],
  troubled: readonly KubeNodeIssue[],
  callId: string,
): KubeWorkloadHealth {
  const events = eventsOf(groups, value.workload);
  const waiting = value.containers.flatMap((container) => (container.waiting ? [container.waiting] : []));
  const terminations = value.containers.flatMap((container) =>
    container.lastTermination?.reason
      ? [
          {
            reason: container.lastTermination.reason,
            ...(container.lastTermination.exitCode !== null ? { exitCode: container.lastTermination.exitCode } : {}),
            ...(container.lastTermination.time ? { at: container.lastTermination.time } : {}),
          },
        ]
      : [],
  );
  const memoryLimit = value.containers.find((container) => container.memoryLimit)?.memoryLimit;
  const times = [events.first, ...terminations.map((termination) => termination.at)].filter((time): time is string => !!time).sort();
  return {
    namespace: value.namespace,
    workload: value.workload,
    ready: value.ready,
    desired: value.desired ?? value.pods,
    restarts: value.containers.reduce((sum, container) => sum + container.restartsInWindow, 0),
    terminations,
    waiting: waiting.map((entry) => entry.reason),
    ...(waiting[0]?.message ? { waitingMessage: waiting[0].message } : {}),
    probeFailures: value.containers.reduce((sum, container) => sum + container.probeFailures, 0),
    ...(events.probeMessage ? { probeMessage: events.probeMessage } : {}),
    evictions: events.evictions,
    evictedFrom:
      events.evictions > 0 ? troubled.filter((issue) => issue.workloads.includes(value.workload)).map((issue) => issue.node) : [],
    ...(memoryLimit ? { memoryLimit } : {}),
    ...(times[0] ? { firstTrouble: times[0] } : {}),
    callId,
  };
}

/**
 * Config, HPA and scale changes; an autoscaler resize right after its bounds were edited folds into that edit. A
 * change leaves fewer replicas when a scale went down, or when an edited autoscaler now holds its workload at its
 * ceiling (the replicas it wants are its maximum).
 */
export function configChangesOf(
  values: readonly ConfigChangeOut[],
  health: readonly WorkloadHealthOut[],
  callId: string,
): KubeConfigChange[] {
  const edits = values.filter((value) => value.change === 'hpa_edited');
  const out: KubeConfigChange[] = [];
  for (const value of values) {
    const at = Date.parse(value.time);
    if (
      value.change === 'autoscaled' &&
      edits.some(
        (edit) =>
          edit.namespace === value.namespace &&
          edit.name === value.name &&
          at >= Date.parse(edit.time) &&
          at - Date.parse(edit.time) <= HPA_EFFECT_MS,
      )
    )
      continue;
    const kind = KIND_OF[value.kind];
    const workloads = kind === 'scale' ? [value.name] : value.mountedBy.map(workloadName);
    const ceiling = /\bmax (\d+)/.exec(value.detail)?.[1];
    const pinned =
      value.change === 'hpa_edited' &&
      ceiling !== undefined &&
      health.some((entry) => workloads.includes(entry.workload) && entry.desired !== null && entry.desired >= Number(ceiling));
    const down = value.replicas?.before != null && value.replicas.after != null && value.replicas.after < value.replicas.before;
    out.push({
      kind,
      namespace: value.namespace,
      name: value.name,
      at: value.time,
      ...(value.manager ? { manager: value.manager } : {}),
      detail: pinned ? `${value.detail}; its workload runs at that ceiling` : value.detail,
      workloads,
      ...(pinned || down ? { fewer: true } : {}),
      callId,
    });
  }
  return out;
}

async function call<S extends z.ZodType>(session: ToolSession, notes: string[], tool: string, args: Record<string, unknown>, schema: S) {
  return session.hasTool(tool) ? callParsed(session, notes, tool, args, schema) : undefined;
}

/**
 * The cluster's rollouts, config and scale changes, workload health and node conditions in the window, or undefined
 * when no kubernetes server is configured (then nothing is noted: most setups have none).
 */
export async function clusterState(
  session: ToolSession,
  notes: string[],
  since: string,
  until: string,
  emit: (event: AgentEvent) => void,
): Promise<ClusterState | undefined> {
  if (!CLUSTER_TOOLS.some((tool) => session.hasTool(tool))) return undefined;
  emit({ type: 'stage', title: 'Reading the cluster: rollouts, config changes, workload and node health' });
  const args = { since, until, limit: LIMIT };
  const rollouts = await call(session, notes, 'get_rollouts', args, GetRolloutsOutput);
  const configs = await call(session, notes, 'get_config_changes', args, GetConfigChangesOutput);
  const health = await call(session, notes, 'get_workload_health', args, GetWorkloadHealthOutput);
  const events = await call(session, notes, 'get_events', args, GetEventsOutput);
  const nodes = await call(session, notes, 'get_node_health', args, GetNodeHealthOutput);
  // A cluster that is not configured answers every tool with an empty list and a note: nothing to read.
  if ([rollouts, configs, health, events, nodes].every((result) => result === undefined || result.data.backend === 'none'))
    return undefined;
  const troubled: KubeNodeIssue[] = (nodes?.data.nodes ?? []).flatMap((node) =>
    node.problems.map((condition) => ({
      node: node.name,
      condition,
      ...sinceOf(node.conditions, condition),
      workloads: node.workloads.map(workloadName),
      callId: nodes?.callId ?? '',
    })),
  );
  const groups = events?.data.groups ?? [];
  const workloads = health?.data.workloads ?? [];
  return {
    rollouts: (rollouts?.data.rollouts ?? []).map((value) => rolloutOf(value, rollouts?.callId ?? '')),
    configChanges: configChangesOf(configs?.data.changes ?? [], workloads, configs?.callId ?? ''),
    health: workloads.map((value) => healthOf(value, groups, troubled, health?.callId ?? '')),
    nodes: troubled,
  };
}

/** When a node's problem began: its condition's transition (NotReady is the Ready condition going false). */
function sinceOf(conditions: readonly { type: string; since: string | null }[], problem: string): { since?: string } {
  const type = problem === 'NotReady' ? 'Ready' : problem;
  const since = conditions.find((condition) => condition.type === type)?.since;
  return since ? { since } : {};
}
