import { randomBytes } from 'node:crypto';
import type { AnalyzeRequest } from '../../agent/types.js';
import type { Report } from '../../report/schema.js';
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

let counter = 0;

export class AnalysisJob {
  readonly id = `A${++counter}-${randomBytes(2).toString('hex')}`;
  readonly controller = new AbortController();
  state: AnalysisState = 'queued';
  /** Set when the worker pool picks the job up (before it is anchored in Slack). */
  started = false;
  threadTs?: string;
  statusTs?: string;
  toolCalls = 0;
  joined = 0;
  report?: Report;
  reason?: string;
  /** Set when the alert behind this analysis resolved ("resolved at … (lasted …)"); the status message shows it. */
  resolution?: string;
  readonly createdAt: number;
  /** Resolves true once the status message is in Slack; false when Slack refused it. */
  anchored: Promise<boolean> = Promise.resolve(false);

  constructor(
    readonly trigger: Trigger,
    now: number,
  ) {
    this.threadTs = trigger.threadTs;
    this.createdAt = now;
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
      joined: this.joined,
      resolution: this.resolution,
    };
  }
}
