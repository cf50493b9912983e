import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HostConfigError, loadHostConfig } from '../../src/host/config.js';
import type { HostEvent } from '../../src/host/events.js';
import { McpHost } from '../../src/host/host.js';
import { applyToolPolicy, globToRegExp, MAX_TOOL_DESCRIPTION_CHARS } from '../../src/host/policy.js';
import { FIXTURE_SERVER } from './helpers.js';

const hosts: McpHost[] = [];
afterEach(async () => {
  await Promise.all(hosts.splice(0).map((host) => host.close()));
});

function config(entry: Record<string, unknown>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'ip-policy-'));
  const file = path.join(dir, 'mcp-servers.json');
  const mcpServers = {
    github: { command: process.execPath, args: [FIXTURE_SERVER, '--name', 'github', '--only', 'echo', '--with-write-tool'], ...entry },
  };
  writeFileSync(file, JSON.stringify({ mcpServers }));
  return file;
}

async function start(file: string): Promise<{ host: McpHost; events: HostEvent[] }> {
  const events: HostEvent[] = [];
  const host = await McpHost.start(loadHostConfig(file, {}), { onEvent: (event) => events.push(event) });
  hosts.push(host);
  return { host, events };
}

describe('tool policy', () => {
  it('withholds a tool without readOnlyHint, says so at start-up, and refuses a call to it', async () => {
    const { host, events } = await start(config({}));
    expect(host.listTools().map((tool) => tool.name)).toEqual(['echo']);
    const withheld = events.find((event) => event.type === 'tools_withheld');
    expect(withheld).toMatchObject({ server: 'github', withheld: [{ tool: 'merge_pull_request' }] });
    expect(JSON.stringify(withheld)).toContain('readOnlyHint');
    const outcome = await host.callTool('merge_pull_request', { number: 1 });
    expect(outcome.ok).toBe(false);
    expect(outcome.text).toMatch(/withheld by the tool policy/);
  });

  it('offers a write tool only when allowTools names it, and denyTools wins over everything', async () => {
    const allowed = await start(config({ allowTools: ['merge_*'] }));
    expect(allowed.host.listTools().map((tool) => tool.name)).toEqual(['merge_pull_request']);
    expect((await allowed.host.callTool('merge_pull_request', { number: 7 })).text).toBe('merged #7');

    const denied = await start(config({ denyTools: ['ech?'] }));
    expect(denied.host.listTools()).toEqual([]);
  });

  it('caps long tool descriptions', () => {
    const { offered } = applyToolPolicy(
      [{ name: 'verbose', description: 'x'.repeat(5000), inputSchema: { type: 'object' }, annotations: { readOnlyHint: true } }],
      {},
    );
    expect(offered[0]?.description).toHaveLength(MAX_TOOL_DESCRIPTION_CHARS);
  });

  it('matches globs literally apart from * and ?', () => {
    expect(globToRegExp('get_*').test('get_file_contents')).toBe(true);
    expect(globToRegExp('list.issues').test('listXissues')).toBe(false);
    expect(globToRegExp('search_?').test('search_code')).toBe(false);
  });

  it('rejects a malformed allowTools naming the server', () => {
    expect(() => loadHostConfig(config({ allowTools: 'merge_*' }), {})).toThrow(HostConfigError);
    expect(() => loadHostConfig(config({ allowTools: 'merge_*' }), {})).toThrow(/server "github"/);
  });
});
