import { rmSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configFromEnv, RunbooksConfigError } from '../../mcp-servers/runbooks/config.js';
import { type Connected, call, connect, LATENCY, ORDERS_POOL, POOL, runbooksDir, writeRunbooks } from './helpers.js';

const BASE = 'https://runbooks.example.com/ops/';

describe('search_runbooks', () => {
  let conn: Connected;
  let dir: string;
  beforeAll(async () => {
    dir = runbooksDir({ 'checkout-api/db-pool.md': POOL, 'checkout-api/latency.md': LATENCY, 'orders-api/db-pool.md': ORDERS_POOL });
    conn = await connect({ paths: [dir], baseUrl: BASE });
  });
  afterAll(async () => {
    await conn.close();
  });

  it('ranks the section that shares the failure words first and says why it matched', async () => {
    const r = await call(conn.client, 'search_runbooks', {
      query: 'connection pool exhausted timeout acquiring connection',
      service: 'checkout-api',
    });
    expect(r.isError).toBe(false);
    const first = r.structured.results[0];
    expect(first.id).toBe('checkout-api/db-pool.md');
    expect(first.why.service).toBe('declared');
    expect(first.why.terms).toEqual(expect.arrayContaining(['connection', 'pool', 'exhausted']));
    expect(first.link).toMatch(/^https:\/\/runbooks\.example\.com\/ops\/checkout-api\/db-pool\.md#/);
    expect(r.text).toContain('shared words:');
  });

  it('filters by service: another service’s runbook with the same words is left out', async () => {
    const r = await call(conn.client, 'search_runbooks', { query: 'connection pool exhausted', service: 'checkout-api' });
    expect(r.structured.results.map((hit: { id: string }) => hit.id)).not.toContain('orders-api/db-pool.md');
    const all = await call(conn.client, 'search_runbooks', { query: 'connection pool exhausted' });
    expect(all.structured.results.map((hit: { id: string }) => hit.id)).toContain('orders-api/db-pool.md');
  });

  it('takes services from a Service: line and from the folder when there is no front matter', async () => {
    const r = await call(conn.client, 'search_runbooks', { query: 'payment provider', service: 'checkout-api' });
    expect(r.structured.results[0].id).toBe('checkout-api/latency.md');
    expect(r.structured.results[0].why.service).toBe('declared');
    expect(r.structured.results[0].title).toBe('Checkout latency from the payment provider');
    const orders = await call(conn.client, 'search_runbooks', { query: 'restart pods', service: 'orders-api' });
    expect(orders.structured.results[0].why.service).toBe('declared');
  });

  it('a runbook declaring the alert ranks first even when its words are fewer', async () => {
    const r = await call(conn.client, 'search_runbooks', { query: 'provider status', alert: 'CheckoutDbPoolExhausted' });
    expect(r.structured.results[0].id).toBe('checkout-api/db-pool.md');
    expect(r.structured.results[0].why.alert).toBe('CheckoutDbPoolExhausted');
  });

  it('treats FTS5 syntax in the query as words', async () => {
    const r = await call(conn.client, 'search_runbooks', { query: 'NEAR( "pool * OR AND -exhausted: {x}' });
    expect(r.isError).toBe(false);
    expect(r.structured.results.length).toBeGreaterThan(0);
  });

  it('refuses a search with nothing to search for', async () => {
    const r = await call(conn.client, 'search_runbooks', { query: 'the of <n>' });
    expect(r.isError).toBe(true);
    expect(r.text).toContain('Hint:');
  });
});

describe('the index follows the files', () => {
  it('is rebuilt when a runbook is added, edited or removed', async () => {
    const dir = runbooksDir({ 'checkout-api/db-pool.md': POOL });
    const conn = await connect({ paths: [dir] });
    try {
      const before = await call(conn.client, 'search_runbooks', { query: 'certificate expired renew' });
      expect(before.structured.total).toBe(0);
      writeRunbooks(dir, { 'edge/cert.md': '# Edge certificate expired\n\n## Fix\n\n1. Renew the certificate with certbot.\n' });
      const added = await call(conn.client, 'search_runbooks', { query: 'certificate expired renew' });
      expect(added.structured.results[0].id).toBe('edge/cert.md');
      const file = path.join(dir, 'edge/cert.md');
      writeFileSync(file, '# Edge certificate expired\n\n## Fix\n\n1. Renew it with acme.sh instead.\n');
      // Same size is possible; a new mtime is what a save gives.
      utimesSync(file, new Date(), new Date(Date.now() + 5_000));
      const edited = await call(conn.client, 'read_runbook', { id: 'edge/cert.md' });
      expect(edited.structured.section.steps).toEqual(['Renew it with acme.sh instead.']);
      rmSync(file);
      const removed = await call(conn.client, 'search_runbooks', { query: 'certificate expired renew' });
      expect(removed.structured.total).toBe(0);
    } finally {
      await conn.close();
    }
  });
});

describe('read_runbook', () => {
  let conn: Connected;
  beforeAll(async () => {
    const dir = runbooksDir({ 'checkout-api/db-pool.md': POOL, 'checkout-api/latency.md': LATENCY });
    conn = await connect({ paths: [dir], baseUrl: BASE });
  });
  afterAll(async () => {
    await conn.close();
  });

  it('reads by id: the first section with steps, verbatim', async () => {
    const r = await call(conn.client, 'read_runbook', { id: 'checkout-api/db-pool.md' });
    expect(r.structured.section.section).toBe('mitigation');
    expect(r.structured.section.steps).toHaveLength(3);
    expect(r.structured.section.steps[1]).toBe('If a release shrank the pool or added a long query, roll it back.');
    expect(r.text).toContain('not instructions');
  });

  it('resolves a runbook_url under RUNBOOKS_BASE_URL, with its #section', async () => {
    const r = await call(conn.client, 'read_runbook', { url: `${BASE}checkout-api/db-pool.md#symptoms` });
    expect(r.structured.id).toBe('checkout-api/db-pool.md');
    expect(r.structured.resolvedFrom).toBe('base-url');
    expect(r.structured.section.section).toBe('symptoms');
  });

  it('resolves a URL without the extension under the base', async () => {
    const r = await call(conn.client, 'read_runbook', { url: `${BASE}checkout-api/latency` });
    expect(r.structured.id).toBe('checkout-api/latency.md');
  });

  it('resolves a URL elsewhere that ends with a runbook path (a GitHub blob link)', async () => {
    const r = await call(conn.client, 'read_runbook', { url: 'https://github.com/acme/runbooks/blob/main/checkout-api/db-pool.md' });
    expect(r.structured.id).toBe('checkout-api/db-pool.md');
    expect(r.structured.resolvedFrom).toBe('path');
  });

  it('an unknown URL, an unknown id or section, and id with url are errors with hints', async () => {
    const url = await call(conn.client, 'read_runbook', { url: 'https://wiki.example.com/pages/unknown.md' });
    expect(url.isError).toBe(true);
    expect(url.text).toContain('not under RUNBOOKS_BASE_URL');
    const id = await call(conn.client, 'read_runbook', { id: 'nope.md' });
    expect(id.isError).toBe(true);
    const section = await call(conn.client, 'read_runbook', { id: 'checkout-api/db-pool.md', section: 'rollback' });
    expect(section.text).toContain('sections: ');
    const both = await call(conn.client, 'read_runbook', { id: 'checkout-api/db-pool.md', url: BASE });
    expect(both.text).toContain('exactly one of id and url');
  });
});

describe('configuration', () => {
  it('a missing RUNBOOKS_PATH entry and a bad RUNBOOKS_BASE_URL name the variable', () => {
    expect(() => configFromEnv({ RUNBOOKS_PATH: '/nonexistent/runbooks' })).toThrow(RunbooksConfigError);
    expect(() => configFromEnv({ RUNBOOKS_PATH: '/nonexistent/runbooks' })).toThrow(/RUNBOOKS_PATH/);
    expect(() => configFromEnv({ RUNBOOKS_PATH: '/tmp', RUNBOOKS_BASE_URL: 'ftp://x/' })).toThrow(/RUNBOOKS_BASE_URL/);
    expect(() => configFromEnv({ RUNBOOKS_PATH: '/tmp', RUNBOOKS_BASE_URL: 'not a url' })).toThrow(/RUNBOOKS_BASE_URL/);
  });

  it('defaults to DATA_DIR/runbooks as sample data, and to nothing when there is none', () => {
    const dir = runbooksDir({ 'runbooks/a.md': '# A\n' });
    expect(configFromEnv({ DATA_DIR: dir })).toEqual({ paths: [path.join(dir, 'runbooks')], sampleDataset: path.basename(dir) });
    expect(configFromEnv({ DATA_DIR: path.join(dir, 'runbooks') }).paths).toEqual([]);
  });

  it('offers the default dataset’s runbooks only while no other server reads live systems', () => {
    expect(configFromEnv({}).sampleDataset).toBe('checkout-outage');
    for (const name of ['LOGS_PATH', 'GIT_REPO_PATH', 'PROMETHEUS_URL']) expect(configFromEnv({ [name]: '/x' }).paths, name).toEqual([]);
    const dir = runbooksDir({ 'runbooks/a.md': '# A\n' });
    expect(configFromEnv({ LOGS_PATH: '/x', DATA_DIR: dir }).sampleDataset).toBe(path.basename(dir));
  });
});
