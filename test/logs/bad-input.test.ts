import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Connected, call, connect, FIXTURE_DATASET, tempDir } from './helpers.js';

describe('bad input is an isError result with a hint, never a crash', () => {
  let conn: Connected;
  beforeAll(async () => {
    conn = await connect({ dataDir: FIXTURE_DATASET });
  });
  afterAll(async () => conn.close());

  it('unknown service names the known services', async () => {
    for (const tool of ['read_logs', 'search_logs', 'error_summary']) {
      const r = await call(conn.client, tool, { service: 'billing', pattern: 'x' });
      expect(r.isError, tool).toBe(true);
      expect(r.text).toContain('unknown service "billing"; known: checkout-api, gateway, inventory, legacy, payments');
      expect(r.text).toContain('Hint:');
    }
  });

  it('malformed times and since after until', async () => {
    const bad = await call(conn.client, 'read_logs', { since: 'yesterday-ish' });
    expect(bad.isError).toBe(true);
    expect(bad.text).toMatch(/since "yesterday-ish" is not a time/);
    const swapped = await call(conn.client, 'error_summary', { since: '10m', until: '2h' });
    expect(swapped.isError).toBe(true);
    expect(swapped.text).toMatch(/is after until .* swap them/);
  });

  it('empty pattern, invalid regex, unknown level, bad limit', async () => {
    const empty = await call(conn.client, 'search_logs', { pattern: '' });
    expect(empty.isError).toBe(true);
    expect(empty.text).toMatch(/pattern is empty\nHint:/);
    const invalid = await call(conn.client, 'search_logs', { pattern: '(unclosed', regex: true });
    expect(invalid.isError).toBe(true);
    expect(invalid.text).toContain('invalid regex: error parsing regexp: missing closing )');
    expect(invalid.text).toContain('Hint: RE2 syntax');
    // The same text without regex: true is a literal search and simply finds nothing.
    const literal = await call(conn.client, 'search_logs', { pattern: '(unclosed' });
    expect(literal.isError).toBe(false);
    expect(literal.structured.total).toBe(0);
    const level = await call(conn.client, 'read_logs', { level: 'loud' });
    expect(level.isError).toBe(true);
    expect(level.text).toContain('trace, debug, info, warn, error, fatal');
    const limit = await call(conn.client, 'read_logs', { limit: 0 });
    expect(limit.isError).toBe(true);
    const big = await call(conn.client, 'read_logs', { limit: 10_000 });
    expect(big.isError).toBe(false);
    expect(big.text).toContain('lowered to the maximum 500');
  });

  it('a catastrophic regex returns (RE2 is linear) on long lines', async () => {
    const dir = tempDir();
    mkdirSync(path.join(dir, 'logs'));
    const long = `2024-05-01T10:00:00Z ERROR [svc] ${'a'.repeat(60_000)}!`;
    writeFileSync(path.join(dir, 'logs', 'svc.log'), `${Array(20).fill(long).join('\n')}\n`);
    const c = await connect({ dataDir: dir });
    try {
      // Lines end in "!": a backtracking engine would explore 2^60000 ways to fail here.
      const none = await call(c.client, 'search_logs', { pattern: '(a+)+$', regex: true });
      expect(none.isError).toBe(false);
      expect(none.structured.total).toBe(0);
      const some = await call(c.client, 'search_logs', { pattern: '(a|aa)+!$', regex: true });
      expect(some.structured.total).toBe(20);
    } finally {
      await c.close();
    }
  });

  it('a dataset without logs says so plainly and returns empty results', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'dataset.json'), JSON.stringify({ name: 'empty', now: '2024-05-01T00:00:00Z' }));
    const c = await connect({ dataDir: dir });
    try {
      for (const tool of ['read_logs', 'error_summary', 'list_services']) {
        const r = await call(c.client, tool);
        expect(r.isError, tool).toBe(false);
        expect(r.text).toContain(`no logs in ${path.join(dir, 'logs')}`);
        expect(r.structured.notes[0]).toContain('no logs in');
      }
      const s = await call(c.client, 'search_logs', { pattern: 'x' });
      expect(s.structured.total).toBe(0);
    } finally {
      await c.close();
    }
  });

  it('a corrupt .gz file is an error naming the file', async () => {
    const dir = tempDir();
    mkdirSync(path.join(dir, 'logs'));
    copyFileSync(path.join(FIXTURE_DATASET, 'logs', 'gateway.log'), path.join(dir, 'logs', 'gateway.log'));
    writeFileSync(path.join(dir, 'logs', 'api.log.2.gz'), Buffer.from('this is not gzip at all\n'));
    const c = await connect({ dataDir: dir });
    try {
      const r = await call(c.client, 'error_summary');
      expect(r.isError).toBe(true);
      expect(r.text).toContain('api.log.2.gz is not a readable gzip file');
      expect(r.text).toContain('Hint: repair or move that file');
      const list = await call(c.client, 'list_services');
      expect(list.isError).toBe(true);
    } finally {
      await c.close();
    }
  });

  it('a truncated .gz file is an error naming the file', async () => {
    const dir = tempDir();
    mkdirSync(path.join(dir, 'logs'));
    const { gzipSync } = await import('node:zlib');
    const gz = gzipSync(Buffer.from('2024-05-01T10:00:00Z INFO [a] hello\n'.repeat(1000)));
    writeFileSync(path.join(dir, 'logs', 'a.log.1.gz'), gz.subarray(0, gz.length - 20));
    const c = await connect({ dataDir: dir });
    try {
      const r = await call(c.client, 'search_logs', { pattern: 'hello' });
      expect(r.isError).toBe(true);
      expect(r.text).toContain('a.log.1.gz');
    } finally {
      await c.close();
    }
  });

  it('a broken dataset.json is an error naming the file, not a crash', async () => {
    const dir = tempDir();
    mkdirSync(path.join(dir, 'logs'));
    writeFileSync(path.join(dir, 'logs', 'a.log'), '2024-05-01T10:00:00Z INFO [a] hello\n');
    writeFileSync(path.join(dir, 'dataset.json'), '{ "name": ');
    const c = await connect({ dataDir: dir });
    try {
      const r = await call(c.client, 'read_logs', { since: '1h' });
      expect(r.isError).toBe(true);
      expect(r.text).toContain('dataset.json is not valid JSON');
    } finally {
      await c.close();
    }
  });
});
