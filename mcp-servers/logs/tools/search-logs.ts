import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { guarded, renderBounded, toolOk } from '../../shared/tool-result.js';
import { compileMatcher, entryMatches, NewestN, parseLevelArg } from '../query.js';
import { literalPrefilter, regexPrefilter } from '../reader/prefilter.js';
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
      ctx.logs.limited(extra.signal, async () => {
        const { limit, note: limitNote } = resolveLimit(args.limit);
        const minLevel = parseLevelArg(args.level);
        const text = compileMatcher(args.pattern, args.regex ?? false);
        const prefilter = args.regex ? regexPrefilter(args.pattern) : literalPrefilter(args.pattern);
        const { files, notes } = ctx.logs.snapshot();
        const window = await ctx.logs.window(args, files);
        const filter = { service: args.service, minLevel, window, text };
        const newest = new NewestN(limit);
        let total = 0;
        let first: number | null = null;
        let last: number | null = null;
        const scanOptions = { since: window.since?.getTime(), until: window.until?.getTime(), prefilter, signal: extra.signal };
        const scan = await ctx.logs.scan(files, scanOptions, (entry, sortTime, file) => {
          if (!entryMatches(entry, filter)) return false;
          total += 1;
          if (entry.time !== null) {
            if (first === null || entry.time < first) first = entry.time;
            if (last === null || entry.time > last) last = entry.time;
          }
          newest.add(entry, sortTime, file);
          return true;
        });
        notes.push(...scan.notes);
        if (total === 0) await ctx.logs.checkService(args.service, files);
        const matches = newest.result();
        await ctx.logs.store.resolveLines(matches, scan);
        const span = first !== null ? `, first at ${isoOrNull(first)}, last at ${isoOrNull(last)}` : '';
        const header = [
          notesText(limitNote ? [...notes, limitNote] : notes),
          `${total} entries match ${args.regex ? 'regex' : 'text'} "${args.pattern}" (${windowText(window)}${args.service ? `, service ${args.service}` : ''})${span}.${total > 0 ? ` Showing the newest ${matches.length}, oldest first.` : ''}`,
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
