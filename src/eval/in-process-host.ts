import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { HostTool, ToolHost, ToolOutcome } from '../agent/types.js';
import { errorToOutcome, failure, resultToOutcome } from '../host/outcome.js';

/** A generous per-call limit: in-process calls are fast, so hitting this means a server hung. */
const CALL_TIMEOUT_MS = 30_000;

export interface NamedServer {
  name: string;
  server: McpServer;
}

interface Connected {
  name: string;
  client: Client;
  server: McpServer;
  tools: HostTool[];
}

/**
 * A ToolHost over MCP servers living in this process, joined by in-memory transports: the same protocol as the
 * stdio host without child processes, so evals and tests run fast and need no build.
 */
export class InProcessHost implements ToolHost {
  private constructor(private readonly connected: Connected[]) {}

  static async connect(servers: readonly NamedServer[]): Promise<InProcessHost> {
    const connected: Connected[] = [];
    const seen = new Set<string>();
    for (const { name, server } of servers) {
      const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
      await server.connect(serverSide);
      const client = new Client({ name: 'incidentpilot-eval', version: '0.1.0' });
      await client.connect(clientSide);
      const listed = await client.listTools();
      const tools = listed.tools.map((tool): HostTool => {
        // Same rule as the stdio host: a clashing name is prefixed with its server.
        const unique = seen.has(tool.name) ? `${name}__${tool.name}` : tool.name;
        seen.add(unique);
        return {
          name: unique,
          server: name,
          serverToolName: tool.name,
          description: tool.description ?? '',
          inputSchema: tool.inputSchema as Record<string, unknown>,
        };
      });
      connected.push({ name, client, server, tools });
    }
    return new InProcessHost(connected);
  }

  listTools(): HostTool[] {
    return this.connected.flatMap((entry) => entry.tools);
  }

  async callTool(
    name: string,
    args: Record<string, unknown>,
    options: { signal?: AbortSignal; timeoutMs?: number } = {},
  ): Promise<ToolOutcome> {
    const started = performance.now();
    const owner = this.connected.find((entry) => entry.tools.some((tool) => tool.name === name));
    const tool = owner?.tools.find((candidate) => candidate.name === name);
    if (!owner || !tool) return failure(`unknown tool ${name}`, 'use one of the listed tools', 0);
    const timeoutMs = options.timeoutMs ?? CALL_TIMEOUT_MS;
    try {
      const result = await owner.client.callTool({ name: tool.serverToolName, arguments: args }, undefined, {
        timeout: timeoutMs,
        ...(options.signal ? { signal: options.signal } : {}),
      });
      return resultToOutcome(result as Record<string, unknown>, Math.round(performance.now() - started));
    } catch (error) {
      return errorToOutcome(
        error,
        { server: owner.name, tool: name, timeoutMs, ...(options.signal ? { signal: options.signal } : {}) },
        Math.round(performance.now() - started),
      );
    }
  }

  async close(): Promise<void> {
    for (const entry of this.connected) {
      await entry.client.close().catch(() => undefined);
      await entry.server.close().catch(() => undefined);
    }
  }
}
