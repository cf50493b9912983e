import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { DEFAULT_LIMIT, guarded, toolOk } from '../../shared/tool-result.js';
import { CommitListOutput } from '../schemas.js';
import { renderCommitList } from './commit-list.js';
import {
  describeWindow,
  type GitToolContext,
  limitField,
  resolveService,
  resolveWindow,
  serviceField,
  sinceField,
  untilField,
} from './common.js';

export function registerGetRecentCommitsTool(server: McpServer, ctx: GitToolContext): void {
  server.registerTool(
    'get_recent_commits',
    {
      title: 'Recent commits',
      description:
        'Commits in a time window, newest first, each with author, time, service and changed files. Use it to see what changed shortly before an incident; narrow with service.',
      inputSchema: { since: sinceField, until: untilField, service: serviceField, limit: limitField },
      outputSchema: CommitListOutput.shape,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    guarded(async (args) => {
      const window = await resolveWindow(ctx.backend, args);
      const service = await resolveService(ctx.backend, args.service);
      const listing = await ctx.backend.commits(window);
      const matched = service ? listing.items.filter((c) => c.services.includes(service)) : listing.items;
      const scope = `${describeWindow(window)}${service ? ` for service ${service}` : ''}`;
      const { text, structured } = renderCommitList(
        matched,
        args.limit ?? DEFAULT_LIMIT,
        `Commits ${scope} in ${ctx.backend.label}`,
        listing.note,
      );
      return toolOk(text, structured);
    }),
  );
}
