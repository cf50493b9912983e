import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { guarded, renderBounded, toolOk } from '../../shared/tool-result.js';
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
      ctx.backend.limited(extra.signal, async () => {
        const result = await ctx.backend.services(extra.signal);
        const { notes, mode } = result;
        const now = result.now.toISOString();
        const services = result.services
          .map((s) => ({
            service: s.service,
            entries: s.entries,
            errors: s.errors,
            warnings: s.warnings,
            firstSeen: isoOrNull(s.firstSeen),
            lastSeen: isoOrNull(s.lastSeen),
            ...(s.estimated ? { estimated: true } : {}),
          }))
          .sort((a, b) => b.entries - a.entries || a.service.localeCompare(b.service));
        const header = [notesText(notes), `${services.length} services in ${result.source} (${mode} mode); now is ${now}.`]
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
          ...(result.files !== undefined ? { files: result.files } : {}),
          ...(notes.length > 0 ? { notes } : {}),
        });
      }),
    ),
  );
}
