import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { LogsToolContext } from './common.js';
import { registerErrorSummaryTool } from './error-summary.js';
import { registerListServicesTool } from './list-services.js';
import { registerReadLogsTool } from './read-logs.js';
import { registerSearchLogsTool } from './search-logs.js';

export type { LogsToolContext } from './common.js';

export function registerLogsTools(server: McpServer, ctx: LogsToolContext): void {
  registerListServicesTool(server, ctx);
  registerErrorSummaryTool(server, ctx);
  registerSearchLogsTool(server, ctx);
  registerReadLogsTool(server, ctx);
}
