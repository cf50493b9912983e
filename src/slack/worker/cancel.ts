import { userMention } from '../blocks/status.js';
import { type AnalysisJob, CancelledError } from './job.js';
import type { StatusBoard } from './status-board.js';

export type CancelOutcome = 'cancelled' | 'finished' | 'unknown';

/**
 * Cancels a queued or running analysis. A queued one never reaches the engine (the pool skips it when its turn
 * comes), so it is finished and told here; a running one is aborted and its run reports the cancellation.
 */
export function cancelAnalysis(
  job: AnalysisJob | undefined,
  by: string,
  finish: (job: AnalysisJob, state: 'cancelled') => void,
  board: StatusBoard,
): CancelOutcome {
  if (!job) return 'unknown';
  if (!job.active) return 'finished';
  // The reason is plain text (stored, shown escaped); the mention is rendered from `cancelledBy` where mrkdwn is built.
  job.reason = `cancelled by ${by}`;
  job.cancelledBy = by;
  if (job.state === 'queued') {
    finish(job, 'cancelled');
    void board.afterAnchor(job, async (threadTs) => {
      await board.notice(job, threadTs, `:no_entry_sign: Analysis cancelled by ${userMention(by)} before it started.`);
      await board.update(job);
    });
  }
  job.controller.abort(new CancelledError(by));
  return 'cancelled';
}
