import type { StoredVote } from './types.js';

/** A `votes` row as both stores return it. */
export interface VoteRow {
  analysis_id: string;
  user: string;
  vote: 'up' | 'down';
  engine: string | null;
  incident: string | null;
  cause: string | null;
  culprit: string | null;
  at: string;
}

/** Parameters of the vote upsert, in the column order both stores' statements list. */
export function voteParams(vote: StoredVote): unknown[] {
  return [
    vote.analysisId,
    vote.user,
    vote.vote,
    vote.engine ?? null,
    vote.incident ?? null,
    vote.at,
    Date.parse(vote.at) || Date.now(),
    vote.cause ?? null,
    vote.culprit ?? null,
  ];
}

export function toVote(row: VoteRow): StoredVote {
  return {
    analysisId: row.analysis_id,
    user: row.user,
    vote: row.vote,
    ...(row.engine !== null ? { engine: row.engine } : {}),
    ...(row.incident !== null ? { incident: row.incident } : {}),
    ...(row.cause !== null ? { cause: row.cause } : {}),
    ...(row.culprit !== null ? { culprit: row.culprit } : {}),
    at: row.at,
  };
}
