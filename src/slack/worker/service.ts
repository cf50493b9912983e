import PQueue from 'p-queue';
import type { AgentEvent } from '../../agent/types.js';
import type { Report } from '../../report/schema.js';
import { buildReportMessage } from '../blocks/report.js';
import { buildNoticeMessage, buildStatusMessage, userMention } from '../blocks/status.js';
import { oneLine, redactSecrets } from '../blocks/text.js';
import type { QueueEntryView } from '../blocks/usage.js';
import { BoundedMap } from './bounded-map.js';
import { AnalysisJob, type AnalyzeFn, CancelledError, DeadlineError, ShutdownError, type Trigger } from './job.js';
import { ChannelPacer } from './pacer.js';
import { ProgressReporter } from './progress.js';
import { type SlackIO, slackErrorCode } from './slack-io.js';

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
  now?: () => number;
  /** Set when every server reads a bundled dataset: stamped on every status message. */
  sampleData?: string;
}

export type SubmitResult = { ok: true; job: AnalysisJob; position: number } | { ok: false; running: number; queued: number };
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
 * cancellable, reporting progress into its Slack thread and keeping the status message current.
 */
export class AnalysisService {
  private readonly queue: PQueue;
  private readonly pacer: ChannelPacer;
  private readonly jobs = new BoundedMap<string, AnalysisJob>(MAX_REMEMBERED_ANALYSES);
  private readonly byThread = new BoundedMap<string, string>(MAX_REMEMBERED_ANALYSES);
  private readonly fingerprints = new BoundedMap<string, { jobId: string; at: number }>(MAX_REMEMBERED_ANALYSES);
  /** Queued and running jobs in arrival order. */
  private active: AnalysisJob[] = [];
  private readonly shownPosition = new Map<string, number>();
  private readonly now: () => number;

  constructor(private readonly options: ServiceOptions) {
    this.queue = new PQueue({ concurrency: options.concurrency });
    this.pacer = new ChannelPacer(options.pacingMs);
    this.now = options.now ?? Date.now;
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

  private statusView(job: AnalysisJob, position: number) {
    const view = job.statusView(position);
    return this.options.sampleData ? { ...view, sampleData: this.options.sampleData } : view;
  }

  private positionOf(job: AnalysisJob): number {
    if (job.started || job.state !== 'queued') return 0;
    const waiting = this.active.filter((other) => other.state === 'queued' && !other.started);
    return waiting.indexOf(job) + 1;
  }

  submit(trigger: Trigger): SubmitResult {
    const running = this.active.filter((job) => job.started).length;
    if (this.active.length >= this.options.concurrency + this.options.queueMax) {
      return { ok: false, running, queued: this.active.length - running };
    }
    const job = new AnalysisJob(trigger, this.now());
    this.jobs.set(job.id, job);
    this.active.push(job);
    if (job.threadTs) this.byThread.set(threadKey(job.channel, job.threadTs), job.id);
    const position = this.active.filter((other) => !other.started).length;
    job.anchored = this.anchor(job, position > this.availableSlots() ? position - this.availableSlots() : 0);
    void this.queue
      .add(() => this.run(job))
      .catch((error: unknown) => this.options.logger.error(`analysis ${job.id} crashed: ${slackErrorCode(error)}`));
    return { ok: true, job, position: this.positionOf(job) };
  }

  private availableSlots(): number {
    return Math.max(0, this.options.concurrency - this.active.filter((job) => job.started).length);
  }

  /** An alert: joins the running or last analysis of the same fingerprint within the cooldown, else starts one. */
  submitAlert(trigger: Trigger & { fingerprint: string }, alertTs: string): AlertResult {
    const seen = this.fingerprints.get(trigger.fingerprint);
    if (seen && this.now() - seen.at < this.options.alertCooldownMs) {
      const job = this.jobs.get(seen.jobId);
      if (job && job.state !== 'failed' && job.state !== 'cancelled') {
        job.joined += 1;
        void this.afterAnchor(job, async (threadTs) => {
          await this.options.io.post(
            job.channel,
            buildNoticeMessage(
              `:link: The same alert fired again in <#${trigger.channel}> (message ${alertTs}); it joined this analysis instead of starting another.`,
            ),
            threadTs,
          );
          await this.updateStatus(job);
        });
        return { ok: true, joined: job };
      }
    }
    const result = this.submit(trigger);
    if (result.ok) this.fingerprints.set(trigger.fingerprint, { jobId: result.job.id, at: this.now() });
    return result;
  }

  cancel(id: string, by: string): 'cancelled' | 'finished' | 'unknown' {
    const job = this.jobs.get(id);
    if (!job) return 'unknown';
    if (!job.active) return 'finished';
    job.reason = `cancelled by ${userMention(by)}`;
    if (job.state === 'queued') {
      // A queued job never reaches the engine; the pool skips it when its turn comes.
      this.finish(job, 'cancelled');
      void this.afterAnchor(job, async (threadTs) => {
        await this.options.io.post(job.channel, buildNoticeMessage(`:no_entry_sign: Analysis ${job.reason} before it started.`), threadTs);
        await this.updateStatus(job);
      });
    }
    job.controller.abort(new CancelledError(by));
    return 'cancelled';
  }

  /** Aborts everything and waits (bounded) for running analyses to stop. */
  async shutdown(): Promise<void> {
    this.queue.clear();
    for (const job of [...this.active]) job.controller.abort(new ShutdownError());
    await Promise.race([this.queue.onIdle(), new Promise((resolve) => setTimeout(resolve, SHUTDOWN_GRACE_MS).unref())]);
  }

  private async anchor(job: AnalysisJob, position: number): Promise<boolean> {
    try {
      const ts = await this.options.io.post(job.channel, buildStatusMessage(this.statusView(job, position)), job.threadTs);
      job.statusTs = ts;
      if (!job.threadTs) {
        job.threadTs = ts;
        this.byThread.set(threadKey(job.channel, ts), job.id);
      }
      this.shownPosition.set(job.id, position);
      return true;
    } catch (error) {
      const code = slackErrorCode(error);
      this.options.logger.error(`analysis ${job.id}: could not post in ${job.channel}: ${code}`);
      job.reason = `could not post in the channel (${code})`;
      this.finish(job, 'failed');
      job.controller.abort(new Error(job.reason));
      const hint = /not_in_channel|channel_not_found/.test(code) ? ' Invite me first: `/invite @IncidentPilot`.' : '';
      await job.trigger
        .notifyRequester?.(`:x: I could not post in this channel (${code}), so the analysis did not start.${hint}`)
        .catch(() => {});
      return false;
    }
  }

  /** Runs `task` with the job's thread once its status message exists; failures are logged, never thrown. */
  private async afterAnchor(job: AnalysisJob, task: (threadTs: string) => Promise<void>): Promise<void> {
    try {
      if (!(await job.anchored) || !job.threadTs) return;
      await task(job.threadTs);
    } catch (error) {
      this.options.logger.warn(`analysis ${job.id}: Slack update failed: ${slackErrorCode(error)}`);
    }
  }

  private async updateStatus(job: AnalysisJob): Promise<void> {
    if (!job.statusTs) return;
    const position = this.positionOf(job);
    this.shownPosition.set(job.id, position);
    try {
      await this.options.io.update(job.channel, job.statusTs, buildStatusMessage(this.statusView(job, position)));
    } catch (error) {
      this.options.logger.warn(`analysis ${job.id}: status update failed: ${slackErrorCode(error)}`);
    }
  }

  /** Keeps "queued (position N)" true for everyone still waiting after the line moved. */
  private refreshPositions(): void {
    for (const job of this.active) {
      if (job.state !== 'queued' || job.started || !job.statusTs) continue;
      if (this.shownPosition.get(job.id) !== this.positionOf(job)) void this.updateStatus(job);
    }
  }

  private finish(job: AnalysisJob, state: 'done' | 'failed' | 'cancelled'): void {
    job.state = state;
    this.active = this.active.filter((other) => other !== job);
    this.shownPosition.delete(job.id);
    this.refreshPositions();
  }

  private async run(job: AnalysisJob): Promise<void> {
    job.started = true;
    if (!(await job.anchored) || job.state !== 'queued' || !job.threadTs) return;
    const threadTs = job.threadTs;
    const { io, logger, timeoutMs } = this.options;
    job.state = 'running';
    this.refreshPositions();
    await this.updateStatus(job);

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
        await this.updateStatus(job);
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
        this.options.analyze({ incident: job.trigger.incident, context: job.trigger.context, signal, onEvent }),
        signal,
      );
    } catch (error) {
      await reporter.close();
      job.toolCalls = reporter.toolCalls;
      const reason = signal.aborted ? signal.reason : error;
      if (reason instanceof CancelledError) {
        this.finish(job, 'cancelled');
        await this.postNotice(job, threadTs, `:no_entry_sign: Analysis ${job.reason ?? 'cancelled'} after ${job.toolCalls} tool calls.`);
      } else {
        job.reason = reason instanceof Error ? reason.message : String(reason);
        this.finish(job, 'failed');
        logger.error(`analysis ${job.id} failed: ${redactSecrets(job.reason)}`);
        await this.postNotice(
          job,
          threadTs,
          `:x: Analysis failed: ${oneLine(job.reason, 1000)}. Mention me in this thread to try again, or run \`/rca ${oneLine(job.trigger.incident, 300)}\`.`,
        );
      }
      await this.updateStatus(job);
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
      await this.postNotice(
        job,
        threadTs,
        `Root cause (${report.confidence}): ${oneLine(report.summary, 1500)}\n_(the full report could not be posted: ${oneLine(slackErrorCode(error), 200)})_`,
      );
    }
    await this.updateStatus(job);
  }

  private async postNotice(job: AnalysisJob, threadTs: string, text: string): Promise<void> {
    try {
      await this.pacer.run(job.channel, () => this.options.io.post(job.channel, buildNoticeMessage(text), threadTs));
    } catch (error) {
      this.options.logger.error(`analysis ${job.id}: could not post in thread: ${slackErrorCode(error)}`);
    }
  }
}
