import { afterEach, describe, expect, it } from 'vitest';
import { createSlackBot, type SlackBot } from '../../src/slack/app.js';
import { blockText, FakeSlack } from '../fakes/slack/server.js';
import { botConfig, ScriptedEngine } from './helpers.js';

/** When the documented example's alerts started: five minutes before this file loaded, the same in every delivery. */
const STARTS_AT = new Date(Date.now() - 5 * 60_000).toISOString();

/** Grafana unified alerting's webhook payload as its documentation shows it (contact point "webhook"). */
function grafanaPayload(status: 'firing' | 'resolved', endsAt = '0001-01-01T00:00:00Z', startsAt = STARTS_AT) {
  const alert = (name: string, zone: string, fingerprint: string, b: number) => ({
    status,
    labels: { alertname: name, team: 'blue', zone, service: 'checkout' },
    annotations: {
      description: `The system has ${name.toLowerCase()}`,
      runbook_url: 'https://myrunbook.com/runbook/1234',
      summary: `This alert was triggered for zone ${zone}`,
    },
    startsAt,
    endsAt,
    generatorURL: 'https://play.grafana.org/alerting/1afz29v7z/edit',
    fingerprint,
    silenceURL: `https://play.grafana.org/alerting/silence/new?alertmanager=grafana&matchers=alertname%3DT2%2Cteam%3Dblue%2Czone%3D${zone}`,
    dashboardURL: 'https://play.grafana.org/d/abc123',
    panelURL: 'https://play.grafana.org/d/abc123?viewPanel=2',
    values: { B: b, C: 1 },
  });
  return {
    receiver: 'My Super Webhook',
    status,
    orgId: 1,
    alerts: [
      alert('High memory usage', 'us-1', 'c6eadffa33fcdf37', 44.23943737541908),
      alert('High CPU usage', 'eu-1', 'bc97ff14869b13e3', 99.4),
    ],
    groupLabels: {},
    commonLabels: { team: 'blue', service: 'checkout' },
    commonAnnotations: {},
    externalURL: 'https://play.grafana.org/',
    version: '1',
    groupKey: '{}:{}',
    truncatedAlerts: 0,
    title: '[FIRING:2]  (blue)',
    state: 'alerting',
    message: '**Firing**\n\nLabels:\n - alertname = T2\n - team = blue\n - zone = us-1',
  };
}

const SECRET = 'fake-signing-secret-0123456789';
const TOKEN = 'webhook-token-0123456789abcdef';
const CHANNEL = 'C0ALERTHOOK';

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

interface HttpBot {
  fake: FakeSlack;
  bot: SlackBot;
  engine: ScriptedEngine;
  base: string;
  post(path: string, body: string | Buffer, headers?: Record<string, string>): Promise<{ status: number; body: Record<string, unknown> }>;
}

async function startHttp(
  overrides: Parameters<typeof botConfig>[1] = {},
  options: { channelAllowed?: (channel: string) => true | string } = {},
): Promise<HttpBot> {
  const fake = await FakeSlack.start({ secrets: [SECRET, TOKEN] });
  const engine = new ScriptedEngine();
  const bot = createSlackBot({
    config: botConfig(fake, {
      SLACK_APP_TOKEN: undefined,
      SLACK_SIGNING_SECRET: SECRET,
      PORT: 0,
      ALERT_WEBHOOK_TOKEN: TOKEN,
      ALERT_WEBHOOK_CHANNEL: CHANNEL,
      ...overrides,
    }),
    analyze: engine.analyze,
    pacingMs: 5,
    ...options,
  });
  const { port } = await bot.start();
  cleanup = async () => {
    engine.release();
    await bot.stop();
    await fake.close();
  };
  const base = `http://127.0.0.1:${port}`;
  const post: HttpBot['post'] = async (path, body, headers = { authorization: `Bearer ${TOKEN}` }) => {
    const response = await fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  };
  return { fake, bot, engine, base, post };
}

function expectNothingQueued(h: HttpBot): void {
  expect(h.fake.callsOf('chat.postMessage')).toEqual([]);
  expect(h.engine.requests).toEqual([]);
  expect(h.bot.deps.service.list()).toEqual([]);
}

describe('alert webhooks in HTTP mode (Bolt custom routes beside /slack/events)', () => {
  it("a Grafana group posts one parent, analyses in its thread, and its resolution updates both; Slack's endpoint still answers", async () => {
    const h = await startHttp();
    const { fake, engine } = h;
    const fired = await h.post('/alerts/grafana', JSON.stringify(grafanaPayload('firing')));
    expect(fired).toEqual({ status: 202, body: { ok: true, outcome: 'started' } });

    const parent = await fake.waitFor('the alert parent', () => fake.messages.find((m) => m.channel === CHANNEL && !m.thread_ts));
    const text = blockText(parent);
    expect(text).toContain('[FIRING:2] High memory usage');
    expect(text).toContain('`zone=us-1`');
    expect(text).toContain('B=44.2394');
    expect(text).toContain('<https://play.grafana.org/d/abc123|Dashboard>');
    expect(text).toContain('<https://myrunbook.com/runbook/1234|Runbook>');
    expect(text).toContain('Grafana · receiver My Super Webhook');
    // Query strings are escaped for mrkdwn, never raw `&`.
    expect(text).toContain('alertmanager=grafana&amp;matchers=');

    await fake.waitFor('the report in the thread', () => fake.thread(CHANNEL, parent.ts).find((m) => m.blocks?.[0]?.type === 'header'));
    expect(engine.requests).toHaveLength(1);
    const request = engine.requests[0]!;
    expect(request.incident).toMatch(/^Grafana alert High memory usage: This alert was triggered for zone us-1 \(service=checkout\)/);
    expect(request.scope).toEqual({ service: 'checkout' });
    expect(request.context).toContain('values: B=44.2394, C=1');

    const resolved = await h.post('/alerts/grafana', JSON.stringify(grafanaPayload('resolved', new Date().toISOString())));
    expect(resolved).toEqual({ status: 200, body: { ok: true, outcome: 'updated' } });
    const note = await fake.waitFor('the resolution note', () =>
      fake.thread(CHANNEL, parent.ts).find((m) => /Alert resolved at .* UTC \(lasted [56] min\)/.test(m.text ?? '')),
    );
    expect(note.thread_ts).toBe(parent.ts);
    await fake.waitFor('the parent to show resolved', () =>
      /\[RESOLVED\] High memory usage/.test(blockText(fake.messages.find((m) => m.ts === parent.ts)!)),
    );
    await fake.waitFor('the status message to show the resolution', () =>
      fake.thread(CHANNEL, parent.ts).find((m) => /Investigating/.test(m.text ?? '') && /Alert resolved at/.test(blockText(m))),
    );
    expect(engine.requests).toHaveLength(1);

    // Slack's own endpoint is the same server and still verifies signatures.
    const slack = await fetch(`${h.base}/slack/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(slack.status).toBe(401);
    expect((await fetch(`${h.base}/healthz`)).status).toBe(200);
    expect(fake.invalid).toEqual([]);
    expect(fake.leaks).toEqual([]);
  });

  it('refuses a missing or wrong token (401), bad JSON and a payload without alerts (400 naming it), and a 5 MB body (413); nothing queued', async () => {
    const h = await startHttp();
    const body = JSON.stringify(grafanaPayload('firing'));

    const none = await h.post('/alerts/alertmanager', body, {});
    expect(none.status).toBe(401);
    const wrong = await h.post('/alerts/alertmanager', body, { authorization: `Bearer ${TOKEN.slice(0, -1)}x` });
    expect(wrong.status).toBe(401);
    expect(String(wrong.body.error)).toMatch(/bearer token/);
    const basic = await h.post('/alerts/alertmanager', body, { authorization: `Basic ${Buffer.from(`u:${TOKEN}`).toString('base64')}` });
    expect(basic.status).toBe(401);

    const badJson = await h.post('/alerts/alertmanager', '{"receiver": "x", "alerts": [');
    expect(badJson.status).toBe(400);
    expect(String(badJson.body.error)).toMatch(/^malformed JSON/);

    const { alerts: _left, ...withoutAlerts } = grafanaPayload('firing');
    const missing = await h.post('/alerts/alertmanager', JSON.stringify(withoutAlerts));
    expect(missing.status).toBe(400);
    expect(String(missing.body.error)).toMatch(/^alerts: /);

    const badTime = grafanaPayload('firing');
    badTime.alerts[1]!.startsAt = 'yesterday';
    const time = await h.post('/alerts/grafana', JSON.stringify(badTime));
    expect(time.status).toBe(400);
    expect(time.body.error).toBe('alerts[1].startsAt: expected an RFC 3339 time');

    const huge = Buffer.alloc(5 * 1024 * 1024, 0x20);
    const tooLarge = await h.post('/alerts/alertmanager', huge);
    expect(tooLarge.status).toBe(413);

    const badChannel = await h.post('/alerts/alertmanager?channel=general', body);
    expect(badChannel.status).toBe(400);
    expect(String(badChannel.body.error)).toMatch(/^channel: expected a channel id/);

    const get = await fetch(`${h.base}/alerts/alertmanager`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(get.status).toBe(405);

    expect(h.bot.webhooks?.handler.stats.refused).toBe(9);
    expectNothingQueued(h);
  });

  it('answers 503 with Retry-After when the queue is full, and routes ?channel= through the policy hook', async () => {
    const h = await startHttp(
      { ANALYSIS_CONCURRENCY: 1, QUEUE_MAX: 0 },
      { channelAllowed: (channel) => (channel === 'C0FORBIDDEN' ? 'not in ALLOWED_CHANNELS' : true) },
    );
    h.engine.hold = true;
    const payload = (name: string) => {
      const p = grafanaPayload('firing');
      p.groupKey = `{}:{alertname="${name}"}`;
      return JSON.stringify(p);
    };
    const first = await h.post('/alerts/grafana?channel=C0OTHER', payload('one'));
    expect(first.status).toBe(202);
    await h.fake.waitFor('the first analysis to run', () => h.engine.held === 1);
    expect(h.fake.messages.find((m) => !m.thread_ts)?.channel).toBe('C0OTHER');

    const second = await fetch(`${h.base}/alerts/grafana`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: payload('two'),
    });
    expect(second.status).toBe(503);
    expect(second.headers.get('retry-after')).toBe('60');
    // A delivery for the group already under analysis needs no queue slot.
    expect((await h.post('/alerts/grafana?channel=C0OTHER', payload('one'))).body).toEqual({ ok: true, outcome: 'unchanged' });

    const forbidden = await h.post('/alerts/grafana?channel=C0FORBIDDEN', payload('three'));
    expect(forbidden.status).toBe(403);
    expect(String(forbidden.body.error)).toContain('not in ALLOWED_CHANNELS');
    expect(h.engine.requests).toHaveLength(1);
    expect(h.fake.messages.filter((m) => !m.thread_ts)).toHaveLength(1);
  });
});

describe('alert webhooks under the access policy', () => {
  it('a ?channel= outside ALLOWED_CHANNELS is refused with 403 by the same policy as every Slack trigger', async () => {
    const h = await startHttp({ ALLOWED_CHANNELS: [CHANNEL] });
    const payload = grafanaPayload('firing');
    const refused = await h.post('/alerts/grafana?channel=C0ELSEWHERE', JSON.stringify(payload));
    expect(refused.status).toBe(403);
    expect(String(refused.body.error)).toContain('ALLOWED_CHANNELS');
    expectNothingQueued(h);
    const accepted = await h.post('/alerts/grafana', JSON.stringify(payload));
    expect(accepted.status).toBe(202);
    await h.fake.waitFor('the analysis to start', () => h.engine.requests.length === 1);
  });
});

describe('alert webhooks off', () => {
  it('without ALERT_WEBHOOK_TOKEN the alert paths do not exist, /healthz still answers', async () => {
    const h = await startHttp({ ALERT_WEBHOOK_TOKEN: undefined });
    expect(h.bot.webhooks).toBeUndefined();
    const response = await h.post('/alerts/alertmanager', JSON.stringify(grafanaPayload('firing')));
    expect(response.status).toBe(404);
    expect((await fetch(`${h.base}/healthz`)).status).toBe(200);
    expectNothingQueued(h);
  });

  it('in Socket Mode without ALERT_WEBHOOK_TOKEN the bot opens no port at all', async () => {
    const fake = await FakeSlack.start();
    const bot = createSlackBot({ config: botConfig(fake, { PORT: 0 }), analyze: new ScriptedEngine().analyze, pacingMs: 5 });
    cleanup = async () => {
      await bot.stop();
      await fake.close();
    };
    expect(await bot.start()).toEqual({ port: undefined });
    expect(bot.webhooks).toBeUndefined();
  });
});
