import type { AgentEvent } from '../../agent/types.js';
import { noteChunk, planChunk, type StreamChunk, statusLine, stoppedTaskChunk, taskChunk } from '../blocks/stream.js';
import type { ChannelPacer } from './pacer.js';
import type { Progress, ProgressLogger, ProgressReporter } from './progress.js';
import { type SlackStreamIO, type StreamRecipient, slackErrorCode } from './slack-io.js';

type ToolStarted = Extract<AgentEvent, { type: 'tool_started' }>;

/** A chunk waiting to be streamed, with the event it shows when the threaded fallback must show it instead. */
interface Pending {
  chunk: StreamChunk;
  replay?: AgentEvent;
}

/** Stream calls made in one flush before the runner yields (it is scheduled again when more is pending). */
const MAX_FLUSH_ROUNDS = 100;
/** Rounds of "wait for the runner" before giving up on draining; each round sends at least one call. */
const MAX_DRAIN_ROUNDS = 50;

export interface StreamTarget {
  channel: string;
  threadTs: string;
  recipient: StreamRecipient;
  /** The plan's title while the analysis runs, e.g. "Investigating: checkout returns 502". */
  title: string;
}

/**
 * Shows one analysis as Slack's agent surfaces do: a streamed message with one task card per tool call (in progress,
 * then complete or error with its one-line result) under a plan title, and a thread status line saying what runs now.
 * Calls are serialised and coalesced: chunks that arrive while one call is in flight go out together in the next.
 * When Slack refuses the stream (method unknown, not allowed, expired, rate-limited past the client's retries) it
 * falls back to threaded replies, replaying every step Slack did not take, so no step is lost.
 */
export class StreamReporter implements Progress {
  private ts: string | undefined;
  private pending: Pending[] = [];
  private running: Promise<void> | undefined;
  private fallback: ProgressReporter | undefined;
  private readonly started = new Map<string, ToolStarted>();
  private wantedStatus = '';
  private shownStatus = '';
  private statusBroken = false;
  private closed = false;
  private toolCount = 0;
  private shownToolCount = 0;

  constructor(
    private readonly io: SlackStreamIO,
    private readonly pacer: ChannelPacer,
    private readonly target: StreamTarget,
    /** Today's threaded replies, built only when the stream fails. */
    private readonly makeFallback: () => ProgressReporter,
    private readonly onToolCount: (count: number) => Promise<void>,
    private readonly logger: ProgressLogger,
    /** Told the streamed message's ts once Slack started it, so a restart can stop a stream a killed process left open. */
    private readonly onStreamStarted: (ts: string) => void = () => {},
  ) {
    this.pending.push({ chunk: planChunk(target.title) });
  }

  get toolCalls(): number {
    return this.toolCount;
  }

  /** True once the stream failed and threaded replies took over. */
  get fellBack(): boolean {
    return this.fallback !== undefined;
  }

  handle(event: AgentEvent): void {
    if (this.closed) return;
    if (event.type === 'tool_finished') this.toolCount += 1;
    if (this.fallback) {
      this.fallback.handle(event);
      return;
    }
    if (event.type === 'tool_started') {
      this.started.set(event.callId, event);
      this.wantedStatus = statusLine(event);
      this.pending.push({ chunk: taskChunk(event) });
    } else if (event.type === 'tool_finished') {
      this.started.delete(event.callId);
      this.pending.push({ chunk: taskChunk(event), replay: event });
    } else if (event.type === 'note') {
      this.pending.push({ chunk: noteChunk(event.message), replay: event });
    } else if (event.type === 'stage') {
      // The plan's title follows the engine's stages; the threaded fallback shows them with its next reply.
      this.pending.push({ chunk: planChunk(`${event.title}…`), replay: event });
    } else {
      return;
    }
    this.schedule();
  }

  private schedule(): void {
    if (this.running || this.closed) return;
    this.running = this.run()
      .catch((error: unknown) => this.logger.warn(`progress stream failed: ${slackErrorCode(error)}`))
      .finally(() => {
        this.running = undefined;
        if (!this.closed && !this.fallback && (this.pending.length > 0 || this.statusDue())) this.schedule();
      });
  }

  private statusDue(): boolean {
    return !this.statusBroken && this.wantedStatus !== this.shownStatus;
  }

  private async run(): Promise<void> {
    // Lets the event that scheduled this run be joined by the ones emitted in the same tick.
    await Promise.resolve();
    for (let round = 0; round < MAX_FLUSH_ROUNDS; round++) {
      if (this.fallback) return;
      const status = this.statusDue() ? this.wantedStatus : undefined;
      const batch = this.pending.splice(0);
      if (batch.length === 0 && status === undefined) return;
      if (status !== undefined) await this.setStatus(status);
      if (batch.length === 0) continue;
      try {
        await this.send(batch.map((item) => item.chunk));
      } catch (error) {
        this.fallBack(batch, error);
        return;
      }
      if (this.toolCount !== this.shownToolCount && !this.closed) {
        this.shownToolCount = this.toolCount;
        await this.onToolCount(this.toolCount);
      }
    }
  }

  private async send(chunks: StreamChunk[]): Promise<void> {
    const { channel, threadTs, recipient } = this.target;
    if (this.ts) {
      await this.io.append(channel, this.ts, chunks);
      return;
    }
    // Starting a stream posts a message: paced like every other post in the channel.
    this.ts = await this.pacer.run(channel, () => this.io.start(channel, threadTs, recipient, chunks));
    this.onStreamStarted(this.ts);
  }

  private async setStatus(status: string): Promise<void> {
    try {
      await this.io.setStatus(this.target.channel, this.target.threadTs, status);
      this.shownStatus = status;
    } catch (error) {
      // The status line only decorates the thread; the steps themselves are in the stream or the replies.
      this.statusBroken = true;
      this.logger.warn(`thread status not set: ${slackErrorCode(error)}`);
    }
  }

  /** Every step Slack did not take (the failed call's and those queued behind it) goes to threaded replies, in order. */
  private fallBack(failed: Pending[], error: unknown): void {
    this.logger.warn(`progress stream stopped (${slackErrorCode(error)}); continuing with threaded replies`);
    const fallback = this.makeFallback();
    this.fallback = fallback;
    for (const item of [...failed, ...this.pending.splice(0)]) if (item.replay) fallback.handle(item.replay);
    // Ends the streamed message where Slack still lets us (a rate limit, not an expired stream); nobody waits on it.
    const ts = this.ts;
    if (ts) void this.io.stop(this.target.channel, ts, [planChunk('Continued as threaded replies below')]).catch(() => {});
  }

  async drain(): Promise<void> {
    for (let round = 0; round < MAX_DRAIN_ROUNDS; round++) {
      if (this.fallback || this.closed) break;
      if (!this.running && this.pending.length === 0 && !this.statusDue()) break;
      if (!this.running) this.schedule();
      await this.running;
    }
    await this.fallback?.drain();
  }

  async close(ended: 'done' | 'stopped' = 'stopped'): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.running;
    const fallback = this.fallback;
    if (fallback) {
      if (ended === 'done') await fallback.drain();
      await fallback.close();
    } else {
      await this.stopStream(ended);
    }
    this.wantedStatus = '';
    if (this.shownStatus !== '' && !this.statusBroken) await this.setStatus('');
  }

  private async stopStream(ended: 'done' | 'stopped'): Promise<void> {
    // A stopped analysis drops what it had not shown, as the threaded replies do; its running cards end in error.
    const leftover = ended === 'done' ? this.pending.splice(0) : [];
    this.pending = [];
    if (!this.ts) {
      await this.replay(leftover);
      return;
    }
    const calls = `${this.toolCount} tool call${this.toolCount === 1 ? '' : 's'}`;
    const chunks: StreamChunk[] = [
      ...leftover.map((item) => item.chunk),
      ...[...this.started.values()].map(stoppedTaskChunk),
      planChunk(ended === 'done' ? `Investigated with ${calls}; the report follows` : `Analysis stopped after ${calls}`),
    ];
    try {
      await this.io.stop(this.target.channel, this.ts, chunks);
    } catch (error) {
      this.logger.warn(`progress stream not stopped: ${slackErrorCode(error)}`);
      await this.replay(leftover);
    }
  }

  /** Steps that never reached the stream, posted as threaded replies after all. */
  private async replay(items: Pending[]): Promise<void> {
    const events = items.flatMap((item) => (item.replay ? [item.replay] : []));
    if (events.length === 0) return;
    const fallback = this.makeFallback();
    for (const event of events) fallback.handle(event);
    await fallback.drain();
    await fallback.close();
  }
}
