import { afterEach, describe, expect, it } from 'vitest';
import { createSlackBot, type SlackBot } from '../../src/slack/app.js';
import { FakeSlack } from '../fakes/slack/server.js';
import { formBody, postSigned } from '../fakes/slack/signing.js';
import { botConfig, ScriptedEngine } from './helpers.js';

const SECRET = 'fake-signing-secret-0123456789';
const CHANNEL = 'C0INCIDENT';

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

async function startHttp(): Promise<{ fake: FakeSlack; bot: SlackBot; engine: ScriptedEngine; url: string }> {
  const fake = await FakeSlack.start({ secrets: [SECRET] });
  const engine = new ScriptedEngine();
  const bot = createSlackBot({
    config: botConfig(fake, { SLACK_APP_TOKEN: undefined, SLACK_SIGNING_SECRET: SECRET, PORT: 0 }),
    analyze: engine.analyze,
    pacingMs: 5,
  });
  const { port } = await bot.start();
  cleanup = async () => {
    await bot.stop();
    await fake.close();
  };
  return { fake, bot, engine, url: `http://127.0.0.1:${port}/slack/events` };
}

describe('Slack bot in HTTP mode (Bolt HTTPReceiver at /slack/events, signed requests)', () => {
  it('runs /rca from a signed form request and acks at once and answers through the response_url', async () => {
    const { fake, engine, url } = await startHttp();
    expect(openedNoSocket(fake)).toBe(true);
    const payload = fake.slashCommandPayload('inventory sync stopped');
    const response = await postSigned(url, formBody(payload), {
      secret: SECRET,
      contentType: 'application/x-www-form-urlencoded',
    });
    expect(response.status).toBe(200);
    const ack = response.body ? (JSON.parse(response.body) as Record<string, unknown>) : {};
    const body = (await fake.firstAnswer(payload, ack)) as { response_type: string; text: string };
    expect(body.response_type).toBe('ephemeral');
    expect(body.text).toMatch(/Queued/);
    const parent = await fake.waitFor('the parent', () => fake.messages.find((m) => m.channel === CHANNEL && !m.thread_ts));
    await fake.waitFor('the report', () => fake.thread(CHANNEL, parent.ts).find((m) => m.blocks?.[0]?.type === 'header'));
    expect(engine.requests.map((r) => r.incident)).toEqual(['inventory sync stopped']);
    expect(fake.invalid).toEqual([]);
    expect(fake.leaks).toEqual([]);
    expect(fake.hygiene).toEqual([]);
  });

  it('refuses a request with a bad signature with 401 and starts nothing', async () => {
    const { fake, engine, url } = await startHttp();
    const response = await postSigned(url, formBody(fake.slashCommandPayload('forged')), {
      secret: SECRET,
      contentType: 'application/x-www-form-urlencoded',
      badSignature: true,
    });
    expect(response.status).toBe(401);
    expect(engine.requests).toEqual([]);
    expect(fake.callsOf('chat.postMessage')).toEqual([]);
  });

  it('starts one analysis for an event and its retries (x-slack-retry-num), and records a 👍 click', async () => {
    const { fake, engine, bot, url } = await startHttp();
    const mention = fake.seed({ channel: CHANNEL, user: 'U0HUMAN01', text: '<@U0FAKEBOT> login fails with 500' });
    const body = JSON.stringify(
      fake.eventPayload({ type: 'app_mention', user: 'U0HUMAN01', text: mention.text, ts: mention.ts, channel: CHANNEL }, 'Ev0HTTP001'),
    );
    for (const retryNum of [undefined, 1, 2]) {
      const response = await postSigned(url, body, { secret: SECRET, contentType: 'application/json', retryNum });
      expect(response.status).toBe(200);
    }
    const report = await fake.waitFor('the report', () => fake.thread(CHANNEL, mention.ts).find((m) => m.blocks?.[0]?.type === 'header'));
    expect(engine.requests).toHaveLength(1);

    const click = formBody({ payload: JSON.stringify(fake.feedbackActionPayload(report, 'positive', 'U0VOTER02')) });
    const response = await postSigned(url, click, { secret: SECRET, contentType: 'application/x-www-form-urlencoded' });
    expect(response.status).toBe(200);
    await fake.waitFor('the vote', () => bot.deps.feedback.list().find((v) => v.user === 'U0VOTER02' && v.vote === 'up'));
  });
});

/** HTTP mode never opens a Socket Mode connection. */
function openedNoSocket(fake: FakeSlack): boolean {
  return fake.callsOf('apps.connections.open').length === 0;
}
