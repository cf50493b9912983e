import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { z } from 'zod';
import { guarded, renderBounded, toolOk } from '../../shared/tool-result.js';
import {
  assertKnownWorkload,
  backendName,
  ClusterView,
  type CommonArgs,
  commonInput,
  type KubeToolContext,
  limitOf,
  noneNote,
  resolveScope,
  resolveWindow,
  type Window,
  windowOut,
} from './common.js';

/** One tool's parts; the window, scope, filters, bounds and the "nothing configured" answer are the same for all. */
export interface ListToolSpec<T, A extends CommonArgs> {
  name: string;
  title: string;
  description: string;
  /** The structuredContent key of the list (rollouts, changes …). */
  key: string;
  outputSchema: z.ZodObject;
  extraInput?: z.ZodRawShape;
  /** Every matching item, already ordered. */
  collect(view: ClusterView, args: A, window: Window): Promise<T[]>;
  line(item: T): string;
  /** e.g. "rollouts", for "3 rollouts between …" and "No rollouts …". */
  noun: string;
}

export function registerListTool<T, A extends CommonArgs>(server: McpServer, ctx: KubeToolContext, spec: ListToolSpec<T, A>): void {
  server.registerTool(
    spec.name,
    {
      title: spec.title,
      description: spec.description,
      inputSchema: { ...commonInput, ...(spec.extraInput ?? {}) },
      outputSchema: spec.outputSchema,
      annotations: { readOnlyHint: true, openWorldHint: ctx.backend?.kind === 'api' },
    },
    guarded(async (raw: CommonArgs, extra: { signal?: AbortSignal } | undefined) => {
      // The SDK parsed raw against commonInput plus extraInput, which is what A describes.
      const args = raw as A;
      const window = await resolveWindow(args, ctx.backend);
      const base = { window: windowOut(window), backend: backendName(ctx) };
      if (!ctx.backend) {
        return toolOk(`No ${spec.noun}: ${noneNote(ctx)}.`, { [spec.key]: [], total: 0, namespaces: [], note: noneNote(ctx), ...base });
      }
      const scope = await resolveScope(ctx, args, extra?.signal);
      const view = new ClusterView(ctx.backend, scope, extra?.signal);
      await assertKnownWorkload(view, args);
      const items = await spec.collect(view, args, window);
      const shown = items.slice(0, limitOf(args));
      const note = view.note();
      const filtered = args.workload !== undefined || args.service !== undefined ? ` for ${args.workload ?? args.service}` : '';
      const header =
        items.length === 0
          ? `No ${spec.noun}${filtered} between ${base.window.start} and ${base.window.end} (${ctx.backend.label}).`
          : `${items.length} ${spec.noun}${filtered} between ${base.window.start} and ${base.window.end}:`;
      return toolOk(renderBounded(note ? `${header} Note: ${note}.` : header, shown.map(spec.line), items.length), {
        [spec.key]: shown,
        total: items.length,
        namespaces: [...(scope ?? [])],
        ...(note ? { note } : {}),
        ...base,
      });
    }),
  );
}
