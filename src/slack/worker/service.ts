import PQueue from 'p-queue';
import { metrics, outcomeOf, secondsBetween } from '../../observability/metrics.js';
import type { StateStore } from '../../store/types.js';
import type { SlackMessage } from '../blocks/report.js';
import type { QueueEntryView } from '../blocks/usage.js';
import type { Logger } from '../logger.js';
import { alertLimits, DEFAULT_ALERT_SHARE, nextToRun, PRIORITY, priorityOf, type Refusal, refusalFor, waitingOrder } from './admission.js';
import { AlertJoining, joinNotice } from './alert-joining.js';
import { type CancelOutcome, cancelAnalysis } from './cancel.js';
import { AnalysisJob, type AnalyzeFn, type Trigger } from './job.js';
import { JobDirectory } from './job-directory.js';
import { Lifecycle } from './lifecycle.js';
import { ChannelPacer } from './pacer.js';
import { streamRecipient } from './progress-choice.js';
import { DEFAULT_LEASE_MS, defaultReplicaId, Replica } from './replica.js';
import { publishOutcome, type RunContext, runEngine, within } from './run.js';
import { type SlackIO, slackErrorCode } from './slack-io.js';
import { StatusBoard } from './status-board.js';

export type { Logger } from '../logger.js';

export interface ServiceOptions {
  analyze: AnalyzeFn;
  io: SlackIO;
  store: StateStore;
  concurrency: number;
  queueMax: number;
  /** ALERT_QUEUE_SHARE: the most of the queue and of the running slots alerts may hold (default 0.5). */
  alertShare?: number;
  timeoutMs: number;
  alertCooldownMs: number;
  /** Gap between posts in one channel; Slack allows about one per second. Tests pass a few ms. */
  pacingMs: number;
  logger: Logger;
  /** How long running analyses may finish after SIGTERM before they are marked interrupted. */
  shutdownGraceMs?: number;
  /** Longest wait on one Slack step of an analysis; the client's own retry budget normally ends it sooner. */
  slackStepMs?: number;
  /** How often reports Slack did not take are tried again. */
  reportRetryMs?: number;
  now?: () => number;
  /** MAX_QUEUED_PER_USER: analyses one person may have waiting or running. Default 3. */
  maxQueuedPerUser?: number;
  /** Set when every server reads a bundled dataset: stamped on every status message. */
  sampleData?: string;
  /**
   * SLACK_STREAMING=auto: person-started analyses stream their steps; this gives the bot's workspace (auth.test), which
   * a stream's recipient needs. Absent (SLACK_STREAMING=off): threaded replies only.
   */
  streamTeam?: () => string | undefined;
  /** This process as one replica of several on the store (REPLICA_ID, STATE_LEASE_MS); one is made when absent. */
  replica?: Replica;
}

export type SubmitResult = { ok: true; job: AnalysisJob; position: number } | Refusal;
export type AlertResult = SubmitResult | { ok: true; joined: AnalysisJob };

export const DEFAULT_SHUTDOWN_GRACE_MS = 30_000;
/** The client gives up on a call within about a minute; this only catches a call that never settles. */
export const DEFAULT_SLACK_STEP_MS = 90_000;
export const DEFAULT_REPORT_RETRY_MS = 60_000;
/** Longest a free slot waits for the status message of the analysis first in line before taking the next one. */
const ANCHOR_WAIT_MS = 5_000;

/**
 * The analysis worker: a bounded queue of analyses run ANALYSIS_CONCURRENCY at a time, each with a deadline,
 * cancellable, reporting progress into its Slack thread. Only the engine holds a slot; Slack posting happens after.
 * Every change of an analysis is written to the store (off the ack path); memory is a cache of it.
 */
export class AnalysisService {
  private readonly queue: PQueue;
  private readonly pacer: ChannelPacer;
  private readonly board: StatusBoard;
  private readonly alerts: AlertJoining;
  private readonly directory: JobDirectory;
  /** Queued and running jobs in arrival order. */
  private active: AnalysisJob[] = [];
  private readonly publishing = new Set<Promise<void>>();
  /** Queued jobs whose status message is in Slack, so they may take a slot. */
  private readonly anchoredIds = new Set<string>();
  private alertChain: Promise<unknown> = Promise.resolve();
  /** Dispatches that found only alerts over their share of slots; each is re-added when a running alert finishes. */
  private deferredDispatches = 0;
  private intake = true;
  private readonly now: () => number;
  readonly context: RunContext;
  readonly lifecycle: Lifecycle;
  readonly replica: Replica;

  constructor(private readonly options: ServiceOptions) {
    this.queue = new PQueue({ concurrency: options.concurrency });
    this.pacer = new ChannelPacer(options.pacingMs);
    this.now = options.now ?? Date.now;
    this.directory = new JobDirectory(options.store);
    this.replica =
      options.replica ??
      new Replica({ id: defaultReplicaId(), leaseMs: DEFAULT_LEASE_MS, coordination: options.store.coordination, logger: options.logger });
    this.board = new StatusBoard(options.io, this.pacer, options.logger, (job) => this.positionOf(job), options.sampleData);
    this.alerts = new AlertJoining(options.alertCooldownMs, this.now, (id) => this.find(id), options.store);
    this.context = {
      analyze: options.analyze,
      io: options.io,
      pacer: this.pacer,
      board: this.board,
      logger: options.logger,
      timeoutMs: options.timeoutMs,
      pacingMs: options.pacingMs,
      slackStepMs: options.slackStepMs ?? DEFAULT_SLACK_STEP_MS,
      now: this.now,
      finish: (job, state) => this.finish(job, state),
      persist: (job) => this.persist(job),
      memory: options.store.memory,
      ...(options.streamTeam ? { streamTo: (job: AnalysisJob) => streamRecipient(job, options.streamTeam?.()) } : {}),
    };
    this.lifecycle = new Lifecycle({
      service: this,
      store: options.store,
      board: this.board,
      context: this.context,
      logger: options.logger,
      reportRetryMs: options.reportRetryMs ?? DEFAULT_REPORT_RETRY_MS,
      replica: this.replica,
    });
  }

  /** Analyses holding a slot and waiting for one (the queue gauges). */
  get load(): { running: number; queued: number } {
    return this.counts();
  }

  get limits(): { concurrency: number; queueMax: number } {
    return { concurrency: this.options.concurrency, queueMax: this.options.queueMax };
  }

  get accepting(): boolean {
    return this.intake;
  }

  /** An analysis by id: from memory, else from the store (an old button after a restart). */
  find(id: string): Promise<AnalysisJob | undefined> {
    return this.directory.find(id);
  }

  /** The latest analysis answering in this thread, if any. */
  inThread(channel: string, threadTs: string): Promise<AnalysisJob | undefined> {
    return this.directory.inThread(channel, threadTs);
  }

  /** Keeps a job read from the store, unless a live one with that id is already cached. */
  cache(job: AnalysisJob): AnalysisJob {
    return this.directory.keep(job);
  }

  activeJobs(): readonly AnalysisJob[] {
    return this.active;
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

  private counts(): { running: number; queued: number } {
    const running = this.active.filter((job) => job.started).length;
    return { running, queued: this.active.length - running };
  }

  submit(trigger: Trigger): SubmitResult {
    if (!this.intake) return { ok: false, reason: 'busy', ...this.counts(), restarting: true };
    // Fair use (worker/admission.ts): one per thread, per-user limit, capacity from the analyses really waiting or running.
    const { running, queued } = this.counts();
    const refusal = refusalFor(trigger, {
      active: this.active,
      inThread: trigger.threadTs ? this.directory.cachedInThread(trigger.channel, trigger.threadTs) : undefined,
      waiting: queued,
      running,
      capacity: this.options.concurrency + this.options.queueMax,
      alertCapacity: this.alertLimits.capacity,
      maxPerUser: this.options.maxQueuedPerUser ?? 3,
    });
    if (refusal) return refusal;
    const job = new AnalysisJob(trigger, this.now());
    this.directory.add(job);
    this.active.push(job);
    this.persist(job);
    this.replica.own(job.id);
    const position = waitingOrder(this.active).indexOf(job) + 1;
    const shownPosition = position > this.availableSlots() ? position - this.availableSlots() : 0;
    job.anchored = this.board.anchor(
      job,
      shownPosition,
      (ts) => this.directory.linkThread(job, ts),
      (reason) => {
        job.reason = reason;
        this.finish(job, 'failed');
        job.controller.abort(new Error(reason));
      },
    );
    // The slot is taken only once the thread exists: a slow chat.postMessage must not hold it. Each anchored job
    // adds one dispatch; a dispatch runs whichever anchored job is first in line (people before alerts), not
    // necessarily its own, so the order does not depend on which status message Slack answered first.
    void job.anchored.then((ok) => {
      this.persist(job);
      if (!ok || job.state !== 'queued' || !this.intake) return;
      this.anchoredIds.add(job.id);
      this.queue
        .add(() => this.dispatch(), { priority: priorityOf(trigger) })
        .catch((error: unknown) => this.options.logger.error(`analysis dispatch crashed: ${slackErrorCode(error)}`));
    });
    // A person's analysis goes ahead of waiting alerts, whose "position N" must then move back.
    this.board.refreshPositions(this.active);
    return { ok: true, job, position: this.positionOf(job) };
  }

  /**
   * submit() for a trigger in an existing thread, with the one-analysis-per-thread rule held across replicas: the
   * thread's lease in the store decides which replica may start one (two Re-run clicks on two replicas start one).
   */
  async submitInThread(trigger: Trigger): Promise<SubmitResult> {
    const { threadTs } = trigger;
    if (!threadTs || !this.intake) return this.submit(trigger);
    if (!(await this.replica.claimThread(trigger.channel, threadTs))) {
      const elsewhere = await this.directory.inThread(trigger.channel, threadTs);
      if (elsewhere) return { ok: false, reason: 'thread_busy', job: elsewhere };
    }
    const result = this.submit(trigger);
    // Refused here for another reason: the thread is free again (unless this replica's own analysis holds it).
    if (!result.ok && result.reason !== 'thread_busy') this.replica.releaseThread(trigger.channel, threadTs);
    return result;
  }

  private get alertLimits(): { capacity: number; slots: number } {
    const { concurrency, queueMax, alertShare } = this.options;
    return alertLimits(alertShare ?? DEFAULT_ALERT_SHARE, concurrency, concurrency + queueMax);
  }

  /** The first job in line whose thread exists (alerts within their share of slots); a cancelled one frees its dispatch. */
  private nextRunnable(): AnalysisJob | undefined {
    return nextToRun(this.active, this.anchoredIds, this.alertLimits.slots);
  }

  private async dispatch(): Promise<void> {
    let next = this.nextRunnable();
    const first = waitingOrder(this.active)[0];
    // A person whose status message is still on its way is first in line: worth a short wait, not a long one.
    if (first && first !== next && (await within(first.anchored, ANCHOR_WAIT_MS))) next = this.nextRunnable();
    if (!next) {
      // Only alerts wait, and alerts hold their share of the slots: this dispatch comes back when one finishes.
      if (this.anchoredIds.size > 0) this.deferredDispatches += 1;
      return;
    }
    this.anchoredIds.delete(next.id);
    await this.execute(next);
  }

  private availableSlots(): number {
    return Math.max(0, this.options.concurrency - this.active.filter((job) => job.started).length);
  }

  /** An alert: joins the running or last analysis of the same fingerprint within the cooldown, else starts one. */
  submitAlert(trigger: Trigger & { fingerprint: string }, alertTs: string): Promise<AlertResult> {
    // One alert at a time, so two copies arriving together cannot both miss the fingerprint and start two analyses.
    const next = this.alertChain.then(async (): Promise<AlertResult> => {
      if (!this.intake) return { ok: false, reason: 'busy', ...this.counts(), restarting: true };
      let joined = await this.alerts.joinable(trigger.fingerprint);
      let fromPeer = false;
      if (!joined) {
        // Another replica may be starting the same alert this moment: one of the two claims it, the other joins.
        const claimed = await this.alerts.claimStart(trigger.fingerprint);
        if (claimed === undefined) return { ok: false, reason: 'busy', ...this.counts() };
        if (claimed !== true) [joined, fromPeer] = [claimed, true];
      }
      if (joined) {
        const target = joined;
        target.joined += 1;
        // Another replica's analysis is its to render: this one only adds the notice.
        const live = !fromPeer;
        void this.board.afterAnchor(target, async (threadTs) => {
          await this.board.notice(target, threadTs, joinNotice(trigger.channel, alertTs, target.channel));
          if (live) await this.board.update(target);
        });
        return { ok: true, joined: target };
      }
      const result = this.submit(trigger);
      if (result.ok) await this.alerts.remember(trigger.fingerprint, result.job);
      return result;
    });
    this.alertChain = next.catch(() => {});
    return next;
  }

  /** True when a new alert analysis would be refused (webhooks answer 503 then, so the sender retries later). */
  get full(): boolean {
    const alerts = this.active.filter((job) => job.trigger.origin === 'alert').length;
    return !this.intake || this.active.length >= this.options.concurrency + this.options.queueMax || alerts >= this.alertLimits.capacity;
  }

  /** The analysis an alert fingerprint started, while remembered (for its resolution). */
  alertJob(fingerprint: string): Promise<AnalysisJob | undefined> {
    return this.alerts.find(fingerprint);
  }

  /**
   * An analysis this replica does not run (another replica's, read from the store, perhaps before its status message
   * existed) is read again before a notice or a save, so the notice finds the thread and the save does not put an
   * older state back.
   */
  private async refreshed(job: AnalysisJob): Promise<AnalysisJob> {
    if (this.active.includes(job)) return job;
    const stored = await this.options.store.getAnalysis(job.id).catch(() => undefined);
    if (!stored) return job;
    const fresh = AnalysisJob.fromStored(stored);
    const { state, started, statusTs, streamTs, toolCalls, report, reason, startedAt, finishedAt, reportPosted, postAttempts, anchored } =
      fresh;
    Object.assign(job, {
      state,
      started,
      statusTs,
      streamTs,
      toolCalls,
      report,
      reason,
      startedAt,
      finishedAt,
      reportPosted,
      postAttempts,
      anchored,
    });
    job.threadTs ??= fresh.threadTs;
    return job;
  }

  /** A notice in the analysis' thread once its status message exists; never throws. */
  async noteInThread(job: AnalysisJob, text: string): Promise<void> {
    const current = await this.refreshed(job);
    return this.board.afterAnchor(current, (threadTs) => this.board.notice(current, threadTs, text));
  }

  /** The alert behind `job` resolved: noted in its thread and on its status message; no new analysis. */
  async resolveAlert(job: AnalysisJob, resolution: string): Promise<void> {
    await this.refreshed(job);
    job.resolution = resolution;
    this.persist(job);
    return this.board.afterAnchor(job, async (threadTs) => {
      await this.board.notice(job, threadTs, `:white_check_mark: Alert ${resolution}.`);
      await this.board.update(job);
    });
  }

  async cancel(id: string, by: string): Promise<CancelOutcome> {
    const job = await this.directory.find(id);
    return cancelAnalysis(job, by, (target, state) => this.finish(target, state), this.board);
  }

  /** A listener's reply, through the same per-channel pacing as the analyses' posts and bounded in time. */
  async reply(channel: string, message: SlackMessage, threadTs?: string): Promise<void> {
    const posting = this.pacer.run(channel, () => this.options.io.post(channel, message, threadTs));
    if (!(await within(posting, this.context.slackStepMs))) throw new Error('Slack did not answer in time');
    await posting;
  }

  async replyEphemeral(channel: string, user: string, message: SlackMessage, threadTs?: string): Promise<void> {
    const posting = this.pacer.run(channel, () => this.options.io.ephemeral(channel, user, message, threadTs));
    if (!(await within(posting, this.context.slackStepMs))) throw new Error('Slack did not answer in time');
    await posting;
  }

  /** Stops intake: new requests are answered "restarting, try again in a minute". */
  stopIntake(): void {
    this.intake = false;
    this.queue.clear();
  }

  /** Running engines and the posting after them, all settled. */
  async settled(): Promise<void> {
    await this.queue.onIdle();
    while (this.publishing.size > 0) await Promise.all([...this.publishing]);
  }

  /** SIGTERM/SIGINT: stop intake, let running analyses finish within the grace period, mark the rest interrupted. */
  shutdown(graceMs = this.options.shutdownGraceMs ?? DEFAULT_SHUTDOWN_GRACE_MS): Promise<void> {
    return this.lifecycle.shutdown(graceMs);
  }

  finish(job: AnalysisJob, state: 'done' | 'failed' | 'cancelled' | 'interrupted'): void {
    if (job.started && job.trigger.origin === 'alert' && this.deferredDispatches > 0 && this.intake) {
      this.deferredDispatches -= 1;
      this.queue
        .add(() => this.dispatch(), { priority: PRIORITY.alert })
        .catch((error: unknown) => this.options.logger.error(`analysis dispatch crashed: ${slackErrorCode(error)}`));
    }
    job.state = state;
    job.finishedAt = this.now();
    const seconds = secondsBetween(job.startedAt, job.finishedAt);
    metrics.analysisFinished(job.trigger.origin, job.report?.engine, outcomeOf(state, job.report), seconds);
    this.options.logger.info(
      `analysis ${job.id} ${state} in channel ${job.channel}${seconds !== undefined ? ` after ${seconds.toFixed(1)} s` : ''}`,
    );
    this.active = this.active.filter((other) => other !== job);
    this.replica.release(job.id, job.threadTs ? { channel: job.channel, threadTs: job.threadTs } : undefined);
    this.anchoredIds.delete(job.id);
    this.board.forget(job);
    this.board.refreshPositions(this.active);
    this.persist(job);
  }

  persist(job: AnalysisJob): void {
    this.options.store
      .saveAnalysis(job.toStored())
      .catch((error: unknown) => this.options.logger.error(`analysis ${job.id}: state not saved: ${slackErrorCode(error)}`));
  }

  private async execute(job: AnalysisJob): Promise<void> {
    job.started = true;
    if (job.state !== 'queued' || !job.threadTs) return;
    const threadTs = job.threadTs;
    job.state = 'running';
    job.startedAt = this.now();
    metrics.analysisStarted(job.trigger.origin);
    this.options.logger.info(`analysis ${job.id} started (${job.trigger.origin}) in channel ${job.channel}`);
    this.persist(job);
    this.board.refreshPositions(this.active);
    void this.board.update(job);
    const outcome = await runEngine(job, this.context, threadTs);
    // The slot is released when this returns; posting the outcome happens outside it.
    const publishing = publishOutcome(job, outcome, this.context, threadTs).catch((error: unknown) =>
      this.options.logger.error(`analysis ${job.id}: posting the outcome failed: ${slackErrorCode(error)}`),
    );
    this.publishing.add(publishing);
    void publishing.finally(() => this.publishing.delete(publishing));
  }
}
