import pg from 'pg';
import { type AnalysisRow, toAnalysis } from './analysis-row.js';
import { PostgresCoordination, PRUNE_COORDINATION_SQL } from './coordination-postgres.js';
import { type PostgresSettings, redact, resolvePostgres } from './postgres-config.js';
import { PgConnection } from './postgres-connection.js';
import { PostgresMemory, PRUNE_MEMORY_SQL } from './postgres-memory.js';
import { migratePostgres, schemaVersion } from './postgres-migrate.js';
import { DEFAULT_RETRY, type RetryPolicy, withRetry } from './postgres-retry.js';
import { analysisParams, MARK_EVENT_RETRY_SQL, MARK_EVENT_SQL, UPSERT_ANALYSIS_SQL, UPSERT_THREAD_SQL } from './postgres-sql.js';
import {
  type PruneResult,
  type StateStore,
  type StoredAlertGroup,
  type StoredAnalysis,
  type StoredState,
  type StoredVote,
  StoreError,
} from './types.js';
import { toVote, type VoteRow, voteParams } from './vote-row.js';

/** Connections one replica holds: analyses, Slack handlers and retention share them; PostgreSQL's default allows 100. */
const POOL_SIZE = 10;
/** How long a new connection may take before the attempt counts as failed (and is retried while the policy allows). */
const CONNECT_TIMEOUT_MS = 5_000;
/** Opening waits this long for an unreachable database (replicas starting beside it) before start-up fails. */
const OPEN_RETRY: RetryPolicy = { maxMs: 10_000, firstDelayMs: 100, maxDelayMs: 2_000 };
/** Analyses that could not be written within the retry policy are tried again this often until they are. */
const REWRITE_MS = 5_000;
const INT8_OID = 20;

export interface PostgresStoreOptions {
  /** How long each statement is retried across a lost connection (a restart, a failover). */
  retry?: RetryPolicy;
  openRetry?: RetryPolicy;
}

/** int8 columns hold epoch milliseconds and counts, all far below 2^53: read them as numbers, not strings. */
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID && format !== 'binary'
      ? (value: string) => Number(value)
      : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

/**
 * The store on PostgreSQL (STATE_URL), for several replicas sharing one database. Analysis writes are batched per
 * turn of the event loop as in SQLite and written in one transaction; every statement is retried while the connection
 * is lost, so a database restart delays writes rather than losing them.
 */
export class PostgresStore implements StateStore {
  private pending = new Map<string, StoredAnalysis>();
  private flushTimer: NodeJS.Immediate | undefined;
  private rewriteTimer: NodeJS.Timeout | undefined;
  private readonly db: PgConnection;
  private scheduled: Promise<void> | undefined;
  private release: ((written: Promise<void>) => void) | undefined;
  private closed = false;
  readonly memory: PostgresMemory;
  /** Outside the write queue: a claim or heartbeat must not wait behind a batch of analysis writes. */
  readonly coordination = new PostgresCoordination((text, params) => this.db.query(text, params));

  private constructor(
    readonly location: string,
    private readonly pool: pg.Pool,
    secrets: readonly string[],
    retry: RetryPolicy,
  ) {
    this.db = new PgConnection(pool, secrets, retry);
    this.memory = new PostgresMemory(
      (text, params) => this.read(text, params),
      (text, params) => this.write(text, params),
    );
  }

  /** Connects, migrates and checks it can write; a StoreError names STATE_URL (never its password) otherwise. */
  static async open(settings: PostgresSettings, options: PostgresStoreOptions = {}): Promise<PostgresStore> {
    const resolved = resolvePostgres(settings);
    const pool = new pg.Pool({
      ...resolved.pool,
      max: POOL_SIZE,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      types,
    });
    // An idle connection the server dropped (a restart) errors here; the next statement reconnects and is retried.
    pool.on('error', () => undefined);
    try {
      await withRetry(async () => {
        const client = await pool.connect();
        try {
          await migratePostgres(client);
          await client.query('CREATE TEMP TABLE write_probe (x INTEGER); DROP TABLE write_probe');
        } finally {
          client.release();
        }
      }, options.openRetry ?? OPEN_RETRY);
    } catch (error) {
      await pool.end().catch(() => undefined);
      const message = redact(error instanceof Error ? error.message : String(error), resolved.secrets);
      throw new StoreError(
        `STATE_URL ${resolved.location}: cannot open the state database: ${message}. ` +
          'Check that PostgreSQL is reachable from here, the user, password (STATE_PASSWORD_FILE) and TLS settings (sslmode, STATE_CA_FILE).',
      );
    }
    return new PostgresStore(resolved.location, pool, resolved.secrets, options.retry ?? DEFAULT_RETRY);
  }

  private write<R>(text: string, params: unknown[] = []): Promise<R[]> {
    return this.db.enqueue(() => this.db.query<R>(text, params));
  }

  /** Waits for every write made before it (a failed analysis batch stays pending; the read goes ahead). */
  private async read<R>(text: string, params: unknown[] = []): Promise<R[]> {
    await this.flush().catch(() => undefined);
    return this.db.query<R>(text, params);
  }

  /** Resolves once this analysis (and any pending before it) is written; callers need not wait. */
  saveAnalysis(analysis: StoredAnalysis): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.pending.set(analysis.id, analysis);
    this.scheduled ??= new Promise<void>((resolve) => {
      this.release = resolve;
      this.flushTimer = setImmediate(() => {
        this.flush().catch(() => undefined);
      });
    });
    return this.scheduled;
  }

  /** Writes every pending analysis in one transaction; writes are serial, so a later save never loses to an earlier. */
  flush(): Promise<void> {
    if (this.flushTimer) clearImmediate(this.flushTimer);
    this.flushTimer = undefined;
    const written = this.db.enqueue(() => this.writePending());
    // Saves waiting on the scheduled flush settle with this one (a read may flush before the timer fires).
    this.release?.(written);
    this.release = undefined;
    this.scheduled = undefined;
    return written;
  }

  private async writePending(): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = [...this.pending.values()];
    this.pending = new Map();
    const now = Date.now();
    try {
      await this.db.transaction(async (client) => {
        for (const a of batch) {
          await client.query(UPSERT_ANALYSIS_SQL, analysisParams(a, now));
          if (a.threadTs) await client.query(UPSERT_THREAD_SQL, [a.channel, a.threadTs, a.id, a.createdAt]);
        }
      });
    } catch (error) {
      // Kept for the next flush unless a newer save of the same analysis came in meanwhile.
      for (const a of batch) if (!this.pending.has(a.id)) this.pending.set(a.id, a);
      this.rewriteTimer ??= setTimeout(() => {
        this.rewriteTimer = undefined;
        if (!this.closed) this.flush().catch(() => undefined);
      }, REWRITE_MS);
      // A database that stays away must not keep a stopping process alive; close() writes what is left.
      this.rewriteTimer.unref();
      throw error;
    }
  }

  async getAnalysis(id: string): Promise<StoredAnalysis | undefined> {
    const [row] = await this.read<AnalysisRow>('SELECT * FROM analyses WHERE id = $1', [id]);
    return row ? toAnalysis(row) : undefined;
  }

  async analysisInThread(channel: string, threadTs: string): Promise<StoredAnalysis | undefined> {
    const [row] = await this.read<AnalysisRow>(
      'SELECT a.* FROM threads t JOIN analyses a ON a.id = t.analysis_id WHERE t.channel = $1 AND t.thread_ts = $2',
      [channel, threadTs],
    );
    return row ? toAnalysis(row) : undefined;
  }

  async analysesIn(states: readonly StoredState[], limit: number): Promise<StoredAnalysis[]> {
    if (states.length === 0) return [];
    const rows = await this.read<AnalysisRow>('SELECT * FROM analyses WHERE state = ANY($1::text[]) ORDER BY created_at LIMIT $2', [
      [...states],
      limit,
    ]);
    return rows.map(toAnalysis);
  }

  async unpostedReports(maxAttempts: number, limit: number): Promise<StoredAnalysis[]> {
    const rows = await this.read<AnalysisRow>(
      "SELECT * FROM analyses WHERE state = 'done' AND report_posted = 0 AND report IS NOT NULL AND post_attempts < $1 ORDER BY created_at LIMIT $2",
      [maxAttempts, limit],
    );
    return rows.map(toAnalysis);
  }

  async rememberAlert(fingerprint: string, analysisId: string, at: number): Promise<void> {
    await this.write(
      'INSERT INTO alerts (fingerprint, analysis_id, at) VALUES ($1, $2, $3) ON CONFLICT (fingerprint) DO UPDATE SET analysis_id = excluded.analysis_id, at = excluded.at',
      [fingerprint, analysisId, at],
    );
  }

  async alert(fingerprint: string): Promise<{ analysisId: string; at: number } | undefined> {
    const [row] = await this.read<{ analysis_id: string; at: number }>('SELECT analysis_id, at FROM alerts WHERE fingerprint = $1', [
      fingerprint,
    ]);
    return row ? { analysisId: row.analysis_id, at: row.at } : undefined;
  }

  async saveAlertGroup(key: string, group: StoredAlertGroup, at: number): Promise<void> {
    await this.write(
      'INSERT INTO alert_groups (key, data, updated_at) VALUES ($1, $2, $3) ON CONFLICT (key) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at',
      [key, JSON.stringify(group), at],
    );
  }

  async alertGroup(key: string): Promise<StoredAlertGroup | undefined> {
    const [row] = await this.read<{ data: string }>('SELECT data FROM alert_groups WHERE key = $1', [key]);
    return row ? (JSON.parse(row.data) as StoredAlertGroup) : undefined;
  }

  /** Atomic across replicas: of two inserts of one id, exactly one returns a row (postgres-sql.ts). */
  async markEvent(eventId: string, at: number): Promise<boolean> {
    const rows = await this.db.enqueue(() =>
      this.db.query((retry) => (retry === 0 ? MARK_EVENT_SQL : MARK_EVENT_RETRY_SQL), [eventId, at]),
    );
    return rows.length === 1;
  }

  async recordVote(vote: StoredVote): Promise<void> {
    await this.write(
      `INSERT INTO votes (analysis_id, "user", vote, engine, incident, at, at_ms, cause, culprit) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (analysis_id, "user") DO UPDATE SET vote = excluded.vote, at = excluded.at, at_ms = excluded.at_ms,
         cause = excluded.cause, culprit = excluded.culprit`,
      voteParams(vote),
    );
  }

  async votes(analysisId: string): Promise<StoredVote[]> {
    const rows = await this.read<VoteRow>('SELECT * FROM votes WHERE analysis_id = $1 ORDER BY at_ms', [analysisId]);
    return rows.map(toVote);
  }

  async prune(before: number): Promise<PruneResult> {
    await this.flush().catch(() => undefined);
    return this.db.enqueue(() =>
      this.db.transaction(async (client) => {
        const count = async (sql: string) => (await client.query(sql, [before])).rowCount ?? 0;
        const analyses = await count("DELETE FROM analyses WHERE updated_at < $1 AND state NOT IN ('queued', 'running')");
        await client.query('DELETE FROM threads t WHERE NOT EXISTS (SELECT 1 FROM analyses a WHERE a.id = t.analysis_id)');
        const alerts = await count('DELETE FROM alerts WHERE at < $1');
        const events = await count('DELETE FROM events WHERE at < $1');
        const votes = await count('DELETE FROM votes WHERE at_ms < $1');
        for (const sql of PRUNE_MEMORY_SQL) await count(sql);
        for (const sql of PRUNE_COORDINATION_SQL) await count(sql);
        const alertGroups = await count('DELETE FROM alert_groups WHERE updated_at < $1');
        return { analyses, alerts, events, votes, alertGroups };
      }),
    );
  }

  /** The schema version in the database, for tests and diagnostics. */
  async schemaVersion(): Promise<number> {
    const client = await this.pool.connect();
    try {
      return await schemaVersion(client);
    } finally {
      client.release();
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    if (this.rewriteTimer) clearTimeout(this.rewriteTimer);
    try {
      await this.flush();
    } finally {
      this.closed = true;
      await this.pool.end();
    }
  }
}
