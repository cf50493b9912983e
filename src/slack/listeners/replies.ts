/** Replies shared by the listeners. */

export function queuedText(position: number, analysisId: string): string {
  const where = position > 0 ? `Queued (position ${position})` : 'Queued (starting now)';
  return `:hourglass_flowing_sand: ${where} — analysis \`${analysisId}\`. Progress and the report will be in the thread.`;
}

export function busyText(counts: { running: number; queued: number; restarting?: boolean }): string {
  if (counts.restarting) return ":arrows_counterclockwise: I'm restarting; try again in a minute.";
  return `:warning: I'm busy (${counts.running} running, ${counts.queued} queued) and the queue is full. Try again in a few minutes.`;
}
