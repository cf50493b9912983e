import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { MetricsConfig } from '../../mcp-servers/metrics/config.js';
import { createServer } from '../../mcp-servers/metrics/server.js';
import { type Connected, connectInProcess } from '../support/in-process.js';

/** An SDK client connected in-process to a metrics server built from `config`. */
export function connect(config: MetricsConfig): Promise<Connected> {
  return connectInProcess(createServer({ config }), 'metrics-test');
}

export async function call(client: Client, name: string, args: Record<string, unknown> = {}): Promise<CallToolResult> {
  return (await client.callTool({ name, arguments: args })) as CallToolResult;
}

export function text(result: CallToolResult): string {
  return result.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');
}

// biome-ignore lint/suspicious/noExplicitAny: tests read structuredContent loosely and assert on its shape
export function structured(result: CallToolResult): any {
  if (result.isError) throw new Error(`tool failed: ${text(result)}`);
  return result.structuredContent;
}
