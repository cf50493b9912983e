import { expect, type MockInstance, vi } from 'vitest';
import type { SlackBot } from '../../src/slack/app.js';
import { ACTION_IDS } from '../../src/slack/blocks/limits.js';
import { BOT_ID, type FakeSlack, type StoredMessage } from '../fakes/slack/server.js';
import type { Harness } from './helpers.js';

export const CHANNEL = 'C0INCIDENT';

/** Records the bot's warn log, where every refusal is logged with user, channel, action and reason. */
export function watchRefusals(bot: SlackBot): { spy: MockInstance; lines(): string[] } {
  const spy = vi.spyOn(bot.deps.logger, 'warn');
  return {
    spy,
    lines: () => spy.mock.calls.map((call) => call.map(String).join(' ')).filter((line) => line.startsWith('access refused')),
  };
}

/** Waits until a refusal with these fields is logged; the barrier that tells a test the listener has finished. */
export async function refusalLogged(
  fake: FakeSlack,
  log: { lines(): string[] },
  fields: { action: string; user?: string; channel?: string; reason: string; bot?: string },
): Promise<string> {
  return fake.waitFor(`a logged refusal ${JSON.stringify(fields)}`, () =>
    log
      .lines()
      .find(
        (line) =>
          line.includes(`action=${fields.action} `) &&
          line.includes(`reason=${fields.reason}`) &&
          (!fields.user || line.includes(`user=${fields.user} `)) &&
          (!fields.bot || line.includes(`bot=${fields.bot} `)) &&
          (!fields.channel || line.includes(`channel=${fields.channel} `)),
      ),
  );
}

/** Messages anyone in the channel can see that the bot posted. */
export function publicPosts(fake: FakeSlack): number {
  return fake.callsOf('chat.postMessage').length + fake.callsOf('chat.update').length;
}

export function ephemeralsTo(fake: FakeSlack, user: string): string[] {
  return fake
    .callsOf('chat.postEphemeral')
    .filter((call) => call.args.user === user)
    .map((call) => String(call.args.text));
}

/** Seeds a mention in Slack and delivers its app_mention event. */
export function mention(
  h: Harness,
  user: string,
  text: string,
  options: { channel?: string; threadTs?: string; botId?: string } = {},
): Promise<StoredMessage> {
  const { channel = CHANNEL, ...rest } = options;
  return h.fake.mention(channel, user, text, rest);
}

export function reportIn(fake: FakeSlack, channel: string, threadTs: string): StoredMessage | undefined {
  return fake.thread(channel, threadTs).find((m) => m.bot_id === BOT_ID && m.blocks?.some((b) => b.type === 'header'));
}

/** The parent (status) message of a /rca analysis in `channel`, found by its incident text. */
export function parentOf(fake: FakeSlack, channel: string, incident: string): StoredMessage | undefined {
  return fake.messages.find((m) => m.channel === channel && !m.thread_ts && (m.text ?? '').includes(incident));
}

export function expectClean(fake: FakeSlack): void {
  expect(fake.invalid).toEqual([]);
  expect(fake.leaks).toEqual([]);
  expect(fake.hygiene).toEqual([]);
}

export { ACTION_IDS };
