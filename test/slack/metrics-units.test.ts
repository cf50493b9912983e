import { describe, expect, it } from 'vitest';
import { BotMetrics, engineFamily, MAX_LABEL_VALUES, outcomeOf } from '../../src/observability/metrics.js';
import { countingFetch } from '../../src/observability/slack-fetch.js';

async function value(metrics: BotMetrics, name: string, labels: Record<string, string>): Promise<number | undefined> {
  const metric = (await metrics.registry.getMetricsAsJSON()).find((m) => m.name === name);
  const sample = (metric?.values as { labels: Record<string, unknown>; value: number }[] | undefined)?.find((v) =>
    Object.entries(labels).every(([key, want]) => v.labels[key] === want),
  );
  return sample?.value;
}

describe('label values', () => {
  it(`a label keeps ${MAX_LABEL_VALUES} distinct values; the next one becomes "other"`, async () => {
    const metrics = new BotMetrics();
    for (let i = 0; i < MAX_LABEL_VALUES - 1; i += 1) metrics.toolCall('logs', `tool_${i}`, true, 1);
    metrics.toolCall('logs', 'tool_last_kept', true, 1);
    metrics.toolCall('logs', 'tool_one_too_many', true, 1);
    expect(await value(metrics, 'incidentpilot_tool_calls_total', { tool: 'tool_last_kept' })).toBe(1);
    expect(await value(metrics, 'incidentpilot_tool_calls_total', { tool: 'tool_one_too_many' })).toBeUndefined();
    expect(await value(metrics, 'incidentpilot_tool_calls_total', { tool: 'other' })).toBe(1);
    // A value already kept still counts under its name.
    metrics.toolCall('logs', 'tool_0', false, 1);
    expect(await value(metrics, 'incidentpilot_tool_calls_total', { tool: 'tool_0', outcome: 'error' })).toBe(1);
  });

  it('text that is not a configuration name becomes "other": spaces, markup, 65 characters', async () => {
    const metrics = new BotMetrics();
    metrics.accessRefused('checkout is down');
    metrics.accessRefused('<@U123>');
    metrics.accessRefused('x'.repeat(65));
    metrics.accessRefused('x'.repeat(64));
    expect(await value(metrics, 'incidentpilot_access_refusals_total', { reason: 'other' })).toBe(3);
    expect(await value(metrics, 'incidentpilot_access_refusals_total', { reason: 'x'.repeat(64) })).toBe(1);
  });

  it('origins and engines outside their sets are "other"; ollama:<model> is "ollama"', async () => {
    const metrics = new BotMetrics();
    metrics.configuredEngine = 'auto';
    metrics.analysisStarted('zebra incident');
    metrics.analysisFinished('alert', 'ollama:qwen3:8b', 'done', 2);
    expect(await value(metrics, 'incidentpilot_analyses_started_total', { origin: 'other', engine: 'auto' })).toBe(1);
    expect(await value(metrics, 'incidentpilot_analyses_finished_total', { origin: 'alert', engine: 'ollama', outcome: 'done' })).toBe(1);
    expect(engineFamily('builtin')).toBe('builtin');
    expect(engineFamily('scripted')).toBe('other');
    expect(engineFamily(undefined)).toBe('other');
  });

  it('outcome: done with no evidence is incomplete; with one piece it is done; other states stay', () => {
    expect(outcomeOf('done', { evidence: [] })).toBe('incomplete');
    expect(outcomeOf('done', { evidence: [{}] })).toBe('done');
    expect(outcomeOf('done', undefined)).toBe('done');
    expect(outcomeOf('failed', { evidence: [] })).toBe('failed');
  });

  it('webhook codes outside 100-599 are "other"', async () => {
    const metrics = new BotMetrics();
    metrics.webhookDelivery(202);
    metrics.webhookDelivery(600);
    expect(await value(metrics, 'incidentpilot_webhook_deliveries_total', { code: '202' })).toBe(1);
    expect(await value(metrics, 'incidentpilot_webhook_deliveries_total', { code: 'other' })).toBe(1);
  });
});

describe('Slack requests', () => {
  const reply = (status: number, body: unknown) => new Response(JSON.stringify(body), { status });

  it('ok, "ok": false, 429, 5xx and network errors; a request after a failed one of the same method is a retry', async () => {
    const metrics = new BotMetrics();
    const answers: (() => Response)[] = [
      () => reply(200, { ok: true }),
      () => reply(200, { ok: false, error: 'not_in_channel' }),
      () => reply(429, {}),
      () => reply(200, { ok: true }),
      () => reply(503, {}),
      () => {
        throw new TypeError('fetch failed');
      },
      () => reply(200, { ok: true }),
    ];
    const counted = countingFetch(metrics, (async () => answers.shift()?.()) as unknown as typeof fetch);
    const url = 'http://127.0.0.1:1/api/chat.postMessage';
    for (let i = 0; i < 7; i += 1) await counted(url, { method: 'POST' }).catch(() => undefined);
    const get = (labels: Record<string, string>) => value(metrics, 'incidentpilot_slack_api_requests_total', labels);
    expect(await get({ method: 'chat.postMessage', outcome: 'ok' })).toBe(3);
    expect(await get({ method: 'chat.postMessage', outcome: 'error' })).toBe(3);
    expect(await get({ method: 'chat.postMessage', outcome: 'rate_limited' })).toBe(1);
    // After the 429, after the 503, after the network error; not after "ok": false (the client does not retry it).
    expect(await value(metrics, 'incidentpilot_slack_api_retries_total', { method: 'chat.postMessage' })).toBe(3);
  });
});
