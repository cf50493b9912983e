import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { guardStdio } from '../../src/process/stdio-guard.js';

/**
 * Serves `server` on stdin/stdout. Stdout carries only protocol messages, so diagnostics go to stderr;
 * the process exits when its client closes stdin or stdout (no orphan behind a host that died). A closed stderr
 * only silences the diagnostics: the server goes on answering.
 */
export async function runStdio(server: McpServer, name: string): Promise<void> {
  const transport = new StdioServerTransport();
  const shutdown = async (code: number) => {
    await server.close().catch(() => undefined);
    process.exit(code);
  };
  guardStdio({
    note: false,
    onClosed: (stream) => {
      if (stream === 'stdout') void shutdown(0);
    },
  });
  process.stdin.on('end', () => void shutdown(0));
  process.stdin.on('close', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));
  process.on('SIGINT', () => void shutdown(0));
  await server.connect(transport);
  console.error(`${name} MCP server ready on stdio`);
}

/**
 * A server's stdio entry point: `build` reads its configuration and makes the server; an error `configMessage`
 * recognises is one "invalid configuration" stderr line and exit code 2 (the host names the server), anything
 * else is fatal with exit code 1. `fatalText` picks what a fatal error prints (default: the error itself).
 */
export function serveStdio(
  name: string,
  build: () => McpServer | Promise<McpServer>,
  configMessage: (error: unknown) => string | undefined,
  fatalText: (error: unknown) => unknown = (error) => error,
): void {
  // Before the first diagnostic: a closed stderr must not turn a log line into a crash. No note on the other
  // stream: stdout carries only protocol messages.
  guardStdio({ note: false });
  const main = async () => {
    let server: McpServer;
    try {
      server = await build();
    } catch (error) {
      const message = configMessage(error);
      if (message === undefined) throw error;
      console.error(`${name}: invalid configuration: ${message}`);
      process.exit(2);
    }
    await runStdio(server, name);
  };
  main().catch((error: unknown) => {
    console.error(`${name}: fatal:`, fatalText(error));
    process.exit(1);
  });
}
