import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { lastProblemTime, nodeHealth } from '../analysis/nodes.js';
import { matchesFilter } from '../analysis/workloads.js';
import { GetNodeHealthOutput, type NodeHealthOut } from '../schemas.js';
import { type CommonArgs, type KubeToolContext, shortTime } from './common.js';
import { registerListTool } from './list-tool.js';

interface Args extends CommonArgs {
  troubledOnly?: boolean | undefined;
}

function line(n: NodeHealthOut): string {
  const bad = n.conditions.filter((c) => (c.type === 'Ready' ? c.status !== 'True' : c.status === 'True'));
  const conditions = bad.map((c) => `${c.type}=${c.status}${c.reason ? ` (${c.reason})` : ''} since ${shortTime(c.since)}`);
  const taints = n.taints.map((t) => `${t.key}${t.value ? `=${t.value}` : ''}:${t.effect}`);
  return `- ${n.name}: ${n.problems.length > 0 ? n.problems.join(', ') : 'OK'}${conditions.length > 0 ? `; ${conditions.join('; ')}` : ''}${taints.length > 0 ? `; taints ${taints.join(', ')}` : ''}; ${n.pods} pod(s): ${n.workloads.join(', ') || 'none'}`;
}

export function registerGetNodeHealthTool(server: McpServer, ctx: KubeToolContext): void {
  registerListTool<NodeHealthOut, Args>(server, ctx, {
    name: 'get_node_health',
    title: 'Node health (conditions, cordons, taints)',
    description:
      'Nodes, troubled first: NotReady, MemoryPressure, DiskPressure, PIDPressure with the time each began, cordons (unschedulable), taints, and which workloads pods run there. With workload/service: only the nodes that run its pods.',
    key: 'nodes',
    noun: 'nodes',
    outputSchema: GetNodeHealthOutput,
    extraInput: { troubledOnly: z.boolean().optional().describe('leave out nodes without a problem (default false)') },
    line,
    async collect(view, args) {
      const [nodes, pods, owners] = await Promise.all([view.list('nodes'), view.list('pods'), view.owners()]);
      const filtered = args.workload !== undefined || args.service !== undefined || args.namespace !== undefined;
      const relevant = filtered ? pods.filter((pod) => matchesFilter(owners.workloadOf(pod), args)) : pods;
      const wantedNodes = new Set(relevant.map((pod) => pod.spec?.nodeName));
      return nodes
        .map((node) => nodeHealth(node, pods, owners))
        .filter((n) => (!filtered || wantedNodes.has(n.name)) && (!args.troubledOnly || n.problems.length > 0))
        .sort(
          (a, b) =>
            b.problems.length - a.problems.length || (lastProblemTime(b) ?? 0) - (lastProblemTime(a) ?? 0) || a.name.localeCompare(b.name),
        );
    },
  });
}
