import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { cutLine, guarded, renderBounded, toolOk } from '../../shared/tool-result.js';
import { ErrorSummaryOutput } from '../schemas.js';
import {
  type LogsToolContext,
  limitArg,
  notesText,
  resolveLimit,
  serviceArg,
  sinceArg,
  type ToolExtra,
  untilArg,
  windowText,
} from './common.js';

export { MAX_SIGNATURES } from '../signature-groups.js';

export function registerErrorSummaryTool(server: McpServer, ctx: LogsToolContext): void {
  server.registerTool(
    'error_summary',
    {
      title: 'Error summary',
      description:
        'Groups warning, error and fatal entries in a window into signatures (numbers, ids, UUIDs, hex, IPs, emails, durations and paths masked), ranked by count, each with first/last seen, services and one verbatim example line. Signatures are stable across windows: compare a window before an incident with one near its onset to see what is new or growing.',
      inputSchema: { service: serviceArg, since: sinceArg, until: untilArg, limit: limitArg },
      outputSchema: ErrorSummaryOutput.shape,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    guarded(async (args, extra: ToolExtra) =>
      ctx.backend.limited(extra.signal, async () => {
        const { limit, note: limitNote } = resolveLimit(args.limit);
        const result = await ctx.backend.errors({ service: args.service, since: args.since, until: args.until, signal: extra.signal });
        const { window, groups, totalErrors, totalWarnings, notes } = result;
        const shown = groups.ranked().slice(0, limit);
        const header = [
          notesText(limitNote ? [...notes, limitNote] : notes),
          `${totalErrors} errors (incl. fatal) and ${totalWarnings} warnings in ${windowText(window)}${args.service ? ` for ${args.service}` : ''}: ${groups.size} distinct signatures, most frequent first.`,
        ]
          .filter(Boolean)
          .join('\n');
        const lines = shown.map(
          (s, i) =>
            `${i + 1}. ${s.count}× ${s.level.toUpperCase()} ${s.signature}\n    services: ${s.services.join(', ')}; first ${s.firstSeen ?? '?'}, last ${s.lastSeen ?? '?'}\n    e.g. ${cutLine(s.example, 300)}`,
        );
        return toolOk(renderBounded(header, lines, groups.size), {
          signatures: shown,
          totalErrors,
          totalWarnings,
          distinctSignatures: groups.size,
          ...(notes.length > 0 ? { notes } : {}),
        });
      }),
    ),
  );
}
