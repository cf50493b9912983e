import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { KubeToolContext } from './common.js';
import { registerGetConfigChangesTool } from './get-config-changes.js';
import { registerGetEventsTool } from './get-events.js';
import { registerGetNodeHealthTool } from './get-node-health.js';
import { registerGetRolloutsTool } from './get-rollouts.js';
import { registerGetWorkloadHealthTool } from './get-workload-health.js';

export type { KubeToolContext } from './common.js';

export function registerKubernetesTools(server: McpServer, ctx: KubeToolContext): void {
  registerGetRolloutsTool(server, ctx);
  registerGetConfigChangesTool(server, ctx);
  registerGetWorkloadHealthTool(server, ctx);
  registerGetEventsTool(server, ctx);
  registerGetNodeHealthTool(server, ctx);
}
