import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, test } from 'vitest';
import { BackendConfigError, backendFromEnv } from '../../mcp-servers/logs/backends/config.js';
import { MAX_BYTES_PER_CALL, MAX_REQUESTS_PER_CALL } from '../../mcp-servers/logs/backends/http.js';
import { LokiBackend } from '../../mcp-servers/logs/backends/loki.js';
import { type FakeLoki, type FakeLokiOptions, pushToLoki, startFakeLoki } from '../fakes/loki/server.js';
import { call, connect } from './helpers.js';

/** Loki failing or refusing: every case is a tool error with a hint, never a crash, and never shows a credential. */

const NOW = new Date('2024-05-01T15:00:00Z');
const SECRET = 's3cr3t-token-value';
const started: FakeLoki[] = [];

async function lokiWith(options: FakeLokiOptions, lines = 50): Promise<FakeLoki> {
  const loki = await startFakeLoki(options);
  started.push(loki);
  const values: [string, string][] = [];
  for (let i = 0; i < lines; i += 1) {
    const t = NOW.getTime() - (lines - i) * 60_000;
    values.push([`${BigInt(t) * 1_000_000n}`, `${new Date(t).toISOString()} ERROR [api] request ${i} failed: timeout after ${i}ms`]);
  }
  const headers: Record<string, string> = {
    ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
    ...(options.multiTenant ? { 'X-Scope-OrgID': 'team-a' } : {}),
  };
  await pushToLoki(loki.url, [{ stream: { service_name: 'api', level: 'error' }, values }], headers);
  return loki;
}

function serverFor(env: Record<string, string>) {
  const config = backendFromEnv(env);
  if (config.kind !== 'loki') throw new Error('expected loki');
  return connect({ backend: new LokiBackend(config, { now: NOW }) });
}

afterAll(async () => {
  for (const loki of started) await loki.close();
});

describe('Loki errors are tool errors with hints', () => {
  test('refused credentials name the variables to check, and the token never shows', async () => {
    const loki = await lokiWith({ token: 'right-token' });
    const { client, close } = await serverFor({ LOKI_URL: loki.url, LOKI_TOKEN: SECRET });
    const r = await call(client, 'read_logs');
    await close();
    expect(r.isError).toBe(true);
    expect(r.text).toMatch(/HTTP 401/);
    expect(r.text).toContain('LOKI_TOKEN or LOKI_USERNAME/LOKI_PASSWORD');
    expect(r.text).not.toContain(SECRET);
  });

  test('the right token is sent as a bearer header', async () => {
    const loki = await lokiWith({ token: SECRET });
    const { client, close } = await serverFor({ LOKI_URL: loki.url, LOKI_TOKEN: SECRET });
    const r = await call(client, 'read_logs', { limit: 3 });
    await close();
    expect(r.isError, r.text).toBe(false);
    expect(r.structured.total).toBe(50);
    expect(JSON.stringify(r)).not.toContain(SECRET);
  });

  test('a multi-tenant Loki without LOKI_TENANT: the hint names it', async () => {
    const loki = await lokiWith({ multiTenant: true });
    const { client, close } = await serverFor({ LOKI_URL: loki.url });
    const r = await call(client, 'list_services');
    await close();
    expect(r.isError).toBe(true);
    expect(r.text).toMatch(/no org id[\s\S]*LOKI_TENANT/);
  });

  test('LOKI_TENANT is sent as X-Scope-OrgID and reads that tenant', async () => {
    const loki = await lokiWith({ multiTenant: true });
    const { client, close } = await serverFor({ LOKI_URL: loki.url, LOKI_TENANT: 'team-a' });
    const r = await call(client, 'list_services');
    await close();
    expect(r.isError, r.text).toBe(false);
    expect(r.structured.services.map((s: { service: string }) => s.service)).toEqual(['api']);
  });

  test('an unreachable Loki names LOKI_URL', async () => {
    const dead = http.createServer();
    await new Promise<void>((resolve) => dead.listen(0, '127.0.0.1', resolve));
    const { port } = dead.address() as AddressInfo;
    await new Promise<void>((resolve) => dead.close(() => resolve()));
    const { client, close } = await serverFor({ LOKI_URL: `http://127.0.0.1:${port}` });
    const r = await call(client, 'error_summary');
    await close();
    expect(r.isError).toBe(true);
    expect(r.text).toMatch(/cannot reach Loki at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)[\s\S]*LOKI_URL/);
  });

  test('429 and 503 are retried within the call; past the retries the status is reported', async () => {
    const loki = await lokiWith({});
    const { client, close } = await serverFor({ LOKI_URL: loki.url });
    loki.failNext(429, 2);
    const ok = await call(client, 'read_logs', { limit: 1 });
    expect(ok.isError, ok.text).toBe(false);
    loki.failNext(503, 10);
    const failed = await call(client, 'read_logs', { limit: 1 });
    await close();
    expect(failed.isError).toBe(true);
    expect(failed.text).toMatch(/HTTP 503 after 4 attempts[\s\S]*Hint: Loki is failing/);
  });

  test("max_entries_limit_per_query below the sample: the limit is learned from Loki's 400 and respected", async () => {
    const loki = await lokiWith({ maxEntriesLimitPerQuery: 20 });
    const { client, close } = await serverFor({ LOKI_URL: loki.url });
    const r = await call(client, 'error_summary');
    await close();
    expect(r.isError, r.text).toBe(false);
    expect(r.structured.totalErrors).toBe(50);
    expect(r.structured.notes.join(' ')).toMatch(/sample: the newest 20 of 50/);
    const limits = loki.requests.filter((q) => q.params.limit).map((q) => Number(q.params.limit));
    expect(limits).toContain(20);
  });

  test('max_query_length shorter than the window: the window is narrowed, with a note', async () => {
    const loki = await lokiWith({ maxQueryLengthMs: 24 * 3_600_000 });
    const { client, close } = await serverFor({ LOKI_URL: loki.url });
    const r = await call(client, 'search_logs', { pattern: 'timeout', since: '3d' });
    await close();
    expect(r.isError, r.text).toBe(false);
    expect(r.structured.total).toBe(50);
    expect(r.structured.notes.join(' ')).toMatch(/max_query_length is 24h0m0s/);
  });

  test('a regex Loki cannot parse is a tool error with a hint, not a crash', async () => {
    const loki = await lokiWith({});
    const { client, close } = await serverFor({ LOKI_URL: loki.url, LOKI_SELECTOR: '{cluster=~"("}' });
    const r = await call(client, 'read_logs');
    await close();
    expect(r.isError).toBe(true);
    expect(r.text).toMatch(/HTTP 400[\s\S]*LOKI_SELECTOR/);
  });

  test.each([
    ['a`b"c\\d', false],
    ['"} |= "x', false],
    ['x`} or {a=~".+', false],
    ['request (1|2) failed', true],
  ])('a pattern with quotes, backticks or braces stays one quoted filter: %s', async (pattern, regex) => {
    const loki = await lokiWith({});
    const { client, close } = await serverFor({ LOKI_URL: loki.url });
    const r = await call(client, 'search_logs', { pattern, regex });
    await close();
    expect(r.isError, r.text).toBe(false);
    expect(r.structured.total).toBe(regex ? 2 : 0);
  });

  test('a cancelled call aborts its request to Loki', async () => {
    const hang = http.createServer(() => {});
    await new Promise<void>((resolve) => hang.listen(0, '127.0.0.1', resolve));
    const { port } = hang.address() as AddressInfo;
    const config = backendFromEnv({ LOKI_URL: `http://127.0.0.1:${port}` });
    if (config.kind !== 'loki') throw new Error('expected loki');
    const backend = new LokiBackend(config, { now: NOW });
    const controller = new AbortController();
    const pending = backend.entries({ limit: 5, signal: controller.signal });
    setTimeout(() => controller.abort(new Error('cancelled by the client')), 50);
    await expect(pending).rejects.toThrow('cancelled by the client');
    hang.closeAllConnections();
    await new Promise<void>((resolve) => hang.close(() => resolve()));
  });

  test('the per-call bounds are stated constants', () => {
    expect(MAX_REQUESTS_PER_CALL).toBe(24);
    expect(MAX_BYTES_PER_CALL).toBe(48 * 1024 * 1024);
  });
});

describe('Loki configuration', () => {
  test.each([
    [{ LOKI_URL: 'http://loki.example.com', LOKI_TOKEN: 't0ken' }, /plain http:\/\/ to loki\.example\.com while credentials are set/],
    [{ LOKI_URL: 'http://u:p@localhost:3100' }, /LOKI_URL must not carry credentials/],
    [{ LOKI_URL: 'ftp://x' }, /LOKI_URL must be http/],
    [{ LOKI_URL: 'http://localhost', LOKI_TOKEN: 'a', LOKI_USERNAME: 'b' }, /either LOKI_TOKEN or LOKI_USERNAME/],
    [{ LOKI_URL: 'http://localhost', LOKI_SELECTOR: 'cluster="prod"' }, /LOKI_SELECTOR must be a stream selector/],
    [{ LOKI_URL: 'http://localhost', LOKI_SERVICE_LABEL: 'a-b' }, /LOKI_SERVICE_LABEL "a-b" is not a label name/],
    [{ LOKI_URL: 'http://localhost', ELASTICSEARCH_URL: 'http://localhost:9200' }, /LOKI_URL and ELASTICSEARCH_URL are both set/],
    [{ LOGS_BACKEND: 'splunk' }, /LOGS_BACKEND must be one of files, loki, elasticsearch, journald/],
    [{ LOGS_BACKEND: 'loki' }, /LOKI_URL is not set/],
    [{ LOKI_URL: 'http://localhost', LOGS_TIMEOUT_MS: '0' }, /LOGS_TIMEOUT_MS must be a positive integer/],
    [{ LOKI_URL: 'http://localhost', LOGS_CA_FILE: '/nonexistent/ca.pem' }, /LOGS_CA_FILE \/nonexistent\/ca.pem cannot be read/],
  ])('%j is refused', (env, message) => {
    expect(() => backendFromEnv(env)).toThrow(BackendConfigError);
    expect(() => backendFromEnv(env)).toThrow(message);
  });

  test.each([
    [{}, 'files'],
    [{ LOKI_URL: 'http://127.0.0.1:3100', LOKI_TOKEN: 'loopback-is-fine' }, 'loki'],
    [{ LOKI_URL: 'http://[::1]:3100', LOKI_USERNAME: 'u', LOKI_PASSWORD: 'p' }, 'loki'],
    [{ LOKI_URL: 'loki.example.com' }, 'loki'],
    [{ LOKI_URL: 'http://localhost', ELASTICSEARCH_URL: 'http://localhost:9200', LOGS_BACKEND: 'loki' }, 'loki'],
  ])('%j is accepted as %s', (env, kind) => {
    expect(backendFromEnv(env).kind).toBe(kind);
  });

  test('a URL without a scheme means https, and the selector scopes every query', () => {
    const config = backendFromEnv({ LOKI_URL: 'loki.example.com', LOKI_SELECTOR: '{cluster="prod", ns=~"shop-.*"}' });
    if (config.kind !== 'loki') throw new Error('expected loki');
    expect(config.target.url).toBe('https://loki.example.com');
    expect(config.selector).toEqual(['cluster="prod"', 'ns=~"shop-.*"']);
  });
});
