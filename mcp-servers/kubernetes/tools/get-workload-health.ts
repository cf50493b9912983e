import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { eventInWindow, mergeEvents } from '../analysis/events.js';
import { allWorkloadHealth } from '../analysis/health.js';
import { matchesFilter } from '../analysis/workloads.js';
import { GetWorkloadHealthOutput, type WorkloadHealthOut } from '../schemas.js';
import { type CommonArgs, type KubeToolContext, shortTime } from './common.js';
import { registerListTool } from './list-tool.js';

interface Args extends CommonArgs {
  unhealthyOnly?: boolean | undefined;
}

function line(w: WorkloadHealthOut): string {
  const containers = w.containers
    .filter((c) => c.lastTermination || c.waiting || c.restarts > 0 || c.probeFailures > 0)
    .map((c) => {
      const parts = [`${c.name}: restarts ${c.restarts} (${c.restartsInWindow} in window)`];
      if (c.lastTermination)
        parts.push(
          `last ${c.lastTermination.reason ?? '?'} exit ${c.lastTermination.exitCode ?? '?'} at ${shortTime(c.lastTermination.time)}`,
        );
      if (c.waiting) parts.push(`waiting ${c.waiting.reason} (${c.waiting.pods} pod(s))`);
      if (c.probeFailures > 0) parts.push(`${c.probeFailures} probe failures`);
      parts.push(`memory limit ${c.memoryLimit ?? 'none'}`);
      return parts.join(', ');
    });
  return `- ${w.namespace}/${w.kind}/${w.workload}: ${w.status.toUpperCase()} ${w.ready}/${w.desired ?? w.pods} ready${w.problems.length > 0 ? ` [${w.problems.join(', ')}]` : ''}${containers.length > 0 ? `; ${containers.join('; ')}` : ''}${w.nodes.length > 0 ? `; nodes ${w.nodes.join(', ')}` : ''}`;
}

export function registerGetWorkloadHealthTool(server: McpServer, ctx: KubeToolContext): void {
  registerListTool<WorkloadHealthOut, Args>(server, ctx, {
    name: 'get_workload_health',
    title: 'Workload health (pods, restarts, OOM kills, crash loops)',
    description:
      'Per workload, worst first: pods ready/desired, restarts (and those whose last termination falls in the window), the last termination reason and exit code (OOMKilled, Error 137/143), waiting reasons (CrashLoopBackOff, ImagePullBackOff, CreateContainerConfigError), failed probes, and each container memory limit.',
    key: 'workloads',
    noun: 'workloads',
    outputSchema: GetWorkloadHealthOutput,
    extraInput: { unhealthyOnly: z.boolean().optional().describe('leave out healthy workloads (default false)') },
    line,
    async collect(view, args, window) {
      const [workloads, pods, owners, core, v1] = await Promise.all([
        view.workloads(),
        view.list('pods'),
        view.owners(),
        view.list('events'),
        view.listOptional('eventsV1'),
      ]);
      return allWorkloadHealth(
        workloads,
        pods,
        owners,
        mergeEvents(core, v1).filter((e) => eventInWindow(e, window)),
        window,
      )
        .filter((w) => matchesFilter(w.ref, args) && (!args.unhealthyOnly || w.health.status !== 'healthy'))
        .map((w) => w.health);
    },
  });
}
