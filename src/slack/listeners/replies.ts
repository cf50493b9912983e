import type { Refusal } from '../worker/admission.js';

/** Replies shared by the listeners. */

export function queuedText(position: number, analysisId: string): string {
  const where = position > 0 ? `Queued (position ${position})` : 'Queued (starting now)';
  return `:hourglass_flowing_sand: ${where} — analysis \`${analysisId}\`. Progress and the report will be in the thread.`;
}

export function busyText(counts: { running: number; queued: number; restarting?: boolean }): string {
  if (counts.restarting) return ":arrows_counterclockwise: I'm restarting; try again in a minute.";
  return `:warning: I'm busy (${counts.running} running, ${counts.queued} queued) and the queue is full. Try again in a few minutes.`;
}

/** Why the worker did not queue an analysis (worker/admission.ts), for the person who asked. */
export function refusedText(refusal: Refusal): string {
  switch (refusal.reason) {
    case 'busy':
      return busyText(refusal);
    case 'thread_busy':
      return `:hourglass_flowing_sand: Analysis \`${refusal.job.id}\` is already ${refusal.job.state} in this thread; one runs per thread. Ask again when it has finished.`;
    case 'user_limit':
      return `:warning: You already have ${refusal.limit} analyses queued or running (MAX_QUEUED_PER_USER). Wait for one to finish or cancel one, then ask again.`;
  }
}
