import { webApi } from '@slack/bolt';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeSlack } from '../fakes/slack/server.js';

/**
 * The fake Slack refuses what Slack documents as refused (Block Kit reference: header text 150, confirm text 300,
 * section 3000, placeholder 150, modal submit 24 …), on every surface the bot uses: no test may pass on a message
 * Slack would reject.
 */
let fake: FakeSlack | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const client = (f: FakeSlack) => new webApi.WebClient('xoxb-fake-bot-token', { slackApiUrl: f.apiUrl, retryConfig: { retries: 0 } });
const header = (n: number) => [{ type: 'header', text: { type: 'plain_text', text: 'h'.repeat(n) } }];

describe('the fake Slack enforces Block Kit limits', () => {
  it.each([
    [150, 200],
    [151, 400],
  ])('respond() with a %i-character header answers HTTP %i', async (length, status) => {
    fake = await FakeSlack.start();
    const payload = fake.slashCommandPayload('x');
    const response = await fetch(String(payload.response_url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ response_type: 'ephemeral', text: 'fallback', blocks: header(length) }),
    });
    expect(response.status).toBe(status);
    if (status === 400) expect(await response.text()).toBe('invalid_blocks');
  });

  it('chat.postMessage refuses a 301-character confirm text', async () => {
    fake = await FakeSlack.start();
    const confirm = (n: number) => ({
      title: { type: 'plain_text', text: 'Sure?' },
      text: { type: 'plain_text', text: 'c'.repeat(n) },
      confirm: { type: 'plain_text', text: 'Yes' },
      deny: { type: 'plain_text', text: 'No' },
    });
    const post = (n: number) =>
      client(fake as FakeSlack).chat.postMessage({
        channel: 'C0INCIDENT',
        text: 'x',
        blocks: [
          {
            type: 'actions',
            elements: [{ type: 'button', text: { type: 'plain_text', text: 'Cancel' }, action_id: 'a', value: 'v', confirm: confirm(n) }],
          },
        ] as never,
      });
    await expect(post(300)).resolves.toMatchObject({ ok: true });
    await expect(post(301)).rejects.toThrow(/invalid_blocks/);
  });

  it.each([
    ['a 151-character placeholder', { placeholder: { type: 'plain_text', text: 'p'.repeat(151) } }, {}],
    ['max_length 3001', { max_length: 3001 }, {}],
    ['a 25-character submit label', {}, { submit: { type: 'plain_text', text: 's'.repeat(25) } }],
    ['a 3001-character section', {}, { extra: true }],
  ])('views.open refuses %s', async (_name, element, view) => {
    fake = await FakeSlack.start();
    const { extra, ...rest } = view as { extra?: boolean };
    const blocks: unknown[] = [
      {
        type: 'input',
        block_id: 'b',
        label: { type: 'plain_text', text: 'Label' },
        element: { type: 'plain_text_input', action_id: 'a', ...element },
      },
    ];
    if (extra) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: 's'.repeat(3001) } });
    const open = client(fake).views.open({
      trigger_id: '1.trigger',
      view: {
        type: 'modal',
        title: { type: 'plain_text', text: 'T' },
        submit: { type: 'plain_text', text: 'Send' },
        blocks,
        ...rest,
      } as never,
    });
    await expect(open).rejects.toThrow(/invalid_arguments/);
  });
});
