import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/store/sqlite.js';
import type { StoredAnalysis, StoredVote } from '../../src/store/types.js';
import { makeReport } from '../slack/helpers.js';

/** Every optional field survives a reopen of the file, and an absent one stays absent (no cache in front of the file). */

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function file(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'ip-fields-'));
  dirs.push(dir);
  return path.join(dir, 'nested', 'state.db');
}

const full: StoredAnalysis = {
  id: 'A1',
  origin: 'alert',
  channel: 'C0ALERTS',
  threadTs: '100.000001',
  statusTs: '100.000002',
  state: 'done',
  incident: 'HighErrorRate on checkout',
  context: 'asked in a thread',
  requestedBy: { text: 'Alertmanager' },
  fingerprint: 'fp-1',
  toolCalls: 7,
  reason: 'finished',
  report: makeReport(),
  reportPosted: true,
  postAttempts: 2,
  createdAt: 1_000,
  startedAt: 2_000,
  finishedAt: 3_000,
  since: '2026-03-01T00:00:00.000Z',
  scope: { service: 'checkout' },
  resolution: 'resolved at 10:00 (lasted 5 min)',
  alerts: [{ name: 'HighErrorRate', runbookUrl: 'https://runbooks.example/high-error-rate' }],
  streamTs: '100.000003',
};

describe('SQLite fields across a reopen', () => {
  it('an analysis with every optional field reads back whole; one with none reads back without them', async () => {
    const at = file();
    const store = SqliteStore.open(at);
    const bare: StoredAnalysis = {
      id: 'A2',
      origin: 'command',
      channel: 'C0INCIDENT',
      state: 'queued',
      incident: 'x',
      requestedBy: { user: 'U1' },
      toolCalls: 0,
      reportPosted: false,
      postAttempts: 0,
      createdAt: 4_000,
    };
    await store.saveAnalysis(full);
    await store.saveAnalysis(bare);
    await store.close();
    const reopened = SqliteStore.open(at);
    expect(await reopened.getAnalysis('A1')).toEqual(full);
    expect(await reopened.getAnalysis('A2')).toEqual(bare);
    await reopened.close();
  });

  it('a vote with every field, and one with none of the optional ones, read back as given', async () => {
    const at = file();
    const store = SqliteStore.open(at);
    const whole: StoredVote = {
      analysisId: 'A1',
      user: 'U1',
      vote: 'down',
      engine: 'builtin',
      incident: 'checkout 502',
      cause: 'the pool was shrunk',
      culprit: 'rel-7',
      at: '2026-03-01T10:00:00.000Z',
    };
    const plain: StoredVote = { analysisId: 'A1', user: 'U2', vote: 'up', at: '2026-03-01T10:01:00.000Z' };
    await store.recordVote(whole);
    await store.recordVote(plain);
    await store.close();
    const reopened = SqliteStore.open(at);
    expect(await reopened.votes('A1')).toEqual([whole, plain]);
    await reopened.close();
  });
});
