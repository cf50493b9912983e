import { describe, expect, it } from 'vitest';
import { analysisObserver, observeHostEvent } from '../../src/observability/events.js';
import { BotMetrics, engineFamily, MAX_LABEL_VALUES, outcomeOf } from '../../src/observability/metrics.js';
import { countingFetch, methodOf } from '../../src/observability/slack-fetch.js';

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

  it('outcome: done with a source missing is incomplete; with none missing it is done; other states stay', () => {
    expect(outcomeOf('done', { incomplete: [{ source: 'logs', reason: 'not running' }] })).toBe('incomplete');
    expect(outcomeOf('done', { incomplete: [] })).toBe('done');
    expect(outcomeOf('done', {})).toBe('done');
    expect(outcomeOf('done', undefined)).toBe('done');
    expect(outcomeOf('failed', { incomplete: [{ source: 'logs', reason: 'not running' }] })).toBe('failed');
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

describe('Slack method labels', () => {
  it('a Web API path names its method; a response_url (ids in its path) and anything else is one label', () => {
    expect(methodOf('https://slack.com/api/chat.postMessage')).toBe('chat.postMessage');
    expect(methodOf('http://127.0.0.1:9/api/assistant.threads.setStatus')).toBe('assistant.threads.setStatus');
    expect(methodOf('https://hooks.slack.com/commands/T0001/1234/02a12d71-abdc-482c-bd58-3ff466a19189')).toBe('response_url');
    expect(methodOf('http://127.0.0.1:9/response/07db180e-c5c1-41c5-8fb1-e1c38ff41737')).toBe('response_url');
    expect(methodOf('https://slack.com/api/')).toBe('response_url');
  });
});

describe('event observers', () => {
  it('first progress once, tool calls with latency, model rounds with tokens, MCP server state and restarts', async () => {
    const metrics = new BotMetrics();
    let now = 1_000;
    const observe = analysisObserver('command', () => now, metrics);
    observe({ type: 'started', engine: 'ollama:qwen3:8b', incident: 'zebra outage' });
    now = 3_500;
    observe({ type: 'model_turn', round: 1, toolCalls: 1, promptTokens: 1200, outputTokens: 40 });
    now = 9_000;
    observe({ type: 'tool_started', callId: 'T1', server: 'logs', tool: 'search_logs', args: {} });
    observe({ type: 'tool_finished', callId: 'T1', server: 'logs', tool: 'search_logs', args: {}, ok: false, ms: 250, summary: 'x' });
    const first = (await metrics.registry.getMetricsAsJSON()).find((m) => m.name === 'incidentpilot_analysis_first_progress_seconds');
    const sum = ((first?.values ?? []) as { metricName?: string; value: number }[]).find((v) => v.metricName?.endsWith('_sum'));
    expect(sum?.value).toBe(2.5);
    expect(await value(metrics, 'incidentpilot_tool_calls_total', { server: 'logs', tool: 'search_logs', outcome: 'error' })).toBe(1);
    expect(await value(metrics, 'incidentpilot_model_calls_total', { engine: 'ollama' })).toBe(1);
    expect(await value(metrics, 'incidentpilot_model_tokens_total', { kind: 'prompt' })).toBe(1200);
    expect(await value(metrics, 'incidentpilot_model_tokens_total', { kind: 'output' })).toBe(40);

    observeHostEvent({ type: 'server_started', server: 'git', tools: ['a'], ms: 5 }, metrics);
    expect(await value(metrics, 'incidentpilot_mcp_server_up', { server: 'git' })).toBe(1);
    observeHostEvent({ type: 'server_exited', server: 'git', detail: 'exit 1', attempt: 1, restartInMs: 100 }, metrics);
    expect(await value(metrics, 'incidentpilot_mcp_server_up', { server: 'git' })).toBe(0);
    observeHostEvent({ type: 'server_restarted', server: 'git', attempt: 1, tools: ['a'] }, metrics);
    expect(await value(metrics, 'incidentpilot_mcp_server_up', { server: 'git' })).toBe(1);
    expect(await value(metrics, 'incidentpilot_mcp_server_restarts_total', { server: 'git' })).toBe(1);
  });
});
