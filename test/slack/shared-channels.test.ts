import { afterEach, describe, expect, it } from 'vitest';
import { createSlackBot } from '../../src/slack/app.js';
import { FakeSlack } from '../fakes/slack/server.js';
import { botConfig, type Harness, ScriptedEngine, startSocketHarness } from './helpers.js';

/**
 * Slack Connect channels are read by people outside the company, and reports quote internal logs: no analysis is
 * posted there unless ALLOW_SHARED_CHANNELS=true, and the refusal says why. Webhook routes naming such a channel
 * are refused with 403 the same way.
 */
const SHARED = 'C0SHARED1';
const TOKEN = 'webhook-token-0123456789abcdef';

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

async function socket(overrides: Parameters<typeof startSocketHarness>[0] = {}): Promise<Harness> {
  const harness = await startSocketHarness(overrides);
  harness.fake.sharedChannels.add(SHARED);
  cleanup = () => harness.close();
  return harness;
}

describe('externally shared channels (Slack Connect)', () => {
  it('/rca there is refused by default, saying why and which setting allows it; nothing is queued or posted', async () => {
    const { fake, engine, bot } = await socket();
    const answer = await fake.slashCommand('checkout is down', { channel: SHARED });
    expect(String(answer.text)).toMatch(/shared with another organisation \(Slack Connect\)/);
    expect(String(answer.text)).toContain('ALLOW_SHARED_CHANNELS');
    expect(fake.callsOf('chat.postMessage')).toEqual([]);
    expect(engine.requests).toEqual([]);
    expect(bot.deps.service.list()).toEqual([]);
  });

  it('an internal channel is unaffected, and /rca status still answers in a shared one', async () => {
    const { fake } = await socket();
    expect(String((await fake.slashCommand('checkout is down', { channel: 'C0INCIDENT' })).text)).toMatch(/Queued/);
    expect(String((await fake.slashCommand('status', { channel: SHARED })).text)).not.toMatch(/Slack Connect/);
  });

  it('ALLOW_SHARED_CHANNELS=true allows it', async () => {
    const { fake } = await socket({ ALLOW_SHARED_CHANNELS: true });
    expect(String((await fake.slashCommand('checkout is down', { channel: SHARED })).text)).toMatch(/Queued/);
  });

  it('an alert message posted in a shared alert channel starts nothing', async () => {
    const { fake, engine } = await socket({ ALERT_CHANNELS: [SHARED] });
    const alert = fake.seed({
      channel: SHARED,
      subtype: 'bot_message',
      bot_id: 'B0ALERTS1',
      text: '[FIRING:1] HighErrorRate checkout',
    } as never);
    await fake.event({ type: 'message', ...alert } as never);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(fake.callsOf('conversations.info').length).toBeGreaterThan(0);
    expect(fake.callsOf('chat.postMessage')).toEqual([]);
    expect(engine.requests).toEqual([]);
  });

  it('a webhook route to a shared channel answers 403 with the reason', async () => {
    const fake = await FakeSlack.start();
    fake.sharedChannels.add(SHARED);
    const engine = new ScriptedEngine();
    const bot = createSlackBot({
      config: botConfig(fake, {
        SLACK_APP_TOKEN: undefined,
        SLACK_SIGNING_SECRET: 'fake-signing-secret-0123456789',
        PORT: 0,
        ALERT_WEBHOOK_TOKEN: TOKEN,
      }),
      analyze: engine.analyze,
      pacingMs: 5,
    });
    const { port } = await bot.start();
    cleanup = async () => {
      engine.release();
      await bot.stop();
      await fake.close();
    };
    const body = JSON.stringify({
      version: '4',
      groupKey: '{}:{alertname="HighErrorRate"}',
      status: 'firing',
      receiver: 'incidentpilot',
      groupLabels: { alertname: 'HighErrorRate' },
      commonLabels: { alertname: 'HighErrorRate' },
      commonAnnotations: {},
      externalURL: 'http://alertmanager:9093',
      truncatedAlerts: 0,
      alerts: [
        {
          status: 'firing',
          labels: { alertname: 'HighErrorRate' },
          annotations: { summary: 'errors' },
          startsAt: '2026-03-01T10:00:00Z',
          endsAt: '0001-01-01T00:00:00Z',
          generatorURL: 'http://prometheus:9090/graph',
          fingerprint: 'abc123',
        },
      ],
    });
    const post = (channel: string) =>
      fetch(`http://127.0.0.1:${port}/alerts/alertmanager?channel=${channel}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
        body,
      });
    const refused = await post(SHARED);
    expect(refused.status).toBe(403);
    expect(String(((await refused.json()) as { error: string }).error)).toMatch(/Slack Connect.*ALLOW_SHARED_CHANNELS/);
    expect((await post('C0INTERNAL')).status).toBe(202);
    expect(engine.requests.map((r) => r.incident).join(' ')).not.toContain(SHARED);
  });
});
