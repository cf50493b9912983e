import type { StateStore, StoredAnalysis } from '../src/store/types.js';
import { makeReport } from '../test/slack/helpers.js';

/**
 * The state store workload both stores are measured with: what one analysis update costs (the batched write a Slack
 * ack never waits for), an event-id check (on every event), look-ups by id and by thread on a store of ANALYSES past
 * analyses, and a retention prune.
 */

/** Past analyses in the store, about three months of a busy team's incidents. */
export const ANALYSES = 10_000;
const LOOKUPS = 2_000;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
}
export const fmt = (ms: number) => (ms < 1 ? `${(ms * 1000).toFixed(0)} µs` : `${ms.toFixed(2)} ms`);
const line = (what: string, values: number[]) =>
  console.log(`${what}: p50 ${fmt(percentile(values, 50))}, p95 ${fmt(percentile(values, 95))}`);

/** Runs the workload on `store`; `flush` writes what saveAnalysis batched, and is what the write figure times. */
export async function storeWorkload(store: StateStore, flush: () => unknown): Promise<void> {
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
    void store.saveAnalysis(analysis(i));
    const started = performance.now();
    await flush();
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
}

/** Times a prune that removes everything the workload wrote. */
export async function timePrune(store: StateStore): Promise<void> {
  const started = performance.now();
  const pruned = await store.prune(Date.now() + 1);
  console.log(`prune of ${pruned.analyses} analyses and ${pruned.events} event ids: ${fmt(performance.now() - started)}`);
}
