import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { cutLine, guarded, renderBounded, toolOk } from '../../shared/tool-result.js';
import type { CommitDetail } from '../backend.js';
import { commitOut, deploymentLine, deploymentOut } from '../render.js';
import { GetCommitOutput } from '../schemas.js';
import type { GitToolContext } from './common.js';

/** The message body is shown up to this many lines; squash merges can carry hundreds. */
const MAX_MESSAGE_LINES = 40;

export function registerGetCommitTool(server: McpServer, ctx: GitToolContext): void {
  server.registerTool(
    'get_commit',
    {
      title: 'One commit',
      description:
        'One commit in full: message, author, time, service, changed files, a diff stat (lines added/removed per file, real repositories only) and the deployments that shipped it.',
      inputSchema: {
        sha: z.string().describe('The commit sha: the full sha or a unique prefix of at least 4 hex digits, e.g. 3f9a2c1.'),
      },
      outputSchema: GetCommitOutput.shape,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    guarded(async (args) => {
      const detail = await ctx.backend.getCommit(args.sha);
      const { commit } = detail;
      const structured = {
        commit: { ...commitOut(commit), diffStat: detail.diffStat, diffStatFilesTotal: detail.diffStatFilesTotal },
        deployments: detail.deployments.map(deploymentOut),
      };
      return toolOk(renderDetail(detail, ctx.backend.label), structured);
    }),
  );
}

function renderDetail(detail: CommitDetail, label: string): string {
  const { commit } = detail;
  const messageLines = commit.message.split('\n');
  const message = messageLines.slice(0, MAX_MESSAGE_LINES).map((line) => `    ${cutLine(line)}`);
  if (messageLines.length > MAX_MESSAGE_LINES) message.push(`    … ${messageLines.length - MAX_MESSAGE_LINES} more lines`);
  const head = [
    `Commit ${commit.sha} in ${label}`,
    `Author: ${commit.author}`,
    `Date: ${commit.date}`,
    `Service: ${commit.services.length > 0 ? commit.services.join(', ') : '(none: no files map to a service)'}`,
    'Message:',
    ...message,
    detail.deployments.length > 0
      ? `Shipped by ${detail.deployments.length} deployment(s):\n${detail.deployments.map((d) => `  ${deploymentLine(d)}`).join('\n')}`
      : 'Shipped by: no known deployment includes this commit.',
  ].join('\n');
  if (detail.diffStat) {
    const total = detail.diffStatFilesTotal ?? detail.diffStat.length;
    const lines = detail.diffStat.map((s) => `  ${s.added === null ? 'binary' : `+${s.added} -${s.removed}`}  ${s.file}`);
    return renderBounded(`${head}\nDiff stat (${total} files, largest changes first):`, lines, total);
  }
  const lines = commit.files.map((file) => `  ${file}`);
  return renderBounded(`${head}\nFiles (${commit.files.length}; no diff stat in a dataset):`, lines, commit.files.length);
}
