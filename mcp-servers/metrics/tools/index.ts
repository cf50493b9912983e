import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { MetricsContext } from './common.js';
import { registerGetAnomaliesTool } from './get-anomalies.js';
import { registerGetErrorRatesTool } from './get-error-rates.js';
import { registerGetMetricsTool } from './get-metrics.js';
import { registerListMetricsTool } from './list-metrics.js';

export type { MetricsContext } from './common.js';

export function registerTools(server: McpServer, ctx: MetricsContext): void {
  registerListMetricsTool(server, ctx);
  registerGetMetricsTool(server, ctx);
  registerGetAnomaliesTool(server, ctx);
  registerGetErrorRatesTool(server, ctx);
}
