import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { guarded, renderBounded, toolOk } from '../../shared/tool-result.js';
import { DEFAULT_MAX_POINTS, downsample, MAX_MAX_POINTS } from '../analysis/downsample.js';
import { formatTags } from '../analysis/naming.js';
import { round, summarize } from '../analysis/stats.js';
import { GetMetricsOutput } from '../schemas.js';
import { formatValue, iso, type MetricsContext, resolveRange, shortTime, sinceField, untilField } from './common.js';

/** Each series carries up to maxPoints points, so fewer series than other tools' items fit a response. */
export const DEFAULT_SERIES_LIMIT = 10;
export const MAX_SERIES_LIMIT = 50;
/** Points per text line, so no line is cut at the 500-character limit. */
const POINTS_PER_LINE = 16;

const inputSchema = {
  metric: z.string().min(1).describe('metric name as list_metrics shows it; with `query`, the name to give its result'),
  tags: z.record(z.string(), z.string()).optional().describe('only series whose tags equal these, e.g. {"service": "checkout"}'),
  query: z
    .string()
    .optional()
    .describe(
      'Prometheus backend only, explicit opt-in: a raw PromQL expression to run instead of selecting `metric` (e.g. rate(http_requests_total[5m]))',
    ),
  since: sinceField,
  until: untilField,
  maxPoints: z
    .number()
    .int()
    .min(2)
    .max(MAX_MAX_POINTS)
    .optional()
    .describe(`downsample each series to at most this many bucket averages (default ${DEFAULT_MAX_POINTS})`),
  limit: z
    .number()
    .int()
    .min(1)
    .max(MAX_SERIES_LIMIT)
    .optional()
    .describe(`most series to return (default ${DEFAULT_SERIES_LIMIT}, max ${MAX_SERIES_LIMIT})`),
};

interface Args {
  metric: string;
  tags?: Record<string, string> | undefined;
  query?: string | undefined;
  since?: string | undefined;
  until?: string | undefined;
  maxPoints?: number | undefined;
  limit?: number | undefined;
}

export function registerGetMetricsTool(server: McpServer, { backend }: MetricsContext): void {
  server.registerTool(
    'get_metrics',
    {
      title: 'Get metric series',
      description:
        'Returns the series of one metric in a time window (optionally filtered by tags), bucket-averaged to at most maxPoints points, with the raw min/max/avg and when the max happened.',
      inputSchema,
      outputSchema: GetMetricsOutput,
      annotations: { readOnlyHint: true, openWorldHint: backend.kind === 'prometheus' },
    },
    guarded(async (args: Args) => {
      const range = await resolveRange(args, backend);
      const window = { start: iso(range.since), end: iso(range.until) };
      const empty = await backend.emptyReason();
      if (empty) return toolOk(`No metrics: ${empty}.`, { series: [], total: 0, window });
      const maxPoints = args.maxPoints ?? DEFAULT_MAX_POINTS;
      const { series, note } = await backend.getSeries({
        metric: args.metric,
        ...(args.query !== undefined ? { query: args.query } : {}),
        tags: args.tags ?? {},
        range,
        maxPoints,
      });
      const limit = args.limit ?? DEFAULT_SERIES_LIMIT;
      const withDate = range.until.getTime() - range.since.getTime() > 86_400_000;
      const out = series.slice(0, limit).map((s) => {
        const stats = summarize(s.points);
        const reduced = downsample(s.points, maxPoints);
        return {
          metric: args.query !== undefined ? args.metric : s.metric,
          tags: s.tags,
          unit: s.unit,
          points: reduced.points.map(([t, v]) => [iso(t), round(v, 6)] as [string, number]),
          min: stats.min === null ? null : round(stats.min, 6),
          max: stats.max === null ? null : round(stats.max, 6),
          avg: stats.avg === null ? null : round(stats.avg, 6),
          count: s.points.length,
          downsampled: reduced.downsampled,
          minAt: stats.minAt === null ? null : iso(stats.minAt),
          maxAt: stats.maxAt === null ? null : iso(stats.maxAt),
          raw: reduced.points,
        };
      });
      const lines: string[] = [];
      for (const s of out) {
        const how = s.downsampled ? `${s.points.length} bucket averages of ${s.count} points` : `${s.count} points`;
        lines.push(
          `## ${s.metric}${formatTags(s.tags)}${s.unit ? ` [${s.unit}]` : ''}: ${how}; min ${formatValue(s.min)} max ${formatValue(s.max)}${s.maxAt ? ` at ${s.maxAt}` : ''} avg ${formatValue(s.avg)}`,
        );
        for (let i = 0; i < s.raw.length; i += POINTS_PER_LINE) {
          lines.push(
            s.raw
              .slice(i, i + POINTS_PER_LINE)
              .map(([t, v]) => `${shortTime(t, withDate)} ${formatValue(v)}`)
              .join(', '),
          );
        }
      }
      const header = `${series.length} series of ${args.query !== undefined ? `query ${args.query}` : args.metric} from ${window.start} to ${window.end} (UTC)${note ? `; note: ${note}` : ''}${series.length === 0 ? '; no points in this window, widen it' : ''}`;
      const text = renderBounded(header, lines, lines.length);
      const more = series.length - out.length;
      return toolOk(more > 0 ? `${text}\n… ${more} more series matched; filter with tags or raise limit.` : text, {
        series: out.map(({ raw: _raw, ...rest }) => rest),
        total: series.length,
        window,
        ...(note ? { note } : {}),
      });
    }),
  );
}
