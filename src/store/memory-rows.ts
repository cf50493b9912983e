import { gunzipSync, gzipSync } from 'node:zlib';
import { MIN_SIMILARITY, similarity, token } from '../memory/score.js';
import type { IncidentIdentity, RecordedToolCall, RememberedIncident, SimilarIncident, StoredRecording } from '../memory/types.js';

/**
 * What the SQLite and PostgreSQL incident memories share: rows to identities, the search tokens, the final scoring and
 * the recording format. Only the search itself (FTS5 or tsvector) differs between them.
 */

/** Words of a new incident's text used to recall before analysis. */
const MAX_RECALL_WORDS = 24;
/** One recorded output's text and the whole recording are bounded before compression. */
export const MAX_RECORDED_OUTPUT_CHARS = 32_000;
export const MAX_RECORDED_CALLS = 200;

/** An `incidents` row as both stores return it (SQLite adds its rowid, which links the FTS5 row). */
export interface IncidentRow {
  rowid?: number;
  analysis_id: string;
  channel: string;
  thread_ts: string | null;
  at: number;
  engine: string;
  incident: string;
  services: string;
  suspect_kind: string | null;
  suspect_id: string | null;
  signatures: string;
  metrics: string;
  summary: string;
  root_cause: string;
  confidence: string;
  confirmed_cause: string | null;
  confirmed_culprit: string | null;
  confirmed_by: string | null;
  channel_private: number | null;
}

export function toIdentity(row: IncidentRow): IncidentIdentity {
  return {
    analysisId: row.analysis_id,
    channel: row.channel,
    ...(row.channel_private !== null ? { channelPrivate: row.channel_private === 1 } : {}),
    ...(row.thread_ts ? { threadTs: row.thread_ts } : {}),
    at: row.at,
    engine: row.engine,
    incident: row.incident,
    services: JSON.parse(row.services) as string[],
    ...(row.suspect_kind ? { suspectKind: row.suspect_kind as IncidentIdentity['suspectKind'] } : {}),
    ...(row.suspect_id ? { suspectId: row.suspect_id } : {}),
    signatures: JSON.parse(row.signatures) as string[],
    metrics: JSON.parse(row.metrics) as string[],
    summary: row.summary,
    rootCause: row.root_cause,
    confidence: row.confidence as IncidentIdentity['confidence'],
  };
}

/** The suspect as one FTS token beside the signatures, so incidents blamed on the same change are candidates. */
export function suspectToken(id: string): string {
  return token('s', `suspect:${id.trim().toLowerCase()}`);
}

/** FTS5 query syntax is never built from user text: only hex tokens and quoted alphanumeric words. */
export function words(text: string): string[] {
  const seen = new Set<string>();
  for (const word of text.toLowerCase().match(/[\p{L}\p{N}]{3,40}/gu) ?? []) {
    if (seen.size >= MAX_RECALL_WORDS) break;
    seen.add(word);
  }
  return [...seen];
}

export function toSimilar(row: IncidentRow, score: number, reasons: SimilarIncident['reasons']): SimilarIncident {
  return {
    analysisId: row.analysis_id,
    channel: row.channel,
    ...(row.thread_ts ? { threadTs: row.thread_ts } : {}),
    at: row.at,
    summary: row.summary,
    ...(row.confirmed_cause ? { confirmedCause: row.confirmed_cause } : {}),
    score,
    reasons,
  };
}

/** The search tokens of an identity: signatures, metrics and suspect in one column, services in another. */
export function searchTokens(identity: IncidentIdentity): { sig: string[]; services: string[] } {
  return {
    sig: [
      ...identity.signatures.map((s) => token('s', s)),
      ...identity.metrics.map((m) => token('m', m)),
      ...(identity.suspectId ? [suspectToken(identity.suspectId)] : []),
    ],
    services: identity.services.map((s) => token('v', s)),
  };
}

/** The free text an incident is recalled by. */
export function recallText(identity: IncidentIdentity): string {
  return `${identity.incident}\n${identity.summary}\n${identity.services.join(' ')}`;
}

/** Scores candidates against the query; those above MIN_SIMILARITY, best (then newest) first. */
export function rankSimilar(
  query: IncidentIdentity,
  rows: readonly IncidentRow[],
  total: number,
  df: (signature: string) => number,
  limit: number,
): SimilarIncident[] {
  return rows
    .map((row) => {
      const candidate = toIdentity(row);
      const culprit = row.confirmed_culprit ?? undefined;
      const { score, reasons } = similarity(query, { ...candidate, ...(culprit ? { culprit } : {}) }, total, df);
      return toSimilar(row, score, reasons);
    })
    .filter((match) => match.score >= MIN_SIMILARITY)
    .sort((a, b) => b.score - a.score || b.at - a.at)
    .slice(0, limit);
}

/** A recall hit explained by the words and alert services it shares with the new incident. */
export function recalled(row: IncidentRow, textWords: readonly string[], services: readonly string[]): SimilarIncident {
  const theirs = new Set(words(`${row.incident}\n${row.summary}`));
  const shared = textWords.filter((w) => theirs.has(w));
  const sharedServices = services.filter((s) => (JSON.parse(row.services) as string[]).includes(s));
  const reasons: SimilarIncident['reasons'] = [
    ...sharedServices.map((value) => ({ kind: 'service' as const, value, weight: 0.6 })),
    ...(shared.length > 0 ? [{ kind: 'words' as const, value: shared.slice(0, 6).join(', '), weight: shared.length / 10 }] : []),
  ];
  return toSimilar(row, Math.round(reasons.reduce((s, r) => s + r.weight, 0) * 100) / 100, reasons);
}

export function toRemembered(row: IncidentRow, votes: { up: number; down: number }): RememberedIncident {
  return {
    ...toIdentity(row),
    ...(row.confirmed_cause
      ? {
          confirmed: {
            cause: row.confirmed_cause,
            by: row.confirmed_by ?? '',
            ...(row.confirmed_culprit ? { culprit: row.confirmed_culprit } : {}),
          },
        }
      : {}),
    votes,
  };
}

/** A recording bounded (calls and each output's text) and gzipped for storage. */
export function packRecording(recording: StoredRecording): Buffer {
  const bounded = recording.calls.slice(0, MAX_RECORDED_CALLS).map(
    (call): RecordedToolCall => ({
      ...call,
      text: call.text.length > MAX_RECORDED_OUTPUT_CHARS ? `${call.text.slice(0, MAX_RECORDED_OUTPUT_CHARS - 1)}…` : call.text,
    }),
  );
  return gzipSync(JSON.stringify({ ...recording, calls: bounded }));
}

export function unpackRecording(packed: Buffer): StoredRecording {
  return JSON.parse(gunzipSync(packed).toString('utf8')) as StoredRecording;
}
