import { PostgresStore } from './postgres.js';
import { SqliteStore } from './sqlite.js';
import type { StateStore } from './types.js';

export { MIGRATIONS, SCHEMA_VERSION } from './migrations.js';
export { PostgresStore } from './postgres.js';
export { PRUNE_INTERVAL_MS, startRetention } from './retention.js';
export { SqliteStore } from './sqlite.js';
export type { PruneResult, StateStore, StoredAnalysis, StoredState, StoredVote } from './types.js';
export { StoreError } from './types.js';

/** The environment's say in which store the bot uses (src/slack/config.ts validates it). */
export interface StoreSettings {
  STATE_PATH: string;
  STATE_URL?: string | undefined;
  STATE_PASSWORD_FILE?: string | undefined;
  STATE_CA_FILE?: string | undefined;
}

/** The store the bot uses: PostgreSQL when STATE_URL is set (several replicas), else SQLite at STATE_PATH. */
export async function openStore(settings: StoreSettings): Promise<StateStore> {
  if (settings.STATE_URL) {
    return PostgresStore.open({
      url: settings.STATE_URL,
      ...(settings.STATE_PASSWORD_FILE ? { passwordFile: settings.STATE_PASSWORD_FILE } : {}),
      ...(settings.STATE_CA_FILE ? { caFile: settings.STATE_CA_FILE } : {}),
    });
  }
  return SqliteStore.open(settings.STATE_PATH);
}
