import { afterEach, describe, expect, it } from 'vitest';
import { createSlackBot } from '../../src/slack/app.js';
import { FakeSlack, type StoredMessage } from '../fakes/slack/server.js';
import { botConfig, type Harness, ScriptedEngine, startSocketHarness } from './helpers.js';

/**
 * /metrics on the Socket Mode listener: bearer auth, the text format, and bounded label cardinality over 100
 * analyses with distinct incident texts, channels and people (the series count does not grow with them).
 */

const TOKEN = 'metrics-token-for-the-test-0123456789';
const isReport = (message: StoredMessage) => message.blocks?.some((block) => block.type === 'header') ?? false;

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

async function scrape(port: number, token: string | null = TOKEN): Promise<Response> {
  return fetch(`http://127.0.0.1:${port}/metrics`, token ? { headers: { authorization: `Bearer ${token}` } } : {});
}

/** Series lines (not comments) of the scrape. */
function series(text: string): string[] {
  return text.split('\n').filter((line) => line !== '' && !line.startsWith('#'));
}

async function runAnalyses(h: Harness, from: number, to: number): Promise<void> {
  // Five at a time: within ANALYSIS_CONCURRENCY + QUEUE_MAX and the per-person limit.
  const BATCH = 5;
  for (let start = from; start < to; start += BATCH) {
    const batch = [];
    for (let i = start; i < Math.min(to, start + BATCH); i += 1) {
      const channel = `C0CHAN${String(i).padStart(4, '0')}`;
      const text = `zebra${i} outage in warehouse-${i} since ${i % 24}:00`;
      batch.push(
        (async () => {
          await h.fake.slashCommand(text, { channel, user: `U0PERSON${i}` });
          const parent = await h.fake.waitFor(`status ${i}`, () =>
            h.fake.messages.find((m) => m.channel === channel && !m.thread_ts && (m.text ?? '').includes(`zebra${i} `)),
          );
          await h.fake.waitFor(`report ${i}`, () => h.fake.thread(channel, parent.ts).find(isReport));
        })(),
      );
    }
    await Promise.all(batch);
  }
}

describe('/metrics', () => {
  it('needs the bearer token when METRICS_TOKEN is set, and serves the text format', async () => {
    harness = await startSocketHarness({
      METRICS_ENABLED: true,
      METRICS_TOKEN: TOKEN,
      ALERT_WEBHOOK_TOKEN: 'webhook-token-0123456789',
      ALLOWED_CHANNELS: ['C0INCIDENT'],
    });
    const listenerPort = listenerPortOf(harness);
    const refused = await scrape(listenerPort, null);
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect((await scrape(listenerPort, 'wrong-token-of-some-length')).status).toBe(401);
    const ok = await scrape(listenerPort);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await ok.text();
    expect(text).toMatch(/^# TYPE incidentpilot_analyses_queued gauge$/m);
    expect(text).toMatch(/^incidentpilot_process_cpu_seconds_total /m);
    expect((await fetch(`http://127.0.0.1:${listenerPort}/metrics`, { method: 'POST' })).status).toBe(405);
    expect((await fetch(`http://127.0.0.1:${listenerPort}/healthz`)).status).toBe(200);

    // The seams: a webhook delivery counted by its status, an access refusal by its reason.
    expect((await fetch(`http://127.0.0.1:${listenerPort}/alerts/alertmanager`, { method: 'POST', body: '{}' })).status).toBe(401);
    await harness.fake.slashCommand('checkout is down', { channel: 'C0ELSEWHERE' });
    const after = await (await scrape(listenerPort)).text();
    expect(after).toMatch(/^incidentpilot_webhook_deliveries_total\{code="401"\} 1$/m);
    expect(after).toMatch(/^incidentpilot_access_refusals_total\{reason="channel"\} 1$/m);
  });

  it("HTTP mode: /metrics beside /slack/events and /healthz on Slack's port; without METRICS_ENABLED it is 404", async () => {
    const fake = await FakeSlack.start();
    const on = createSlackBot({
      config: botConfig(fake, {
        SLACK_APP_TOKEN: undefined,
        SLACK_SIGNING_SECRET: 'http-mode-signing-secret',
        PORT: 0,
        METRICS_ENABLED: true,
      }),
      analyze: new ScriptedEngine().analyze,
    });
    const off = createSlackBot({
      config: botConfig(fake, { SLACK_APP_TOKEN: undefined, SLACK_SIGNING_SECRET: 'http-mode-signing-secret', PORT: 0 }),
      analyze: new ScriptedEngine().analyze,
    });
    try {
      const onPort = (await on.start()).port;
      const offPort = (await off.start()).port;
      const served = await fetch(`http://127.0.0.1:${onPort}/metrics`);
      expect(served.status).toBe(200);
      expect(await served.text()).toMatch(/^incidentpilot_analyses_running 0$/m);
      expect((await fetch(`http://127.0.0.1:${onPort}/healthz`)).status).toBe(200);
      expect((await fetch(`http://127.0.0.1:${offPort}/metrics`)).status).toBe(404);
    } finally {
      await on.stop();
      await off.stop();
      await fake.close();
    }
  });

  it('label cardinality stays bounded over 100 analyses with distinct texts, channels and people', async () => {
    harness = await startSocketHarness({ METRICS_ENABLED: true, ANALYSIS_CONCURRENCY: 4, QUEUE_MAX: 20 });
    const listenerPort = listenerPortOf(harness);
    await runAnalyses(harness, 0, 10);
    const after10 = series(await (await scrape(listenerPort, null)).text());
    await runAnalyses(harness, 10, 100);
    const text = await (await scrape(listenerPort, null)).text();
    const after100 = series(text);
    expect(text).toMatch(/^incidentpilot_analyses_finished_total\{origin="command",engine="other",outcome="done"\} 100$/m);
    expect(text).toMatch(/^incidentpilot_tool_calls_total\{server="git",tool="list_deployments",outcome="ok"\} 100$/m);
    // Same series, other values: nothing per channel, person or incident.
    // Node's default metrics grow GC kinds (a fixed set of four) as collections happen; the bot's own must not grow.
    const names = (lines: string[]) =>
      lines
        .map((line) => line.replace(/ [^ ]+$/, ''))
        .filter((name) => !/^incidentpilot_(nodejs|process)_/.test(name))
        .sort();
    expect(names(after100).length).toBeGreaterThan(20);
    expect(names(after100)).toEqual(names(after10));
    expect(text).not.toMatch(/C0CHAN|U0PERSON|zebra|warehouse/);
  }, 120_000);
});

function listenerPortOf(h: Harness): number {
  if (!h.port) throw new Error('the bot started no listener');
  return h.port;
}
