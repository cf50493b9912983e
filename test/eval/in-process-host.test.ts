import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createServer } from '../../mcp-servers/git/server.js';
import { InProcessHost } from '../../src/eval/in-process-host.js';

describe('in-process host', () => {
  let host: InProcessHost;
  beforeAll(async () => {
    host = await InProcessHost.connect([{ name: 'git', server: createServer({ dataDir: 'test/fixtures/git-dataset' }) }]);
  });
  afterAll(async () => host.close());

  test('lists the server tools and calls them with text and structured results', async () => {
    expect(host.listTools().map((tool) => tool.name)).toContain('get_deployments');
    expect(host.listTools().every((tool) => tool.server === 'git')).toBe(true);
    const outcome = await host.callTool('get_deployments', { since: '2d' });
    expect(outcome.ok).toBe(true);
    expect(outcome.text).toContain('dep-101');
    expect(Array.isArray(outcome.structured?.deployments)).toBe(true);
  });

  test('failures come back as outcomes, not exceptions', async () => {
    expect((await host.callTool('no_such_tool', {})).ok).toBe(false);
    const bad = await host.callTool('get_deployments', { since: 'yesterday-ish' });
    expect(bad.ok).toBe(false);
    expect(bad.text).toMatch(/^Error/);
  });
});
