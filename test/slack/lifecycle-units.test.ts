import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Logger } from '../../src/slack/logger.js';
import { AnalysisJob } from '../../src/slack/worker/job.js';
import { Lifecycle, type LifecycleService, stopOrphanStream } from '../../src/slack/worker/lifecycle.js';
import { Replica } from '../../src/slack/worker/replica.js';
import type { RunContext } from '../../src/slack/worker/run.js';
import type { StatusBoard } from '../../src/slack/worker/status-board.js';
import { SqliteStore } from '../../src/store/sqlite.js';
import type { StoredAnalysis, StoredState } from '../../src/store/types.js';

/**
 * Restart recovery and the crash path in-process, against the real SQLite store (no cache in front of it), so a
 * state left out of "unfinished" (queued as well as running) shows here and not only in the spawned end-to-end tests.
 */

const dirs: string[] = [];
const stores: SqliteStore[] = [];
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function openStore(): SqliteStore {
  const dir = mkdtempSync(path.join(tmpdir(), 'ip-lifecycle-'));
  dirs.push(dir);
  const store = SqliteStore.open(path.join(dir, 'state.db'));
  stores.push(store);
  return store;
}

const STATES: StoredState[] = ['queued', 'running', 'done', 'failed', 'cancelled', 'interrupted'];
function stored(state: StoredState, over: Partial<StoredAnalysis> = {}): StoredAnalysis {
  return {
    id: `A-${state}`,
    origin: 'command',
    channel: 'C0INCIDENT',
    threadTs: `100.${STATES.indexOf(state)}`,
    statusTs: `100.${STATES.indexOf(state)}`,
    state,
    incident: `incident while ${state}`,
    requestedBy: { user: 'U0HUMAN01' },
    toolCalls: 0,
    reportPosted: false,
    postAttempts: 0,
    createdAt: 1_000 + STATES.indexOf(state),
    ...over,
  };
}

const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {} };

function harness(store: SqliteStore, active: AnalysisJob[] = []) {
  const saves: Promise<void>[] = [];
  const posts: { id: string; threadTs: string; text: string }[] = [];
  const updates: string[] = [];
  const finished: { id: string; state: string }[] = [];
  const service: LifecycleService = {
    accepting: true,
    cache: (job) => job,
    activeJobs: () => active,
    persist: (job) => saves.push(store.saveAnalysis(job.toStored())),
    finish: (job, state) => {
      job.state = state;
      finished.push({ id: job.id, state });
      saves.push(store.saveAnalysis(job.toStored()));
    },
    stopIntake() {},
    settled: async () => {},
    submitInThread: async () => ({ ok: true }),
  };
  const board = {
    post: async (job: AnalysisJob, threadTs: string, message: { text?: string }) => {
      posts.push({ id: job.id, threadTs, text: message.text ?? '' });
    },
    update: async (job: AnalysisJob) => {
      updates.push(job.id);
    },
    afterAnchor: async (job: AnalysisJob, task: (threadTs: string) => Promise<void>) => {
      if ((await job.anchored) && job.threadTs) await task(job.threadTs);
    },
  } as unknown as StatusBoard;
  const lifecycle = new Lifecycle({
    service,
    store,
    board,
    context: { io: {} } as RunContext,
    logger: quiet,
    reportRetryMs: 60_000,
    // One replica alone on the store: recovery must behave exactly as a single bot's.
    replica: new Replica({ id: 'test-replica', leaseMs: 30_000, coordination: store.coordination, logger: quiet }),
  });
  const settle = async () => {
    // The notices run in the background; shutdown waits for them.
    await lifecycle.shutdown(0);
    await Promise.all(saves);
  };
  return { lifecycle, posts, updates, finished, settle };
}

describe('start-up recovery', () => {
  it('every analysis left queued or running is marked interrupted and told; finished ones are left alone', async () => {
    const store = openStore();
    for (const state of STATES) await store.saveAnalysis(stored(state));
    const { lifecycle, posts, updates, settle } = harness(store);
    expect(await lifecycle.recover()).toBe(2);
    await settle();
    expect(posts.map((p) => [p.id, p.threadTs])).toEqual([
      ['A-queued', '100.0'],
      ['A-running', '100.1'],
    ]);
    expect(posts[0]?.text).toMatch(/was interrupted: the bot restarted while it was queued\. Press Re-run/);
    expect(posts[1]?.text).toMatch(/was interrupted: the bot restarted while it was running\. Press Re-run/);
    expect(updates).toEqual(['A-queued', 'A-running']);
    for (const state of STATES) {
      const after = await store.getAnalysis(`A-${state}`);
      expect(after?.state).toBe(state === 'queued' || state === 'running' ? 'interrupted' : state);
    }
    expect(await store.analysesIn(['queued', 'running'], 10)).toEqual([]);
  });

  it('a second start finds nothing left to recover', async () => {
    const store = openStore();
    await store.saveAnalysis(stored('queued'));
    const first = harness(store);
    expect(await first.lifecycle.recover()).toBe(1);
    await first.settle();
    const second = harness(store);
    expect(await second.lifecycle.recover()).toBe(0);
    await second.settle();
    expect(second.posts).toEqual([]);
  });

  it('an unfinished analysis with no thread is marked interrupted without a notice', async () => {
    const store = openStore();
    await store.saveAnalysis(stored('queued', { threadTs: undefined, statusTs: undefined }));
    const { lifecycle, posts, settle } = harness(store);
    expect(await lifecycle.recover()).toBe(1);
    await settle();
    expect(posts).toEqual([]);
    expect((await store.getAnalysis('A-queued'))?.state).toBe('interrupted');
  });
});

describe('crash', () => {
  it('queued as well as running analyses are marked failed and told, so the next start does not report them again', async () => {
    const store = openStore();
    const running = AnalysisJob.fromStored(stored('running'));
    const queued = AnalysisJob.fromStored(stored('queued'));
    for (const job of [running, queued]) await store.saveAnalysis(job.toStored());
    const { lifecycle, posts, finished, settle } = harness(store, [running, queued]);
    await lifecycle.crash('TypeError: boom');
    await settle();
    expect(finished).toEqual([
      { id: 'A-running', state: 'failed' },
      { id: 'A-queued', state: 'failed' },
    ]);
    expect(posts.map((p) => p.id)).toEqual(['A-running', 'A-queued']);
    expect(posts[1]?.text).toMatch(/failed: the bot crashed \(TypeError: boom\); it is restarting\. Press Re-run/);
    expect(running.controller.signal.aborted && queued.controller.signal.aborted).toBe(true);
    expect(await store.analysesIn(['queued', 'running'], 10)).toEqual([]);
  });
});

describe('shutdown', () => {
  it('a queued analysis that never started is interrupted and told; a running one is left to finish', async () => {
    const store = openStore();
    const running = AnalysisJob.fromStored(stored('running'));
    const queued = AnalysisJob.fromStored(stored('queued'));
    const { lifecycle, posts, finished } = harness(store, [running, queued]);
    await lifecycle.shutdown(0);
    expect(finished).toEqual([{ id: 'A-queued', state: 'interrupted' }]);
    expect(posts.map((p) => [p.id, p.text.match(/interrupted: [^.]*/)?.[0]])).toEqual([
      ['A-queued', 'interrupted: the bot restarted before it started'],
    ]);
    // The running one is aborted once the grace period is over, to end as interrupted by its own run.
    expect(running.controller.signal.aborted).toBe(true);
  });
});

describe('the progress stream a killed process left open', () => {
  const logged = () => {
    const lines: string[] = [];
    const logger: Logger = {
      debug() {},
      info: (m: string) => lines.push(`info ${m}`),
      warn: (m: string) => lines.push(`warn ${m}`),
      error() {},
    };
    return { lines, logger };
  };
  const streamed = (reason?: string) => {
    const job = AnalysisJob.fromStored(stored('running', { streamTs: '200.1', ...(reason ? { reason } : {}) }));
    return job;
  };
  const contextWith = (stop: (channel: string, ts: string, chunks: unknown[]) => Promise<void>) =>
    ({ io: { stream: { stop } } }) as unknown as RunContext;

  it('is stopped with a plan line naming why, and logged', async () => {
    const stops: unknown[][] = [];
    const { lines, logger } = logged();
    await stopOrphanStream(
      streamed('the bot restarted while it was running'),
      contextWith(async (...args) => void stops.push(args)),
      logger,
    );
    expect(stops).toEqual([
      ['C0INCIDENT', '200.1', [{ type: 'plan_update', title: 'Interrupted: the bot restarted while it was running; see below to re-run' }]],
    ]);
    expect(lines).toEqual(['info analysis A-running: stopped the progress stream left open']);
  });

  it('without a reason the plan line says the bot restarted', async () => {
    const stops: unknown[][] = [];
    await stopOrphanStream(
      streamed(),
      contextWith(async (...args) => void stops.push(args)),
      quiet,
    );
    expect(stops[0]?.[2]).toEqual([{ type: 'plan_update', title: 'Interrupted: the bot restarted; see below to re-run' }]);
  });

  it.each(['message_not_in_streaming_state', 'message_not_found', 'channel_not_found', 'not_in_channel', 'is_archived'])(
    'a stream already gone (%s) is noted, not warned about',
    async (code) => {
      const { lines, logger } = logged();
      await stopOrphanStream(
        streamed(),
        contextWith(async () => Promise.reject(Object.assign(new Error(code), { data: { error: code } }))),
        logger,
      );
      expect(lines).toEqual([`info analysis A-running: its progress stream was already closed (${code})`]);
    },
  );

  it('any other refusal is a warning, and never thrown', async () => {
    const { lines, logger } = logged();
    await stopOrphanStream(
      streamed(),
      contextWith(async () => Promise.reject(Object.assign(new Error('x'), { data: { error: 'ratelimited' } }))),
      logger,
    );
    expect(lines).toEqual(['warn analysis A-running: progress stream not stopped: ratelimited']);
  });

  it('no stream, or no streaming client, is nothing to stop', async () => {
    const stops: unknown[][] = [];
    const job = AnalysisJob.fromStored(stored('running'));
    await stopOrphanStream(
      job,
      contextWith(async (...args) => void stops.push(args)),
      quiet,
    );
    await stopOrphanStream(streamed(), { io: {} } as RunContext, quiet);
    expect(stops).toEqual([]);
  });
});
