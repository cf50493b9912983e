import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseHostConfig } from '../../src/host/config.js';
import { McpHost } from '../../src/host/host.js';

let http: Server;
let url: string;
const seenAuth: Array<string | undefined> = [];

beforeAll(async () => {
  const server = new McpServer({ name: 'remote', version: '1.0.0' });
  server.registerTool(
    'remote_echo',
    { description: 'Echoes over HTTP.', inputSchema: { text: z.string() }, annotations: { readOnlyHint: true } },
    async ({ text }) => ({
      content: [{ type: 'text', text: `remote: ${text}` }],
    }),
  );
  const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: () => randomUUID() });
  await server.connect(transport);
  http = createServer((req, res) => {
    seenAuth.push(req.headers.authorization);
    void transport.handleRequest(req, res);
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`;
});
afterAll(async () => {
  http.closeAllConnections();
  await new Promise<void>((resolve) => http.close(() => resolve()));
});

describe('McpHost with a Streamable HTTP server', () => {
  it('connects with the configured headers (variables expanded) and routes calls', async () => {
    const specs = parseHostConfig(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a config placeholder, expanded by the host
      { mcpServers: { remote: { url: '${REMOTE_URL}', headers: { Authorization: 'Bearer ${env:REMOTE_TOKEN}' } } } },
      'mcp.json',
      { REMOTE_URL: url, REMOTE_TOKEN: 'tok-1' },
    );
    const host = await McpHost.start(specs);
    try {
      expect(host.listTools().map((tool) => `${tool.server}/${tool.name}`)).toEqual(['remote/remote_echo']);
      expect(await host.callTool('remote_echo', { text: 'hi' })).toMatchObject({ ok: true, text: 'remote: hi' });
      expect(seenAuth.length).toBeGreaterThan(0);
      expect(seenAuth.every((value) => value === 'Bearer tok-1')).toBe(true);
    } finally {
      await host.close();
    }
  });

  it('reports an HTTP server that is not there as failed', async () => {
    const host = await McpHost.start([{ name: 'gone', kind: 'http', url: 'http://127.0.0.1:9/mcp', headers: {} }]);
    try {
      expect(host.status()[0]).toMatchObject({ name: 'gone', state: 'failed' });
      expect(host.listTools()).toEqual([]);
    } finally {
      await host.close();
    }
  });
});
