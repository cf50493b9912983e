import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { eventInWindow, groupEvents, mergeEvents, ROLLOUT_REASONS } from '../analysis/events.js';
import { matchesFilter, workloadKey } from '../analysis/workloads.js';
import { type EventGroupOut, GetEventsOutput } from '../schemas.js';
import type { CommonArgs, KubeToolContext } from './common.js';
import { shortTime } from './common.js';
import { registerListTool } from './list-tool.js';

interface Args extends CommonArgs {
  type?: 'warning' | 'all' | undefined;
  reason?: string | undefined;
}

function line(g: EventGroupOut): string {
  const span = g.firstTime === g.lastTime ? shortTime(g.lastTime) : `${shortTime(g.firstTime)} … ${shortTime(g.lastTime)}`;
  const object = `${g.object.kind}/${g.object.namespace ? `${g.object.namespace}/` : ''}${g.object.name}`;
  return `- ${g.type} ${g.reason} ×${g.count} ${object}${g.workload ? ` (${g.workload})` : ''} ${span}: ${g.message}`;
}

export function registerGetEventsTool(server: McpServer, ctx: KubeToolContext): void {
  registerListTool<EventGroupOut, Args>(server, ctx, {
    name: 'get_events',
    title: 'Kubernetes events, grouped',
    description:
      'Events in the window from core/v1 and events.k8s.io/v1, grouped by reason and object with counts and first/last times: Warning events (BackOff, Unhealthy, Failed, FailedScheduling, Evicted, OOMKilling …) and, by default, Normal rollout/scale events (ScalingReplicaSet, SuccessfulRescale, Killing …). Warnings first.',
    key: 'groups',
    noun: 'event groups',
    outputSchema: GetEventsOutput,
    extraInput: {
      type: z
        .enum(['warning', 'all'])
        .optional()
        .describe('warning: Warning events only; all: every Normal event too (default: Warnings and rollout/scale events)'),
      reason: z.string().optional().describe('only this reason (BackOff, Unhealthy, FailedScheduling …); case-insensitive'),
    },
    line,
    async collect(view, args, window) {
      const [core, v1, pods, owners, workloads] = await Promise.all([
        view.list('events'),
        view.listOptional('eventsV1'),
        view.list('pods'),
        view.owners(),
        view.workloads(),
      ]);
      const podMap = new Map(pods.map((pod) => [`${pod.metadata?.namespace}/${pod.metadata?.name}`, pod]));
      const events = mergeEvents(core, v1).filter(
        (event) =>
          eventInWindow(event, window) &&
          (event.type === 'Warning' || args.type === 'all' || (args.type !== 'warning' && ROLLOUT_REASONS.has(event.reason))) &&
          (args.reason === undefined || event.reason.toLowerCase() === args.reason.toLowerCase()),
      );
      const groups = groupEvents(events, owners, podMap);
      if (args.workload === undefined && args.service === undefined) return groups.map(({ workloadRef: _ref, ...g }) => g);
      const refs = [...workloads.map((w) => w.ref), ...pods.map((pod) => owners.workloadOf(pod))];
      const wanted = new Set(refs.filter((ref) => matchesFilter(ref, args)).map(workloadKey));
      return groups.filter((g) => g.workloadRef !== undefined && wanted.has(g.workloadRef)).map(({ workloadRef: _ref, ...g }) => g);
    },
  });
}
