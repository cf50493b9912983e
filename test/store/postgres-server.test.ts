import { readFileSync, readlinkSync } from 'node:fs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POSTGRES_BIN, type RunningPostgres, startPostgres } from '../support/postgres.js';

/** The test harness itself: the server the store tests run on is the unpacked Debian one, as an unprivileged user. */
describe('test PostgreSQL (test/support/postgres.ts)', () => {
  let server: RunningPostgres;
  beforeAll(async () => {
    server = await startPostgres();
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
  });

  it('serves a fresh database from .tools/postgresql, running as a non-root user', async () => {
    const client = new pg.Client({ connectionString: await server.newDatabase() });
    await client.connect();
    try {
      const row = (await client.query("SELECT version() AS v, current_setting('data_directory') AS d, pg_backend_pid() AS p")).rows[0];
      expect(row.v).toMatch(/^PostgreSQL 15\./);
      const exe = readlinkSync(`/proc/${row.p}/exe`);
      expect(exe.startsWith(POSTGRES_BIN)).toBe(true);
      const uid = /^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${row.p}/status`, 'utf8'))?.[1];
      expect(Number(uid)).not.toBe(0);
    } finally {
      await client.end();
    }
  });

  it('refuses a wrong password over TCP', async () => {
    const url = (await server.newDatabase()).replace(server.password, 'wrong');
    const client = new pg.Client({ connectionString: url });
    await expect(client.connect()).rejects.toThrow(/password authentication failed/);
    await client.end().catch(() => undefined);
  });

  it('comes back on the same port with its data after a restart', async () => {
    const url = await server.newDatabase();
    const before = new pg.Client({ connectionString: url });
    await before.connect();
    await before.query('CREATE TABLE kept (n INT); INSERT INTO kept VALUES (7)');
    before.on('error', () => undefined);
    await server.restart();
    await expect(before.query('SELECT 1')).rejects.toThrow();
    await before.end().catch(() => undefined);
    const after = new pg.Client({ connectionString: url });
    await after.connect();
    expect((await after.query('SELECT n FROM kept')).rows).toEqual([{ n: 7 }]);
    await after.end();
  }, 60_000);
});
