import { describe, expect, it } from 'vitest';
import { startRetention } from '../../src/store/retention.js';
import { makeReport } from '../slack/helpers.js';
import { analysis, BACKENDS, storeBackends } from './backends.js';

const backends = storeBackends();
/** 20 ms apart: the retention timer's first prune has 5 s to log. */
const MAX_WAIT_POLLS = 250;

/** The StateStore contract, with the same expectations on SQLite and on a real PostgreSQL. */
describe.each(BACKENDS)('%s state store', (backend) => {
  it('batches writes off the caller path and a read sees them at once', async () => {
    const { store } = await backends.open(backend);
    await store.saveAnalysis(analysis({ state: 'queued' }));
    await store.saveAnalysis(analysis({ state: 'running', toolCalls: 7 }));
    const loaded = await store.getAnalysis('A1');
    expect(loaded).toMatchObject({ state: 'running', toolCalls: 7 });
    expect((await store.analysesIn(['queued', 'running'], 10)).map((a) => a.id)).toEqual(['A1']);
  });

  it('lists finished reports not yet posted, oldest first, below the attempt bound', async () => {
    const { store } = await backends.open(backend);
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
    const { store } = await backends.open(backend);
    await store.saveAnalysis(analysis({ id: 'FIRST', state: 'done', createdAt: 1_000 }));
    await store.saveAnalysis(analysis({ id: 'FOLLOW-UP', state: 'running', createdAt: 2_000 }));
    expect((await store.analysisInThread('C0INCIDENT', '100.000001'))?.id).toBe('FOLLOW-UP');
    await store.saveAnalysis(analysis({ id: 'FIRST', state: 'done', createdAt: 1_000, reportPosted: true }));
    expect((await store.analysisInThread('C0INCIDENT', '100.000001'))?.id).toBe('FOLLOW-UP');
  });

  it("keeps an alert analysis' window, scope and resolution, and alert groups, across a reopen", async () => {
    const { store: first, reopen } = await backends.open(backend);
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
    const again = await reopen();
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

  it('records each Slack event id once', async () => {
    const { store } = await backends.open(backend);
    expect(await store.markEvent('Ev1', 1)).toBe(true);
    expect(await store.markEvent('Ev1', 2)).toBe(false);
    expect(await store.markEvent('Ev2', 3)).toBe(true);
  });

  it('keeps one vote per user per analysis', async () => {
    const { store } = await backends.open(backend);
    await store.recordVote({ analysisId: 'A1', user: 'U1', vote: 'up', at: new Date(1_000).toISOString() });
    await store.recordVote({ analysisId: 'A1', user: 'U1', vote: 'down', at: new Date(2_000).toISOString() });
    await store.recordVote({ analysisId: 'A1', user: 'U2', vote: 'up', at: new Date(3_000).toISOString() });
    expect((await store.votes('A1')).map((v) => `${v.user}:${v.vote}`)).toEqual(['U1:down', 'U2:up']);
  });

  it('prunes what is older than the retention, but never an analysis still queued or running', async () => {
    const { store } = await backends.open(backend);
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
    const { store } = await backends.open(backend);
    await store.markEvent('Ev-old', Date.now() - 10 * 86_400_000);
    await store.markEvent('Ev-new', Date.now());
    const lines: string[] = [];
    const stop = startRetention(store, 7, { info: (line) => lines.push(String(line)), warn: (line) => lines.push(String(line)) });
    stop();
    // The first prune runs at once but asynchronously: a networked store answers after a round trip or two.
    for (let i = 0; i < MAX_WAIT_POLLS && lines.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(lines.join('\n')).toMatch(/pruned .*1 event ids.*older than 7 days/);
    expect(await store.markEvent('Ev-old', Date.now())).toBe(true);
    expect(await store.markEvent('Ev-new', Date.now())).toBe(false);
  });
  it('writes not awaited land in call order, and the next read sees the last of them', async () => {
    const { store } = await backends.open(backend);
    // Many writes of one row in flight at once: a store with several connections must not let an earlier one win.
    for (let i = 0; i < 30; i++) {
      void store.saveAlertGroup('k', { channel: 'C1', latest: { n: i }, alerts: Array.from({ length: i }, () => ({})), createdAt: 1 }, i);
      void store.rememberAlert('fp', `A${i}`, i);
      void store.recordVote({ analysisId: 'A1', user: 'U1', vote: i % 2 === 0 ? 'up' : 'down', at: new Date(1_000 + i).toISOString() });
    }
    expect((await store.alertGroup('k'))?.latest).toEqual({ n: 29 });
    expect(await store.alert('fp')).toEqual({ analysisId: 'A29', at: 29 });
    expect((await store.votes('A1')).map((v) => v.vote)).toEqual(['down']);
  });
});
