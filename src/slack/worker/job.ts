import { randomBytes } from 'node:crypto';
import type { AlertRef, AnalyzeRequest } from '../../agent/types.js';
import { configuredRedactor, redactSecrets } from '../../redaction/index.js';
import type { Report } from '../../report/schema.js';
import type { StoredAnalysis } from '../../store/types.js';
import type { AnalysisState, StatusView } from '../blocks/status.js';

/** What the worker calls to analyse; main.ts wires the real runtime, tests a scripted one. */
export type AnalyzeFn = (request: AnalyzeRequest) => Promise<Report>;

export type Origin = 'command' | 'mention' | 'followup' | 'alert' | 'rerun';

export interface Trigger {
  origin: Origin;
  channel: string;
  /** The thread to answer in; absent for /rca, whose status message becomes the thread's parent. */
  threadTs?: string;
  incident: string;
  context?: string;
  requestedBy: StatusView['requestedBy'];
  /** Reaches the requester when the channel refuses the bot's posts (a /rca response_url). */
  notifyRequester?: (text: string) => Promise<void>;
  /** Alert fingerprint, for joining repeats within the cooldown. */
  fingerprint?: string;
  /** Where the engine's window starts (an alert's startsAt, a little earlier) and the alert's labels. */
  since?: string;
  scope?: Record<string, string>;
  /** The alerts behind the analysis, with their runbook_url: the runbook an alert links is read first. */
  alerts?: AlertRef[];
}

export class CancelledError extends Error {
  constructor(readonly by: string) {
    super(`cancelled by ${by}`);
    this.name = 'CancelledError';
  }
}

export class DeadlineError extends Error {
  constructor(readonly ms: number) {
    super(`timed out after ${ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`} (ANALYSIS_TIMEOUT_MS)`);
    this.name = 'DeadlineError';
  }
}

export class ShutdownError extends Error {
  constructor() {
    super('the bot is shutting down');
    this.name = 'ShutdownError';
  }
}

export class InterruptedError extends Error {
  constructor(readonly why: string) {
    super(why);
    this.name = 'InterruptedError';
  }
}

let counter = 0;

/**
 * Unique across restarts: the counter starts again at 1 in every process while the store keeps every id, so the
 * random part (40 bits) is what keeps a new analysis from overwriting an old one.
 */
function newId(): string {
  counter += 1;
  return `A${counter}-${randomBytes(5).toString('hex')}`;
}

export class AnalysisJob {
  readonly id: string;
  readonly controller = new AbortController();
  state: AnalysisState = 'queued';
  /** Set when the worker pool picks the job up (before it is anchored in Slack). */
  started = false;
  threadTs?: string;
  statusTs?: string;
  /** The streamed progress message while it is open; a restart stops it when the process died mid-stream. */
  streamTs?: string;
  toolCalls = 0;
  joined = 0;
  report?: Report;
  reason?: string;
  /** Who pressed Cancel (a user id), so the status message can mention them. */
  cancelledBy?: string;
  /** Set when the alert behind this analysis resolved ("resolved at … (lasted …)"); the status message shows it. */
  resolution?: string;
  readonly createdAt: number;
  startedAt?: number;
  finishedAt?: number;
  /** False while a finished report has not reached its thread yet. */
  reportPosted = false;
  postAttempts = 0;
  /** Resolves true once the status message is in Slack; false when Slack refused it. */
  anchored: Promise<boolean> = Promise.resolve(false);

  constructor(
    readonly trigger: Trigger,
    now: number,
    id?: string,
  ) {
    this.id = id ?? newId();
    this.threadTs = trigger.threadTs;
    this.createdAt = now;
  }

  /** An analysis read back from the store (after a restart, or evicted from memory). */
  static fromStored(stored: StoredAnalysis): AnalysisJob {
    const job = new AnalysisJob(
      {
        origin: stored.origin as Origin,
        channel: stored.channel,
        ...(stored.threadTs ? { threadTs: stored.threadTs } : {}),
        incident: stored.incident,
        ...(stored.context !== undefined ? { context: stored.context } : {}),
        requestedBy: stored.requestedBy,
        ...(stored.fingerprint ? { fingerprint: stored.fingerprint } : {}),
        ...(stored.since ? { since: stored.since } : {}),
        ...(stored.scope ? { scope: stored.scope } : {}),
        ...(stored.alerts?.length ? { alerts: stored.alerts } : {}),
      },
      stored.createdAt,
      stored.id,
    );
    job.state = stored.state;
    job.started = stored.state !== 'queued';
    job.statusTs = stored.statusTs;
    job.streamTs = stored.streamTs;
    job.toolCalls = stored.toolCalls;
    job.report = stored.report;
    job.resolution = stored.resolution;
    job.reason = stored.reason;
    job.startedAt = stored.startedAt;
    job.finishedAt = stored.finishedAt;
    job.reportPosted = stored.reportPosted;
    job.postAttempts = stored.postAttempts;
    job.anchored = Promise.resolve(Boolean(stored.statusTs));
    return job;
  }

  toStored(): StoredAnalysis {
    const t = this.trigger;
    return {
      id: this.id,
      origin: t.origin,
      channel: t.channel,
      ...(this.threadTs ? { threadTs: this.threadTs } : {}),
      ...(this.statusTs ? { statusTs: this.statusTs } : {}),
      state: this.state,
      // What is typed, pasted or quoted from a thread outlives the analysis in the store: redacted before it is kept.
      incident: redactSecrets(t.incident),
      ...(t.context !== undefined ? { context: redactSecrets(t.context) } : {}),
      requestedBy: 'text' in t.requestedBy ? { text: redactSecrets(t.requestedBy.text) } : t.requestedBy,
      ...(t.fingerprint ? { fingerprint: t.fingerprint } : {}),
      toolCalls: this.toolCalls,
      ...(this.reason !== undefined ? { reason: this.reason } : {}),
      ...(this.report ? { report: this.report } : {}),
      reportPosted: this.reportPosted,
      postAttempts: this.postAttempts,
      createdAt: this.createdAt,
      ...(this.startedAt !== undefined ? { startedAt: this.startedAt } : {}),
      ...(this.finishedAt !== undefined ? { finishedAt: this.finishedAt } : {}),
      ...(t.since ? { since: t.since } : {}),
      ...(t.scope ? { scope: configuredRedactor().value(t.scope) } : {}),
      ...(this.resolution !== undefined ? { resolution: this.resolution } : {}),
      ...(t.alerts?.length ? { alerts: configuredRedactor().value(t.alerts) } : {}),
      ...(this.streamTs ? { streamTs: this.streamTs } : {}),
    };
  }

  get channel(): string {
    return this.trigger.channel;
  }

  get active(): boolean {
    return this.state === 'queued' || this.state === 'running';
  }

  statusView(position?: number): StatusView {
    return {
      analysisId: this.id,
      incident: this.trigger.incident,
      requestedBy: this.trigger.requestedBy,
      state: this.state,
      position,
      toolCalls: this.toolCalls,
      summary: this.report?.summary,
      confidence: this.report?.confidence,
      reason: this.reason,
      ...(this.cancelledBy ? { cancelledBy: this.cancelledBy } : {}),
      joined: this.joined,
      resolution: this.resolution,
    };
  }
}
