import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { guarded, renderBounded, toolOk } from '../../shared/tool-result.js';
import { parseLevelArg } from '../query.js';
import { ReadLogsOutput } from '../schemas.js';
import {
  entryLine,
  entryOut,
  type LogsToolContext,
  levelArg,
  limitArg,
  notesText,
  resolveLimit,
  serviceArg,
  sinceArg,
  type ToolExtra,
  untilArg,
  windowText,
} from './common.js';

export function registerReadLogsTool(server: McpServer, ctx: LogsToolContext): void {
  server.registerTool(
    'read_logs',
    {
      title: 'Read logs',
      description:
        'The newest log entries in a time window, shown oldest to newest, optionally for one service and at or above a level. Use it to see what a service was doing around a moment; use search_logs to find specific text and error_summary for an overview of errors.',
      inputSchema: { service: serviceArg, level: levelArg, since: sinceArg, until: untilArg, limit: limitArg },
      outputSchema: ReadLogsOutput.shape,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    guarded(async (args, extra: ToolExtra) =>
      ctx.backend.limited(extra.signal, async () => {
        const { limit, note: limitNote } = resolveLimit(args.limit);
        const minLevel = parseLevelArg(args.level);
        const query = { service: args.service, minLevel, since: args.since, until: args.until, limit, signal: extra.signal };
        const { window, entries, total, totalExact, notes } = await ctx.backend.entries(query);
        const totalText = totalExact ? `${total}` : `at least ${total}`;
        const header = [
          notesText(limitNote ? [...notes, limitNote] : notes),
          `${totalText} entries matched (${windowText(window)}${args.service ? `, service ${args.service}` : ''}${minLevel ? `, level ≥ ${minLevel}` : ''}); showing the newest ${entries.length}, oldest first.`,
        ]
          .filter(Boolean)
          .join('\n');
        const text = renderBounded(header, entries.map(entryLine), Math.max(total, entries.length));
        return toolOk(text, {
          entries: entries.map(entryOut),
          total,
          truncated: entries.length < total || !totalExact,
          totalExact: totalExact,
          ...(notes.length > 0 ? { notes } : {}),
        });
      }),
    ),
  );
}
