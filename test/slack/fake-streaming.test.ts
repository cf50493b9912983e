import { webApi } from '@slack/bolt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeSlack, TEAM_ID } from '../fakes/slack/server.js';

let fake: FakeSlack;
let client: webApi.WebClient;
beforeEach(async () => {
  fake = await FakeSlack.start();
  client = new webApi.WebClient('xoxb-fake-bot-token', { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } });
});
afterEach(async () => {
  await fake.close();
});

/** The Slack error code a call fails with, driven by the official client. */
async function errorOf(call: Promise<unknown>): Promise<string> {
  try {
    await call;
  } catch (error) {
    return String((error as { data?: { error?: string } }).data?.error);
  }
  throw new Error('expected the call to fail');
}

const recipient = { recipient_user_id: 'U0HUMAN01', recipient_team_id: TEAM_ID };
const task = (id: string, status: string) => ({ type: 'task_update', id, title: `task ${id}`, status }) as never;

describe('the fake Slack speaks the streaming methods as documented', () => {
  it('records a stream’s chunks in order and its thread status line', async () => {
    const started = await client.chat.startStream({ channel: 'C0INC', thread_ts: '1.1', ...recipient, chunks: [task('a', 'in_progress')] });
    await client.chat.appendStream({ channel: 'C0INC', ts: started.ts!, chunks: [task('a', 'complete')] });
    await client.chat.stopStream({ channel: 'C0INC', ts: started.ts!, chunks: [{ type: 'plan_update', title: 'done' }] });
    await client.assistant.threads.setStatus({ channel_id: 'C0INC', thread_ts: '1.1', status: 'is thinking…' });
    await client.assistant.threads.setStatus({ channel_id: 'C0INC', thread_ts: '1.1', status: '' });
    const stream = fake.streaming.stream(started.ts!);
    expect(stream?.chunks.map((c) => c.status ?? c.title)).toEqual(['in_progress', 'complete', 'done']);
    expect(stream?.state).toBe('stopped');
    expect(fake.thread('C0INC', '1.1').map((m) => m.ts)).toEqual([started.ts]);
    expect(fake.streaming.statusesOf('C0INC', '1.1')).toEqual(['is thinking…', '']);
  });

  it('refuses what Slack refuses: no recipient in a channel, mixed modes, appends after stop, bad chunks, unknown streams', async () => {
    expect(await errorOf(client.chat.startStream({ channel: 'C0INC', thread_ts: '1.1', chunks: [task('a', 'pending')] }))).toBe(
      'missing_recipient_user_id',
    );
    expect(
      await errorOf(
        client.chat.startStream({ channel: 'C0INC', thread_ts: '1.1', recipient_user_id: 'U1', chunks: [task('a', 'pending')] }),
      ),
    ).toBe('missing_recipient_team_id');
    expect(await errorOf(client.chat.startStream({ channel: 'C0INC', thread_ts: '1.1', ...recipient, chunks: [task('a', 'done')] }))).toBe(
      'invalid_chunks',
    );
    expect(fake.invalid.at(-1)?.errors).toEqual(['chunks[0](task_update): bad status done']);
    const { ts } = await client.chat.startStream({ channel: 'C0INC', thread_ts: '1.1', ...recipient, chunks: [task('a', 'pending')] });
    expect(await errorOf(client.chat.appendStream({ channel: 'C0INC', ts: ts!, markdown_text: 'text' }))).toBe('streaming_mode_mismatch');
    await client.chat.stopStream({ channel: 'C0INC', ts: ts! });
    expect(await errorOf(client.chat.appendStream({ channel: 'C0INC', ts: ts!, chunks: [task('a', 'complete')] }))).toBe(
      'message_not_in_streaming_state',
    );
    expect(await errorOf(client.chat.appendStream({ channel: 'C0INC', ts: '9.9', chunks: [task('a', 'complete')] }))).toBe(
      'message_not_found',
    );
    expect(await errorOf(client.assistant.threads.setStatus({ channel_id: 'C0INC', thread_ts: '', status: 'x' }))).toBe(
      'invalid_thread_ts',
    );
  });

  it('flags pings in any chunk text as a hygiene violation', async () => {
    await client.chat.startStream({
      channel: 'C0INC',
      thread_ts: '1.1',
      ...recipient,
      chunks: [{ type: 'task_update', id: 'a', title: 'x', status: 'complete', details: 'ping <!here>' } as never],
    });
    expect(fake.hygiene).toEqual([expect.stringContaining('chat.startStream: pings "<!here"')]);
  });
});
