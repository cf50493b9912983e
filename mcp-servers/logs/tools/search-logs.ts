import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { guarded, renderBounded, toolOk } from '../../shared/tool-result.js';
import { compileMatcher, parseLevelArg } from '../query.js';
import { SearchLogsOutput } from '../schemas.js';
import {
  entryLine,
  entryOut,
  isoOrNull,
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

export function registerSearchLogsTool(server: McpServer, ctx: LogsToolContext): void {
  server.registerTool(
    'search_logs',
    {
      title: 'Search logs',
      description:
        'Finds log entries containing a text (case-insensitive; a literal substring unless regex is true), with their timestamps and the total number of matches. Stack traces are searched with the entry they belong to. Shows the newest matches, oldest first.',
      inputSchema: {
        pattern: z
          .string()
          .describe(
            'Text to find, e.g. "connection refused" (literal, case-insensitive). With regex: true, an RE2 regular expression such as "timeout|refused".',
          ),
        regex: z
          .boolean()
          .optional()
          .describe('Treat pattern as an RE2 regular expression (linear time; no backreferences). Default false.'),
        service: serviceArg,
        level: levelArg,
        since: sinceArg,
        until: untilArg,
        limit: limitArg,
      },
      outputSchema: SearchLogsOutput.shape,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    guarded(async (args, extra: ToolExtra) =>
      ctx.backend.limited(extra.signal, async () => {
        const { limit, note: limitNote } = resolveLimit(args.limit);
        const minLevel = parseLevelArg(args.level);
        const regex = args.regex ?? false;
        const text = { pattern: args.pattern, regex, matches: compileMatcher(args.pattern, regex) };
        const query = { service: args.service, minLevel, since: args.since, until: args.until, text, limit, signal: extra.signal };
        const { window, entries: matches, total, totalExact, first, last, notes } = await ctx.backend.entries(query);
        const span = first !== null ? `, first at ${isoOrNull(first)}, last at ${isoOrNull(last)}` : '';
        const header = [
          notesText(limitNote ? [...notes, limitNote] : notes),
          `${totalExact ? '' : 'at least '}${total} entries match ${args.regex ? 'regex' : 'text'} "${args.pattern}" (${windowText(window)}${args.service ? `, service ${args.service}` : ''})${span}.${total > 0 ? ` Showing the newest ${matches.length}, oldest first.` : ''}`,
        ]
          .filter(Boolean)
          .join('\n');
        return toolOk(renderBounded(header, matches.map(entryLine), total), {
          matches: matches.map(entryOut),
          total,
          truncated: matches.length < total,
          firstMatch: isoOrNull(first),
          lastMatch: isoOrNull(last),
          ...(notes.length > 0 ? { notes } : {}),
        });
      }),
    ),
  );
}
