import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { DEFAULT_LIMIT, guarded, MAX_LIMIT, renderBounded, toolOk } from '../../shared/tool-result.js';
import { detectAnomalies, SEVERITY_RANK, type Severity } from '../analysis/anomalies.js';
import { formatTags } from '../analysis/naming.js';
import { GetAnomaliesOutput } from '../schemas.js';
import { withClimbStarts } from './climb-history.js';
import { assertKnownService, formatValue, iso, type MetricsContext, resolveRange, serviceField, sinceField, untilField } from './common.js';

/** The baseline comes from the period just before the window, as long as the window but never more than this. */
export const MAX_BASELINE_SPAN_MS = 6 * 3_600_000;

const inputSchema = {
  since: sinceField,
  until: untilField,
  metric: z.string().optional().describe('only this metric (Prometheus: also an anomaly query name such as error_rate)'),
  service: serviceField,
  minSeverity: z.enum(['low', 'medium', 'high', 'critical']).optional().describe('leave out anomalies below this severity (default low)'),
  limit: z
    .number()
    .int()
    .min(1)
    .max(MAX_LIMIT)
    .optional()
    .describe(`most anomalies to return (default ${DEFAULT_LIMIT}, max ${MAX_LIMIT})`),
};

interface Args {
  since?: string | undefined;
  until?: string | undefined;
  metric?: string | undefined;
  service?: string | undefined;
  minSeverity?: Severity | undefined;
  limit?: number | undefined;
}

export function registerGetAnomaliesTool(server: McpServer, { backend }: MetricsContext): void {
  server.registerTool(
    'get_anomalies',
    {
      title: 'Find metric anomalies',
      description:
        'Scans every series in the window for spikes, level shifts and drops against a robust baseline (median and MAD of the preceding period, or of the early window). Gives per series the onset (when it left its baseline band), baseline vs peak, ratio, z-score and severity, most severe first. Onsets across services show what broke first.',
      inputSchema,
      outputSchema: GetAnomaliesOutput,
      annotations: { readOnlyHint: true, openWorldHint: backend.kind === 'prometheus' },
    },
    guarded(async (args: Args) => {
      const range = await resolveRange(args, backend);
      const span = Math.min(range.until.getTime() - range.since.getTime(), MAX_BASELINE_SPAN_MS);
      const baselineFrom = new Date(range.since.getTime() - span);
      const window = { start: iso(range.since), end: iso(range.until) };
      const baselineWindow = { start: iso(baselineFrom), end: window.start };
      const empty = await backend.emptyReason();
      if (empty) return toolOk(`No metrics: ${empty}.`, { anomalies: [], seriesScanned: 0, total: 0, window, baselineWindow });
      await assertKnownService(backend, args.service);

      const series = await backend.anomalySeries({
        range,
        baselineFrom,
        ...(args.metric ? { metric: args.metric } : {}),
        ...(args.service ? { service: args.service } : {}),
      });
      const floor = SEVERITY_RANK[args.minSeverity ?? 'low'];
      const found = detectAnomalies(series, range).filter((a) => SEVERITY_RANK[a.severity] >= floor);
      const shown = await withClimbStarts(backend, found.slice(0, args.limit ?? DEFAULT_LIMIT), range.until);
      const lines = shown.map(
        (a, i) =>
          `${i + 1}. [${a.severity}] ${a.metric}${formatTags(a.tags)}${a.service ? ` (service ${a.service})` : ''}: ${a.kind} ${a.direction}, ` +
          `onset ${a.onset}, peak ${formatValue(a.peak, a.unit)} at ${a.peakAt} vs baseline ${formatValue(a.baseline, a.unit)} ` +
          `(×${formatValue(a.ratio)}, z ${formatValue(a.zScore)}; ${a.shape}${a.recovered ? ', recovered' : ', still out of band at window end'})` +
          (a.exhaustion?.climbStart ? `; climbing since ${a.exhaustion.climbStart}` : ''),
      );
      const header =
        `${found.length} anomalies in ${series.length} series scanned, ${window.start} … ${window.end}; baseline from the ${span / 60_000} min before the window` +
        ` (or the window's first quarter where that has no data).${found.length === 0 ? ' Nothing left its baseline band: the metrics look normal here.' : ''}`;
      return toolOk(renderBounded(header, lines, found.length), {
        anomalies: shown,
        seriesScanned: series.length,
        total: found.length,
        window,
        baselineWindow,
      });
    }),
  );
}
