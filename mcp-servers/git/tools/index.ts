import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { GitToolContext } from './common.js';
import { registerGetCommitTool } from './get-commit.js';
import { registerGetDeploymentsTool } from './get-deployments.js';
import { registerGetRecentCommitsTool } from './get-recent-commits.js';
import { registerSearchCommitsTool } from './search-commits.js';

export type { GitToolContext } from './common.js';

export function registerGitTools(server: McpServer, ctx: GitToolContext): void {
  registerGetRecentCommitsTool(server, ctx);
  registerGetDeploymentsTool(server, ctx);
  registerSearchCommitsTool(server, ctx);
  registerGetCommitTool(server, ctx);
}
