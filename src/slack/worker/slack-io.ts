import type { webApi } from '@slack/bolt';
import { countingFetch } from '../../observability/slack-fetch.js';
import { neutraliseMentions, safePost, safeReply } from '../blocks/hygiene.js';
import type { SlackMessage } from '../blocks/report.js';
import { type StreamChunk, sanitiseChunks } from '../blocks/stream.js';
import { redactSecrets } from '../blocks/text.js';

/** The few Web API calls the worker makes, behind an interface so progress logic can be tested without Slack. */
export interface SlackIO {
  post(channel: string, message: SlackMessage, threadTs?: string): Promise<string>;
  update(channel: string, ts: string, message: SlackMessage): Promise<void>;
  ephemeral(channel: string, user: string, message: SlackMessage, threadTs?: string): Promise<void>;
  /** A link to a message (chat.getPermalink), for "similar past incidents". */
  permalink?(channel: string, ts: string): Promise<string | undefined>;
  /** Slack's agent surfaces (streamed task cards, the thread status line); absent where only messages are possible. */
  stream?: SlackStreamIO;
  /** Whether a channel is private (conversations.info `is_private`), for which incidents may be shown where. */
  channelPrivate?(channel: string): Promise<boolean | undefined>;
}

/** Whom a stream in a channel thread is for: Slack requires the person and their workspace. */
export interface StreamRecipient {
  user: string;
  team: string;
}

/** chat.startStream / appendStream / stopStream and assistant.threads.setStatus. */
export interface SlackStreamIO {
  /** Starts a streamed reply in the thread; resolves with its ts. */
  start(channel: string, threadTs: string, recipient: StreamRecipient, chunks: StreamChunk[]): Promise<string>;
  append(channel: string, ts: string, chunks: StreamChunk[]): Promise<void>;
  stop(channel: string, ts: string, chunks: StreamChunk[]): Promise<void>;
  /** The thread's status line ("<app> is reading logs…"); an empty string clears it. */
  setStatus(channel: string, threadTs: string, status: string): Promise<void>;
}

/** Tool cards shown together under one plan title, which the analysis keeps current. */
const TASK_DISPLAY_MODE = 'plan';

function webClientStreamIO(client: webApi.WebClient): SlackStreamIO {
  return {
    async start(channel, threadTs, recipient, chunks) {
      const result = await client.chat.startStream({
        channel,
        thread_ts: threadTs,
        recipient_user_id: recipient.user,
        recipient_team_id: recipient.team,
        task_display_mode: TASK_DISPLAY_MODE,
        chunks: sanitiseChunks(chunks),
      });
      if (!result.ts) throw new Error('chat.startStream returned no ts');
      return result.ts;
    },
    async append(channel, ts, chunks) {
      await client.chat.appendStream({ channel, ts, chunks: sanitiseChunks(chunks) });
    },
    async stop(channel, ts, chunks) {
      await client.chat.stopStream({ channel, ts, ...(chunks.length > 0 ? { chunks: sanitiseChunks(chunks) } : {}) });
    },
    async setStatus(channel, threadTs, status) {
      await client.assistant.threads.setStatus({ channel_id: channel, thread_ts: threadTs, status: neutraliseMentions(status) });
    },
  };
}

export function webClientIO(client: webApi.WebClient): SlackIO {
  return {
    async post(channel, message, threadTs) {
      const result = await client.chat.postMessage({
        channel,
        ...safePost({ text: message.text, blocks: message.blocks }),
        ...(threadTs ? { thread_ts: threadTs } : {}),
      });
      if (!result.ts) throw new Error('chat.postMessage returned no ts');
      return result.ts;
    },
    async update(channel, ts, message) {
      await client.chat.update({ channel, ts, ...safeReply({ text: message.text, blocks: message.blocks }) });
    },
    async ephemeral(channel, user, message, threadTs) {
      await client.chat.postEphemeral({
        channel,
        user,
        ...safeReply({ text: message.text, blocks: message.blocks }),
        ...(threadTs ? { thread_ts: threadTs } : {}),
      });
    },
    async permalink(channel, ts) {
      const result = await client.chat.getPermalink({ channel, message_ts: ts });
      return result.permalink;
    },
    stream: webClientStreamIO(client),
    async channelPrivate(channel) {
      const result = await client.conversations.info({ channel });
      return typeof result.channel?.is_private === 'boolean' ? result.channel.is_private : undefined;
    },
  };
}

/** A Slack API error code (`not_in_channel` …) or a redacted message; never the error object, whose request details could carry tokens. */
export function slackErrorCode(error: unknown): string {
  const data = (error as { data?: { error?: unknown } })?.data;
  if (typeof data?.error === 'string') return data.error;
  return redactSecrets(error instanceof Error ? error.message : String(error));
}

/** Platform errors that mean "Slack is having trouble", not "Slack refuses this": worth trying again later. */
const TRANSIENT_PLATFORM_ERRORS = new Set(['ratelimited', 'service_unavailable', 'internal_error', 'fatal_error', 'request_timeout']);

/** True for timeouts, network errors, HTTP 5xx and rate limits left over after the client's own retries. */
export function isRetryableSlackError(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  if (code === 'slack_webapi_platform_error') {
    const data = (error as { data?: { error?: unknown } }).data;
    return typeof data?.error === 'string' && TRANSIENT_PLATFORM_ERRORS.has(data.error);
  }
  if (typeof code === 'string' && code.startsWith('slack_webapi_')) {
    return code === 'slack_webapi_request_error' || code === 'slack_webapi_http_error' || code === 'slack_webapi_rate_limited_error';
  }
  return true;
}

export interface SlackRetryPolicy {
  /** One HTTP request's limit. */
  timeoutMs: number;
  /** Retries of one call (5xx, network, 429 after its Retry-After). */
  retries: number;
  /** All retries of one call together stop after this long. */
  maxRetryTimeMs: number;
  /** First back-off; doubles per retry. */
  minBackoffMs: number;
}

/** 10 s per request, a few retries within a minute: an outage is noticed, not waited out for 30 minutes. */
export const DEFAULT_SLACK_RETRY: SlackRetryPolicy = { timeoutMs: 10_000, retries: 5, maxRetryTimeMs: 60_000, minBackoffMs: 1_000 };

/** WebClient options for a policy; rate-limited calls wait out Retry-After (rejectRateLimitedCalls: false). */
export function webClientOptions(policy: SlackRetryPolicy, slackApiUrl?: string) {
  return {
    ...(slackApiUrl ? { slackApiUrl } : {}),
    // Every request counted by method and outcome for /metrics (observability/slack-fetch.ts).
    fetch: countingFetch(),
    timeout: policy.timeoutMs,
    rejectRateLimitedCalls: false,
    retryConfig: {
      retries: policy.retries,
      factor: 2,
      minTimeout: policy.minBackoffMs,
      maxTimeout: Math.max(policy.minBackoffMs, Math.floor(policy.maxRetryTimeMs / 3)),
      maxRetryTime: policy.maxRetryTimeMs,
      randomize: true,
    },
  };
}
