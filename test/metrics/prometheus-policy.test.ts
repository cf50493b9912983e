import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../mcp-servers/metrics/config.js';
import { call, connect, text } from './helpers.js';

/** What every Prometheus request carries, checked on a stand-in server that records the URLs it is asked for. */

const urls: URL[] = [];
let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    urls.push(url);
    const data = url.pathname.endsWith('/values')
      ? ['http_requests_total']
      : url.pathname.endsWith('query_range')
        ? { resultType: 'matrix', result: [] }
        : [];
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'success', data }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

async function getMetrics(env: Record<string, string>, args: Record<string, unknown>) {
  const { client, close } = await connect(loadConfig({ PROMETHEUS_URL: base, PROMETHEUS_TIMEOUT_MS: '10000', ...env }));
  try {
    return await call(client, 'get_metrics', args);
  } finally {
    await close();
  }
}

describe('Prometheus query policy', () => {
  it('refuses raw PromQL unless the operator opted in, without sending it', async () => {
    urls.length = 0;
    const result = await getMetrics({}, { metric: 'x', query: 'count({__name__=~".+"})' });
    expect(result.isError).toBe(true);
    expect(text(result)).toMatch(/raw PromQL `query` is disabled/);
    expect(text(result)).toContain('PROMETHEUS_ALLOW_RAW_QUERY=true');
    expect(urls.filter((url) => url.pathname.endsWith('query_range'))).toEqual([]);
  });

  it('runs it with the opt-in, carrying Prometheus’s own timeout parameter', async () => {
    urls.length = 0;
    const result = await getMetrics(
      { PROMETHEUS_ALLOW_RAW_QUERY: 'true' },
      { metric: 'x', query: 'sum(rate(http_requests_total[5m]))', since: '2024-05-01T10:00:00Z', until: '2024-05-01T12:00:00Z' },
    );
    expect(result.isError).toBeFalsy();
    const range = urls.find((url) => url.pathname.endsWith('query_range'));
    expect(range?.searchParams.get('query')).toBe('sum(rate(http_requests_total[5m]))');
    expect(range?.searchParams.get('timeout')).toBe('9000ms');
  });

  it('refuses a window longer than the bound with a hint to narrow it', async () => {
    const result = await getMetrics(
      { PROMETHEUS_ALLOW_RAW_QUERY: 'true' },
      { metric: 'x', query: 'up', since: '2023-01-01T00:00:00Z', until: '2024-05-01T00:00:00Z' },
    );
    expect(result.isError).toBe(true);
    expect(text(result)).toMatch(/longer than 31 days/);
  });

  it('rejects a PROMETHEUS_ALLOW_RAW_QUERY that is not a boolean', () => {
    expect(() => loadConfig({ PROMETHEUS_URL: base, PROMETHEUS_ALLOW_RAW_QUERY: 'sometimes' })).toThrow(ConfigError);
  });
});
