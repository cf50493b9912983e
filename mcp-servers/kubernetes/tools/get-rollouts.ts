import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { guarded, renderBounded, toolOk } from '../../shared/tool-result.js';
import { rolloutsOf } from '../analysis/rollouts.js';
import { matchesFilter } from '../analysis/workloads.js';
import { GetRolloutsOutput, type RolloutOut } from '../schemas.js';
import {
  assertKnownWorkload,
  backendName,
  ClusterView,
  type CommonArgs,
  commonInput,
  inWindow,
  type KubeToolContext,
  limitOf,
  noneNote,
  resolveScope,
  resolveWindow,
  shortTime,
  windowOut,
} from './common.js';

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
  return (
    `- ${shortTime(r.time)} ${r.namespace}/${r.kind}/${r.workload} rev ${r.revision}${r.rollback ? ` ROLLBACK${r.rollbackTo !== null ? ` to rev ${r.rollbackTo}` : ''}` : ''}: ` +
    `${images}${other.length > 0 ? `; ${other.join('; ')}` : ''}; ${r.status.toUpperCase()}${r.statusReason ? ` (${r.statusReason})` : ''}${replicas}` +
    `${r.changeCause ? `; cause: ${r.changeCause}` : ''}`
  );
}

export function registerGetRolloutsTool(server: McpServer, ctx: KubeToolContext): void {
  server.registerTool(
    'get_rollouts',
    {
      title: 'Rollouts (Deployment/StatefulSet/DaemonSet revisions)',
      description:
        'Workload revisions created in the window, newest first: images before → after, other pod-template changes (memory/CPU limits, env names), change-cause, replicas, status (progressing | complete | failed: ProgressDeadlineExceeded | superseded) and rollbacks named as such.',
      inputSchema: commonInput,
      outputSchema: GetRolloutsOutput,
      annotations: { readOnlyHint: true, openWorldHint: ctx.backend?.kind === 'api' },
    },
    guarded(async (args: CommonArgs, extra: { signal?: AbortSignal }) => {
      const window = await resolveWindow(args, ctx.backend);
      const base = { window: windowOut(window), backend: backendName(ctx) };
      if (!ctx.backend)
        return toolOk(`No rollouts: ${noneNote(ctx)}.`, { rollouts: [], total: 0, namespaces: [], note: noneNote(ctx), ...base });
      const scope = await resolveScope(ctx, args, extra?.signal);
      const view = new ClusterView(ctx.backend, scope, extra?.signal);
      await assertKnownWorkload(view, args);
      const [workloads, replicaSets, controllerRevisions] = await Promise.all([
        view.workloads(),
        view.list('replicasets'),
        view.list('controllerrevisions'),
      ]);
      const rollouts = workloads
        .filter((w) => matchesFilter(w.ref, args))
        .flatMap((w) => rolloutsOf(w.object, { ...w.ref, kind: w.ref.kind as RolloutOut['kind'] }, { replicaSets, controllerRevisions }))
        .filter((r) => inWindow(Date.parse(r.time), window))
        .sort((a, b) => Date.parse(b.time) - Date.parse(a.time) || a.workload.localeCompare(b.workload));
      const shown = rollouts.slice(0, limitOf(args));
      const note = view.truncationNote();
      const header =
        rollouts.length === 0
          ? `No rollouts between ${base.window.start} and ${base.window.end}${args.workload || args.service ? ' for that workload' : ''}.`
          : `${rollouts.length} rollout(s) between ${base.window.start} and ${base.window.end}, newest first:`;
      return toolOk(renderBounded(note ? `${header} (${note})` : header, shown.map(line), rollouts.length), {
        rollouts: shown,
        total: rollouts.length,
        namespaces: [...(scope ?? [])],
        ...(note ? { note } : {}),
        ...base,
      });
    }),
  );
}
