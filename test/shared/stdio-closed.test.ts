import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

/**
 * An MCP server whose stderr reader has gone keeps answering on stdout; one whose stdout reader (its client) has gone
 * exits 0, quietly, like a closed stdin. Spoken in the stdio transport's wire format: one JSON-RPC message per line.
 */

const ENTRY = path.resolve('dist/mcp-servers/metrics/index.js');
const DATA_DIR = path.resolve('test/fixtures/metrics-dataset');
/** A server that neither answers nor exits by then is stuck. */
const LIMIT_MS = 20_000;

beforeAll(() => {
  if (!existsSync(ENTRY)) throw new Error(`${ENTRY} is missing: run npm run build first`);
});

function startServer(): { child: ChildProcessWithoutNullStreams; exited: Promise<number | null>; stdout: () => string } {
  const child = spawn(process.execPath, [ENTRY], { env: { PATH: process.env.PATH ?? '', DATA_DIR }, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited, stdout: () => stdout };
}

function send(child: ChildProcessWithoutNullStreams, message: Record<string, unknown>): void {
  child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', ...message })}\n`);
}

const INITIALIZE = {
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'stdio-closed-test', version: '0.0.0' } },
};

async function waitFor<T>(what: string, check: () => T | undefined): Promise<T> {
  const deadline = Date.now() + LIMIT_MS;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function within<T>(promise: Promise<T>, what: string): Promise<T> {
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what} not within ${LIMIT_MS} ms`)), LIMIT_MS).unref()),
  ]);
}

describe('MCP server with a closed stdio stream', () => {
  it('stderr closed before its first line: still initialises, lists tools and answers a call', async () => {
    const server = startServer();
    try {
      server.child.stderr.destroy();
      send(server.child, INITIALIZE);
      await waitFor('the initialize answer', () => (server.stdout().includes('"id":1') ? true : undefined));
      send(server.child, { method: 'notifications/initialized' });
      send(server.child, { id: 2, method: 'tools/list' });
      await waitFor('the tool list', () => (/"id":2.*list_metrics|list_metrics.*"id":2/.test(server.stdout()) ? true : undefined));
      send(server.child, { id: 3, method: 'tools/call', params: { name: 'list_metrics', arguments: {} } });
      await waitFor('the call result', () => (server.stdout().includes('"id":3') ? true : undefined));
      // A failed write is reported after the write returns: the server must still be there a while later.
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      send(server.child, { id: 4, method: 'tools/call', params: { name: 'list_metrics', arguments: {} } });
      await waitFor('the second call result', () =>
        server.stdout().includes('"id":4') || server.child.exitCode !== null ? true : undefined,
      );
      expect(server.child.exitCode).toBeNull();
      expect(server.stdout()).toContain('"id":4');
      // Stdout carries only protocol messages: no note about the closed stderr there.
      const lines = server
        .stdout()
        .split('\n')
        .filter((line) => line !== '');
      for (const line of lines) expect(JSON.parse(line)).toMatchObject({ jsonrpc: '2.0' });
    } finally {
      server.child.kill('SIGKILL');
    }
  }, 60_000);

  it('stdout closed by its client: exits 0 on its next answer', async () => {
    const server = startServer();
    let stderr = '';
    server.child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    try {
      send(server.child, INITIALIZE);
      await waitFor('the initialize answer', () => (server.stdout().includes('"id":1') ? true : undefined));
      server.child.stdout.destroy();
      send(server.child, { method: 'notifications/initialized' });
      send(server.child, { id: 2, method: 'tools/list' });
      expect(await within(server.exited, 'exit')).toBe(0);
      expect(stderr).not.toMatch(/Error|\n\s+at /);
    } finally {
      server.child.kill('SIGKILL');
    }
  }, 60_000);
});
