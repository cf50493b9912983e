import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { DEFAULT_LIMIT, guarded, MAX_LIMIT, renderBounded, toolOk } from '../../shared/tool-result.js';
import { formatTags } from '../analysis/naming.js';
import { ListMetricsOutput } from '../schemas.js';
import type { MetricsContext } from './common.js';

const inputSchema = {
  filter: z.string().optional().describe('only series whose name or tags contain this text (case-insensitive)'),
  limit: z.number().int().min(1).max(MAX_LIMIT).optional().describe(`most series to return (default ${DEFAULT_LIMIT}, max ${MAX_LIMIT})`),
};

export function registerListMetricsTool(server: McpServer, { backend }: MetricsContext): void {
  server.registerTool(
    'list_metrics',
    {
      title: 'List metrics',
      description:
        'Lists every metric series (name, tags, unit, point count, first/last time) and the current "now" that relative times count back from. Call first to learn the metric names other tools accept.',
      inputSchema,
      outputSchema: ListMetricsOutput,
      annotations: { readOnlyHint: true, openWorldHint: backend.kind === 'prometheus' },
    },
    guarded(async (args: { filter?: string | undefined; limit?: number | undefined }) => {
      const now = (await backend.now()).toISOString();
      const empty = await backend.emptyReason();
      if (empty) return toolOk(`No metrics: ${empty}.`, { metrics: [], now, total: 0, backend: backend.kind });
      const { metrics, note } = await backend.listMetrics(args.filter);
      const limit = args.limit ?? DEFAULT_LIMIT;
      const shown = metrics.slice(0, limit);
      const lines = shown.map((m) => {
        const span = m.start ? ` ${m.points} points ${m.start} … ${m.end}` : '';
        return `- ${m.metric}${formatTags(m.tags)}${m.unit ? ` [${m.unit}]` : ''}${span}`;
      });
      const header = `${metrics.length} series from ${backend.label}${args.filter ? ` matching "${args.filter}"` : ''}; now = ${now}${note ? ` (${note})` : ''}`;
      return toolOk(renderBounded(header, lines, metrics.length), {
        metrics: shown,
        now,
        total: metrics.length,
        backend: backend.kind,
        ...(note ? { note } : {}),
      });
    }),
  );
}
