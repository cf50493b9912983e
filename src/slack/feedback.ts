import { appendFile } from 'node:fs/promises';
import { redactSecrets } from '../redaction/index.js';
import type { StateStore, StoredVote } from '../store/types.js';

/** A vote as the store keeps it. */
export type FeedbackVote = StoredVote;

/** Votes kept in memory for the process's lifetime; older ones are in FEEDBACK_FILE when set. */
const MAX_VOTES_IN_MEMORY = 5000;

/**
 * Records 👍/👎 on reports in the state store (one vote per user per analysis), keeps recent ones in memory, and
 * appends them as JSON lines to FEEDBACK_FILE when configured (for tools that read that file).
 */
export class FeedbackStore {
  private readonly votes: FeedbackVote[] = [];

  constructor(
    private readonly file?: string,
    private readonly store?: StateStore,
  ) {}

  async record(raw: FeedbackVote): Promise<void> {
    // The incident as typed may carry a pasted secret; the file outlives the analysis.
    const vote = {
      ...raw,
      ...(raw.incident !== undefined ? { incident: redactSecrets(raw.incident) } : {}),
      ...(raw.cause !== undefined ? { cause: redactSecrets(raw.cause) } : {}),
      ...(raw.culprit !== undefined ? { culprit: redactSecrets(raw.culprit) } : {}),
    };
    // One vote per user per analysis: a changed mind replaces the earlier vote.
    const existing = this.votes.findIndex((v) => v.analysisId === vote.analysisId && v.user === vote.user);
    if (existing !== -1) this.votes.splice(existing, 1);
    this.votes.push(vote);
    if (this.votes.length > MAX_VOTES_IN_MEMORY) this.votes.shift();
    await this.store?.recordVote(vote);
    if (this.file) await appendFile(this.file, `${JSON.stringify(vote)}\n`, 'utf8');
  }

  list(): readonly FeedbackVote[] {
    return this.votes;
  }
}
