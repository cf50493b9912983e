import type { SlackMessage } from '../blocks/report.js';
import { buildNoticeMessage, buildStatusMessage } from '../blocks/status.js';
import { oneLine } from '../blocks/text.js';
import type { Logger } from '../logger.js';
import type { AnalysisJob } from './job.js';
import type { ChannelPacer } from './pacer.js';
import { type SlackIO, slackErrorCode } from './slack-io.js';

/**
 * What Slack shows of each analysis: the status message that anchors its thread, its queue position, and notices
 * posted in the thread. Slack failures here are logged and never thrown, so they cannot fail an analysis.
 */
export class StatusBoard {
  private readonly shownPosition = new Map<string, number>();

  constructor(
    private readonly io: SlackIO,
    private readonly pacer: ChannelPacer,
    private readonly logger: Logger,
    private readonly positionOf: (job: AnalysisJob) => number,
    /** Set when every server reads a bundled dataset: stamped on every status message. */
    private readonly sampleData?: string,
  ) {}

  private view(job: AnalysisJob, position: number) {
    const view = job.statusView(position);
    return this.sampleData ? { ...view, sampleData: this.sampleData } : view;
  }

  /**
   * Posts the status message; when the job has no thread yet, that message becomes the thread's parent. When Slack
   * refuses, `onRefused` ends the job before the requester is told why.
   */
  async anchor(
    job: AnalysisJob,
    position: number,
    onThread: (threadTs: string) => void,
    onRefused: (reason: string) => void,
  ): Promise<boolean> {
    try {
      const ts = await this.io.post(job.channel, buildStatusMessage(this.view(job, position)), job.threadTs);
      job.statusTs = ts;
      if (!job.threadTs) {
        job.threadTs = ts;
        onThread(ts);
      }
      this.shownPosition.set(job.id, position);
      return true;
    } catch (error) {
      const code = slackErrorCode(error);
      this.logger.error(`analysis ${job.id}: could not post in ${job.channel}: ${code}`);
      onRefused(`could not post in the channel (${code})`);
      const hint = /not_in_channel|channel_not_found/.test(code) ? ' Invite me first: `/invite @IncidentPilot`.' : '';
      await job.trigger
        .notifyRequester?.(`:x: I could not post in this channel (${oneLine(code, 200)}), so the analysis did not start.${hint}`)
        .catch(() => {});
      return false;
    }
  }

  /** Runs `task` with the job's thread once its status message exists; failures are logged, never thrown. */
  async afterAnchor(job: AnalysisJob, task: (threadTs: string) => Promise<void>): Promise<void> {
    try {
      if (!(await job.anchored) || !job.threadTs) return;
      await task(job.threadTs);
    } catch (error) {
      this.logger.warn(`analysis ${job.id}: Slack update failed: ${slackErrorCode(error)}`);
    }
  }

  async update(job: AnalysisJob): Promise<void> {
    if (!job.statusTs) return;
    const position = this.positionOf(job);
    this.shownPosition.set(job.id, position);
    try {
      await this.io.update(job.channel, job.statusTs, buildStatusMessage(this.view(job, position)));
    } catch (error) {
      this.logger.warn(`analysis ${job.id}: status update failed: ${slackErrorCode(error)}`);
    }
  }

  /** Keeps "queued (position N)" true for everyone still waiting after the line moved. */
  refreshPositions(active: readonly AnalysisJob[]): void {
    for (const job of active) {
      if (job.state !== 'queued' || job.started || !job.statusTs) continue;
      if (this.shownPosition.get(job.id) !== this.positionOf(job)) void this.update(job);
    }
  }

  forget(job: AnalysisJob): void {
    this.shownPosition.delete(job.id);
  }

  async notice(job: AnalysisJob, threadTs: string, text: string): Promise<void> {
    await this.post(job, threadTs, buildNoticeMessage(text));
  }

  async post(job: AnalysisJob, threadTs: string, message: SlackMessage): Promise<void> {
    try {
      await this.pacer.run(job.channel, () => this.io.post(job.channel, message, threadTs));
    } catch (error) {
      this.logger.error(`analysis ${job.id}: could not post in thread: ${slackErrorCode(error)}`);
    }
  }
}
