import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { MIGRATIONS, SCHEMA_VERSION } from '../../src/store/migrations.js';
import { SqliteStore } from '../../src/store/sqlite.js';
import { StoreError } from '../../src/store/types.js';
import { makeReport } from '../slack/helpers.js';
import { analysis } from './backends.js';

const dirs: string[] = [];
const stores: SqliteStore[] = [];
function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'ip-store-'));
  dirs.push(dir);
  return dir;
}
function open(file: string): SqliteStore {
  const store = SqliteStore.open(file);
  stores.push(store);
  return store;
}
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
describe('SQLite state store', () => {
  it('migrates an empty file to the current schema in WAL mode and survives a reopen', async () => {
    const file = path.join(tempDir(), 'nested', 'state.db');
    const store = open(file);
    expect(store.schemaVersion()).toBe(SCHEMA_VERSION);
    await store.saveAnalysis(analysis({ state: 'done', report: makeReport(), reportPosted: true, fingerprint: 'fp1' }));
    await store.rememberAlert('fp1', 'A1', 5_000);
    await store.close();

    const raw = new Database(file, { readonly: true });
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    raw.close();

    const again = open(file);
    const loaded = await again.getAnalysis('A1');
    expect(loaded?.state).toBe('done');
    expect(loaded?.report?.summary).toBe(makeReport().summary);
    expect(loaded?.requestedBy).toEqual({ user: 'U0HUMAN01' });
    expect((await again.analysisInThread('C0INCIDENT', '100.000001'))?.id).toBe('A1');
    expect(await again.alert('fp1')).toEqual({ analysisId: 'A1', at: 5_000 });
    expect(await again.analysisInThread('C0INCIDENT', '999.1')).toBeUndefined();
  });

  it("keeps an analysis' alerts (runbook_url) and its stream's ts across a reopen, and upgrades a version-4 file", async () => {
    const file = path.join(tempDir(), 'v4.db');
    const db = new Database(file);
    for (const migration of MIGRATIONS.filter((m) => m.version <= 4)) db.exec(migration.sql);
    db.pragma('user_version = 4');
    db.prepare(
      `INSERT INTO analyses (id, origin, channel, state, incident, requested_by, created_at, updated_at)
       VALUES ('OLD4', 'alert', 'C1', 'running', 'HighErrorRate', '{"text":"alertmanager"}', 1, 1)`,
    ).run();
    db.close();
    const first = open(file);
    expect(first.schemaVersion()).toBe(SCHEMA_VERSION);
    const old = await first.getAnalysis('OLD4');
    expect(old?.alerts).toBeUndefined();
    expect(old?.streamTs).toBeUndefined();
    const alerts = [{ name: 'HighErrorRate', runbookUrl: 'https://runbooks.example.com/checkout/5xx.md' }, { name: 'NoRunbook' }];
    await first.saveAnalysis(analysis({ id: 'AR1', alerts }));
    // The stream starts after the first save: the upsert must take its ts.
    await first.saveAnalysis(analysis({ id: 'AR1', alerts, streamTs: '100.000009' }));
    await first.close();
    const again = open(file);
    const stored = await again.getAnalysis('AR1');
    expect(stored?.alerts).toEqual(alerts);
    expect(stored?.streamTs).toBe('100.000009');
    expect((await again.analysesIn(['running'], 10)).map((a) => a.alerts?.[0]?.runbookUrl)).toEqual([
      undefined,
      'https://runbooks.example.com/checkout/5xx.md',
    ]);
  });

  it('upgrades a version-1 file in place, keeping its analyses', async () => {
    const file = path.join(tempDir(), 'v1.db');
    const db = new Database(file);
    db.exec(MIGRATIONS[0]?.sql ?? '');
    db.pragma('user_version = 1');
    db.prepare(
      `INSERT INTO analyses (id, origin, channel, state, incident, requested_by, created_at, updated_at)
       VALUES ('OLD1', 'command', 'C1', 'done', 'disk full', '{"user":"U1"}', 1, 1)`,
    ).run();
    db.close();
    const store = open(file);
    expect(store.schemaVersion()).toBe(SCHEMA_VERSION);
    expect((await store.getAnalysis('OLD1'))?.incident).toBe('disk full');
    expect((await store.getAnalysis('OLD1'))?.scope).toBeUndefined();
  });

  it('a corrupt file is a start-up error naming the file', () => {
    const file = path.join(tempDir(), 'corrupt.db');
    writeFileSync(file, 'this is not a database, it is a text file that happens to be long enough '.repeat(100));
    expect(() => open(file)).toThrow(StoreError);
    expect(() => open(file)).toThrow(new RegExp(`STATE_PATH ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: .*not a database`));
  });

  it('an unwritable location is a start-up error naming the file', () => {
    const blocker = path.join(tempDir(), 'a-file');
    writeFileSync(blocker, 'x');
    const file = path.join(blocker, 'state.db');
    expect(() => open(file)).toThrow(new RegExp(`STATE_PATH ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: cannot open`));
  });

  it('a file from a newer release is refused rather than misread', () => {
    const file = path.join(tempDir(), 'newer.db');
    const raw = new Database(file);
    raw.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    raw.close();
    expect(() => open(file)).toThrow(/newer than this release/);
  });
});
