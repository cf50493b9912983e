import { appendFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeEach, expect, inject } from 'vitest';
import { PostgresStore } from '../../src/store/postgres.js';
import { SqliteStore } from '../../src/store/sqlite.js';

/**
 * IP_TEST_STATE=postgres: every store the suite would open as an in-memory SQLite (the bot's default in createApp and
 * most tests) is a PostgresStore on a fresh, empty database instead, so the existing tests run unchanged on PostgreSQL.
 * A test that opens a second in-memory store gets SQLite for it (only one store per test is opened ahead). Files
 * stay SQLite (restart tests reopen them). IP_TEST_STATE_LOG names a file that gets one line per test file: how many
 * stores were PostgreSQL, so a run shows the switch took effect.
 */

const TABLES = 'analyses, threads, alerts, events, votes, alert_groups, incidents, recordings';
const original = SqliteStore.open.bind(SqliteStore);
let url: string | undefined;
let ahead: PostgresStore | undefined;
let used = 0;

async function admin<T>(connectionString: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

beforeEach(async () => {
  if (!url) {
    const name = `suite_${process.pid}_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
    await admin(`${inject('pgBaseUrl')}/postgres`, (client) => client.query(`CREATE DATABASE ${name}`));
    url = `${inject('pgBaseUrl')}/${name}`;
  }
  ahead = await PostgresStore.open({ url });
  await admin(url, (client) => client.query(`TRUNCATE ${TABLES}`));
});

afterEach(async () => {
  await ahead?.close();
  ahead = undefined;
});

afterAll(() => {
  const log = process.env.IP_TEST_STATE_LOG;
  if (log) appendFileSync(log, `${path.basename(expect.getState().testPath ?? '?')} ${used}\n`);
});

SqliteStore.open = (file: string): SqliteStore => {
  if (file !== ':memory:' || !ahead) return original(file);
  const store = ahead;
  ahead = undefined;
  used += 1;
  // The suite's tests call only the StateStore contract on these stores (flush() exists on both and is awaited or not).
  return store as unknown as SqliteStore;
};
