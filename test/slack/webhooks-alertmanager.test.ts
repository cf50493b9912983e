import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSlackBot, type SlackBot } from '../../src/slack/app.js';
import { blockText, FakeSlack, type StoredMessage } from '../fakes/slack/server.js';
import { type RunningAlertmanager, startAlertmanager } from '../support/alertmanager.js';
import { botConfig, ScriptedEngine } from './helpers.js';

const TOKEN = 'alertmanager-token-0123456789abcdef';
const CHANNEL = 'C0ALERTHOOK';
const DOCS = path.resolve(import.meta.dirname, '../../docs/alerts.md');

/** The receiver snippet from docs/alerts.md, as a user would paste it, pointed at this bot. */
function snippetConfig(botUrl: string, tokenFile: string): string {
  const docs = readFileSync(DOCS, 'utf8');
  const marker = docs.indexOf('<!-- alertmanager-snippet');
  const block = /```yaml\n([\s\S]*?)```/.exec(docs.slice(marker));
  if (marker === -1 || !block?.[1]) throw new Error('docs/alerts.md lost its alertmanager-snippet block');
  let config: string = block[1];
  for (const [from, to] of [
    [/https:\/\/incidentpilot\.example\.com/, botUrl],
    [/\/etc\/prometheus\/incidentpilot\.token/, tokenFile],
    [/group_wait: \S+/, 'group_wait: 500ms'],
    [/group_interval: \S+/, 'group_interval: 1s'],
    [/repeat_interval: \S+/, 'repeat_interval: 3s'],
  ] as const) {
    if (!from.test(config)) throw new Error(`docs/alerts.md snippet no longer has ${from}`);
    config = config.replace(from, to);
  }
  return config;
}

let fake: FakeSlack;
let bot: SlackBot;
let engine: ScriptedEngine;
let am: RunningAlertmanager | undefined;
let dir: string;
let listenerPort: number;
let tokenFile: string;

beforeAll(async () => {
  fake = await FakeSlack.start({ secrets: [TOKEN] });
  engine = new ScriptedEngine();
  // Socket Mode: the webhooks get their own listener on PORT.
  bot = createSlackBot({
    config: botConfig(fake, { PORT: 0, ALERT_WEBHOOK_TOKEN: TOKEN, ALERT_WEBHOOK_CHANNEL: CHANNEL }),
    analyze: engine.analyze,
    pacingMs: 5,
  });
  const { port } = await bot.start();
  if (!port) throw new Error('the webhook listener did not start');
  listenerPort = port;
  dir = mkdtempSync(path.join(tmpdir(), 'ip-am-token-'));
  tokenFile = path.join(dir, 'token');
  writeFileSync(tokenFile, TOKEN, { mode: 0o600 });
});

afterAll(async () => {
  engine?.release();
  await am?.stop();
  await bot?.stop();
  await fake?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function stats() {
  return bot.webhooks!.handler.stats;
}

/** Waits with Alertmanager's log in the failure message. */
async function waitFor<T>(what: string, check: () => T | undefined | false | null): Promise<T> {
  try {
    return await fake.waitFor(what, check);
  } catch (error) {
    throw new Error(`${(error as Error).message}\nwebhook stats: ${JSON.stringify(stats())}\nAlertmanager log:\n${am?.log()}`);
  }
}

describe('a real Alertmanager (Debian prometheus-alertmanager) drives the bot through docs/alerts.md', () => {
  it('firing → parent and analysis in its thread; a new alert is noted; a resend posts nothing; endsAt in the past resolves', async () => {
    // Started here, not in beforeAll, so a missing binary fails this test instead of skipping it.
    am = await startAlertmanager(snippetConfig(`http://127.0.0.1:${listenerPort}`, tokenFile));
    const startsAt = new Date(Date.now() - 10 * 60_000).toISOString();
    const alertA = {
      labels: { alertname: 'HighErrorRate', service: 'checkout', severity: 'critical', instance: 'checkout-1:8080', job: 'checkout' },
      annotations: {
        summary: 'checkout 5xx above 5%',
        description: 'Error ratio is 7.2% <!channel> for 10 minutes',
        runbook_url: 'https://runbooks.example.com/high-error-rate?team=payments&level=1',
        grafana_dashboard: 'https://grafana.example.com/d/checkout',
      },
      startsAt,
      generatorURL: 'http://prometheus.example.com:9090/graph?g0.expr=rate(http_errors_total[5m])',
    };
    await am.pushAlerts([alertA]);

    const parent = await waitFor('the parent message', () => fake.messages.find((m) => m.channel === CHANNEL && !m.thread_ts));
    const parentText = blockText(parent);
    expect(parentText).toContain('[FIRING:1] HighErrorRate');
    expect(parentText).toContain('severity *critical*');
    expect(parentText).toContain('`service=checkout`');
    expect(parentText).toContain('*Summary:* checkout 5xx above 5%');
    expect(parentText).toContain('&lt;!channel&gt;');
    expect(parentText).not.toContain('<!channel>');
    expect(parentText).toContain('<https://runbooks.example.com/high-error-rate?team=payments&amp;level=1|Runbook>');
    expect(parentText).toContain('|grafana_dashboard>');
    expect(parentText).toContain('|Source>');
    expect(parentText).toContain('Alertmanager · receiver incidentpilot');

    const reportOf = (ts: string) => fake.thread(CHANNEL, ts).find((m) => m.blocks?.[0]?.type === 'header');
    await waitFor('the report in its thread', () => reportOf(parent.ts));
    expect(engine.requests).toHaveLength(1);
    const request = engine.requests[0]!;
    expect(Date.parse(request.since ?? '')).toBeLessThan(Date.parse(startsAt));
    expect(request.scope).toEqual({ service: 'checkout', job: 'checkout', instance: 'checkout-1:8080' });
    expect(request.incident).toContain('Alertmanager alert HighErrorRate (critical): checkout 5xx above 5%');

    const alertB = { ...alertA, labels: { ...alertA.labels, instance: 'checkout-2:8080' } };
    await am.pushAlerts([alertA, alertB]);
    const note = await waitFor('the new-alert note', () =>
      fake.thread(CHANNEL, parent.ts).find((m) => /1 new alert in this group/.test(m.text ?? '')),
    );
    expect(blockText(note)).toContain('`instance=checkout-2:8080`');
    await waitFor('the parent to list both', () => /\[FIRING:2\]/.test(blockText(fake.messages.find((m) => m.ts === parent.ts)!)));

    // Alertmanager resends the unchanged group every repeat_interval: the bot answers and posts nothing.
    const posts = fake.callsOf('chat.postMessage').length;
    const updates = fake.callsOf('chat.update').length;
    const unchangedBefore = stats().unchanged;
    await waitFor('a resend of the unchanged group', () => stats().unchanged > unchangedBefore);
    expect(fake.callsOf('chat.postMessage')).toHaveLength(posts);
    expect(fake.callsOf('chat.update')).toHaveLength(updates);
    expect(engine.requests).toHaveLength(1);
    expect(stats().started).toBe(1);

    const past = new Date(Date.now() - 1000).toISOString();
    await am.pushAlerts([
      { ...alertA, endsAt: past },
      { ...alertB, endsAt: past },
    ]);
    const resolved: StoredMessage = await waitFor('the resolution in the thread', () =>
      fake
        .thread(CHANNEL, parent.ts)
        .find((m) => /Alert resolved at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC \(lasted 1[01] min\)/.test(m.text ?? '')),
    );
    expect(resolved.thread_ts).toBe(parent.ts);
    await waitFor('the parent to show resolved', () =>
      /\[RESOLVED\] HighErrorRate/.test(blockText(fake.messages.find((m) => m.ts === parent.ts)!)),
    );
    await waitFor('the status message to show the resolution', () =>
      fake.thread(CHANNEL, parent.ts).find((m) => /Investigating/.test(m.text ?? '') && /Alert resolved at/.test(blockText(m))),
    );
    expect(engine.requests).toHaveLength(1);
    expect(fake.messages.filter((m) => m.channel === CHANNEL && !m.thread_ts)).toHaveLength(1);
    expect(stats().refused).toBe(0);

    // The Socket Mode listener serves the alert paths and /healthz, nothing of Slack's.
    const base = `http://127.0.0.1:${listenerPort}`;
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/slack/events`, { method: 'POST', body: '{}' })).status).toBe(404);
    expect(fake.invalid).toEqual([]);
    expect(fake.leaks).toEqual([]);
  }, 60_000);
});
