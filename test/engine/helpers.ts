import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll } from 'vitest';
import type { ServerSpec } from '../../src/host/config.js';
import type { HostEvent } from '../../src/host/events.js';
import { type HostOptions, McpHost } from '../../src/host/host.js';
import { type FakeOllama, type FakeScript, startFakeOllama } from '../fakes/ollama/server.js';

export const REPO = path.resolve(import.meta.dirname, '../..');
export const FIXTURE_SERVER = path.join(REPO, 'test/engine/fixtures/fixture-server.mjs');

export function fixtureSpec(name: string, args: string[] = [], env: Record<string, string> = {}): ServerSpec {
  return { name, kind: 'stdio', command: process.execPath, args: [FIXTURE_SERVER, '--name', name, ...args], env, cwd: REPO };
}

export async function startFixtureHost(
  servers: Array<{ name: string; args?: string[]; env?: Record<string, string> }>,
  options: HostOptions = {},
): Promise<{ host: McpHost; events: HostEvent[] }> {
  const events: HostEvent[] = [];
  const host = await McpHost.start(
    servers.map((server) => fixtureSpec(server.name, server.args, server.env)),
    {
      ...options,
      onEvent: (event) => {
        events.push(event);
        options.onEvent?.(event);
      },
    },
  );
  return { host, events };
}

/**
 * A test file's set-up for the Ollama engine: one fixture MCP host for the whole file, and fake Ollama servers that
 * are closed after each test.
 */
export function fakeOllamaSuite(): { host: () => McpHost; fake: (script: FakeScript) => Promise<FakeOllama> } {
  let host: McpHost | undefined;
  const fakes: FakeOllama[] = [];
  beforeAll(async () => {
    ({ host } = await startFixtureHost([{ name: 'fx' }]));
  });
  afterAll(async () => {
    await host?.close();
  });
  afterEach(async () => {
    await Promise.all(fakes.splice(0).map((fake) => fake.close()));
  });
  return {
    host: () => {
      if (!host) throw new Error('the fixture host starts in beforeAll');
      return host;
    },
    fake: async (script) => {
      const server = await startFakeOllama({ script });
      fakes.push(server);
      return server;
    },
  };
}

/** Writes an mcp-servers.json for the fixture server into a fresh temp folder; returns its path. */
export function writeFixtureConfig(servers: Record<string, string[]> = { fixture: [] }): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'ip-config-'));
  const file = path.join(dir, 'mcp-servers.json');
  const mcpServers = Object.fromEntries(
    Object.entries(servers).map(([name, args]) => [name, { command: process.execPath, args: [FIXTURE_SERVER, '--name', name, ...args] }]),
  );
  writeFileSync(file, JSON.stringify({ mcpServers }, null, 2));
  return file;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Waits for a condition that an event will make true; the bound only turns a bug into a failure instead of a hang. */
export async function eventually(condition: () => boolean, boundMs = 10_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > boundMs) throw new Error('condition not met');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
