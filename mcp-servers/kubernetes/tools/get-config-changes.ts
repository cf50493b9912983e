import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { configChanges } from '../analysis/config-changes.js';
import { matchesFilter, workloadKey } from '../analysis/workloads.js';
import { type ConfigChangeOut, GetConfigChangesOutput } from '../schemas.js';
import { type KubeToolContext, shortTime } from './common.js';
import { registerListTool } from './list-tool.js';

export function registerGetConfigChangesTool(server: McpServer, ctx: KubeToolContext): void {
  registerListTool(server, ctx, {
    name: 'get_config_changes',
    title: 'Configuration changes (ConfigMaps, Secrets, HPAs, scaling)',
    description:
      'Changes in the window that need no rollout, newest first: ConfigMap edits (keys, never values) and Secret edits (metadata only, never data) from managedFields times, with the workloads that mount them; HPA edits and autoscaling; manual scale changes (kubectl scale) with replicas before → after.',
    key: 'changes',
    noun: 'config changes',
    outputSchema: GetConfigChangesOutput,
    line: (c: ConfigChangeOut) => `- ${shortTime(c.time)} ${c.change.toUpperCase()} ${c.detail}`,
    async collect(view, args, window) {
      const [configMaps, secrets, hpas, workloads, events] = await Promise.all([
        view.list('configmaps'),
        view.listOptional('secrets'),
        view.list('horizontalpodautoscalers'),
        view.workloads(),
        view.list('events'),
      ]);
      const changes = configChanges(
        {
          configMaps,
          secrets,
          hpas,
          events,
          workloads: workloads.map((w) => ({ object: w.object, kind: w.ref.kind as 'Deployment' | 'StatefulSet' | 'DaemonSet' })),
        },
        window,
      );
      if (args.workload === undefined && args.service === undefined) return changes;
      const wanted = new Set(workloads.filter((w) => matchesFilter(w.ref, args)).map((w) => workloadKey(w.ref)));
      return changes.filter((c) =>
        [...(c.kind === 'Deployment' || c.kind === 'StatefulSet' ? [`${c.kind}/${c.name}`] : []), ...c.mountedBy].some((ref) =>
          wanted.has(`${c.namespace}/${ref}`),
        ),
      );
    },
  });
}
