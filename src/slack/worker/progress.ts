import type { AgentEvent } from '../../agent/types.js';
import { buildProgressMessage, type ToolLine } from '../blocks/status.js';
import type { ChannelPacer } from './pacer.js';
import { type SlackIO, slackErrorCode } from './slack-io.js';

export interface ProgressLogger {
  warn(...args: unknown[]): void;
}

/** Rounds of "flush what is pending" before giving up on draining; each round posts at least one reply. */
const MAX_DRAIN_ROUNDS = 50;

/** How an analysis shows its steps while it runs: threaded replies (ProgressReporter) or a stream (StreamReporter). */
export interface Progress {
  readonly toolCalls: number;
  handle(event: AgentEvent): void;
  /** Shows whatever is pending and waits for it, so the report lands after the last tool call. */
  drain(): Promise<void>;
  /** No more events: `done` after a drained analysis with a report, `stopped` after a cancel or failure. */
  close(ended?: 'done' | 'stopped'): Promise<void>;
}

/**
 * Turns one analysis' AgentEvents into threaded replies: one per tool call, coalesced when calls finish faster
 * than the channel's pacing allows, and reports the running tool count so the status message stays current.
 */
export class ProgressReporter implements Progress {
  private tools: ToolLine[] = [];
  private notes: string[] = [];
  /** The engine's stages since the last reply: shown with the next one, never a reply of their own. */
  private stages: string[] = [];
  private scheduled: Promise<void> | undefined;
  private closed = false;
  private toolCount = 0;

  constructor(
    private readonly io: SlackIO,
    private readonly pacer: ChannelPacer,
    private readonly channel: string,
    private readonly threadTs: string,
    private readonly onToolCount: (count: number) => Promise<void>,
    private readonly logger: ProgressLogger,
  ) {}

  get toolCalls(): number {
    return this.toolCount;
  }

  handle(event: AgentEvent): void {
    if (this.closed) return;
    if (event.type === 'tool_finished') {
      this.toolCount += 1;
      this.tools.push(event);
    } else if (event.type === 'note') {
      this.notes.push(event.message);
    } else {
      if (event.type === 'stage') this.stages.push(event.title);
      return;
    }
    this.schedule();
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = this.pacer
      .run(this.channel, async () => {
        // Events arriving while this post is in flight schedule the next reply.
        this.scheduled = undefined;
        const tools = this.tools.splice(0);
        const notes = this.notes.splice(0);
        if (tools.length === 0 && notes.length === 0) return;
        const stages = this.stages.splice(0);
        await this.io.post(this.channel, buildProgressMessage(tools, notes, stages), this.threadTs);
        if (tools.length > 0 && !this.closed) await this.onToolCount(this.toolCount);
      })
      .catch((error: unknown) => this.logger.warn(`progress reply failed: ${slackErrorCode(error)}`));
  }

  /** Posts whatever is pending and waits for it, so the report lands after the last tool call. */
  async drain(): Promise<void> {
    for (let round = 0; round < MAX_DRAIN_ROUNDS; round++) {
      if (!this.scheduled && this.tools.length === 0 && this.notes.length === 0) break;
      if (!this.scheduled) this.schedule();
      await this.scheduled;
    }
  }

  /** No more events or status updates (after a cancel or failure); waits for a reply already in flight. */
  async close(): Promise<void> {
    this.closed = true;
    this.tools = [];
    this.notes = [];
    this.stages = [];
    await this.scheduled;
  }
}
