import type { AgentEvent, ToolOutputRecord } from '../../agent/types.js';
import type { IncidentMemory } from '../../memory/types.js';
import { analysisObserver } from '../../observability/events.js';
import type { Report } from '../../report/schema.js';
import { buildReportMessage } from '../blocks/report.js';
import { buildRerunNoticeMessage, userMention } from '../blocks/status.js';
import { oneLine, redactSecrets } from '../blocks/text.js';
import type { Logger } from '../logger.js';
import { type AnalysisJob, type AnalyzeFn, CancelledError, DeadlineError, InterruptedError } from './job.js';
import { MAX_SIMILAR, recallFor, rememberAnalysis } from './memory.js';
import type { ChannelPacer } from './pacer.js';
import type { Progress } from './progress.js';
import { progressFor } from './progress-choice.js';
import { isRetryableSlackError, type SlackIO, type StreamRecipient, slackErrorCode } from './slack-io.js';
import type { StatusBoard } from './status-board.js';

export type { Logger } from '../logger.js';

/** Posts of one report tried before it is given up on (first try included), across restarts. */
export const MAX_REPORT_POST_ATTEMPTS = 10;

export interface RunContext {
  analyze: AnalyzeFn;
  io: SlackIO;
  pacer: ChannelPacer;
  board: StatusBoard;
  logger: Logger;
  timeoutMs: number;
  pacingMs: number;
  /** Longest wait on one Slack step (progress drain, report, notice); past it the step is left to finish alone. */
  slackStepMs: number;
  now: () => number;
  finish(job: AnalysisJob, state: 'done' | 'failed' | 'cancelled' | 'interrupted'): void;
  persist(job: AnalysisJob): void;
  /** Past incidents: recalled for the engine, matched into reports, and where this analysis is remembered. */
  memory?: IncidentMemory;
  /** Set when SLACK_STREAMING is not `off`: whom an analysis streams to, if anyone (worker/progress-choice.ts). */
  streamTo?: (job: AnalysisJob) => StreamRecipient | undefined;
}

export type EngineOutcome =
  | { ok: true; report: Report; reporter: Progress; calls: ToolOutputRecord[] }
  | { ok: false; error: unknown; reporter: Progress };

/** Waits for `promise` at most `ms`; true when it settled in time. The promise itself is never cancelled. */
export async function within(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
    timer.unref();
  });
  try {
    return await Promise.race([
      promise.then(
        () => true,
        () => true,
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

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
 * The part of an analysis that holds a concurrency slot: the engine. Progress replies are scheduled, never awaited
 * here, so a slow Slack cannot hold the slot; the service deadline is a backstop behind the engine's own (which gets
 * most of the budget and answers with the evidence so far).
 */
export async function runEngine(job: AnalysisJob, ctx: RunContext, threadTs: string): Promise<EngineOutcome> {
  const signal = job.controller.signal;
  const deadline = setTimeout(() => job.controller.abort(new DeadlineError(ctx.timeoutMs)), ctx.timeoutMs);
  const statusEveryMs = ctx.pacingMs * 3;
  let lastStatusAt = ctx.now();
  const reporter = progressFor(job, threadTs, ctx, async (count) => {
    job.toolCalls = count;
    // chat.update has its own rate limit; the tool count need not change with every reply.
    if (ctx.now() - lastStatusAt < statusEveryMs) return;
    lastStatusAt = ctx.now();
    void ctx.board.update(job);
  });
  const observe = analysisObserver(job.trigger.origin, ctx.now);
  const onEvent = (event: AgentEvent) => {
    observe(event);
    try {
      reporter.handle(event);
    } catch (error) {
      ctx.logger.warn(`analysis ${job.id}: progress event dropped: ${slackErrorCode(error)}`);
    }
  };
  const calls: ToolOutputRecord[] = [];
  try {
    const pastIncidents = await recallFor(ctx.memory, job).catch((error: unknown) => {
      ctx.logger.warn(`analysis ${job.id}: past incidents not recalled: ${slackErrorCode(error)}`);
      return [];
    });
    const report = await raceAbort(
      ctx.analyze({
        incident: job.trigger.incident,
        context: job.trigger.context,
        ...(pastIncidents.length > 0 ? { pastIncidents: pastIncidents.slice(0, MAX_SIMILAR) } : {}),
        onToolOutput: (call) => calls.push(call),
        ...(job.trigger.since ? { since: job.trigger.since } : {}),
        ...(job.trigger.scope ? { scope: job.trigger.scope } : {}),
        ...(job.trigger.alerts?.length ? { alerts: job.trigger.alerts } : {}),
        signal,
        onEvent,
      }),
      signal,
    );
    return { ok: true, report, reporter, calls };
  } catch (error) {
    return { ok: false, error: signal.aborted ? signal.reason : error, reporter };
  } finally {
    clearTimeout(deadline);
  }
}

/** After the slot is released: progress drained, then the report or the failure posted, then the status updated. */
export async function publishOutcome(job: AnalysisJob, outcome: EngineOutcome, ctx: RunContext, threadTs: string): Promise<void> {
  const { reporter } = outcome;
  if (!outcome.ok) {
    await within(reporter.close(), ctx.slackStepMs);
    job.toolCalls = reporter.toolCalls;
    // Shutdown or a crash handler may have ended (and told) it already.
    if (!job.active) return;
    const reason = outcome.error;
    if (reason instanceof CancelledError) {
      ctx.finish(job, 'cancelled');
      await ctx.board.notice(
        job,
        threadTs,
        `:no_entry_sign: Analysis cancelled by ${userMention(reason.by)} after ${job.toolCalls} tool calls.`,
      );
    } else if (reason instanceof InterruptedError) {
      job.reason = reason.why;
      ctx.finish(job, 'interrupted');
      await ctx.board.post(job, threadTs, interruptedNotice(job));
    } else {
      job.reason = reason instanceof Error ? reason.message : String(reason);
      ctx.finish(job, 'failed');
      ctx.logger.error(`analysis ${job.id} failed: ${redactSecrets(job.reason)}`);
      await ctx.board.notice(
        job,
        threadTs,
        `:x: Analysis failed: ${oneLine(job.reason, 1000)}. Mention me in this thread to try again, or run \`/rca ${oneLine(job.trigger.incident, 300)}\`.`,
      );
    }
    await ctx.board.update(job);
    return;
  }

  if (!(await within(reporter.drain(), ctx.slackStepMs)))
    ctx.logger.warn(`analysis ${job.id}: progress replies still pending; posting the report`);
  await within(reporter.close('done'), ctx.slackStepMs);
  job.toolCalls = Math.max(reporter.toolCalls, outcome.report.toolCalls.length);
  job.report = outcome.report;
  if (ctx.memory) {
    const memory = ctx.memory;
    const remembering = rememberAnalysis(memory, ctx.io, job, outcome.report, outcome.calls, ctx.now()).then(
      (report) => {
        job.report = report;
      },
      (error: unknown) => ctx.logger.warn(`analysis ${job.id}: not remembered: ${slackErrorCode(error)}`),
    );
    // Links to past threads come from Slack; a slow Slack delays the report by at most one step.
    if (!(await within(remembering, ctx.slackStepMs))) ctx.logger.warn(`analysis ${job.id}: similar incidents skipped (slow)`);
  }
  ctx.finish(job, 'done');
  await postReport(job, ctx);
}

const inFlight = new Set<string>();

/**
 * Posts a finished report into its thread. A Slack outage (timeouts, 5xx, rate limits past the client's retry
 * budget) keeps it in the store for the retry timer; a refusal (bad blocks, archived channel) posts a short notice
 * instead, once.
 */
export async function postReport(job: AnalysisJob, ctx: RunContext): Promise<void> {
  const report = job.report;
  const threadTs = job.threadTs;
  if (!report || !threadTs || job.reportPosted || inFlight.has(job.id)) return;
  inFlight.add(job.id);
  job.postAttempts += 1;
  ctx.persist(job);
  const posting = ctx.pacer.run(job.channel, () => ctx.io.post(job.channel, buildReportMessage(report, { analysisId: job.id }), threadTs));
  const settled = posting.then(
    () => {
      job.reportPosted = true;
      ctx.persist(job);
    },
    async (error: unknown) => {
      const code = slackErrorCode(error);
      if (isRetryableSlackError(error) && job.postAttempts < MAX_REPORT_POST_ATTEMPTS) {
        ctx.logger.error(`analysis ${job.id}: report post failed (${code}); kept to post when Slack answers again`);
        return;
      }
      ctx.logger.error(`analysis ${job.id}: report post failed: ${code}`);
      job.reportPosted = true;
      ctx.persist(job);
      await ctx.board.notice(
        job,
        threadTs,
        `Root cause (${report.confidence}): ${oneLine(report.summary, 1500)}\n_(the full report could not be posted: ${oneLine(code, 200)})_`,
      );
    },
  );
  void settled.finally(() => inFlight.delete(job.id));
  if (!(await within(settled, ctx.slackStepMs))) ctx.logger.warn(`analysis ${job.id}: report post still in flight`);
  await ctx.board.update(job);
}

export function interruptedNotice(job: AnalysisJob) {
  return buildRerunNoticeMessage(
    `:warning: Analysis \`${job.id}\` was interrupted: ${oneLine(job.reason ?? 'the bot restarted', 500)}. Press Re-run to start it again.`,
    job.id,
  );
}
