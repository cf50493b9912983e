import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SqliteStore } from '../src/store/sqlite.js';
import { ANALYSES, storeWorkload, timePrune } from './store-workload.js';

/**
 * State store figures on SQLite (bench/store-workload.ts says what is measured).
 * Run: npm run build && node dist/bench/store.js
 */

const dir = mkdtempSync(path.join(tmpdir(), 'ip-bench-store-'));
const file = path.join(dir, 'state.db');
try {
  const store = SqliteStore.open(file);
  await storeWorkload(store, () => store.flush());
  await store.close();
  console.log(`file size with ${ANALYSES} analyses: ${(statSync(file).size / 1_048_576).toFixed(1)} MB`);
  const again = SqliteStore.open(file);
  await timePrune(again);
  await again.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
