import { PostgresStore } from '../src/store/postgres.js';
import { startPostgres } from '../test/support/postgres.js';
import { storeWorkload, timePrune } from './store-workload.js';

/**
 * State store figures on PostgreSQL 15 (STATE_URL), the same workload as bench/store.ts on SQLite, against the server
 * `npm run fetch-prometheus` unpacks, on loopback, with PostgreSQL's default durability (fsync and synchronous commit
 * on, unlike the tests' server). Run: npm run build && node dist/bench/store-postgres.js
 */

const server = await startPostgres({ durable: true });
try {
  const store = await PostgresStore.open({ url: await server.newDatabase() });
  await storeWorkload(store, () => store.flush());
  await timePrune(store);
  await store.close();
} finally {
  await server.stop();
}
