import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { RunbookToolContext } from './common.js';
import { registerReadRunbookTool } from './read-runbook.js';
import { registerSearchRunbooksTool } from './search-runbooks.js';

export type { RunbookToolContext } from './common.js';

export function registerRunbookTools(server: McpServer, ctx: RunbookToolContext): void {
  registerSearchRunbooksTool(server, ctx);
  registerReadRunbookTool(server, ctx);
}
