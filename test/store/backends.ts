import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach } from 'vitest';
import { PostgresStore } from '../../src/store/postgres.js';
import { SqliteStore } from '../../src/store/sqlite.js';
import type { StateStore, StoredAnalysis } from '../../src/store/types.js';
import { type RunningPostgres, startPostgres } from '../support/postgres.js';

/** Both implementations of the StateStore contract: the store tests run once on each, with the same expectations. */
export const BACKENDS = ['sqlite', 'postgres'] as const;
export type Backend = (typeof BACKENDS)[number];

export interface OpenedStore {
  store: StateStore;
  /** Another store on the same file or database, as after a restart. */
  reopen(): Promise<StateStore>;
}

/**
 * Registers the calling file's clean-up and hands out fresh stores: a file in a temporary folder, or a new database on
 * one real PostgreSQL started on first use (test/support/postgres.ts) and stopped after the file.
 */
export function storeBackends(): { open(backend: Backend): Promise<OpenedStore>; server(): Promise<RunningPostgres> } {
  let server: Promise<RunningPostgres> | undefined;
  const dirs: string[] = [];
  const stores: StateStore[] = [];
  afterEach(async () => {
    for (const store of stores.splice(0)) await store.close();
  });
  afterAll(async () => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
    await (await server)?.stop();
  });
  const getServer = () => {
    server ??= startPostgres();
    return server;
  };
  const track = (store: StateStore) => {
    stores.push(store);
    return store;
  };
  return {
    server: getServer,
    async open(backend) {
      if (backend === 'sqlite') {
        const dir = mkdtempSync(path.join(tmpdir(), 'ip-store-'));
        dirs.push(dir);
        const file = path.join(dir, 'state.db');
        return { store: track(SqliteStore.open(file)), reopen: async () => track(SqliteStore.open(file)) };
      }
      const url = await (await getServer()).newDatabase();
      return {
        store: track(await PostgresStore.open({ url })),
        reopen: async () => track(await PostgresStore.open({ url })),
      };
    },
  };
}

/** An analysis row as the bot saves one; tests override what they look at. */
export function analysis(overrides: Partial<StoredAnalysis> = {}): StoredAnalysis {
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
