import PQueue from 'p-queue';
import type { AgentEvent } from '../../agent/types.js';
import type { Report } from '../../report/schema.js';
import { buildReportMessage } from '../blocks/report.js';
import { oneLine, redactSecrets } from '../blocks/text.js';
import type { QueueEntryView } from '../blocks/usage.js';
import { priorityOf, type Refusal, refusalFor, waitingOrder } from './admission.js';
import { AlertJoining, joinNotice } from './alert-joining.js';
import { BoundedMap } from './bounded-map.js';
import { type CancelOutcome, cancelAnalysis } from './cancel.js';
import { AnalysisJob, type AnalyzeFn, CancelledError, DeadlineError, ShutdownError, type Trigger } from './job.js';
import { ChannelPacer } from './pacer.js';
import { ProgressReporter } from './progress.js';
import { type SlackIO, slackErrorCode } from './slack-io.js';
import { StatusBoard } from './status-board.js';

export interface Logger {
  debug(...args: unknown[]): void;
  info(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
}

export interface ServiceOptions {
  analyze: AnalyzeFn;
  io: SlackIO;
  concurrency: number;
  queueMax: number;
  timeoutMs: number;
  alertCooldownMs: number;
  /** Gap between posts in one channel; Slack allows about one per second. Tests pass a few ms. */
  pacingMs: number;
  logger: Logger;
  /** MAX_QUEUED_PER_USER: analyses one person may have waiting or running. Default 3. */
  maxQueuedPerUser?: number;
  now?: () => number;
  /** Set when every server reads a bundled dataset: stamped on every status message. */
  sampleData?: string;
}

export type SubmitResult = { ok: true; job: AnalysisJob; position: number } | Refusal;
export type AlertResult = SubmitResult | { ok: true; joined: AnalysisJob };

/** Finished analyses remembered for follow-ups, buttons and alert joins; older ones are forgotten. */
const MAX_REMEMBERED_ANALYSES = 1000;
/** How long shutdown waits for aborted analyses to settle before giving up on them. */
const SHUTDOWN_GRACE_MS = 10_000;

const threadKey = (channel: string, ts: string) => `${channel}:${ts}`;

/** Waits for `promise` unless `signal` aborts first; the abandoned promise's rejection is swallowed. */
function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  promise.catch(() => {});
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/**
 * The analysis worker: a bounded queue of analyses run ANALYSIS_CONCURRENCY at a time, each with a deadline,
 * cancellable, reporting progress into its Slack thread; the StatusBoard keeps what Slack shows current.
 */
export class AnalysisService {
  private readonly queue: PQueue;
  private readonly pacer: ChannelPacer;
  private readonly board: StatusBoard;
  private readonly alerts: AlertJoining;
  private readonly jobs = new BoundedMap<string, AnalysisJob>(MAX_REMEMBERED_ANALYSES);
  private readonly byThread = new BoundedMap<string, string>(MAX_REMEMBERED_ANALYSES);
  /** Queued and running jobs in arrival order. */
  private active: AnalysisJob[] = [];
  private readonly now: () => number;

  constructor(private readonly options: ServiceOptions) {
    this.queue = new PQueue({ concurrency: options.concurrency });
    this.pacer = new ChannelPacer(options.pacingMs);
    this.now = options.now ?? Date.now;
    this.board = new StatusBoard(options.io, this.pacer, options.logger, (job) => this.positionOf(job), options.sampleData);
    this.alerts = new AlertJoining(options.alertCooldownMs, this.now, (id) => this.jobs.get(id));
  }

  get limits(): { concurrency: number; queueMax: number } {
    return { concurrency: this.options.concurrency, queueMax: this.options.queueMax };
  }

  get(id: string): AnalysisJob | undefined {
    return this.jobs.get(id);
  }

  /** The latest analysis answering in this thread, if any. */
  inThread(channel: string, threadTs: string): AnalysisJob | undefined {
    const id = this.byThread.get(threadKey(channel, threadTs));
    return id ? this.jobs.get(id) : undefined;
  }

  list(): QueueEntryView[] {
    return this.active.map((job) => ({
      analysisId: job.id,
      incident: job.trigger.incident,
      state: job.state === 'running' ? 'running' : 'queued',
      channel: job.channel,
      requestedBy: 'user' in job.trigger.requestedBy ? job.trigger.requestedBy.user : undefined,
      toolCalls: job.toolCalls,
      ageMs: this.now() - job.createdAt,
    }));
  }

  private positionOf(job: AnalysisJob): number {
    if (job.started || job.state !== 'queued') return 0;
    return waitingOrder(this.active).indexOf(job) + 1;
  }

  submit(trigger: Trigger): SubmitResult {
    // Fair use (worker/admission.ts): one per thread, per-user limit, capacity from what the queue really holds.
    const refusal = refusalFor(trigger, {
      active: this.active,
      inThread: trigger.threadTs ? this.inThread(trigger.channel, trigger.threadTs) : undefined,
      waiting: this.queue.size,
      running: this.queue.pending,
      capacity: this.options.concurrency + this.options.queueMax,
      maxPerUser: this.options.maxQueuedPerUser ?? 3,
    });
    if (refusal) return refusal;
    const job = new AnalysisJob(trigger, this.now());
    this.jobs.set(job.id, job);
    this.active.push(job);
    if (job.threadTs) this.byThread.set(threadKey(job.channel, job.threadTs), job.id);
    const position = waitingOrder(this.active).indexOf(job) + 1;
    const shownPosition = position > this.availableSlots() ? position - this.availableSlots() : 0;
    job.anchored = this.board.anchor(
      job,
      shownPosition,
      (ts) => this.byThread.set(threadKey(job.channel, ts), job.id),
      (reason) => {
        job.reason = reason;
        this.finish(job, 'failed');
        job.controller.abort(new Error(reason));
      },
    );
    // The job's signal takes a cancelled job out of the queue at once, so it never holds a slot.
    void this.queue
      .add(() => this.run(job), { priority: priorityOf(trigger), signal: job.controller.signal })
      .catch((error: unknown) => {
        if (!job.controller.signal.aborted) this.options.logger.error(`analysis ${job.id} crashed: ${slackErrorCode(error)}`);
      });
    // A person's analysis goes ahead of waiting alerts, whose "position N" must then move back.
    this.board.refreshPositions(this.active);
    return { ok: true, job, position: this.positionOf(job) };
  }

  private availableSlots(): number {
    return Math.max(0, this.options.concurrency - this.active.filter((job) => job.started).length);
  }

  /** An alert: joins the running or last analysis of the same fingerprint within the cooldown, else starts one. */
  submitAlert(trigger: Trigger & { fingerprint: string }, alertTs: string): AlertResult {
    const joined = this.alerts.joinable(trigger.fingerprint);
    if (joined) {
      joined.joined += 1;
      void this.board.afterAnchor(joined, async (threadTs) => {
        await this.board.notice(joined, threadTs, joinNotice(trigger.channel, alertTs, joined.channel));
        await this.board.update(joined);
      });
      return { ok: true, joined };
    }
    const result = this.submit(trigger);
    if (result.ok) this.alerts.remember(trigger.fingerprint, result.job);
    return result;
  }

  /** True when a new analysis would be refused (webhooks answer 503 then, so the sender retries later). */
  get full(): boolean {
    return this.queue.size + this.queue.pending >= this.options.concurrency + this.options.queueMax;
  }

  /** The analysis an alert fingerprint started, while remembered (for its resolution). */
  alertJob(fingerprint: string): AnalysisJob | undefined {
    return this.alerts.find(fingerprint);
  }

  /** A notice in the analysis' thread once its status message exists; never throws. */
  noteInThread(job: AnalysisJob, text: string): Promise<void> {
    return this.board.afterAnchor(job, (threadTs) => this.board.notice(job, threadTs, text));
  }

  /** The alert behind `job` resolved: noted in its thread and on its status message; no new analysis. */
  resolveAlert(job: AnalysisJob, resolution: string): Promise<void> {
    job.resolution = resolution;
    return this.board.afterAnchor(job, async (threadTs) => {
      await this.board.notice(job, threadTs, `:white_check_mark: Alert ${resolution}.`);
      await this.board.update(job);
    });
  }

  cancel(id: string, by: string): CancelOutcome {
    return cancelAnalysis(this.jobs.get(id), by, (job, state) => this.finish(job, state), this.board);
  }

  /** Aborts everything and waits (bounded) for running analyses to stop. */
  async shutdown(): Promise<void> {
    this.queue.clear();
    for (const job of [...this.active]) job.controller.abort(new ShutdownError());
    await Promise.race([this.queue.onIdle(), new Promise((resolve) => setTimeout(resolve, SHUTDOWN_GRACE_MS).unref())]);
  }

  private finish(job: AnalysisJob, state: 'done' | 'failed' | 'cancelled'): void {
    job.state = state;
    this.active = this.active.filter((other) => other !== job);
    this.board.forget(job);
    this.board.refreshPositions(this.active);
  }

  private async run(job: AnalysisJob): Promise<void> {
    job.started = true;
    if (!(await job.anchored) || job.state !== 'queued' || !job.threadTs) return;
    const threadTs = job.threadTs;
    const { io, logger, timeoutMs } = this.options;
    job.state = 'running';
    this.board.refreshPositions(this.active);
    await this.board.update(job);

    const signal = job.controller.signal;
    const deadline = setTimeout(() => job.controller.abort(new DeadlineError(timeoutMs)), timeoutMs);
    const statusEveryMs = this.options.pacingMs * 3;
    let lastStatusAt = this.now();
    const reporter = new ProgressReporter(
      io,
      this.pacer,
      job.channel,
      threadTs,
      async (count) => {
        job.toolCalls = count;
        // chat.update has its own rate limit; the tool count need not change with every reply.
        if (this.now() - lastStatusAt < statusEveryMs) return;
        lastStatusAt = this.now();
        await this.board.update(job);
      },
      logger,
    );
    const onEvent = (event: AgentEvent) => {
      try {
        reporter.handle(event);
      } catch (error) {
        logger.warn(`analysis ${job.id}: progress event dropped: ${slackErrorCode(error)}`);
      }
    };

    let report: Report | undefined;
    try {
      report = await raceAbort(
        this.options.analyze({
          incident: job.trigger.incident,
          context: job.trigger.context,
          ...(job.trigger.since ? { since: job.trigger.since } : {}),
          ...(job.trigger.scope ? { scope: job.trigger.scope } : {}),
          signal,
          onEvent,
        }),
        signal,
      );
    } catch (error) {
      await reporter.close();
      job.toolCalls = reporter.toolCalls;
      const reason = signal.aborted ? signal.reason : error;
      if (reason instanceof CancelledError) {
        this.finish(job, 'cancelled');
        await this.board.notice(job, threadTs, `:no_entry_sign: Analysis ${job.reason ?? 'cancelled'} after ${job.toolCalls} tool calls.`);
      } else {
        job.reason = reason instanceof Error ? reason.message : String(reason);
        this.finish(job, 'failed');
        logger.error(`analysis ${job.id} failed: ${redactSecrets(job.reason)}`);
        await this.board.notice(
          job,
          threadTs,
          `:x: Analysis failed: ${oneLine(job.reason, 1000)}. Mention me in this thread to try again, or run \`/rca ${oneLine(job.trigger.incident, 300)}\`.`,
        );
      }
      await this.board.update(job);
      return;
    } finally {
      clearTimeout(deadline);
    }

    await reporter.drain();
    await reporter.close();
    job.toolCalls = Math.max(reporter.toolCalls, report.toolCalls.length);
    job.report = report;
    this.finish(job, 'done');
    try {
      await this.pacer.run(job.channel, () => io.post(job.channel, buildReportMessage(report, { analysisId: job.id }), threadTs));
    } catch (error) {
      // A report Slack refuses must still reach the thread in some form.
      logger.error(`analysis ${job.id}: report post failed: ${slackErrorCode(error)}`);
      await this.board.notice(
        job,
        threadTs,
        `Root cause (${report.confidence}): ${oneLine(report.summary, 1500)}\n_(the full report could not be posted: ${oneLine(slackErrorCode(error), 200)})_`,
      );
    }
    await this.board.update(job);
  }
}
