import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { blockText, FakeSlack, type StoredMessage } from '../fakes/slack/server.js';
import { prometheusBinaries, type RunningPrometheus, startScrapingPrometheus } from '../support/prometheus.js';
import { assertBuilt, type BotProcess, cleanup, REPO, startBot } from './support/bot-process.js';

/**
 * The real Prometheus (`npm run fetch-prometheus`) scrapes a running bot's /metrics with the bearer token and loads
 * the shipped alerting rules; after three analyses its HTTP API returns the counters and a duration quantile.
 */

const TOKEN = 'metrics-token-for-the-scrape-test-42';
const RULES = path.join(REPO, 'deploy/prometheus/incidentpilot-rules.yml');
const CHANNEL = 'C0INCIDENT';
/** Scrapes every second; the answers are polled this often for this long. */
const POLL_MS = 250;
const POLL_LIMIT_MS = 30_000;

let fake: FakeSlack | undefined;
let bot: BotProcess | undefined;
let prometheus: RunningPrometheus | undefined;
let dir = '';

beforeAll(() => {
  assertBuilt();
  prometheusBinaries();
});

afterEach(async () => {
  await prometheus?.stop();
  await cleanup(bot);
  await fake?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  prometheus = undefined;
  bot = undefined;
  fake = undefined;
  dir = '';
});

interface Sample {
  metric: Record<string, string>;
  value: [number, string];
}

async function query(expr: string): Promise<Sample[]> {
  const response = await fetch(`${prometheus?.url}/api/v1/query?query=${encodeURIComponent(expr)}`);
  const body = (await response.json()) as { status: string; data?: { result: Sample[] }; error?: string };
  if (body.status !== 'success') throw new Error(`query ${expr} failed: ${body.error}`);
  return body.data?.result ?? [];
}

/** Polls a query until `accept` takes its result. */
async function until(expr: string, accept: (result: Sample[]) => boolean): Promise<Sample[]> {
  const deadline = Date.now() + POLL_LIMIT_MS;
  for (;;) {
    const result = await query(expr);
    if (accept(result)) return result;
    if (Date.now() > deadline) throw new Error(`${expr} never matched; last: ${JSON.stringify(result)}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

const value = (result: Sample[]) => Number(result[0]?.value[1]);
const isReport = (message: StoredMessage) => message.blocks?.some((block) => block.type === 'header') ?? false;

describe('Prometheus scrapes the bot', () => {
  it('counts analyses, tool calls, Slack posts and MCP servers, and answers a duration quantile', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'ip-metrics-'));
    fake = await FakeSlack.start();
    bot = await startBot(
      {
        SLACK_BOT_TOKEN: 'xoxb-fake-bot-token',
        SLACK_APP_TOKEN: 'xapp-fake-app-token',
        SLACK_API_URL: fake.apiUrl,
        SLACK_LOG_LEVEL: 'info',
        MCP_CONFIG: path.join(REPO, 'mcp-servers.json'),
        DATA_DIR: path.join(REPO, 'data/checkout-outage'),
        STATE_PATH: path.join(dir, 'bot.db'),
        ANALYSIS_ENGINE: 'builtin',
        METRICS_ENABLED: 'true',
        METRICS_TOKEN: TOKEN,
        LOG_FORMAT: 'json',
        PORT: '0',
      },
      dir,
    );
    await fake.connected();
    const port = Number(/metrics on port (\d+)/.exec(bot.log())?.[1]);
    expect(port).toBeGreaterThan(0);
    prometheus = await startScrapingPrometheus(
      [
        'global:',
        '  scrape_interval: 1s',
        '  evaluation_interval: 1s',
        'rule_files:',
        `  - ${JSON.stringify(RULES)}`,
        'scrape_configs:',
        '  - job_name: incidentpilot',
        '    authorization:',
        `      credentials: ${JSON.stringify(TOKEN)}`,
        '    static_configs:',
        `      - targets: ["127.0.0.1:${port}"]`,
        '',
      ].join('\n'),
    );
    await until('up{job="incidentpilot"}', (result) => value(result) === 1);

    const reports: StoredMessage[] = [];
    for (const text of ['checkout returns 502 since 14:00', 'payments slow since 13:00', 'checkout errors after the deploy']) {
      await fake.slashCommand(text);
      const parent = await fake.waitFor(`status of ${text}`, () =>
        fake?.messages.find((m) => m.channel === CHANNEL && !m.thread_ts && (m.text ?? '').includes(text)),
      );
      reports.push(await fake.waitFor(`report of ${text}`, () => fake?.thread(CHANNEL, parent.ts).find(isReport)));
    }

    // LOG_FORMAT=json: every line an object; the id in a report's footer finds that analysis' log lines.
    const lines = bot
      .log()
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as { level: string; message: string; analysis?: string; channel?: string });
    const id = /analysis (A\d+-[0-9a-f]{10})/.exec(blockText(reports[0]!))?.[1];
    expect(id).toBeDefined();
    const about = lines.filter((line) => line.analysis === id);
    expect(about.map((line) => line.message)).toEqual(
      expect.arrayContaining([expect.stringMatching(/ started \(command\)/), expect.stringMatching(/ done in channel .* after /)]),
    );
    expect(about.every((line) => line.channel === CHANNEL)).toBe(true);
    expect(lines.filter((line) => line.message.includes(id!)).every((line) => line.analysis === id)).toBe(true);

    const finished = await until('sum(incidentpilot_analyses_finished_total{origin="command",engine="builtin"})', (r) => value(r) === 3);
    expect(value(finished)).toBe(3);
    expect(value(await query('sum(incidentpilot_analyses_started_total{origin="command",engine="builtin"})'))).toBe(3);
    const quantile = await query('histogram_quantile(0.9, sum by (le) (incidentpilot_analysis_duration_seconds_bucket))');
    expect(value(quantile)).toBeGreaterThan(0);
    expect(Number.isFinite(value(quantile))).toBe(true);
    expect(value(await query('sum(incidentpilot_analysis_first_progress_seconds_count)'))).toBe(3);
    expect(value(await query('sum(incidentpilot_tool_calls_total{outcome="ok"})'))).toBeGreaterThan(3);
    const servers = await query('incidentpilot_mcp_server_up');
    expect(servers.map((s) => `${s.metric.server}=${s.value[1]}`).sort()).toEqual([
      'git=1',
      'kubernetes=1',
      'logs=1',
      'metrics=1',
      'runbooks=1',
    ]);
    expect(value(await query('sum(incidentpilot_slack_api_requests_total{method="chat.postMessage",outcome="ok"})'))).toBeGreaterThan(3);
    expect(value(await query('incidentpilot_analyses_queued'))).toBe(0);
    expect(value(await query('incidentpilot_analyses_queue_limit'))).toBe(10);

    // The shipped rules load and evaluate against the live series; none fires on a healthy bot.
    const rules = (await (await fetch(`${prometheus.url}/api/v1/rules`)).json()) as {
      data: { groups: { rules: { name: string; health: string; state: string }[] }[] };
    };
    const loaded = rules.data.groups.flatMap((group) => group.rules);
    expect(loaded.map((rule) => rule.name).sort()).toEqual([
      'IncidentPilotMcpServerDown',
      'IncidentPilotQueueFull',
      'IncidentPilotSlackRefusingPosts',
    ]);
    await until('count(ALERTS)', (result) => result.length === 0);
    expect(loaded.every((rule) => rule.health !== 'err')).toBe(true);
  }, 180_000);
});
