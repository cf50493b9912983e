import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EXIT_NOT_CONFIGURED, launch } from '../../src/slack/launch.js';
import { openStore } from '../../src/store/index.js';
import { MIGRATIONS, SCHEMA_VERSION } from '../../src/store/migrations.js';
import { PostgresStore } from '../../src/store/postgres.js';
import { SqliteStore } from '../../src/store/sqlite.js';
import { StoreError } from '../../src/store/types.js';
import { lostAnswerProxy } from '../support/pg-lost-answer.js';
import { type RunningPostgres, startPostgres } from '../support/postgres.js';
import { freePort } from '../support/prometheus.js';
import { analysis } from './backends.js';

/** What only the PostgreSQL store has: a URL with a password, TLS settings, a server that can go away and come back. */
let server: RunningPostgres;
const stores: Array<{ close(): Promise<void> }> = [];
const dirs: string[] = [];
beforeAll(async () => {
  server = await startPostgres();
});
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
});
afterAll(async () => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  await server?.stop();
});

async function open(url: string, settings: { passwordFile?: string; caFile?: string } = {}): Promise<PostgresStore> {
  const store = await PostgresStore.open({ url, ...settings }, { openRetry: { maxMs: 500, firstDelayMs: 50, maxDelayMs: 100 } });
  stores.push(store);
  return store;
}

async function raw(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

function tempFile(name: string, text: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'ip-pgtest-'));
  dirs.push(dir);
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

/** The error a promise rejects with, for checking both its type and its whole message. */
async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe('PostgreSQL state store', () => {
  it('migrates an empty database to the current schema, once, and a second replica opening it changes nothing', async () => {
    const url = await server.newDatabase();
    const [first, second] = await Promise.all([open(url), open(url)]);
    expect(await first.schemaVersion()).toBe(SCHEMA_VERSION);
    expect(await second.schemaVersion()).toBe(SCHEMA_VERSION);
    await first.saveAnalysis(analysis({ id: 'SHARED' }));
    expect((await second.getAnalysis('SHARED'))?.incident).toBe('checkout returns 502');
  });

  it('upgrades a version-4 database in place, keeping its analyses, and keeps alerts and the stream ts', async () => {
    const url = await server.newDatabase();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query('CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)');
    for (const migration of MIGRATIONS.filter((m) => m.version <= 4)) {
      await client.query(migration.postgres);
      await client.query('INSERT INTO schema_version VALUES ($1, 0)', [migration.version]);
    }
    await client.query(
      `INSERT INTO analyses (id, origin, channel, state, incident, requested_by, created_at, updated_at)
       VALUES ('OLD4', 'alert', 'C1', 'running', 'HighErrorRate', '{"text":"alertmanager"}', 1, 1)`,
    );
    await client.end();
    const store = await open(url);
    expect(await store.schemaVersion()).toBe(SCHEMA_VERSION);
    expect((await store.getAnalysis('OLD4'))?.alerts).toBeUndefined();
    const alerts = [{ name: 'HighErrorRate', runbookUrl: 'https://runbooks.example.com/checkout/5xx.md' }];
    await store.saveAnalysis(analysis({ id: 'AR1', alerts }));
    await store.saveAnalysis(analysis({ id: 'AR1', alerts, streamTs: '100.000009' }));
    const again = await open(url);
    expect(await again.getAnalysis('AR1')).toMatchObject({ alerts, streamTs: '100.000009' });
    expect((await again.analysesIn(['running'], 10)).map((a) => a.id)).toEqual(['OLD4', 'AR1']);
  });

  it('a database from a newer release is refused rather than misread', async () => {
    const url = await server.newDatabase();
    await raw(
      url,
      `CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL);
      INSERT INTO schema_version VALUES (${SCHEMA_VERSION + 1}, 0)`,
    );
    const error = await failure(open(url));
    expect(error).toBeInstanceOf(StoreError);
    expect(error.message).toMatch(/^STATE_URL postgres:\/\/postgres@127\.0\.0\.1:\d+\/test_\w+: .*newer than this release/);
  });

  it('a wrong password is a start-up error naming STATE_URL, without the password', async () => {
    const url = (await server.newDatabase()).replace(server.password, 'not-the-password-4f1c');
    const error = await failure(open(url));
    expect(error).toBeInstanceOf(StoreError);
    expect(error.message).toMatch(/^STATE_URL postgres:\/\/postgres@127\.0\.0\.1:\d+\/test_\w+: .*password authentication failed/);
    expect(error.message).not.toContain('not-the-password-4f1c');
    expect(error.message).not.toContain(server.password);
  });

  it('an unreachable database is a start-up error naming STATE_URL, without the password', async () => {
    const url = `postgres://postgres:secret-in-url-77@127.0.0.1:${await freePort()}/nowhere`;
    const error = await failure(open(url));
    expect(error).toBeInstanceOf(StoreError);
    expect(error.message).toMatch(
      /^STATE_URL postgres:\/\/postgres@127\.0\.0\.1:\d+\/nowhere: cannot open the state database: .*ECONNREFUSED/,
    );
    expect(error.message).not.toContain('secret-in-url-77');
  });

  it('the password file wins over the URL, and an unreadable one names STATE_PASSWORD_FILE', async () => {
    const url = await server.newDatabase();
    const withoutPassword = url.replace(`:${server.password}@`, '@');
    const store = await open(withoutPassword, { passwordFile: tempFile('pw', `${server.password}\n`) });
    expect(store.location).toBe(withoutPassword);
    expect(await store.markEvent('Ev1', 1)).toBe(true);
    // The file's password is used even when the URL carries a wrong one.
    await open(url.replace(server.password, 'stale'), { passwordFile: tempFile('pw', server.password) });
    await expect(open(withoutPassword, { passwordFile: '/nonexistent/pw' })).rejects.toThrow(
      /^STATE_PASSWORD_FILE \/nonexistent\/pw: cannot read the password file \(ENOENT\)/,
    );
  });

  it('TLS settings are honoured: sslmode=require against a server without TLS fails; a bad sslmode or CA file is named', async () => {
    const url = await server.newDatabase();
    const error = await failure(open(`${url}?sslmode=require`));
    expect(error.message).toMatch(/^STATE_URL .*: cannot open the state database: The server does not support SSL connections/);
    expect(error.message).not.toContain(server.password);
    await expect(open(`${url}?sslmode=sometimes`)).rejects.toThrow(/sslmode=sometimes is not one of disable, prefer, require/);
    await expect(open(url, { caFile: '/nonexistent/ca.pem' })).rejects.toThrow(/^STATE_CA_FILE \/nonexistent\/ca.pem: cannot read/);
    const plain = await open(`${url}?sslmode=disable`);
    expect(await plain.markEvent('Ev1', 1)).toBe(true);
  });

  it('a write made while the server restarts is retried and lands; reads recover too', async () => {
    const url = await server.newDatabase();
    const store = await open(url);
    await store.saveAnalysis(analysis({ id: 'R1', state: 'queued' }));
    await server.shutdown();
    const saved = store.saveAnalysis(analysis({ id: 'R1', state: 'running', toolCalls: 9 }));
    const marked = store.markEvent('Ev-during-restart', 1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await server.start();
    await saved;
    expect(await marked).toBe(true);
    expect(await store.getAnalysis('R1')).toMatchObject({ state: 'running', toolCalls: 9 });
    expect(await store.markEvent('Ev-during-restart', 2)).toBe(false);
  }, 60_000);

  it('an analysis write that outlasts the retry policy is kept and written once the database is back', async () => {
    const url = await server.newDatabase();
    const store = await PostgresStore.open({ url }, { retry: { maxMs: 300, firstDelayMs: 50, maxDelayMs: 100 } });
    stores.push(store);
    await server.shutdown();
    await expect(store.saveAnalysis(analysis({ id: 'LATE', state: 'done' }))).rejects.toThrow(/ECONNREFUSED|terminat/);
    await server.start();
    expect((await store.getAnalysis('LATE'))?.state).toBe('done');
  }, 60_000);

  it("an event id whose insert committed but whose answer was lost with the connection is still this caller's", async () => {
    const proxy = await lostAnswerProxy(server.port);
    try {
      const url = (await server.newDatabase()).replace(`:${server.port}/`, `:${proxy.port}/`);
      const store = await open(url);
      proxy.arm();
      expect(await store.markEvent('Ev-lost-answer', 123)).toBe(true);
      expect(proxy.dropped()).toBe(1);
      // A redelivery (another time, perhaps another replica) is still a duplicate.
      expect(await store.markEvent('Ev-lost-answer', 124)).toBe(false);
      // Only a retry takes a row with its own time as its own; a first try never does.
      expect(await store.markEvent('Ev-lost-answer', 123)).toBe(false);
    } finally {
      await proxy.close();
    }
  });

  it('two replicas marking the same event ids at once: each id is claimed exactly once', async () => {
    const url = await server.newDatabase();
    const [a, b] = await Promise.all([open(url), open(url)]);
    const ids = Array.from({ length: 40 }, (_, i) => `Ev${i}`);
    const results = await Promise.all(ids.flatMap((id) => [a.markEvent(id, 1), b.markEvent(id, 1)]));
    expect(results.filter(Boolean)).toHaveLength(ids.length);
    for (let i = 0; i < ids.length; i++) expect(results[2 * i] !== results[2 * i + 1]).toBe(true);
  });

  it('openStore picks PostgreSQL when STATE_URL is set and SQLite at STATE_PATH otherwise', async () => {
    const url = await server.newDatabase();
    const chosen = await openStore({ STATE_PATH: '/nonexistent/never-used.db', STATE_URL: url });
    stores.push(chosen);
    expect(chosen).toBeInstanceOf(PostgresStore);
    expect(chosen.location).not.toContain(server.password);
    const sqlite = await openStore({ STATE_PATH: ':memory:' });
    stores.push(sqlite);
    expect(sqlite).toBeInstanceOf(SqliteStore);
  });

  it('a malformed STATE_URL is named without echoing it', async () => {
    await expect(openStore({ STATE_PATH: 'x', STATE_URL: 'postgres://u:pw-secret@' })).rejects.toThrow(/^STATE_URL/);
    const error = await failure(openStore({ STATE_PATH: 'x', STATE_URL: 'postgres://u:pw-secret@host' }));
    expect(error.message).toMatch(/^STATE_URL postgres:\/\/u@host: name the host and the database/);
    expect(error.message).not.toContain('pw-secret');
  });
  it('the bot exits 2 at start-up naming STATE_URL, without the password, before the engine starts', async () => {
    const url = (await server.newDatabase()).replace(server.password, 'wrong-pw-9d2e');
    const lines: string[] = [];
    let runtimeBuilt = false;
    const env = { SLACK_BOT_TOKEN: 'xoxb-1-2-abc', SLACK_APP_TOKEN: 'xapp-1-A-1-abc', STATE_URL: url };
    const result = await launch(env, { error: (line) => lines.push(line) }, async () => {
      runtimeBuilt = true;
      throw new Error('not reached');
    });
    expect(result).toEqual({ ok: false, exitCode: EXIT_NOT_CONFIGURED });
    expect(lines.join('\n')).toMatch(
      /STATE_URL postgres:\/\/postgres@127\.0\.0\.1:\d+\/test_\w+: cannot open the state database: .*password authentication failed/,
    );
    expect(lines.join('\n')).not.toContain('wrong-pw-9d2e');
    expect(runtimeBuilt).toBe(false);
  });
});
