import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { createRuntime, type Runtime as EngineRuntime } from '../../src/runtime/runtime.js';
import { type LaunchResult, launch } from '../../src/slack/launch.js';
import { type FakeOllama, type FakeTurn, finalAnswer, firstToolOutputLine, startFakeOllama } from '../fakes/ollama/server.js';
import { blockText, FakeSlack, type StoredMessage } from '../fakes/slack/server.js';
import { streamedText } from '../fakes/slack/streaming.js';

/**
 * The bot exactly as `npm start` wires it (launch + the real engine runtime: real MCP servers over stdio on the
 * default dataset), against the fake Slack over Socket Mode. The expected suspect is read from the evaluation case,
 * so nothing here restates the dataset.
 */

const REPO = path.resolve(import.meta.dirname, '../..');
const DATA = path.join(REPO, 'data/checkout-outage');
const CONFIG = path.join(REPO, 'mcp-servers.json');
const CHANNEL = 'C0INCIDENT';
const expected = YAML.parse(readFileSync(path.join(REPO, 'test/evals/01-checkout-outage/case.yaml'), 'utf8')).expect as {
  suspect: { kind: string[]; id: string[]; service: string[] };
};

interface Running {
  fake: FakeSlack;
  launched: Extract<LaunchResult, { ok: true }>;
  runtime: EngineRuntime;
}

let running: Running | undefined;
let ollama: FakeOllama | undefined;

afterEach(async () => {
  if (running) {
    const pids = running.runtime.host.pids();
    await running.launched.stop();
    await running.fake.close();
    // No MCP server outlives the bot.
    for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow();
  }
  await ollama?.close();
  running = undefined;
  ollama = undefined;
});

beforeAll(() => {
  for (const server of ['logs', 'git', 'metrics']) {
    const entry = path.join(REPO, `dist/mcp-servers/${server}/index.js`);
    if (!existsSync(entry)) throw new Error(`${entry} is missing: run npm run build`);
  }
});

async function startBot(env: Record<string, string>): Promise<Running> {
  const fake = await FakeSlack.start();
  let runtime: EngineRuntime | undefined;
  const errors: string[] = [];
  const launched = await launch(
    {
      PATH: process.env.PATH ?? '',
      SLACK_BOT_TOKEN: 'xoxb-fake-bot-token',
      SLACK_APP_TOKEN: 'xapp-fake-app-token',
      SLACK_API_URL: fake.apiUrl,
      SLACK_LOG_LEVEL: 'error',
      MCP_CONFIG: CONFIG,
      DATA_DIR: DATA,
      ...env,
    },
    { error: (line) => errors.push(line) },
    async (_config, launchEnv) => {
      runtime = await createRuntime({ env: launchEnv });
      return runtime;
    },
  );
  if (!launched.ok || !runtime) throw new Error(`the bot did not start: ${errors.join('; ')}`);
  return { fake, launched, runtime };
}

function reportIn(fake: FakeSlack, parent: StoredMessage): StoredMessage | undefined {
  return fake.thread(CHANNEL, parent.ts).find((message) => message.blocks?.some((block) => block.type === 'header'));
}

async function runRca(fake: FakeSlack, incident: string): Promise<{ parent: StoredMessage; report: StoredMessage; progress: string }> {
  const ack = await fake.slashCommand(incident);
  expect(ack.response_type).toBe('ephemeral');
  const parent = await fake.waitFor('the parent message', () => fake.messages.find((m) => m.channel === CHANNEL && !m.thread_ts));
  const report = await fake.waitFor('the report', () => reportIn(fake, parent));
  await fake.waitFor('the parent to show done', () => fake.messages.find((m) => m.ts === parent.ts && /Done/.test(m.text ?? '')));
  // Threaded replies or, for a person's analysis, the streamed task cards.
  const progress = [
    ...fake
      .thread(CHANNEL, parent.ts)
      .filter((message) => message.ts !== parent.ts && message !== report)
      .map(blockText),
    streamedText(fake.streaming, CHANNEL, parent.ts),
  ].join('\n');
  return { parent, report, progress };
}

describe('Slack bot with the real analysis runtime', () => {
  it('Ollama unreachable: the built-in engine answers through the real MCP servers, with a note saying why', async () => {
    running = await startBot({ OLLAMA_HOST: 'http://127.0.0.1:9', ANALYSIS_ENGINE: 'auto' });
    const { fake } = running;
    const { parent, report, progress } = await runRca(fake, '500 errors on checkout API');

    for (const tool of ['error_summary', 'get_deployments', 'get_anomalies']) expect(progress).toContain(tool);
    for (const server of ['logs', 'git', 'metrics']) expect(progress).toContain(server);
    const text = blockText(report);
    expect(text).toContain('Ollama is not reachable at http://127.0.0.1:9');
    expect(text).toMatch(/Engine: builtin/);
    expect(expected.suspect.id.some((id) => text.includes(id))).toBe(true);
    expect(expected.suspect.service.some((service) => text.includes(service))).toBe(true);
    expect(fake.messages.find((m) => m.ts === parent.ts)?.text).toContain('Done');
    expect(fake.invalid).toEqual([]);
    expect(fake.leaks).toEqual([]);
    expect(fake.hygiene).toEqual([]);
  });

  it('with a model: its tool calls show in the thread and its report, quoting real tool output, is posted', async () => {
    ollama = await startFakeOllama({
      script: (request): FakeTurn => {
        if (request.format) {
          return finalAnswer({
            summary: 'scripted model summary',
            rootCause: 'scripted model root cause',
            confidence: 'medium',
            timeline: [],
            evidence: [
              { id: 'E1', source: 'logs', tool: 'T1', summary: 'errors after the onset', quote: firstToolOutputLine(request, 'T1') },
            ],
            recommendations: ['scripted recommendation'],
          });
        }
        if (request.messages.some((m) => m.role === 'tool')) return { content: 'done investigating' };
        return {
          toolCalls: [
            { name: 'error_summary', arguments: { since: '2h' } },
            { name: 'get_deployments', arguments: { since: '1d' } },
          ],
        };
      },
    });
    running = await startBot({ OLLAMA_HOST: ollama.url, ANALYSIS_ENGINE: 'ollama', OLLAMA_EVIDENCE_PACK: 'false' });
    const { fake } = running;
    const { report, progress } = await runRca(fake, 'checkout 5xx since 14:45');

    expect(progress).toContain('error_summary');
    expect(progress).toContain('get_deployments');
    const text = blockText(report);
    expect(text).toContain('scripted model summary');
    expect(text).toMatch(/Engine: ollama:qwen3:8b/);
    // The quote survived verification, so it is a line the real logs server returned.
    const quoted = firstToolOutputLine(ollama.requests.at(-1)!, 'T1');
    expect(quoted.length).toBeGreaterThan(0);
    expect(text).toContain(quoted.slice(0, 40).replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;'));
    expect(ollama.requests[0]?.tools?.map((tool) => tool.function.name)).toContain('search_logs');
    expect(fake.invalid).toEqual([]);
  });

  it('a model slower than the deadline: the engine stops at its share of the budget and posts a low-confidence report with the evidence', async () => {
    ollama = await startFakeOllama({
      script: (request): FakeTurn => {
        if (request.messages.some((m) => m.role === 'tool')) return { hang: true };
        return { toolCalls: [{ name: 'error_summary', arguments: { since: '2h' } }] };
      },
    });
    running = await startBot({
      OLLAMA_HOST: ollama.url,
      ANALYSIS_ENGINE: 'ollama',
      OLLAMA_EVIDENCE_PACK: 'false',
      ANALYSIS_TIMEOUT_MS: '5000',
    });
    const { fake } = running;
    const { report, parent } = await runRca(fake, 'checkout 5xx, model too slow');
    const text = blockText(report);
    expect(text).toMatch(/Confidence:\* low/);
    // The evidence the model gathered before the deadline is in the report, not lost to a "timed out".
    expect(text).toContain('error_summary');
    expect(text).toMatch(/deadline of 4250 ms was reached/);
    expect(fake.messages.find((m) => m.ts === parent.ts)?.text).toContain('Done');
    expect(fake.thread(CHANNEL, parent.ts).some((m) => /timed out after/.test(m.text ?? ''))).toBe(false);
  });
});
