import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SqliteStore } from '../src/store/sqlite.js';
import type { StoredAnalysis } from '../src/store/types.js';
import { makeReport } from '../test/slack/helpers.js';

/**
 * State store figures: what one analysis update costs (the batched write a Slack ack never waits for), an event-id
 * check (on every event), look-ups by id and by thread on a store of ANALYSES past analyses, and a retention prune.
 * Run: npm run build && node dist/bench/store.js
 */

/** Past analyses in the store, about three months of a busy team's incidents. */
const ANALYSES = 10_000;
const LOOKUPS = 2_000;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
}
const fmt = (ms: number) => (ms < 1 ? `${(ms * 1000).toFixed(0)} µs` : `${ms.toFixed(2)} ms`);
const line = (what: string, values: number[]) =>
  console.log(`${what}: p50 ${fmt(percentile(values, 50))}, p95 ${fmt(percentile(values, 95))}`);

const dir = mkdtempSync(path.join(tmpdir(), 'ip-bench-store-'));
const file = path.join(dir, 'state.db');
try {
  const store = SqliteStore.open(file);
  const report = makeReport();
  const analysis = (i: number): StoredAnalysis => ({
    id: `A${i}`,
    origin: 'command',
    channel: `C0CHAN${i % 20}`,
    threadTs: `${1_700_000_000 + i}.000100`,
    statusTs: `${1_700_000_000 + i}.000100`,
    state: 'done',
    incident: `incident ${i}: checkout returns 502`,
    requestedBy: { user: 'U0HUMAN01' },
    toolCalls: 12,
    report,
    reportPosted: true,
    postAttempts: 1,
    createdAt: Date.now() - i * 60_000,
  });

  const writes: number[] = [];
  for (let i = 0; i < ANALYSES; i += 1) {
    await store.saveAnalysis(analysis(i));
    const started = performance.now();
    store.flush();
    writes.push(performance.now() - started);
  }
  line(`analysis write (one transaction, report included), ${ANALYSES} analyses`, writes);

  const events: number[] = [];
  for (let i = 0; i < LOOKUPS; i += 1) {
    const started = performance.now();
    await store.markEvent(`Ev${i}`, Date.now());
    events.push(performance.now() - started);
  }
  line('event-id check and record', events);

  const byId: number[] = [];
  const byThread: number[] = [];
  for (let i = 0; i < LOOKUPS; i += 1) {
    const n = (i * 7919) % ANALYSES;
    let started = performance.now();
    await store.getAnalysis(`A${n}`);
    byId.push(performance.now() - started);
    started = performance.now();
    await store.analysisInThread(`C0CHAN${n % 20}`, `${1_700_000_000 + n}.000100`);
    byThread.push(performance.now() - started);
  }
  line(`analysis by id (report parsed), store of ${ANALYSES}`, byId);
  line('analysis by thread', byThread);
  await store.close();
  console.log(`file size with ${ANALYSES} analyses: ${(statSync(file).size / 1_048_576).toFixed(1)} MB`);

  const again = SqliteStore.open(file);
  const started = performance.now();
  const pruned = await again.prune(Date.now() + 1);
  console.log(`prune of ${pruned.analyses} analyses and ${pruned.events} event ids: ${fmt(performance.now() - started)}`);
  await again.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
