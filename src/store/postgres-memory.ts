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

/** Candidates the text search hands to the scorer, as in the SQLite memory. */
const MAX_CANDIDATES = 200;
/** PostgreSQL refuses a lexeme over 2047 bytes; 4 bytes a character at worst keeps one below that. */
const MAX_LEXEME_CHARS = 500;

/** Runs one statement (with the store's retry and ordering) and returns its rows. */
export type Query = <R>(text: string, params?: unknown[]) => Promise<R[]>;

/**
 * Words as FTS5's unicode61 tokenizer cuts them: runs of letters and digits, lower-cased, diacritics removed. Both the
 * stored text and the query go through this, so both memories match the same words.
 */
export function lexemes(text: string): string[] {
  const seen = new Set<string>();
  const folded = text.toLowerCase().normalize('NFKD').replace(/\p{M}/gu, '');
  for (const word of folded.match(/[\p{L}\p{N}]+/gu) ?? []) if (word.length <= MAX_LEXEME_CHARS) seen.add(word);
  return [...seen];
}

/**
 * An OR query over whole lexemes, or null when there are none. Lexemes are letters and digits only (hex tokens or the
 * output of lexemes()), so quoting them cannot be escaped: nothing of the user's text becomes query syntax.
 */
function anyOf(terms: readonly string[]): string | null {
  const safe = terms.filter((term) => /^[\p{L}\p{N}]+$/u.test(term));
  return safe.length > 0 ? safe.map((term) => `'${term}'`).join(' | ') : null;
}

/**
 * The incident memory on PostgreSQL: the same rows as SQLite's, with FTS5's columns as tsvector columns under GIN
 * indexes. Candidates are ordered by ts_rank where SQLite uses bm25; the scorer then orders them the same way.
 */
export class PostgresMemory implements IncidentMemory {
  /** `query` reads after the store's earlier writes; `write` runs in the store's write order. */
  constructor(
    private readonly query: Query,
    private readonly write: Query,
  ) {}

  async remember(identity: IncidentIdentity): Promise<void> {
    const tokens = searchTokens(identity);
    await this.write(
      `INSERT INTO incidents (analysis_id, channel, thread_ts, at, engine, incident, services, suspect_kind, suspect_id,
         signatures, metrics, summary, root_cause, confidence, channel_private, sig_tokens, service_tokens, text_tokens)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15,
         array_to_tsvector($16::text[]), array_to_tsvector($17::text[]), array_to_tsvector($18::text[]))
       ON CONFLICT (analysis_id) DO UPDATE SET thread_ts = excluded.thread_ts, at = excluded.at, engine = excluded.engine,
         channel_private = excluded.channel_private, services = excluded.services, suspect_kind = excluded.suspect_kind,
         suspect_id = excluded.suspect_id, signatures = excluded.signatures, metrics = excluded.metrics,
         summary = excluded.summary, root_cause = excluded.root_cause, confidence = excluded.confidence,
         sig_tokens = excluded.sig_tokens, service_tokens = excluded.service_tokens, text_tokens = excluded.text_tokens`,
      [
        identity.analysisId,
        identity.channel,
        identity.threadTs ?? null,
        identity.at,
        identity.engine,
        identity.incident,
        JSON.stringify(identity.services),
        identity.suspectKind ?? null,
        identity.suspectId ?? null,
        JSON.stringify(identity.signatures),
        JSON.stringify(identity.metrics),
        identity.summary,
        identity.rootCause,
        identity.confidence,
        identity.channelPrivate === undefined ? null : identity.channelPrivate ? 1 : 0,
        [...new Set(tokens.sig)],
        [...new Set(tokens.services)],
        lexemes(recallText(identity)),
      ],
    );
  }

  /** Incidents the scope may see (as in SQLite: a channel of unknown privacy counts as private). */
  private candidates(
    match: { sig: string | null; services: string | null; text: string | null },
    scope: MemoryScope,
    exclude: string | undefined,
  ): Promise<IncidentRow[]> {
    return this.query<IncidentRow>(
      `SELECT * FROM (
         SELECT i.*,
           coalesce(ts_rank(sig_tokens, $1::tsquery), 0) + coalesce(ts_rank(service_tokens, $2::tsquery), 0) +
             coalesce(ts_rank(text_tokens, $3::tsquery), 0) AS rank
         FROM incidents i
         WHERE (sig_tokens @@ $1::tsquery OR service_tokens @@ $2::tsquery OR text_tokens @@ $3::tsquery)
           AND ($4::text IS NULL OR i.channel = $4 OR ($5 AND i.channel_private = 0))
           AND i.analysis_id <> $6
       ) c ORDER BY rank DESC, at DESC LIMIT $7`,
      [match.sig, match.services, match.text, scope.channel ?? null, scope.withPublic === true, exclude ?? '', MAX_CANDIDATES],
    );
  }

  async similar(query: IncidentIdentity, scope: MemoryScope, limit: number): Promise<SimilarIncident[]> {
    const { sig, services } = searchTokens(query);
    if (sig.length === 0 && services.length === 0) return [];
    const rows = await this.candidates({ sig: anyOf(sig), services: anyOf(services), text: null }, scope, query.analysisId);
    if (rows.length === 0) return [];
    const counted = await this.query<{ n: number }>('SELECT count(*)::int AS n FROM incidents');
    const total = counted[0]?.n ?? 0;
    // The scorer asks for each shared signature's document frequency; all are fetched in one statement first.
    const signatures = [...new Set(query.signatures)];
    const dfRows = await this.query<{ i: number; n: number }>(
      `SELECT s.i::int AS i, (SELECT count(*)::int FROM incidents WHERE sig_tokens @@ s.q::tsquery) AS n
       FROM unnest($1::text[]) WITH ORDINALITY AS s(q, i)`,
      [signatures.map((signature) => `'${token('s', signature)}'`)],
    );
    const dfs = new Map(dfRows.map((row) => [signatures[row.i - 1], row.n]));
    return rankSimilar(query, rows, total, (signature) => dfs.get(signature) ?? 0, limit);
  }

  async recall(text: string, services: readonly string[], scope: MemoryScope, limit: number): Promise<SimilarIncident[]> {
    const textWords = words(text);
    const serviceTokens = services.map((s) => token('v', s));
    const textQuery = anyOf(textWords.flatMap(lexemes));
    const serviceQuery = anyOf(serviceTokens);
    if (textQuery === null && serviceQuery === null) return [];
    const rows = await this.candidates({ sig: null, services: serviceQuery, text: textQuery }, scope, undefined);
    return rows.slice(0, limit).map((row) => recalled(row, textWords, services));
  }

  private async votesOf(analysisId: string): Promise<{ up: number; down: number }> {
    const rows = await this.query<{ vote: string; n: number }>(
      'SELECT vote, count(*)::int AS n FROM votes WHERE analysis_id = $1 GROUP BY vote',
      [analysisId],
    );
    return { up: rows.find((r) => r.vote === 'up')?.n ?? 0, down: rows.find((r) => r.vote === 'down')?.n ?? 0 };
  }

  async get(analysisId: string): Promise<RememberedIncident | undefined> {
    const [row] = await this.query<IncidentRow>('SELECT * FROM incidents WHERE analysis_id = $1', [analysisId]);
    return row ? toRemembered(row, await this.votesOf(row.analysis_id)) : undefined;
  }

  async history(scope: MemoryScope, service: string | undefined, limit: number): Promise<RememberedIncident[]> {
    const rows = await this.query<IncidentRow>(
      `SELECT * FROM incidents i
       WHERE ($1::text IS NULL OR i.channel = $1) AND ($2::text IS NULL OR i.services::jsonb ? $2)
       ORDER BY i.at DESC LIMIT $3`,
      [scope.channel ?? null, service ?? null, limit],
    );
    return Promise.all(rows.map(async (row) => toRemembered(row, await this.votesOf(row.analysis_id))));
  }

  async confirm(analysisId: string, confirmed: ConfirmedCause): Promise<boolean> {
    const rows = await this.write<{ analysis_id: string }>(
      'UPDATE incidents SET confirmed_cause = $1, confirmed_culprit = $2, confirmed_by = $3 WHERE analysis_id = $4 RETURNING analysis_id',
      [confirmed.cause, confirmed.culprit ?? null, confirmed.by, analysisId],
    );
    return rows.length === 1;
  }

  async stats(since: number): Promise<EngineStats[]> {
    return this.query<EngineStats>(
      `SELECT i.engine AS engine, count(*)::int AS analyses,
         coalesce(sum((SELECT count(*) FROM votes v WHERE v.analysis_id = i.analysis_id AND v.vote = 'up')), 0)::int AS up,
         coalesce(sum((SELECT count(*) FROM votes v WHERE v.analysis_id = i.analysis_id AND v.vote = 'down')), 0)::int AS down,
         (count(*) FILTER (WHERE i.confirmed_cause IS NOT NULL))::int AS confirmed,
         (count(*) FILTER (WHERE i.confirmed_cause IS NOT NULL AND (
           (i.suspect_id IS NOT NULL AND i.confirmed_culprit = i.suspect_id) OR
           (i.suspect_kind IS NOT NULL AND i.confirmed_culprit = i.suspect_kind))))::int AS "confirmedCorrect"
       FROM incidents i WHERE i.at >= $1 GROUP BY i.engine ORDER BY analyses DESC`,
      [since],
    );
  }

  async saveRecording(analysisId: string, recording: StoredRecording): Promise<void> {
    await this.write(
      'INSERT INTO recordings (analysis_id, at, calls) VALUES ($1, $2, $3) ON CONFLICT (analysis_id) DO UPDATE SET at = excluded.at, calls = excluded.calls',
      [analysisId, Date.now(), packRecording(recording)],
    );
  }

  async recording(analysisId: string): Promise<StoredRecording | undefined> {
    const [row] = await this.query<{ calls: Buffer }>('SELECT calls FROM recordings WHERE analysis_id = $1', [analysisId]);
    return row ? unpackRecording(row.calls) : undefined;
  }
}

/** Retention's part in the memory: what is older than `before` goes with the analyses (run inside prune's transaction). */
export const PRUNE_MEMORY_SQL = ['DELETE FROM incidents WHERE at < $1', 'DELETE FROM recordings WHERE at < $1'];
