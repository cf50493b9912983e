import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { MIGRATIONS, SCHEMA_VERSION } from '../../src/store/migrations.js';
import { startRetention } from '../../src/store/retention.js';
import { SqliteStore } from '../../src/store/sqlite.js';
import { type StoredAnalysis, StoreError } from '../../src/store/types.js';
import { makeReport } from '../slack/helpers.js';

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

function analysis(overrides: Partial<StoredAnalysis> = {}): StoredAnalysis {
  return {
    id: 'A1',
    origin: 'command',
    channel: 'C0INCIDENT',
    threadTs: '100.000001',
    statusTs: '100.000001',
    state: 'running',
    incident: 'checkout returns 502',
    requestedBy: { user: 'U0HUMAN01' },
    toolCalls: 2,
    reportPosted: false,
    postAttempts: 0,
    createdAt: 1_000,
    ...overrides,
  };
}

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

  it('batches writes off the caller path and a read sees them at once', async () => {
    const store = open(path.join(tempDir(), 's.db'));
    await store.saveAnalysis(analysis({ state: 'queued' }));
    await store.saveAnalysis(analysis({ state: 'running', toolCalls: 7 }));
    const loaded = await store.getAnalysis('A1');
    expect(loaded).toMatchObject({ state: 'running', toolCalls: 7 });
    expect((await store.analysesIn(['queued', 'running'], 10)).map((a) => a.id)).toEqual(['A1']);
  });

  it('lists finished reports not yet posted, oldest first, below the attempt bound', async () => {
    const store = open(path.join(tempDir(), 's.db'));
    const report = makeReport();
    await store.saveAnalysis(analysis({ id: 'WAITING', state: 'done', report, createdAt: 2, postAttempts: 1 }));
    await store.saveAnalysis(analysis({ id: 'OLDER', state: 'done', report, createdAt: 1, postAttempts: 3 }));
    await store.saveAnalysis(analysis({ id: 'POSTED', state: 'done', report, reportPosted: true }));
    await store.saveAnalysis(analysis({ id: 'TRIED-OUT', state: 'done', report, postAttempts: 10 }));
    await store.saveAnalysis(analysis({ id: 'FAILED', state: 'failed' }));
    expect((await store.unpostedReports(10, 5)).map((a) => a.id)).toEqual(['OLDER', 'WAITING']);
    expect((await store.unpostedReports(10, 1)).map((a) => a.id)).toEqual(['OLDER']);
  });

  it('a thread answers with its latest analysis, even when an older one is saved again later', async () => {
    const store = open(path.join(tempDir(), 's.db'));
    await store.saveAnalysis(analysis({ id: 'FIRST', state: 'done', createdAt: 1_000 }));
    await store.saveAnalysis(analysis({ id: 'FOLLOW-UP', state: 'running', createdAt: 2_000 }));
    expect((await store.analysisInThread('C0INCIDENT', '100.000001'))?.id).toBe('FOLLOW-UP');
    await store.saveAnalysis(analysis({ id: 'FIRST', state: 'done', createdAt: 1_000, reportPosted: true }));
    expect((await store.analysisInThread('C0INCIDENT', '100.000001'))?.id).toBe('FOLLOW-UP');
  });

  it("keeps an alert analysis' window, scope and resolution, and alert groups, across a reopen", async () => {
    const file = path.join(tempDir(), 's.db');
    const first = open(file);
    await first.saveAnalysis(
      analysis({
        id: 'AL1',
        since: '2026-03-01T09:30:00.000Z',
        scope: { service: 'search', namespace: 'prod' },
        resolution: 'resolved at x',
      }),
    );
    await first.saveAlertGroup(
      'k1',
      { channel: 'C1', latest: { groupKey: 'k1' }, alerts: [{ fingerprint: 'f1' }], createdAt: 5, parentTs: '1.2', analysisId: 'AL1' },
      5,
    );
    await first.close();
    const again = open(file);
    const stored = await again.getAnalysis('AL1');
    expect(stored?.since).toBe('2026-03-01T09:30:00.000Z');
    expect(stored?.scope).toEqual({ service: 'search', namespace: 'prod' });
    expect(stored?.resolution).toBe('resolved at x');
    expect(await again.alertGroup('k1')).toEqual({
      channel: 'C1',
      latest: { groupKey: 'k1' },
      alerts: [{ fingerprint: 'f1' }],
      createdAt: 5,
      parentTs: '1.2',
      analysisId: 'AL1',
    });
    expect(await again.alertGroup('unknown')).toBeUndefined();
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

  it('records each Slack event id once', async () => {
    const store = open(path.join(tempDir(), 's.db'));
    expect(await store.markEvent('Ev1', 1)).toBe(true);
    expect(await store.markEvent('Ev1', 2)).toBe(false);
    expect(await store.markEvent('Ev2', 3)).toBe(true);
  });

  it('keeps one vote per user per analysis', async () => {
    const store = open(path.join(tempDir(), 's.db'));
    await store.recordVote({ analysisId: 'A1', user: 'U1', vote: 'up', at: new Date(1_000).toISOString() });
    await store.recordVote({ analysisId: 'A1', user: 'U1', vote: 'down', at: new Date(2_000).toISOString() });
    await store.recordVote({ analysisId: 'A1', user: 'U2', vote: 'up', at: new Date(3_000).toISOString() });
    expect((await store.votes('A1')).map((v) => `${v.user}:${v.vote}`)).toEqual(['U1:down', 'U2:up']);
  });

  it('prunes what is older than the retention, but never an analysis still queued or running', async () => {
    const store = open(path.join(tempDir(), 's.db'));
    await store.saveAnalysis(analysis({ id: 'OLD', state: 'done', threadTs: '1.1' }));
    await store.saveAnalysis(analysis({ id: 'LIVE', state: 'running', threadTs: '2.2' }));
    await store.rememberAlert('fp', 'OLD', 10);
    await store.markEvent('Ev1', 10);
    await store.recordVote({ analysisId: 'OLD', user: 'U1', vote: 'up', at: new Date(10).toISOString() });
    await store.saveAlertGroup('am\nreceiver\nC1\n{}:{alertname="X"}', { channel: 'C1', latest: {}, alerts: [], createdAt: 10 }, 10);
    const result = await store.prune(Date.now() + 60_000);
    expect(result).toEqual({ analyses: 1, alerts: 1, events: 1, votes: 1, alertGroups: 1 });
    expect(await store.alertGroup('am\nreceiver\nC1\n{}:{alertname="X"}')).toBeUndefined();
    expect(await store.getAnalysis('OLD')).toBeUndefined();
    expect(await store.analysisInThread('C0INCIDENT', '1.1')).toBeUndefined();
    expect((await store.getAnalysis('LIVE'))?.state).toBe('running');
    // Nothing recent goes.
    await store.saveAnalysis(analysis({ id: 'NEW', state: 'done', threadTs: '3.3' }));
    expect((await store.prune(Date.now() - 60_000)).analyses).toBe(0);
  });

  it('the retention timer prunes by STATE_RETENTION_DAYS and logs what went', async () => {
    const store = open(path.join(tempDir(), 's.db'));
    await store.markEvent('Ev-old', Date.now() - 10 * 86_400_000);
    await store.markEvent('Ev-new', Date.now());
    const lines: string[] = [];
    const stop = startRetention(store, 7, { info: (line) => lines.push(String(line)), warn: (line) => lines.push(String(line)) });
    stop();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(lines.join('\n')).toMatch(/pruned .*1 event ids.*older than 7 days/);
    expect(await store.markEvent('Ev-old', Date.now())).toBe(true);
    expect(await store.markEvent('Ev-new', Date.now())).toBe(false);
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
