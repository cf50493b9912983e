import { afterEach, describe, expect, it } from 'vitest';
import type { BotConfig } from '../../src/slack/app.js';
import { createSlackBot, type SlackBot } from '../../src/slack/app.js';
import { FakeSlack, findButton } from '../fakes/slack/server.js';
import { formBody, postSigned } from '../fakes/slack/signing.js';
import { ACTION_IDS, CHANNEL, ephemeralsTo, expectClean, parentOf, publicPosts, refusalLogged, watchRefusals } from './access-helpers.js';
import { botConfig, ScriptedEngine } from './helpers.js';

/** The same policy in HTTP mode: signed requests to Bolt's /slack/events, refusals in the response body or ephemeral. */

const SECRET = 'fake-signing-secret-0123456789';

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

interface HttpHarness {
  fake: FakeSlack;
  bot: SlackBot;
  engine: ScriptedEngine;
  url: string;
}

async function startHttp(overrides: Partial<BotConfig> = {}, engine = new ScriptedEngine()): Promise<HttpHarness> {
  const fake = await FakeSlack.start({ secrets: [SECRET] });
  const bot = createSlackBot({
    config: botConfig(fake, { SLACK_APP_TOKEN: undefined, SLACK_SIGNING_SECRET: SECRET, PORT: 0, ...overrides }),
    analyze: engine.analyze,
    pacingMs: 5,
  });
  const { port } = await bot.start();
  cleanup = async () => {
    engine.release();
    await bot.stop();
    await fake.close();
  };
  return { fake, bot, engine, url: `http://127.0.0.1:${port}/slack/events` };
}

async function slash(h: HttpHarness, text: string, options: { user?: string; channel?: string } = {}): Promise<{ text: string }> {
  const payload = h.fake.slashCommandPayload(text, options);
  const response = await postSigned(h.url, formBody(payload), {
    secret: SECRET,
    contentType: 'application/x-www-form-urlencoded',
  });
  expect(response.status).toBe(200);
  return (await h.fake.firstAnswer(payload, response.body ? JSON.parse(response.body) : {})) as { text: string };
}

async function event(h: HttpHarness, payload: Record<string, unknown>): Promise<void> {
  const response = await postSigned(h.url, JSON.stringify(h.fake.eventPayload(payload)), {
    secret: SECRET,
    contentType: 'application/json',
  });
  expect(response.status).toBe(200);
}

describe('access policy in HTTP mode', () => {
  it('refuses a guest’s /rca in the response body; nothing is queued or posted', async () => {
    const h = await startHttp();
    const log = watchRefusals(h.bot);
    h.fake.users.set('U0GUEST01', { id: 'U0GUEST01', is_ultra_restricted: true, is_restricted: true });
    const body = await slash(h, 'checkout is down', { user: 'U0GUEST01' });
    expect(body.text).toMatch(/Guest accounts cannot use IncidentPilot/);
    await refusalLogged(h.fake, log, { action: 'analyse', user: 'U0GUEST01', channel: CHANNEL, reason: 'guest' });
    expect(h.engine.requests).toEqual([]);
    expect(publicPosts(h.fake)).toBe(0);
    expectClean(h.fake);
  });

  it('refuses mentions ephemerally (outside ALLOWED_CHANNELS, from another organisation) and ignores other bots', async () => {
    const h = await startHttp({ ALLOWED_CHANNELS: ['C0INCIDENT'] });
    const log = watchRefusals(h.bot);
    const seeded = h.fake.seed({ channel: 'C0RANDOM', user: 'U0HUMAN01', text: '<@U0FAKEBOT> checkout is down' });
    await event(h, { type: 'app_mention', user: 'U0HUMAN01', text: seeded.text, ts: seeded.ts, channel: 'C0RANDOM' });
    await refusalLogged(h.fake, log, { action: 'analyse', user: 'U0HUMAN01', channel: 'C0RANDOM', reason: 'channel' });
    await h.fake.waitFor('the ephemeral refusal', () =>
      ephemeralsTo(h.fake, 'U0HUMAN01').find((t) => /Analyses run only in <#C0INCIDENT>/.test(t)),
    );

    h.fake.users.set('U0PARTNER', { id: 'U0PARTNER', team_id: 'T0OTHERORG' });
    const external = h.fake.seed({ channel: CHANNEL, user: 'U0PARTNER', text: '<@U0FAKEBOT> checkout is down' });
    await event(h, { type: 'app_mention', user: 'U0PARTNER', text: external.text, ts: external.ts, channel: CHANNEL });
    await refusalLogged(h.fake, log, { action: 'analyse', user: 'U0PARTNER', reason: 'external' });

    const fromBot = h.fake.seed({ channel: CHANNEL, user: 'U0OTHERBOT', bot_id: 'B0OTHERBOT', text: '<@U0FAKEBOT> deploy failed' });
    await event(h, { type: 'app_mention', user: 'U0OTHERBOT', bot_id: 'B0OTHERBOT', text: fromBot.text, ts: fromBot.ts, channel: CHANNEL });
    await refusalLogged(h.fake, log, { action: 'analyse', bot: 'B0OTHERBOT', reason: 'bot' });

    expect(h.engine.requests).toEqual([]);
    expect(publicPosts(h.fake)).toBe(0);
    expectClean(h.fake);
  });

  it('refuses Cancel by a stranger and when Slack cannot answer users.info; the owner cancels', async () => {
    const engine = new ScriptedEngine();
    engine.hold = true;
    const h = await startHttp({}, engine);
    const log = watchRefusals(h.bot);
    await slash(h, 'payments time out');
    const parent = await h.fake.waitFor('the parent with Cancel', () => {
      const found = parentOf(h.fake, CHANNEL, 'payments time out');
      return found && findButton(found, ACTION_IDS.cancel) ? found : undefined;
    });
    await h.fake.waitFor('the analysis to run', () => engine.held === 1);
    const click = async (user: string) => {
      const body = formBody({ payload: JSON.stringify(h.fake.blockActionPayload(parent, ACTION_IDS.cancel, user)) });
      const response = await postSigned(h.url, body, { secret: SECRET, contentType: 'application/x-www-form-urlencoded' });
      expect(response.status).toBe(200);
    };

    await click('U0STRANGER');
    await refusalLogged(h.fake, log, { action: 'cancel', user: 'U0STRANGER', reason: 'not_owner' });
    h.fake.failNext('users.info', 'fatal_error');
    await click('U0NEWCOMER');
    await refusalLogged(h.fake, log, { action: 'cancel', user: 'U0NEWCOMER', reason: 'check_failed' });
    await h.fake.waitFor('the check-failed refusal', () =>
      ephemeralsTo(h.fake, 'U0NEWCOMER').find((t) => /could not check your access with Slack \(users\.info: fatal_error\)/.test(t)),
    );
    expect(engine.requests[0]?.signal?.aborted).toBe(false);

    await click('U0HUMAN01');
    await h.fake.waitFor('cancelled by its owner', () => engine.requests[0]?.signal?.aborted === true);
    expectClean(h.fake);
  });
});
