import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../mcp-servers/metrics/config.js';
import { FIXTURE_DIR, FIXTURE_META } from './fixture-data.js';
import { call, connect, structured, text } from './helpers.js';

/** A stand-in HTTP server for the failure modes a real Prometheus will not produce on demand. */

type Mode = 'unauthorized' | 'forbidden' | 'hang' | 'html' | 'ok';
let mode: Mode = 'ok';
const seen: IncomingHttpHeaders[] = [];
let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push(req.headers);
    if (mode === 'hang') return; // never answers: only the client's timeout ends the request
    if (mode === 'unauthorized' || mode === 'forbidden') {
      res.writeHead(mode === 'unauthorized' ? 401 : 403, { 'content-type': 'text/plain' }).end('no');
      return;
    }
    if (mode === 'html') {
      res.writeHead(200, { 'content-type': 'text/html' }).end('<html>Grafana</html>');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'success', data: [] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

async function listWith(env: Record<string, string>): Promise<string> {
  const { client, close } = await connect(loadConfig({ PROMETHEUS_URL: base, ...env }));
  try {
    const result = await call(client, 'list_metrics');
    return `${result.isError ? 'ERROR ' : ''}${text(result)}`;
  } finally {
    await close();
  }
}

describe('Prometheus failures', () => {
  it('bad credentials get a 401/403 hint and never echo the secret', async () => {
    mode = 'unauthorized';
    const out = await listWith({ PROMETHEUS_BEARER_TOKEN: 'tok-secret-123' });
    expect(out).toMatch(/^ERROR .*refused the request \(HTTP 401/);
    expect(out).toContain('PROMETHEUS_BEARER_TOKEN');
    expect(out).not.toContain('tok-secret-123');
    expect(seen.at(-1)?.authorization).toBe('Bearer tok-secret-123');
    mode = 'forbidden';
    expect(await listWith({})).toContain('HTTP 403: forbidden');
  });

  it('sends basic auth from the environment or from the URL, and keeps the password out of messages', async () => {
    mode = 'unauthorized';
    await listWith({ PROMETHEUS_USERNAME: 'alice', PROMETHEUS_PASSWORD: 'pw-123' });
    expect(seen.at(-1)?.authorization).toBe(`Basic ${Buffer.from('alice:pw-123').toString('base64')}`);
    const { client, close } = await connect(loadConfig({ PROMETHEUS_URL: base.replace('http://', 'http://bob:pw-456@') }));
    try {
      const result = await call(client, 'list_metrics');
      expect(seen.at(-1)?.authorization).toBe(`Basic ${Buffer.from('bob:pw-456').toString('base64')}`);
      expect(text(result)).toContain(base);
      expect(text(result)).not.toContain('pw-456');
    } finally {
      await close();
    }
  });

  it('a server that never answers times out with a hint', async () => {
    mode = 'hang';
    const out = await listWith({ PROMETHEUS_TIMEOUT_MS: '200' });
    expect(out).toContain(`Prometheus at ${base} did not answer within 200 ms`);
    expect(out).toContain('PROMETHEUS_TIMEOUT_MS');
  });

  it('something other than Prometheus at the URL is named as such', async () => {
    mode = 'html';
    const out = await listWith({});
    expect(out).toMatch(/^ERROR .*non-JSON body: <html>Grafana/);
    expect(out).toContain('PROMETHEUS_URL');
  });

  it('an empty Prometheus says so plainly', async () => {
    mode = 'ok';
    const out = await listWith({});
    expect(out).toContain('has no metrics yet');
    expect(out).not.toMatch(/^ERROR/);
  });

  it('anchors now on an explicit DATA_DIR dataset.json (a replay), else on the wall clock', async () => {
    mode = 'ok';
    const replay = await connect(loadConfig({ PROMETHEUS_URL: base, DATA_DIR: FIXTURE_DIR }));
    try {
      expect(structured(await call(replay.client, 'list_metrics')).now).toBe(FIXTURE_META.now);
    } finally {
      await replay.close();
    }
    const live = await connect(loadConfig({ PROMETHEUS_URL: base }));
    try {
      expect(Math.abs(Date.parse(structured(await call(live.client, 'list_metrics')).now) - Date.now())).toBeLessThan(60_000);
    } finally {
      await live.close();
    }
  });
});
