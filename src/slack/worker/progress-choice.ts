import type { Logger } from '../logger.js';
import type { AnalysisJob } from './job.js';
import type { ChannelPacer } from './pacer.js';
import { type Progress, ProgressReporter } from './progress.js';
import type { SlackIO, StreamRecipient } from './slack-io.js';
import { StreamReporter } from './stream-progress.js';

const USER_ID = /^[UW][A-Z0-9]{2,}$/;

/**
 * Whom an analysis can be streamed to: a stream in a channel thread needs a person and their workspace, so only
 * analyses a person started (command, mention, follow-up, a person's Re-run) stream; alerts and webhooks do not.
 */
export function streamRecipient(job: AnalysisJob, teamId: string | undefined): StreamRecipient | undefined {
  if (!teamId || job.trigger.origin === 'alert') return undefined;
  const by = job.trigger.requestedBy;
  return 'user' in by && USER_ID.test(by.user) ? { user: by.user, team: teamId } : undefined;
}

export interface ProgressChoice {
  io: SlackIO;
  pacer: ChannelPacer;
  logger: Logger;
  /** Set when SLACK_STREAMING is not `off`: the recipient of this analysis' stream, if it has one. */
  streamTo?: (job: AnalysisJob) => StreamRecipient | undefined;
  /** Saves the job to the state store (its stream's ts, once the stream started). */
  persist?: (job: AnalysisJob) => void;
}

/** A stream where Slack can show one (and the analysis has a recipient), today's threaded replies otherwise. */
export function progressFor(
  job: AnalysisJob,
  threadTs: string,
  choice: ProgressChoice,
  onToolCount: (count: number) => Promise<void>,
): Progress {
  const { io, pacer, logger } = choice;
  const replies = (count: (shown: number) => number) =>
    new ProgressReporter(io, pacer, job.channel, threadTs, async (shown) => onToolCount(count(shown)), logger);
  const recipient = choice.streamTo?.(job);
  if (!io.stream || !recipient) return replies((shown) => shown);
  // Plain text: planChunk redacts and bounds it.
  const target = { channel: job.channel, threadTs, recipient, title: `Investigating: ${job.trigger.incident}` };
  // The fallback counts from where the stream left off, so the status message keeps the whole count.
  const stream: StreamReporter = new StreamReporter(
    io.stream,
    pacer,
    target,
    () => replies(() => stream.toolCalls),
    onToolCount,
    logger,
    (ts) => {
      // Stored at once: a kill -9 from here on leaves an open stream that only the store can tell the next start of.
      job.streamTs = ts;
      choice.persist?.(job);
    },
  );
  return stream;
}
