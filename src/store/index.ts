import { SqliteStore } from './sqlite.js';
import type { StateStore } from './types.js';

export { MIGRATIONS, SCHEMA_VERSION } from './migrations.js';
export { PRUNE_INTERVAL_MS, startRetention } from './retention.js';
export { SqliteStore } from './sqlite.js';
export type { PruneResult, StateStore, StoredAnalysis, StoredState, StoredVote } from './types.js';
export { StoreError } from './types.js';

/** The store the bot uses: SQLite at STATE_PATH. A networked store would be chosen here (docs/state.md). */
export function openStore(statePath: string): StateStore {
  return SqliteStore.open(statePath);
}
