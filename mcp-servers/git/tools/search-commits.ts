import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { DEFAULT_LIMIT, guarded, ToolInputError, toolOk } from '../../shared/tool-result.js';
import type { GitCommit } from '../backend.js';
import { CommitListOutput } from '../schemas.js';
import { renderCommitList } from './commit-list.js';
import { describeWindow, type GitToolContext, limitField, resolveWindow, sinceField, untilField } from './common.js';

/** Longer queries are not a search for a word or a path any more; they also cost a scan per commit. */
const MAX_QUERY_CHARS = 200;

export function matchesQuery(commit: GitCommit, needle: string): boolean {
  return (
    commit.message.toLowerCase().includes(needle) ||
    commit.author.toLowerCase().includes(needle) ||
    commit.files.some((file) => file.toLowerCase().includes(needle))
  );
}

export function registerSearchCommitsTool(server: McpServer, ctx: GitToolContext): void {
  server.registerTool(
    'search_commits',
    {
      title: 'Search commits',
      description:
        'Finds commits whose message, changed file paths or author contain the query (case-insensitive substring), newest first. Use it to find who touched a config key, file or feature.',
      inputSchema: {
        query: z.string().describe('Text to look for (required, non-empty), e.g. "pool size", "payment-gateway.ts" or an author name.'),
        since: sinceField,
        until: untilField,
        limit: limitField,
      },
      outputSchema: CommitListOutput.shape,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    guarded(async (args) => {
      const needle = args.query.trim().toLowerCase();
      if (needle === '')
        throw new ToolInputError(
          'query is empty',
          'give a word, file path or author to search for; use get_recent_commits to list everything',
        );
      if (needle.length > MAX_QUERY_CHARS)
        throw new ToolInputError(`query is longer than ${MAX_QUERY_CHARS} characters`, 'search for one word or path');
      const window = await resolveWindow(ctx.backend, args);
      const listing = await ctx.backend.commits(window);
      const matched = listing.items.filter((c) => matchesQuery(c, needle));
      const title = `Commits matching "${args.query.trim()}" ${describeWindow(window)} in ${ctx.backend.label}`;
      const { text, structured } = renderCommitList(matched, args.limit ?? DEFAULT_LIMIT, title, listing.note);
      return toolOk(text, structured);
    }),
  );
}
