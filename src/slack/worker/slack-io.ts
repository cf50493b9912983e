import type { webApi } from '@slack/bolt';
import { safePost, safeReply } from '../blocks/hygiene.js';
import type { SlackMessage } from '../blocks/report.js';
import { redactSecrets } from '../blocks/text.js';

/** The few Web API calls the worker makes, behind an interface so progress logic can be tested without Slack. */
export interface SlackIO {
  post(channel: string, message: SlackMessage, threadTs?: string): Promise<string>;
  update(channel: string, ts: string, message: SlackMessage): Promise<void>;
  ephemeral(channel: string, user: string, message: SlackMessage, threadTs?: string): Promise<void>;
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
  };
}

/** A Slack API error code (`not_in_channel` …) or a redacted message; never the error object, whose request details could carry tokens. */
export function slackErrorCode(error: unknown): string {
  const data = (error as { data?: { error?: unknown } })?.data;
  if (typeof data?.error === 'string') return data.error;
  return redactSecrets(error instanceof Error ? error.message : String(error));
}
