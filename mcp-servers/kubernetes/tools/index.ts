import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { KubeToolContext } from './common.js';
import { registerGetRolloutsTool } from './get-rollouts.js';

export type { KubeToolContext } from './common.js';

export function registerKubernetesTools(server: McpServer, ctx: KubeToolContext): void {
  registerGetRolloutsTool(server, ctx);
}
