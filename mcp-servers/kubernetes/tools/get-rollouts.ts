import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { rolloutsOf } from '../analysis/rollouts.js';
import { matchesFilter } from '../analysis/workloads.js';
import { GetRolloutsOutput, type RolloutOut } from '../schemas.js';
import { inWindow, type KubeToolContext, shortTime } from './common.js';
import { registerListTool } from './list-tool.js';

function line(r: RolloutOut): string {
  const images =
    r.imagesBefore.join(',') === r.imagesAfter.join(',')
      ? r.imagesAfter.join(', ')
      : `${r.imagesBefore.join(', ') || '(none)'} → ${r.imagesAfter.join(', ')}`;
  const other = r.changes
    .filter((c) => c.field !== 'image')
    .map((c) => `${c.container ? `${c.container} ` : ''}${c.field} ${c.before ?? '-'} → ${c.after ?? '-'}`);
  const replicas =
    r.replicas.desired === null ? '' : ` ${r.replicas.ready ?? '?'}/${r.replicas.desired} ready, ${r.replicas.updated ?? '?'} updated`;
  const rollback = r.rollback ? ` ROLLBACK${r.rollbackTo !== null ? ` to rev ${r.rollbackTo}` : ''}` : '';
  return (
    `- ${shortTime(r.time)} ${r.namespace}/${r.kind}/${r.workload} rev ${r.revision}${rollback}: ${images}` +
    `${other.length > 0 ? `; ${other.join('; ')}` : ''}; ${r.status.toUpperCase()}${r.statusReason ? ` (${r.statusReason})` : ''}${replicas}` +
    `${r.changeCause ? `; cause: ${r.changeCause}` : ''}`
  );
}

export function registerGetRolloutsTool(server: McpServer, ctx: KubeToolContext): void {
  registerListTool(server, ctx, {
    name: 'get_rollouts',
    title: 'Rollouts (Deployment/StatefulSet/DaemonSet revisions)',
    description:
      'Workload revisions created in the window, newest first: images before → after, other pod-template changes (memory/CPU limits, env names), change-cause, replicas, status (progressing | complete | failed: ProgressDeadlineExceeded | superseded) and rollbacks named as such.',
    key: 'rollouts',
    noun: 'rollouts',
    outputSchema: GetRolloutsOutput,
    line,
    async collect(view, args, window) {
      const [workloads, replicaSets, controllerRevisions] = await Promise.all([
        view.workloads(),
        view.list('replicasets'),
        view.list('controllerrevisions'),
      ]);
      return workloads
        .filter((w) => matchesFilter(w.ref, args))
        .flatMap((w) => rolloutsOf(w.object, { ...w.ref, kind: w.ref.kind as RolloutOut['kind'] }, { replicaSets, controllerRevisions }))
        .filter((r) => inWindow(Date.parse(r.time), window))
        .sort((a, b) => Date.parse(b.time) - Date.parse(a.time) || a.workload.localeCompare(b.workload));
    },
  });
}
