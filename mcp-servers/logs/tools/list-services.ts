import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { guarded, renderBounded, toolOk } from '../../shared/tool-result.js';
import { asToolError } from '../context.js';
import { fileNotes } from '../file-notes.js';
import { ListServicesOutput } from '../schemas.js';
import { isoOrNull, type LogsToolContext, notesText, type ToolExtra } from './common.js';

export function registerListServicesTool(server: McpServer, ctx: LogsToolContext): void {
  server.registerTool(
    'list_services',
    {
      title: 'List services',
      description:
        "Every service seen in the logs with its entry, error and warning counts and first/last timestamps, plus the dataset's now (what relative windows such as 2h count back from). Call it first to learn service names and the time span.",
      inputSchema: {},
      outputSchema: ListServicesOutput.shape,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    guarded(async (_args, extra: ToolExtra) =>
      ctx.logs.limited(extra.signal, async () => {
        const { files, notes } = ctx.logs.snapshot();
        let result: Awaited<ReturnType<typeof ctx.logs.store.serviceStatsSampled>>;
        try {
          result = await ctx.logs.store.serviceStatsSampled(files);
        } catch (error) {
          throw asToolError(error);
        }
        const { stats, sampled, estimated, perFile } = result;
        for (const file of sampled) {
          notes.push(
            `${file.label} (${(file.size / 2 ** 20).toFixed(0)} MiB) was sampled, not read whole: its services' entry, error and warning counts and first/last seen are estimates (~), and a service writing rarely may be missing; error_summary and search_logs count exactly`,
          );
        }
        const now = (await ctx.logs.now(files)).toISOString();
        notes.push(...fileNotes(perFile, Date.parse(now)));
        const services = [...stats.entries()]
          .map(([service, s]) => ({
            service,
            entries: s.entries,
            errors: s.errors,
            warnings: s.warnings,
            firstSeen: isoOrNull(s.firstSeen),
            lastSeen: isoOrNull(s.lastSeen),
            ...(estimated.has(service) ? { estimated: true } : {}),
          }))
          .sort((a, b) => b.entries - a.entries || a.service.localeCompare(b.service));
        const mode = ctx.logs.live ? 'live' : 'dataset';
        const header = [notesText(notes), `${services.length} services in ${files.length} log files (${mode} mode); now is ${now}.`]
          .filter(Boolean)
          .join('\n');
        const lines = services.map(
          (s) =>
            `${s.service}: ${s.estimated ? '~' : ''}${s.entries} entries, ${s.estimated ? '~' : ''}${s.errors} errors, ${s.estimated ? '~' : ''}${s.warnings} warnings; ${s.firstSeen ?? '?'} → ${s.lastSeen ?? '?'}`,
        );
        return toolOk(renderBounded(header, lines, services.length), {
          services,
          now,
          mode,
          files: files.length,
          ...(notes.length > 0 ? { notes } : {}),
        });
      }),
    ),
  );
}
