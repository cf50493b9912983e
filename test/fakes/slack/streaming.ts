import { chunkErrors, chunkTexts } from './agent-blocks.js';
import { validateBlocks } from './block-kit.js';

/**
 * The fake's agent surfaces, from docs.slack.dev: chat.startStream / appendStream / stopStream (a streamed message in
 * a thread, its chunks recorded in order, the errors Slack documents for wrong use) and assistant.threads.setStatus
 * (the thread's status line, recorded per thread; an empty status clears it).
 */

type Json = Record<string, unknown>;

export interface FakeStream {
  channel: string;
  threadTs: string;
  ts: string;
  recipient: { user?: string; team?: string };
  taskDisplayMode: string;
  /** `chunks` or `markdown_text`: Slack refuses a stream that mixes them (streaming_mode_mismatch). */
  mode: 'chunks' | 'markdown';
  /** Every chunk in the order Slack received it (start, appends, stop). */
  chunks: Json[];
  state: 'streaming' | 'stopped';
  /** Blocks chat.stopStream rendered at the bottom. */
  blocks?: Json[];
}

export interface StreamingHost {
  nextTs(): string;
  /** The stream's message joins the thread like any posted message. */
  store(message: Json & { channel: string; ts: string; thread_ts: string }): void;
  invalid(method: string, errors: string[]): void;
  pings(method: string, texts: string[]): void;
}

const DISPLAY_MODES = new Set(['timeline', 'plan', 'dense']);
/** Channels (public or private) need a recipient; DMs (D…) do not. */
const CHANNEL = /^[CG]/;

export class FakeStreaming {
  readonly streams: FakeStream[] = [];
  /** assistant.threads.setStatus calls by `channel:thread_ts`, oldest first. */
  readonly statuses = new Map<string, string[]>();

  constructor(private readonly host: StreamingHost) {}

  /** The stream with this message ts. */
  stream(ts: string): FakeStream | undefined {
    return this.streams.find((s) => s.ts === ts);
  }

  /** Streams started in a thread, oldest first. */
  inThread(channel: string, threadTs: string): FakeStream[] {
    return this.streams.filter((s) => s.channel === channel && s.threadTs === threadTs);
  }

  statusesOf(channel: string, threadTs: string): string[] {
    return this.statuses.get(`${channel}:${threadTs}`) ?? [];
  }

  reply(method: string, args: Json): Json | undefined {
    switch (method) {
      case 'chat.startStream':
        return this.start(args);
      case 'chat.appendStream':
        return this.append(method, args);
      case 'chat.stopStream':
        return this.append(method, args);
      case 'assistant.threads.setStatus':
        return this.setStatus(args);
      default:
        return undefined;
    }
  }

  private checkContent(method: string, args: Json): Json | undefined {
    const hasText = typeof args.markdown_text === 'string';
    if (hasText && args.chunks !== undefined) return { ok: false, error: 'cannot_provide_both_markdown_text_and_chunks' };
    if (args.chunks !== undefined) {
      const errors = chunkErrors(args.chunks, validateBlocks);
      if (errors.length > 0) {
        this.host.invalid(method, errors);
        return { ok: false, error: 'invalid_chunks', errors };
      }
      this.host.pings(method, chunkTexts(args.chunks));
    }
    if (hasText) {
      if ((args.markdown_text as string).length > 12_000) {
        this.host.invalid(method, ['markdown_text: over 12,000 characters']);
        return { ok: false, error: 'invalid_arguments' };
      }
      this.host.pings(method, [args.markdown_text as string]);
    }
    return undefined;
  }

  private start(args: Json): Json {
    const channel = typeof args.channel === 'string' ? args.channel : '';
    if (!channel) return { ok: false, error: 'channel_not_found' };
    const threadTs = typeof args.thread_ts === 'string' ? args.thread_ts : '';
    if (!threadTs) return { ok: false, error: 'invalid_arguments' };
    if (CHANNEL.test(channel)) {
      if (!args.recipient_user_id) return { ok: false, error: 'missing_recipient_user_id' };
      if (!args.recipient_team_id) return { ok: false, error: 'missing_recipient_team_id' };
    }
    const mode = args.task_display_mode === undefined ? 'timeline' : String(args.task_display_mode);
    if (!DISPLAY_MODES.has(mode)) return { ok: false, error: 'invalid_arguments' };
    if (args.chunks === undefined && typeof args.markdown_text !== 'string') return { ok: false, error: 'no_text' };
    const refused = this.checkContent('chat.startStream', args);
    if (refused) return refused;
    const ts = this.host.nextTs();
    this.streams.push({
      channel,
      threadTs,
      ts,
      recipient: { user: args.recipient_user_id as string | undefined, team: args.recipient_team_id as string | undefined },
      taskDisplayMode: mode,
      mode: args.chunks !== undefined ? 'chunks' : 'markdown',
      chunks: args.chunks !== undefined ? [...(args.chunks as Json[])] : [{ type: 'markdown_text', text: args.markdown_text }],
      state: 'streaming',
    });
    this.host.store({ type: 'message', channel, ts, thread_ts: threadTs, text: '', streaming: true });
    return { ok: true, channel, ts };
  }

  private append(method: 'chat.appendStream' | 'chat.stopStream', args: Json): Json {
    const stream = this.streams.find((s) => s.channel === args.channel && s.ts === args.ts);
    if (!stream) return { ok: false, error: typeof args.channel === 'string' && args.channel ? 'message_not_found' : 'channel_not_found' };
    if (stream.state !== 'streaming') return { ok: false, error: 'message_not_in_streaming_state' };
    const hasContent = args.chunks !== undefined || typeof args.markdown_text === 'string';
    if (method === 'chat.appendStream' && !hasContent) return { ok: false, error: 'markdown_text_or_chunks_required' };
    if (hasContent && (args.chunks !== undefined ? 'chunks' : 'markdown') !== stream.mode)
      return { ok: false, error: 'streaming_mode_mismatch' };
    const refused = this.checkContent(method, args);
    if (refused) return refused;
    if (method === 'chat.stopStream' && args.blocks !== undefined) {
      const errors = validateBlocks(args.blocks);
      if (errors.length > 0) {
        this.host.invalid(method, errors);
        return { ok: false, error: 'invalid_blocks', errors };
      }
      stream.blocks = args.blocks as Json[];
    }
    if (args.chunks !== undefined) stream.chunks.push(...(args.chunks as Json[]));
    else if (typeof args.markdown_text === 'string') stream.chunks.push({ type: 'markdown_text', text: args.markdown_text });
    if (method === 'chat.stopStream') stream.state = 'stopped';
    return { ok: true, channel: stream.channel, ts: stream.ts };
  }

  private setStatus(args: Json): Json {
    if (typeof args.channel_id !== 'string' || !args.channel_id) return { ok: false, error: 'channel_not_found' };
    if (typeof args.thread_ts !== 'string' || !args.thread_ts) return { ok: false, error: 'invalid_thread_ts' };
    if (typeof args.status !== 'string') return { ok: false, error: 'invalid_arguments' };
    this.host.pings('assistant.threads.setStatus', [args.status]);
    const key = `${args.channel_id}:${args.thread_ts}`;
    this.statuses.set(key, [...(this.statuses.get(key) ?? []), args.status]);
    return { ok: true };
  }
}

/** The latest state of each task card of a stream, in the order the cards first appeared. */
export function taskCards(stream: FakeStream): Json[] {
  const cards = new Map<string, Json>();
  for (const chunk of stream.chunks) {
    if (chunk.type !== 'task_update') continue;
    const id = String(chunk.id);
    cards.set(id, { ...(cards.get(id) ?? {}), ...chunk });
  }
  return [...cards.values()];
}

/** Everything a thread's streams showed (plan titles, card titles and details, text), for assertions. */
export function streamedText(streaming: FakeStreaming, channel: string, threadTs: string): string {
  return streaming
    .inThread(channel, threadTs)
    .flatMap((stream) => stream.chunks)
    .flatMap((chunk) =>
      ['title', 'details', 'output', 'text'].flatMap((key) => (typeof chunk[key] === 'string' ? [chunk[key] as string] : [])),
    )
    .join('\n');
}
