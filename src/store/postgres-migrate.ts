import type pg from 'pg';
import { MIGRATIONS, SCHEMA_VERSION } from './migrations.js';

/** Any constant shared by every replica: the advisory lock that lets one replica migrate while the others wait. */
const MIGRATION_LOCK_KEY = 0x1ce_9107;

/** The version recorded in the database: 0 for an empty database. */
export async function schemaVersion(client: pg.ClientBase): Promise<number> {
  const exists = await client.query<{ present: boolean }>("SELECT to_regclass('schema_version') IS NOT NULL AS present");
  if (!exists.rows[0]?.present) return 0;
  const row = await client.query<{ version: number }>('SELECT max(version)::int AS version FROM schema_version');
  return row.rows[0]?.version ?? 0;
}

/**
 * Applies every migration newer than the database's, each in one transaction with its schema_version row, under an
 * advisory lock so replicas starting together migrate once. A database newer than this release is refused.
 */
export async function migratePostgres(client: pg.ClientBase): Promise<void> {
  await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
  try {
    await client.query('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)');
    const current = await schemaVersion(client);
    if (current > SCHEMA_VERSION) {
      throw new Error(`schema version ${current} is newer than this release understands (${SCHEMA_VERSION}); run the newer release`);
    }
    for (const migration of MIGRATIONS) {
      if (migration.version <= current) continue;
      await client.query('BEGIN');
      try {
        await client.query(migration.postgres);
        await client.query('INSERT INTO schema_version (version, applied_at) VALUES ($1, $2)', [migration.version, Date.now()]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      }
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
  }
}
