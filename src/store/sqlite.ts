import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { type AnalysisRow, toAnalysis } from './analysis-row.js';
import { SqliteCoordination } from './coordination-sqlite.js';
import { SqliteMemory } from './memory-sqlite.js';
import { migrate } from './migrations.js';
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

/** Milliseconds SQLite waits on a lock held by another connection (a backup, an operator's sqlite3 shell). */
const BUSY_TIMEOUT_MS = 5_000;

/**
 * The default store: one SQLite file in WAL mode. Analysis writes are batched and flushed on the next turn of the
 * event loop (one transaction), so Slack acks never wait on the disk; reads flush first so they see every write.
 */
export class SqliteStore implements StateStore {
  private readonly db: Database.Database;
  private pending = new Map<string, StoredAnalysis>();
  private flushTimer: NodeJS.Immediate | undefined;
  private closed = false;
  readonly memory: SqliteMemory;
  readonly coordination: SqliteCoordination;

  private constructor(
    readonly location: string,
    db: Database.Database,
  ) {
    this.db = db;
    this.memory = new SqliteMemory(db, () => this.flush());
    this.coordination = new SqliteCoordination(db);
  }

  /** Opens (creating the folder and file when missing) and migrates; a StoreError names the file otherwise. */
  static open(file: string): SqliteStore {
    const location = file === ':memory:' ? file : path.resolve(file);
    let db: Database.Database | undefined;
    try {
      if (location !== ':memory:') mkdirSync(path.dirname(location), { recursive: true });
      db = new Database(location, { timeout: BUSY_TIMEOUT_MS });
      // WAL lets readers run beside the writer and survives kill -9 with at most the last transaction lost.
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.pragma('foreign_keys = ON');
      migrate(db);
      // A read-only or full disk shows here rather than on the first analysis. One write transaction, so replicas
      // opening the same file at once never drop each other's probe.
      const probe = db;
      probe
        .transaction(() => {
          probe.prepare('CREATE TABLE IF NOT EXISTS write_probe (x INTEGER)').run();
          probe.prepare('DROP TABLE write_probe').run();
        })
        .immediate();
    } catch (error) {
      db?.close();
      const message = error instanceof Error ? error.message : String(error);
      throw new StoreError(
        `STATE_PATH ${location}: cannot open the state database: ${message}. ` +
          'Point STATE_PATH at a writable file (its folder is created), or move a corrupt file aside to start empty.',
      );
    }
    return new SqliteStore(location, db);
  }

  async saveAnalysis(analysis: StoredAnalysis): Promise<void> {
    if (this.closed) return;
    this.pending.set(analysis.id, analysis);
    this.flushTimer ??= setImmediate(() => this.flush());
  }

  /** Writes every pending analysis in one transaction. */
  flush(): void {
    if (this.flushTimer) clearImmediate(this.flushTimer);
    this.flushTimer = undefined;
    if (this.pending.size === 0 || this.closed) return;
    const batch = [...this.pending.values()];
    this.pending = new Map();
    const upsert = this.db.prepare(`
      INSERT INTO analyses (id, origin, channel, thread_ts, status_ts, state, incident, context, requested_by, fingerprint,
        tool_calls, reason, report, report_posted, post_attempts, created_at, started_at, finished_at, updated_at,
        since, scope, resolution, alerts, stream_ts)
      VALUES (@id, @origin, @channel, @threadTs, @statusTs, @state, @incident, @context, @requestedBy, @fingerprint,
        @toolCalls, @reason, @report, @reportPosted, @postAttempts, @createdAt, @startedAt, @finishedAt, @updatedAt,
        @since, @scope, @resolution, @alerts, @streamTs)
      ON CONFLICT (id) DO UPDATE SET thread_ts = excluded.thread_ts, status_ts = excluded.status_ts, state = excluded.state,
        context = excluded.context, tool_calls = excluded.tool_calls, reason = excluded.reason, report = excluded.report,
        report_posted = excluded.report_posted, post_attempts = excluded.post_attempts, started_at = excluded.started_at,
        finished_at = excluded.finished_at, updated_at = excluded.updated_at, resolution = excluded.resolution,
        alerts = excluded.alerts, stream_ts = excluded.stream_ts`);
    const link = this.db.prepare(
      // The latest analysis of a thread wins: a later save of an older one (a report posted late) must not steal it.
      'INSERT INTO threads (channel, thread_ts, analysis_id, at) VALUES (?, ?, ?, ?) ON CONFLICT (channel, thread_ts) DO UPDATE SET analysis_id = excluded.analysis_id, at = excluded.at WHERE excluded.at >= threads.at',
    );
    const now = Date.now();
    this.db.transaction((rows: StoredAnalysis[]) => {
      for (const a of rows) {
        upsert.run({
          id: a.id,
          origin: a.origin,
          channel: a.channel,
          threadTs: a.threadTs ?? null,
          statusTs: a.statusTs ?? null,
          state: a.state,
          incident: a.incident,
          context: a.context ?? null,
          requestedBy: JSON.stringify(a.requestedBy),
          fingerprint: a.fingerprint ?? null,
          toolCalls: a.toolCalls,
          reason: a.reason ?? null,
          report: a.report ? JSON.stringify(a.report) : null,
          reportPosted: a.reportPosted ? 1 : 0,
          postAttempts: a.postAttempts,
          createdAt: a.createdAt,
          startedAt: a.startedAt ?? null,
          finishedAt: a.finishedAt ?? null,
          updatedAt: now,
          since: a.since ?? null,
          scope: a.scope ? JSON.stringify(a.scope) : null,
          resolution: a.resolution ?? null,
          alerts: a.alerts?.length ? JSON.stringify(a.alerts) : null,
          streamTs: a.streamTs ?? null,
        });
        if (a.threadTs) link.run(a.channel, a.threadTs, a.id, a.createdAt);
      }
    })(batch);
  }

  async getAnalysis(id: string): Promise<StoredAnalysis | undefined> {
    this.flush();
    const row = this.db.prepare('SELECT * FROM analyses WHERE id = ?').get(id) as AnalysisRow | undefined;
    return row ? toAnalysis(row) : undefined;
  }

  async analysisInThread(channel: string, threadTs: string): Promise<StoredAnalysis | undefined> {
    this.flush();
    const row = this.db
      .prepare('SELECT a.* FROM threads t JOIN analyses a ON a.id = t.analysis_id WHERE t.channel = ? AND t.thread_ts = ?')
      .get(channel, threadTs) as AnalysisRow | undefined;
    return row ? toAnalysis(row) : undefined;
  }

  async analysesIn(states: readonly StoredState[], limit: number): Promise<StoredAnalysis[]> {
    this.flush();
    if (states.length === 0) return [];
    const rows = this.db
      .prepare(`SELECT * FROM analyses WHERE state IN (${states.map(() => '?').join(', ')}) ORDER BY created_at LIMIT ?`)
      .all(...states, limit) as AnalysisRow[];
    return rows.map(toAnalysis);
  }

  async unpostedReports(maxAttempts: number, limit: number): Promise<StoredAnalysis[]> {
    this.flush();
    const rows = this.db
      .prepare(
        "SELECT * FROM analyses WHERE state = 'done' AND report_posted = 0 AND report IS NOT NULL AND post_attempts < ? ORDER BY created_at LIMIT ?",
      )
      .all(maxAttempts, limit) as AnalysisRow[];
    return rows.map(toAnalysis);
  }

  async rememberAlert(fingerprint: string, analysisId: string, at: number): Promise<void> {
    this.db
      .prepare(
        'INSERT INTO alerts (fingerprint, analysis_id, at) VALUES (?, ?, ?) ON CONFLICT (fingerprint) DO UPDATE SET analysis_id = excluded.analysis_id, at = excluded.at',
      )
      .run(fingerprint, analysisId, at);
  }

  async alert(fingerprint: string): Promise<{ analysisId: string; at: number } | undefined> {
    const row = this.db.prepare('SELECT analysis_id, at FROM alerts WHERE fingerprint = ?').get(fingerprint) as
      | { analysis_id: string; at: number }
      | undefined;
    return row ? { analysisId: row.analysis_id, at: row.at } : undefined;
  }

  async saveAlertGroup(key: string, group: StoredAlertGroup, at: number): Promise<void> {
    this.db
      .prepare(
        'INSERT INTO alert_groups (key, data, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at',
      )
      .run(key, JSON.stringify(group), at);
  }

  async alertGroup(key: string): Promise<StoredAlertGroup | undefined> {
    const row = this.db.prepare('SELECT data FROM alert_groups WHERE key = ?').get(key) as { data: string } | undefined;
    return row ? (JSON.parse(row.data) as StoredAlertGroup) : undefined;
  }

  async markEvent(eventId: string, at: number): Promise<boolean> {
    return this.db.prepare('INSERT OR IGNORE INTO events (event_id, at) VALUES (?, ?)').run(eventId, at).changes === 1;
  }

  async recordVote(vote: StoredVote): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO votes (analysis_id, user, vote, engine, incident, at, at_ms, cause, culprit) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (analysis_id, user) DO UPDATE SET vote = excluded.vote, at = excluded.at, at_ms = excluded.at_ms,
           cause = excluded.cause, culprit = excluded.culprit`,
      )
      .run(...voteParams(vote));
  }

  async votes(analysisId: string): Promise<StoredVote[]> {
    const rows = this.db.prepare('SELECT * FROM votes WHERE analysis_id = ? ORDER BY at_ms').all(analysisId) as VoteRow[];
    return rows.map(toVote);
  }

  async prune(before: number): Promise<PruneResult> {
    this.flush();
    return this.db.transaction(() => {
      const analyses = this.db
        .prepare("DELETE FROM analyses WHERE updated_at < ? AND state NOT IN ('queued', 'running')")
        .run(before).changes;
      this.db.prepare('DELETE FROM threads WHERE analysis_id NOT IN (SELECT id FROM analyses)').run();
      const alerts = this.db.prepare('DELETE FROM alerts WHERE at < ?').run(before).changes;
      const events = this.db.prepare('DELETE FROM events WHERE at < ?').run(before).changes;
      const votes = this.db.prepare('DELETE FROM votes WHERE at_ms < ?').run(before).changes;
      this.memory.prune(before);
      this.coordination.prune(before);
      const alertGroups = this.db.prepare('DELETE FROM alert_groups WHERE updated_at < ?').run(before).changes;
      return { analyses, alerts, events, votes, alertGroups };
    })();
  }

  /** The schema version on disk, for tests and diagnostics. */
  schemaVersion(): number {
    return this.db.pragma('user_version', { simple: true }) as number;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    this.db.close();
  }
}
