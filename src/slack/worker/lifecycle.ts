import type { StateStore } from '../../store/types.js';
import { buildNoticeMessage, buildRerunNoticeMessage } from '../blocks/status.js';
import { planChunk } from '../blocks/stream.js';
import { oneLine } from '../blocks/text.js';
import type { Logger } from '../logger.js';
import { AnalysisJob, InterruptedError, type Trigger } from './job.js';
import type { Replica } from './replica.js';
import { interruptedNotice, MAX_REPORT_POST_ATTEMPTS, postReport, type RunContext, within } from './run.js';
import { slackErrorCode } from './slack-io.js';
import type { StatusBoard } from './status-board.js';

/**
 * chat.stopStream answers for a stream that is no longer open (stopped before the kill, expired, deleted, or its channel
 * gone): nothing is left to stop, so recovery notes it and goes on.
 */
const STREAM_GONE = new Set(['message_not_in_streaming_state', 'message_not_found', 'channel_not_found', 'not_in_channel', 'is_archived']);

/**
 * Ends the streamed progress message a killed or crashing process left open (its task cards would otherwise say "in
 * progress" forever). Never throws: the Re-run notice after it matters more than the stream.
 */
export async function stopOrphanStream(job: AnalysisJob, context: RunContext, logger: Logger): Promise<void> {
  const ts = job.streamTs;
  if (!ts || !context.io.stream) return;
  try {
    await context.io.stream.stop(job.channel, ts, [planChunk(`Interrupted: ${job.reason ?? 'the bot restarted'}; see below to re-run`)]);
    logger.info(`analysis ${job.id}: stopped the progress stream left open`);
  } catch (error) {
    const code = slackErrorCode(error);
    if (STREAM_GONE.has(code)) logger.info(`analysis ${job.id}: its progress stream was already closed (${code})`);
    else logger.warn(`analysis ${job.id}: progress stream not stopped: ${code}`);
  }
}

/** Unfinished analyses told about per start-up; more than this were never running at once. */
const MAX_RECOVERED = 500;
/** Waiting reports tried per retry round. */
const REPORTS_PER_ROUND = 20;
/** How long shutdown and crash handling wait for their last Slack notices. */
export const FINAL_NOTICE_MS = 10_000;

/** What the lifecycle needs of the analysis service; the service implements it (no import back, no cycle). */
export interface LifecycleService {
  readonly accepting: boolean;
  cache(job: AnalysisJob): AnalysisJob;
  activeJobs(): readonly AnalysisJob[];
  persist(job: AnalysisJob): void;
  finish(job: AnalysisJob, state: 'done' | 'failed' | 'cancelled' | 'interrupted'): void;
  stopIntake(): void;
  settled(): Promise<void>;
  submitInThread(trigger: Trigger): Promise<{ ok: boolean }>;
}

export interface LifecycleDeps {
  service: LifecycleService;
  store: StateStore;
  board: StatusBoard;
  context: RunContext;
  logger: Logger;
  reportRetryMs: number;
  replica: Replica;
}

/**
 * What happens around the analyses rather than in them: start-up recovery of what a restart cut short, retrying
 * reports Slack did not take, graceful shutdown and the crash path.
 */
export class Lifecycle {
  private retryTimer: NodeJS.Timeout | undefined;
  private stopping: Promise<void> | undefined;
  private recoveryNotices: Promise<void> = Promise.resolve();

  constructor(private readonly deps: LifecycleDeps) {}

  /**
   * Start-up: every analysis the store shows queued or running was cut short by the last process. Each is marked
   * interrupted at once; its thread gets a notice with Re-run and its status message stops saying "Investigating".
   * Resolves with the count once marked; the notices go on in the background.
   */
  async recover(): Promise<number> {
    const { store, service, board, logger, context } = this.deps;
    const stored = await store.analysesIn(['queued', 'running'], MAX_RECOVERED);
    // Another live replica's work is its own; only what nobody alive holds is this start's to end.
    const unfinished: typeof stored = [];
    for (const analysis of stored) if (await this.deps.replica.mayRecover(analysis.id)) unfinished.push(analysis);
    const notices: Promise<void>[] = [];
    for (const stored of unfinished) {
      const job = service.cache(AnalysisJob.fromStored(stored));
      job.reason = `the bot restarted while it was ${stored.state}`;
      job.state = 'interrupted';
      job.finishedAt = Date.now();
      service.persist(job);
      this.deps.replica.release(job.id);
      logger.warn(`analysis ${job.id} was ${stored.state} when the bot stopped; marked interrupted`);
      const threadTs = job.threadTs;
      if (!threadTs) continue;
      notices.push(
        (async () => {
          // A Slack that hangs on the stream must not hold back the notice (the client retries for up to a minute).
          await within(stopOrphanStream(job, context, logger), FINAL_NOTICE_MS);
          await board.post(job, threadTs, interruptedNotice(job));
          await board.update(job);
        })(),
      );
    }
    // Told in the background: a Slack outage at start-up must not keep the bot from serving.
    this.recoveryNotices = Promise.all(notices).then(() => undefined);
    return unfinished.length;
  }

  /** Tries reports Slack did not take now and every `reportRetryMs`, each at most MAX_REPORT_POST_ATTEMPTS times. */
  startReportRetry(): void {
    const round = async () => {
      const { store, service, context, logger } = this.deps;
      try {
        const waiting = await store.unpostedReports(MAX_REPORT_POST_ATTEMPTS, REPORTS_PER_ROUND);
        for (const stored of waiting) {
          if (!service.accepting) return;
          const job = service.cache(AnalysisJob.fromStored(stored));
          if (job.reportPosted || job.state !== 'done') continue;
          logger.info(`analysis ${job.id}: posting its report again (attempt ${job.postAttempts + 1})`);
          await postReport(job, context);
        }
      } catch (error) {
        logger.warn(`report retry failed: ${slackErrorCode(error)}`);
      }
    };
    // One replica at a time posts waiting reports, so two never post the same one.
    const alone = () => void this.deps.replica.runAlone('report-retry', this.deps.reportRetryMs, round).catch(() => {});
    alone();
    this.retryTimer = setInterval(alone, this.deps.reportRetryMs);
    this.retryTimer.unref();
  }

  /** Joins the replicas on the store: heartbeat, lease renewal, and taking over what a dead replica left. */
  join(): Promise<void> {
    const { service, replica } = this.deps;
    return replica.start({
      work: () =>
        service
          .activeJobs()
          .map((job) => ({ id: job.id, state: job.started ? 'running' : 'queued', channel: job.channel, incident: job.trigger.incident })),
      accepting: () => service.accepting,
      takeOver: (id, owner) => this.takeOver(id, owner),
    });
  }

  /**
   * An analysis whose replica died (its lease ran out): marked interrupted and told in its thread with Re-run, like a
   * restart; an alert's analysis is started again once, automatically (its re-run is not re-run again).
   */
  async takeOver(analysisId: string, previousOwner: string): Promise<void> {
    const { store, service, board, logger, context } = this.deps;
    const stored = await store.getAnalysis(analysisId);
    if (!stored || (stored.state !== 'queued' && stored.state !== 'running')) return;
    const job = service.cache(AnalysisJob.fromStored(stored));
    job.reason = `the replica running it (${oneLine(previousOwner, 80)}) stopped while it was ${stored.state}`;
    job.state = 'interrupted';
    job.finishedAt = Date.now();
    service.persist(job);
    logger.warn(`analysis ${job.id} was ${stored.state} on replica ${previousOwner}, which stopped; marked interrupted`);
    const threadTs = job.threadTs;
    if (!threadTs) return;
    await within(stopOrphanStream(job, context, logger), FINAL_NOTICE_MS);
    if (job.trigger.origin === 'alert' && service.accepting) {
      const rerun = await service.submitInThread({ ...job.trigger, origin: 'rerun', threadTs, requestedBy: { text: 'automatic re-run' } });
      if (rerun.ok) {
        await board.post(
          job,
          threadTs,
          buildNoticeMessage(`:repeat: Analysis \`${job.id}\` was interrupted: ${job.reason}. Re-running it automatically.`),
        );
        await board.update(job);
        return;
      }
    }
    await board.post(job, threadTs, interruptedNotice(job));
    await board.update(job);
  }

  shutdown(graceMs: number): Promise<void> {
    this.stopping ??= this.drain(graceMs);
    return this.stopping;
  }

  private async drain(graceMs: number): Promise<void> {
    const { service, logger } = this.deps;
    if (this.retryTimer) clearInterval(this.retryTimer);
    service.stopIntake();
    const waiting = service.activeJobs().filter((job) => !job.started);
    const running = service.activeJobs().filter((job) => job.started);
    logger.info(`shutting down: ${running.length} running (up to ${graceMs} ms to finish), ${waiting.length} queued`);
    const notices = waiting.map((job) => this.interrupt(job, 'the bot restarted before it started'));
    await within(service.settled(), graceMs);
    for (const job of service.activeJobs()) job.controller.abort(new InterruptedError('the bot restarted before it finished'));
    await within(Promise.all([...notices, service.settled(), this.recoveryNotices]), FINAL_NOTICE_MS);
    await within(this.deps.replica.stop(), FINAL_NOTICE_MS);
  }

  /** Ends a job that will not run and tells its thread, with a Re-run button. */
  private async interrupt(job: AnalysisJob, why: string): Promise<void> {
    job.controller.abort(new InterruptedError(why));
    if (!job.active) return;
    job.reason = why;
    this.deps.service.finish(job, 'interrupted');
    await this.deps.board.afterAnchor(job, async (threadTs) => {
      await this.deps.board.post(job, threadTs, interruptedNotice(job));
      await this.deps.board.update(job);
    });
  }

  /**
   * An uncaught exception: the process is about to exit. Running and queued analyses are marked failed (so the next
   * start does not report them again) and told, within FINAL_NOTICE_MS.
   */
  async crash(reason: string): Promise<void> {
    const { service, board } = this.deps;
    if (this.retryTimer) clearInterval(this.retryTimer);
    service.stopIntake();
    const notices = [...service.activeJobs()].map(async (job) => {
      job.controller.abort(new Error(reason));
      job.reason = `the bot crashed (${oneLine(reason, 300)}); it is restarting`;
      service.finish(job, 'failed');
      // The aborted run closes its stream too, but the process may exit before it gets there.
      await stopOrphanStream(job, this.deps.context, this.deps.logger);
      await board.afterAnchor(job, async (threadTs) => {
        await board.post(
          job,
          threadTs,
          buildRerunNoticeMessage(`:x: Analysis \`${job.id}\` failed: ${job.reason}. Press Re-run to try again.`, job.id),
        );
        await board.update(job);
      });
    });
    await within(Promise.all(notices), FINAL_NOTICE_MS);
  }
}
