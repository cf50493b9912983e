import type Database from 'better-sqlite3';
import { token } from '../memory/score.js';
import type {
  ConfirmedCause,
  EngineStats,
  IncidentIdentity,
  IncidentMemory,
  MemoryScope,
  RememberedIncident,
  SimilarIncident,
  StoredRecording,
} from '../memory/types.js';
import {
  type IncidentRow,
  packRecording,
  rankSimilar,
  recalled,
  recallText,
  searchTokens,
  toRemembered,
  unpackRecording,
  words,
} from './memory-rows.js';

/** Candidates the FTS index hands to the scorer; the best matches share the rarest tokens, so bm25 ranks them first. */
const MAX_CANDIDATES = 200;

/** The incident memory in the state store's SQLite file (migration 3): rows in `incidents`, tokens in `incidents_fts`. */
export class SqliteMemory implements IncidentMemory {
  constructor(
    private readonly db: Database.Database,
    private readonly flush: () => void,
  ) {}

  async remember(identity: IncidentIdentity): Promise<void> {
    const tokens = searchTokens(identity);
    const sigTokens = tokens.sig.join(' ');
    const serviceTokens = tokens.services.join(' ');
    const text = recallText(identity);
    this.db.transaction(() => {
      const old = this.db.prepare('SELECT rowid FROM incidents WHERE analysis_id = ?').get(identity.analysisId) as
        | { rowid: number }
        | undefined;
      if (old) this.db.prepare('DELETE FROM incidents_fts WHERE rowid = ?').run(old.rowid);
      const info = this.db
        .prepare(
          `INSERT INTO incidents (analysis_id, channel, thread_ts, at, engine, incident, services, suspect_kind, suspect_id,
             signatures, metrics, summary, root_cause, confidence, channel_private)
           VALUES (@analysisId, @channel, @threadTs, @at, @engine, @incident, @services, @suspectKind, @suspectId, @signatures,
             @metrics, @summary, @rootCause, @confidence, @channelPrivate)
           ON CONFLICT (analysis_id) DO UPDATE SET thread_ts = excluded.thread_ts, at = excluded.at, engine = excluded.engine,
             channel_private = excluded.channel_private,
             services = excluded.services, suspect_kind = excluded.suspect_kind, suspect_id = excluded.suspect_id,
             signatures = excluded.signatures, metrics = excluded.metrics, summary = excluded.summary,
             root_cause = excluded.root_cause, confidence = excluded.confidence`,
        )
        .run({
          analysisId: identity.analysisId,
          channel: identity.channel,
          threadTs: identity.threadTs ?? null,
          at: identity.at,
          engine: identity.engine,
          incident: identity.incident,
          services: JSON.stringify(identity.services),
          suspectKind: identity.suspectKind ?? null,
          suspectId: identity.suspectId ?? null,
          signatures: JSON.stringify(identity.signatures),
          metrics: JSON.stringify(identity.metrics),
          summary: identity.summary,
          rootCause: identity.rootCause,
          confidence: identity.confidence,
          channelPrivate: identity.channelPrivate === undefined ? null : identity.channelPrivate ? 1 : 0,
        });
      const rowid = old?.rowid ?? Number(info.lastInsertRowid);
      this.db
        .prepare('INSERT INTO incidents_fts (rowid, sig_tokens, services, text) VALUES (?, ?, ?, ?)')
        .run(rowid, sigTokens, serviceTokens, text);
    })();
  }

  /**
   * Incidents the scope may see: its channel's, and with `withPublic` every channel known to be public. A channel of
   * unknown privacy counts as private: its incidents never leave it.
   */
  private candidates(match: string, scope: MemoryScope, exclude: string | undefined): IncidentRow[] {
    const channel = scope.channel ?? null;
    return this.db
      .prepare(
        `SELECT i.rowid, i.* FROM incidents_fts f JOIN incidents i ON i.rowid = f.rowid
         WHERE incidents_fts MATCH ? AND (? IS NULL OR i.channel = ? OR (? = 1 AND i.channel_private = 0))
           AND i.analysis_id != ?
         ORDER BY bm25(incidents_fts) LIMIT ?`,
      )
      .all(match, channel, channel, scope.withPublic ? 1 : 0, exclude ?? '', MAX_CANDIDATES) as IncidentRow[];
  }

  async similar(query: IncidentIdentity, scope: MemoryScope, limit: number): Promise<SimilarIncident[]> {
    const { sig, services } = searchTokens(query);
    const terms = [...sig.map((t) => `sig_tokens:${t}`), ...services.map((t) => `services:${t}`)];
    if (terms.length === 0) return [];
    const rows = this.candidates(terms.join(' OR '), scope, query.analysisId);
    if (rows.length === 0) return [];
    const total = (this.db.prepare('SELECT count(*) AS n FROM incidents').get() as { n: number }).n;
    const dfCache = new Map<string, number>();
    const countSig = this.db.prepare('SELECT count(*) AS n FROM incidents_fts WHERE incidents_fts MATCH ?');
    const df = (signature: string) => {
      let n = dfCache.get(signature);
      if (n === undefined) {
        n = (countSig.get(`sig_tokens:${token('s', signature)}`) as { n: number }).n;
        dfCache.set(signature, n);
      }
      return n;
    };
    return rankSimilar(query, rows, total, df, limit);
  }

  async recall(text: string, services: readonly string[], scope: MemoryScope, limit: number): Promise<SimilarIncident[]> {
    const textWords = words(text);
    const terms = [...textWords.map((w) => `text:"${w}"`), ...services.map((s) => `services:${token('v', s)}`)];
    if (terms.length === 0) return [];
    const rows = this.candidates(terms.join(' OR '), scope, undefined).slice(0, limit);
    return rows.map((row) => recalled(row, textWords, services));
  }

  private votesOf(analysisId: string): { up: number; down: number } {
    const rows = this.db.prepare('SELECT vote, count(*) AS n FROM votes WHERE analysis_id = ? GROUP BY vote').all(analysisId) as Array<{
      vote: string;
      n: number;
    }>;
    return { up: rows.find((r) => r.vote === 'up')?.n ?? 0, down: rows.find((r) => r.vote === 'down')?.n ?? 0 };
  }

  private remembered(row: IncidentRow): RememberedIncident {
    return toRemembered(row, this.votesOf(row.analysis_id));
  }

  async get(analysisId: string): Promise<RememberedIncident | undefined> {
    const row = this.db.prepare('SELECT rowid, * FROM incidents WHERE analysis_id = ?').get(analysisId) as IncidentRow | undefined;
    return row ? this.remembered(row) : undefined;
  }

  async history(scope: MemoryScope, service: string | undefined, limit: number): Promise<RememberedIncident[]> {
    const channel = scope.channel ?? null;
    const rows = this.db
      .prepare(
        `SELECT i.rowid, i.* FROM incidents i
         WHERE (? IS NULL OR i.channel = ?) AND (? IS NULL OR EXISTS (SELECT 1 FROM json_each(i.services) WHERE value = ?))
         ORDER BY i.at DESC LIMIT ?`,
      )
      .all(channel, channel, service ?? null, service ?? null, limit) as IncidentRow[];
    return rows.map((row) => this.remembered(row));
  }

  async confirm(analysisId: string, confirmed: ConfirmedCause): Promise<boolean> {
    return (
      this.db
        .prepare('UPDATE incidents SET confirmed_cause = ?, confirmed_culprit = ?, confirmed_by = ? WHERE analysis_id = ?')
        .run(confirmed.cause, confirmed.culprit ?? null, confirmed.by, analysisId).changes === 1
    );
  }

  async stats(since: number): Promise<EngineStats[]> {
    this.flush();
    const rows = this.db
      .prepare(
        `SELECT i.engine AS engine, count(*) AS analyses,
           sum((SELECT count(*) FROM votes v WHERE v.analysis_id = i.analysis_id AND v.vote = 'up')) AS up,
           sum((SELECT count(*) FROM votes v WHERE v.analysis_id = i.analysis_id AND v.vote = 'down')) AS down,
           sum(i.confirmed_cause IS NOT NULL) AS confirmed,
           sum(i.confirmed_cause IS NOT NULL AND (
             (i.suspect_id IS NOT NULL AND i.confirmed_culprit = i.suspect_id) OR
             (i.suspect_kind IS NOT NULL AND i.confirmed_culprit = i.suspect_kind))) AS confirmedCorrect
         FROM incidents i WHERE i.at >= ? GROUP BY i.engine ORDER BY analyses DESC`,
      )
      .all(since) as EngineStats[];
    return rows.map((row) => ({ ...row, up: row.up ?? 0, down: row.down ?? 0 }));
  }

  async saveRecording(analysisId: string, recording: StoredRecording): Promise<void> {
    this.db
      .prepare(
        'INSERT INTO recordings (analysis_id, at, calls) VALUES (?, ?, ?) ON CONFLICT (analysis_id) DO UPDATE SET at = excluded.at, calls = excluded.calls',
      )
      .run(analysisId, Date.now(), packRecording(recording));
  }

  async recording(analysisId: string): Promise<StoredRecording | undefined> {
    const row = this.db.prepare('SELECT calls FROM recordings WHERE analysis_id = ?').get(analysisId) as { calls: Buffer } | undefined;
    return row ? unpackRecording(row.calls) : undefined;
  }

  /** Retention: what is older than `before` goes with the analyses. */
  prune(before: number): void {
    this.db.prepare('DELETE FROM incidents_fts WHERE rowid IN (SELECT rowid FROM incidents WHERE at < ?)').run(before);
    this.db.prepare('DELETE FROM incidents WHERE at < ?').run(before);
    this.db.prepare('DELETE FROM recordings WHERE at < ?').run(before);
  }
}
