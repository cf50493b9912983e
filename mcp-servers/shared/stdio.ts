import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';

/**
 * Serves `server` on stdin/stdout. Stdout carries only protocol messages, so diagnostics go to stderr;
 * the process exits when its client closes stdin, leaving no orphan behind a host that died.
 */
export async function runStdio(server: McpServer, name: string): Promise<void> {
  const transport = new StdioServerTransport();
  const shutdown = async (code: number) => {
    await server.close().catch(() => undefined);
    process.exit(code);
  };
  process.stdin.on('end', () => void shutdown(0));
  process.stdin.on('close', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));
  process.on('SIGINT', () => void shutdown(0));
  await server.connect(transport);
  console.error(`${name} MCP server ready on stdio`);
}
