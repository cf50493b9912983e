import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { cutLine, guarded, renderBounded, toolOk } from '../../shared/tool-result.js';
import { LEVEL_RANK } from '../parser/levels.js';
import { entryMatches } from '../query.js';
import { levelPrefilter } from '../reader/prefilter.js';
import { type ErrorSignature, ErrorSummaryOutput, type LogLevel } from '../schemas.js';
import { errorSignature } from '../signature.js';
import type { LogEntry } from '../types.js';
import {
  isoOrNull,
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

/** Distinct signatures tracked; past it, new ones are counted together, since masking that fails that often makes more useless. */
export const MAX_SIGNATURES = 10_000;
/** Services listed per signature. */
const MAX_SERVICES = 20;
const OVERFLOW_SIGNATURE = '(other signatures, beyond the tracking limit)';

interface Group {
  signature: string;
  level: LogLevel;
  count: number;
  first: number | null;
  last: number | null;
  services: Set<string>;
  example: string;
}

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
      ctx.logs.limited(extra.signal, async () => {
        const { limit, note: limitNote } = resolveLimit(args.limit);
        const { files, notes } = ctx.logs.snapshot();
        const window = await ctx.logs.window(args, files);
        const filter = { service: args.service, minLevel: 'warn' as const, window };
        const groups = new Map<string, Group>();
        let totalErrors = 0;
        let totalWarnings = 0;
        const scanOptions = {
          since: window.since?.getTime(),
          until: window.until?.getTime(),
          prefilter: levelPrefilter(),
          signal: extra.signal,
          // Signatures cite times and an example line, never line numbers.
          lineNumbers: false,
        };
        const scan = await ctx.logs.scan(files, scanOptions, (entry) => {
          if (!entryMatches(entry, filter)) return false;
          if (entry.level === 'warn') totalWarnings += 1;
          else totalErrors += 1;
          addToGroups(groups, entry);
          return true;
        });
        notes.push(...scan.notes);
        if (totalErrors + totalWarnings === 0) await ctx.logs.checkService(args.service, files);
        const ranked = [...groups.values()].sort(
          (a, b) => b.count - a.count || LEVEL_RANK[b.level] - LEVEL_RANK[a.level] || (a.first ?? 0) - (b.first ?? 0),
        );
        const shown = ranked.slice(0, limit).map(toSignature);
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

function addToGroups(groups: Map<string, Group>, entry: LogEntry): void {
  const level = entry.level ?? 'warn';
  let signature = errorSignature(entry.message);
  let key = `${level} ${signature}`;
  if (!groups.has(key) && groups.size >= MAX_SIGNATURES) {
    signature = OVERFLOW_SIGNATURE;
    key = `${level} ${signature}`;
  }
  let group = groups.get(key);
  if (!group) {
    group = { signature, level, count: 0, first: null, last: null, services: new Set(), example: cutLine(entry.raw) };
    groups.set(key, group);
  }
  group.count += 1;
  if (group.services.size < MAX_SERVICES) group.services.add(entry.service);
  if (entry.time !== null) {
    if (group.first === null || entry.time < group.first) group.first = entry.time;
    if (group.last === null || entry.time > group.last) group.last = entry.time;
  }
}

function toSignature(group: Group): ErrorSignature {
  return {
    signature: group.signature,
    level: group.level,
    count: group.count,
    firstSeen: isoOrNull(group.first),
    lastSeen: isoOrNull(group.last),
    services: [...group.services].sort(),
    example: group.example,
  };
}
