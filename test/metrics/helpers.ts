import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { MetricsConfig } from '../../mcp-servers/metrics/config.js';
import { createServer } from '../../mcp-servers/metrics/server.js';

/** An SDK client connected in-process to a metrics server built from `config`. */
export async function connect(config: MetricsConfig): Promise<{ client: Client; close: () => Promise<void> }> {
  const server = createServer({ config });
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  const client = new Client({ name: 'metrics-test', version: '0.0.0' });
  await Promise.all([server.connect(serverTransport), client.connect(clientTransport)]);
  return {
    client,
    close: async () => {
      await client.close();
      await server.close();
    },
  };
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
