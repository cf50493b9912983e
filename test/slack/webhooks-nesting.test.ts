import { afterEach, describe, expect, it } from 'vitest';
import { createSlackBot } from '../../src/slack/app.js';
import { MAX_JSON_DEPTH, nestsDeeperThan, parsePayload } from '../../src/slack/webhooks/http.js';
import { FakeSlack } from '../fakes/slack/server.js';
import { botConfig, ScriptedEngine } from './helpers.js';

/** Deeply nested JSON in an alert payload is refused as bad input (400), never a crash (500). */
const TOKEN = 'webhook-token-0123456789abcdef';

function grafana(values: string): string {
  return JSON.stringify({
    receiver: 'incidentpilot',
    status: 'firing',
    orgId: 1,
    alerts: [
      { status: 'firing', labels: { alertname: 'HighMemory' }, annotations: {}, startsAt: '2026-03-01T10:00:00Z', values: { B: '__V__' } },
    ],
  }).replace('"__V__"', values);
}

const nested = (levels: number) => `${'['.repeat(levels)}1${']'.repeat(levels)}`;

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

describe('JSON nesting in alert payloads', () => {
  it.each([
    [MAX_JSON_DEPTH - 1, false],
    [MAX_JSON_DEPTH, false],
    [MAX_JSON_DEPTH + 1, true],
  ])('%i levels deeper than %s: %s', (levels, deeper) => {
    expect(nestsDeeperThan(nested(levels), MAX_JSON_DEPTH)).toBe(deeper);
  });

  it('brackets inside strings, escaped quotes included, do not count', () => {
    expect(nestsDeeperThan(JSON.stringify({ a: `${'['.repeat(100)}"\\"${'{'.repeat(100)}` }), 2)).toBe(false);
  });

  it('a Grafana payload with 200,000-level nested values is a 400 with the reason, not a 500', async () => {
    expect(parsePayload('grafana', grafana(nested(200_000)))).toEqual({
      ok: false,
      error: `JSON nested deeper than ${MAX_JSON_DEPTH} levels: not an alert payload`,
    });
    const fake = await FakeSlack.start();
    const engine = new ScriptedEngine();
    const bot = createSlackBot({
      config: botConfig(fake, {
        SLACK_APP_TOKEN: undefined,
        SLACK_SIGNING_SECRET: 'fake-signing-secret-0123456789',
        PORT: 0,
        ALERT_WEBHOOK_TOKEN: TOKEN,
        ALERT_WEBHOOK_CHANNEL: 'C0ALERTHOOK',
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
    const post = (body: string) =>
      fetch(`http://127.0.0.1:${port}/alerts/grafana`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
        body,
      });
    const deep = await post(grafana(nested(200_000)));
    expect(deep.status).toBe(400);
    expect(((await deep.json()) as { error: string }).error).toMatch(/nested deeper/);
    // A nested value within the limit is accepted and shown as "…", not walked.
    expect((await post(grafana(nested(5)))).status).toBe(202);
  });
});
