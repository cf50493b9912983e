import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { IncidentIdentity } from '../src/memory/types.js';
import { SqliteStore } from '../src/store/sqlite.js';

/**
 * Incident memory figures: similarity search (FTS5 candidates + explainable score) and pre-analysis recall on a store
 * of PAST past analyses. Target: similarity search under 50 ms. Run: npm run build && node dist/bench/memory.js
 */

const PAST = 10_000;
const QUERIES = 500;
/** Distinct signatures in the synthetic history: a long tail, as real error signatures have. */
const SIGNATURES = 3_000;
const SERVICES = 60;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
}
const fmt = (ms: number) => (ms < 1 ? `${(ms * 1000).toFixed(0)} µs` : `${ms.toFixed(2)} ms`);

/** Deterministic pseudo-random numbers, so runs compare. */
let seed = 42;
const rand = () => {
  seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
  return seed / 2 ** 31;
};
// Skewed towards a few frequent signatures (health checks, timeouts) and many rare ones.
const pick = (n: number) => Math.floor(n * rand() ** 2);
const KINDS = ['deployment', 'commit', 'config', 'dependency', 'infrastructure', 'capacity'] as const;

function identity(i: number): IncidentIdentity {
  const signatures = Array.from(
    { length: 3 + (i % 6) },
    () => `error ${pick(SIGNATURES)}: connection <n> refused by <ip> after <duration>`,
  );
  return {
    analysisId: `A${i}`,
    channel: `C${i % 20}`,
    threadTs: `${1_700_000_000 + i}.000100`,
    at: Date.now() - (PAST - i) * 60_000,
    engine: i % 3 === 0 ? 'ollama:qwen3:8b' : 'builtin',
    incident: `incident ${i}: service-${pick(SERVICES)} returns errors since 14:00`,
    services: [`service-${pick(SERVICES)}`, `service-${pick(SERVICES)}`],
    suspectKind: KINDS[i % KINDS.length],
    signatures: [...new Set(signatures)],
    metrics: [`metric_${pick(200)}`],
    summary: `summary ${i}`,
    rootCause: `root cause ${i}`,
    confidence: 'medium',
  };
}

const dir = mkdtempSync(path.join(tmpdir(), 'ip-bench-memory-'));
try {
  const store = SqliteStore.open(path.join(dir, 'state.db'));
  let started = performance.now();
  for (let i = 0; i < PAST; i++) await store.memory.remember(identity(i));
  console.log(`remember ${PAST} analyses: ${((performance.now() - started) / PAST).toFixed(3)} ms each`);

  const similar: number[] = [];
  const recall: number[] = [];
  let found = 0;
  for (let q = 0; q < QUERIES; q++) {
    const query = { ...identity(PAST + q), channel: `C${q % 20}` };
    started = performance.now();
    found += (await store.memory.similar(query, { channel: query.channel }, 3)).length;
    similar.push(performance.now() - started);
    started = performance.now();
    await store.memory.recall(query.incident, query.services, { channel: query.channel }, 3);
    recall.push(performance.now() - started);
  }
  const p95 = percentile(similar, 95);
  console.log(
    `similarity search (${PAST} past, one channel): p50 ${fmt(percentile(similar, 50))}, p95 ${fmt(p95)}; ${(found / QUERIES).toFixed(1)} matches each`,
  );
  console.log(`recall before analysis: p50 ${fmt(percentile(recall, 50))}, p95 ${fmt(percentile(recall, 95))}`);
  const all: number[] = [];
  for (let q = 0; q < QUERIES / 5; q++) {
    started = performance.now();
    await store.memory.similar(identity(PAST + q), {}, 3);
    all.push(performance.now() - started);
  }
  console.log(`similarity search (${PAST} past, every channel): p50 ${fmt(percentile(all, 50))}, p95 ${fmt(percentile(all, 95))}`);
  console.log(p95 < 50 ? 'target met: p95 under 50 ms' : 'TARGET MISSED: p95 over 50 ms');
  await store.close();
  if (p95 >= 50) process.exitCode = 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
