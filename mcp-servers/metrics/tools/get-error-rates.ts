import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { parseDuration } from '../../shared/time.js';
import { guarded, renderBounded, ToolInputError, toolOk } from '../../shared/tool-result.js';
import { computeErrorRates } from '../analysis/error-rates.js';
import { GetErrorRatesOutput } from '../schemas.js';
import { assertKnownService, formatValue, iso, type MetricsContext, resolveRange, serviceField, sinceField, untilField } from './common.js';

export const DEFAULT_CURRENT_WINDOW = '30m';

const inputSchema = {
  since: sinceField,
  until: untilField,
  service: serviceField,
  currentWindow: z
    .string()
    .optional()
    .describe(
      `length of the "current" window at the end of since…until, as a duration (default ${DEFAULT_CURRENT_WINDOW}); the rest is the baseline`,
    ),
};

interface Args {
  since?: string | undefined;
  until?: string | undefined;
  service?: string | undefined;
  currentWindow?: string | undefined;
}

export function registerGetErrorRatesTool(server: McpServer, { backend }: MetricsContext): void {
  server.registerTool(
    'get_error_rates',
    {
      title: 'Error rates per service',
      description:
        'Per service: error rate in a baseline window vs the current window (default: the last 30m of the window; baseline: the rest), the peak and when, current/baseline ratio and a status ok | elevated | critical. Worst first.',
      inputSchema,
      outputSchema: GetErrorRatesOutput,
      annotations: { readOnlyHint: true, openWorldHint: backend.kind === 'prometheus' },
    },
    guarded(async (args: Args) => {
      const range = await resolveRange(args, backend);
      const currentText = args.currentWindow ?? DEFAULT_CURRENT_WINDOW;
      const currentMs = parseDuration(currentText);
      if (currentMs === undefined || currentMs <= 0) {
        throw new ToolInputError(`currentWindow "${currentText}" is not a duration`, 'give a duration such as 15m or 1h');
      }
      const spanMs = range.until.getTime() - range.since.getTime();
      if (currentMs >= spanMs) {
        throw new ToolInputError(
          `currentWindow ${currentText} leaves no baseline in a ${Math.round(spanMs / 60_000)} min window`,
          'start the window earlier (since) or shorten currentWindow',
        );
      }
      const currentStart = new Date(range.until.getTime() - currentMs);
      const windows = { baseline: { start: range.since, end: currentStart }, current: { start: currentStart, end: range.until } };
      const baselineWindow = { start: iso(range.since), end: iso(currentStart) };
      const currentWindow = { start: iso(currentStart), end: iso(range.until) };
      const empty = await backend.emptyReason();
      if (empty) return toolOk(`No metrics: ${empty}.`, { services: [], baselineWindow, currentWindow });
      await assertKnownService(backend, args.service);

      const rows = computeErrorRates(await backend.errorRateSeries(range, args.service), windows);
      const lines = rows.map((r) => {
        const pct = (v: number | null) => (v === null ? 'n/a' : r.unit === '%' ? formatValue(v, '%') : formatValue(v * 100, '%'));
        return (
          `- ${r.service}: ${r.status.toUpperCase()} current ${pct(r.current)} vs baseline ${pct(r.baseline)}` +
          ` (×${formatValue(r.ratio)}), peak ${pct(r.peak)}${r.peakAt ? ` at ${r.peakAt}` : ''} [${r.metric}]`
        );
      });
      const header =
        rows.length === 0
          ? `No error-rate series found in ${backend.label} for ${args.service ?? 'any service'}: ${backend.kind === 'dataset' ? 'the dataset needs an *error_rate* series or requests + errors count series per service (docs/metrics.md)' : 'the error-rate query returned nothing in this window'}.`
          : `Error rates, current ${currentWindow.start} … ${currentWindow.end} vs baseline ${baselineWindow.start} … ${baselineWindow.end}:`;
      return toolOk(renderBounded(header, lines, rows.length), { services: rows, baselineWindow, currentWindow });
    }),
  );
}
