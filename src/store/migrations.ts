import type Database from 'better-sqlite3';

/**
 * Schema versions of both stores, applied in order: each version is expressed once for SQLite (`sql`; PRAGMA
 * user_version records the last one applied) and once for PostgreSQL (`postgres`; the schema_version table, applied by
 * postgres-migrate.ts), so the two schemas move together. Never edit a released migration: add the next version. Each
 * runs in one transaction with its version bump.
 */
export interface Migration {
  version: number;
  description: string;
  /** SQLite. */
  sql: string;
  /** PostgreSQL: the same tables and columns; epoch milliseconds as BIGINT, FTS5 as tsvector columns with GIN indexes. */
  postgres: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'analyses, thread links, alert fingerprints, processed events, feedback votes',
    sql: `
      CREATE TABLE analyses (
        id TEXT PRIMARY KEY,
        origin TEXT NOT NULL,
        channel TEXT NOT NULL,
        thread_ts TEXT,
        status_ts TEXT,
        state TEXT NOT NULL,
        incident TEXT NOT NULL,
        context TEXT,
        requested_by TEXT NOT NULL,
        fingerprint TEXT,
        tool_calls INTEGER NOT NULL DEFAULT 0,
        reason TEXT,
        report TEXT,
        report_posted INTEGER NOT NULL DEFAULT 0,
        post_attempts INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL,
        started_at INTEGER,
        finished_at INTEGER,
        updated_at INTEGER NOT NULL
      );
      CREATE INDEX analyses_state ON analyses (state, created_at);
      CREATE INDEX analyses_updated ON analyses (updated_at);
      CREATE TABLE threads (
        channel TEXT NOT NULL,
        thread_ts TEXT NOT NULL,
        analysis_id TEXT NOT NULL,
        at INTEGER NOT NULL,
        PRIMARY KEY (channel, thread_ts)
      );
      CREATE INDEX threads_analysis ON threads (analysis_id);
      CREATE TABLE alerts (
        fingerprint TEXT PRIMARY KEY,
        analysis_id TEXT NOT NULL,
        at INTEGER NOT NULL
      );
      CREATE TABLE events (
        event_id TEXT PRIMARY KEY,
        at INTEGER NOT NULL
      );
      CREATE INDEX events_at ON events (at);
      CREATE TABLE votes (
        analysis_id TEXT NOT NULL,
        user TEXT NOT NULL,
        vote TEXT NOT NULL,
        engine TEXT,
        incident TEXT,
        at TEXT NOT NULL,
        at_ms INTEGER NOT NULL,
        PRIMARY KEY (analysis_id, user)
      );
    `,
    postgres: `
      CREATE TABLE analyses (
        id TEXT PRIMARY KEY,
        origin TEXT NOT NULL,
        channel TEXT NOT NULL,
        thread_ts TEXT,
        status_ts TEXT,
        state TEXT NOT NULL,
        incident TEXT NOT NULL,
        context TEXT,
        requested_by TEXT NOT NULL,
        fingerprint TEXT,
        tool_calls INTEGER NOT NULL DEFAULT 0,
        reason TEXT,
        report TEXT,
        report_posted INTEGER NOT NULL DEFAULT 0,
        post_attempts INTEGER NOT NULL DEFAULT 0,
        created_at BIGINT NOT NULL,
        started_at BIGINT,
        finished_at BIGINT,
        updated_at BIGINT NOT NULL
      );
      CREATE INDEX analyses_state ON analyses (state, created_at);
      CREATE INDEX analyses_updated ON analyses (updated_at);
      CREATE TABLE threads (
        channel TEXT NOT NULL,
        thread_ts TEXT NOT NULL,
        analysis_id TEXT NOT NULL,
        at BIGINT NOT NULL,
        PRIMARY KEY (channel, thread_ts)
      );
      CREATE INDEX threads_analysis ON threads (analysis_id);
      CREATE TABLE alerts (
        fingerprint TEXT PRIMARY KEY,
        analysis_id TEXT NOT NULL,
        at BIGINT NOT NULL
      );
      CREATE TABLE events (
        event_id TEXT PRIMARY KEY,
        at BIGINT NOT NULL
      );
      CREATE INDEX events_at ON events (at);
      -- "user" is reserved in PostgreSQL; the column keeps SQLite's name, quoted.
      CREATE TABLE votes (
        analysis_id TEXT NOT NULL,
        "user" TEXT NOT NULL,
        vote TEXT NOT NULL,
        engine TEXT,
        incident TEXT,
        at TEXT NOT NULL,
        at_ms BIGINT NOT NULL,
        PRIMARY KEY (analysis_id, "user")
      );
    `,
  },
  {
    version: 2,
    description: "alert webhook groups; an analysis' time window, scope labels and resolution",
    sql: `
      ALTER TABLE analyses ADD COLUMN since TEXT;
      ALTER TABLE analyses ADD COLUMN scope TEXT;
      ALTER TABLE analyses ADD COLUMN resolution TEXT;
      CREATE TABLE alert_groups (
        key TEXT PRIMARY KEY,
        data TEXT NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE INDEX alert_groups_updated ON alert_groups (updated_at);
    `,
    postgres: `
      ALTER TABLE analyses ADD COLUMN since TEXT;
      ALTER TABLE analyses ADD COLUMN scope TEXT;
      ALTER TABLE analyses ADD COLUMN resolution TEXT;
      CREATE TABLE alert_groups (
        key TEXT PRIMARY KEY,
        data TEXT NOT NULL,
        updated_at BIGINT NOT NULL
      );
      CREATE INDEX alert_groups_updated ON alert_groups (updated_at);
    `,
  },
  {
    version: 3,
    description: 'incident memory (identity of finished analyses, FTS5 index), recorded tool calls, feedback answers',
    sql: `
      CREATE TABLE incidents (
        analysis_id TEXT PRIMARY KEY,
        channel TEXT NOT NULL,
        thread_ts TEXT,
        at INTEGER NOT NULL,
        engine TEXT NOT NULL,
        incident TEXT NOT NULL,
        services TEXT NOT NULL,
        suspect_kind TEXT,
        suspect_id TEXT,
        signatures TEXT NOT NULL,
        metrics TEXT NOT NULL,
        summary TEXT NOT NULL,
        root_cause TEXT NOT NULL,
        confidence TEXT NOT NULL,
        confirmed_cause TEXT,
        confirmed_culprit TEXT,
        confirmed_by TEXT
      );
      CREATE INDEX incidents_at ON incidents (at);
      CREATE INDEX incidents_channel ON incidents (channel, at);
      -- One FTS row per incident; rowid = incidents.rowid. Signatures and metrics are indexed as whole tokens
      -- (signature_token), so a shared signature is an exact phrase match, not a bag of words.
      CREATE VIRTUAL TABLE incidents_fts USING fts5 (sig_tokens, services, text, tokenize = 'unicode61');
      CREATE TABLE recordings (
        analysis_id TEXT PRIMARY KEY,
        at INTEGER NOT NULL,
        calls BLOB NOT NULL
      );
      ALTER TABLE votes ADD COLUMN cause TEXT;
      ALTER TABLE votes ADD COLUMN culprit TEXT;
    `,
    postgres: `
      -- FTS5's three columns become three tsvector columns of the row itself, each with a GIN index; lexemes are
      -- written whole (array_to_tsvector), so a signature token is an exact match as in FTS5.
      CREATE TABLE incidents (
        analysis_id TEXT PRIMARY KEY,
        channel TEXT NOT NULL,
        thread_ts TEXT,
        at BIGINT NOT NULL,
        engine TEXT NOT NULL,
        incident TEXT NOT NULL,
        services TEXT NOT NULL,
        suspect_kind TEXT,
        suspect_id TEXT,
        signatures TEXT NOT NULL,
        metrics TEXT NOT NULL,
        summary TEXT NOT NULL,
        root_cause TEXT NOT NULL,
        confidence TEXT NOT NULL,
        confirmed_cause TEXT,
        confirmed_culprit TEXT,
        confirmed_by TEXT,
        sig_tokens TSVECTOR NOT NULL,
        service_tokens TSVECTOR NOT NULL,
        text_tokens TSVECTOR NOT NULL
      );
      CREATE INDEX incidents_at ON incidents (at);
      CREATE INDEX incidents_channel ON incidents (channel, at);
      CREATE INDEX incidents_sig_tokens ON incidents USING GIN (sig_tokens);
      CREATE INDEX incidents_service_tokens ON incidents USING GIN (service_tokens);
      CREATE INDEX incidents_text_tokens ON incidents USING GIN (text_tokens);
      CREATE TABLE recordings (
        analysis_id TEXT PRIMARY KEY,
        at BIGINT NOT NULL,
        calls BYTEA NOT NULL
      );
      ALTER TABLE votes ADD COLUMN cause TEXT;
      ALTER TABLE votes ADD COLUMN culprit TEXT;
    `,
  },
  {
    version: 4,
    description: "whether an incident's channel is private (NULL: unknown, matched only inside that channel)",
    sql: `
      ALTER TABLE incidents ADD COLUMN channel_private INTEGER;
    `,
    postgres: `
      ALTER TABLE incidents ADD COLUMN channel_private INTEGER;
    `,
  },
  {
    version: 5,
    description: "an analysis' alerts (name, runbook_url) for Re-run after a restart; its streamed message, to stop it",
    sql: `
      ALTER TABLE analyses ADD COLUMN alerts TEXT;
      ALTER TABLE analyses ADD COLUMN stream_ts TEXT;
    `,
    postgres: `
      ALTER TABLE analyses ADD COLUMN alerts TEXT;
      ALTER TABLE analyses ADD COLUMN stream_ts TEXT;
    `,
  },
  {
    version: 6,
    description: 'replicas sharing the store: once-only claims, leases (analysis owners, one-replica timers), heartbeats',
    sql: `
      CREATE TABLE claims (
        kind TEXT NOT NULL,
        key TEXT NOT NULL,
        token TEXT NOT NULL,
        at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        PRIMARY KEY (kind, key)
      );
      CREATE INDEX claims_expires ON claims (expires_at);
      CREATE TABLE leases (
        name TEXT PRIMARY KEY,
        owner TEXT NOT NULL,
        until INTEGER NOT NULL
      );
      CREATE INDEX leases_owner ON leases (owner);
      CREATE INDEX leases_until ON leases (until);
      CREATE TABLE replicas (
        id TEXT PRIMARY KEY,
        host TEXT NOT NULL,
        pid INTEGER NOT NULL,
        started_at INTEGER NOT NULL,
        heartbeat_at INTEGER NOT NULL,
        accepting INTEGER NOT NULL,
        running TEXT NOT NULL
      );
    `,
    postgres: `
      CREATE TABLE claims (
        kind TEXT NOT NULL,
        key TEXT NOT NULL,
        token TEXT NOT NULL,
        at BIGINT NOT NULL,
        expires_at BIGINT NOT NULL,
        PRIMARY KEY (kind, key)
      );
      CREATE INDEX claims_expires ON claims (expires_at);
      CREATE TABLE leases (
        name TEXT PRIMARY KEY,
        owner TEXT NOT NULL,
        until BIGINT NOT NULL
      );
      CREATE INDEX leases_owner ON leases (owner);
      CREATE INDEX leases_until ON leases (until);
      CREATE TABLE replicas (
        id TEXT PRIMARY KEY,
        host TEXT NOT NULL,
        pid INTEGER NOT NULL,
        started_at BIGINT NOT NULL,
        heartbeat_at BIGINT NOT NULL,
        accepting INTEGER NOT NULL,
        running TEXT NOT NULL
      );
    `,
  },
];

export const SCHEMA_VERSION = MIGRATIONS.at(-1)?.version ?? 0;

/** Applies every migration newer than the file's user_version; a file newer than this release is refused. */
export function migrate(db: Database.Database): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > SCHEMA_VERSION) {
    throw new Error(`schema version ${current} is newer than this release understands (${SCHEMA_VERSION}); run the newer release`);
  }
  for (const migration of MIGRATIONS) {
    if (migration.version <= current) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      db.pragma(`user_version = ${migration.version}`);
    })();
  }
}
