import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRuntime, type Runtime as EngineRuntime } from '../../src/runtime/runtime.js';
import { type LaunchResult, launch } from '../../src/slack/launch.js';
import { type FakeOllama, startFakeOllama } from '../fakes/ollama/server.js';
import { blockText, FakeSlack, type StoredMessage } from '../fakes/slack/server.js';
import { SECRET_SAMPLES } from '../redaction/corpus.js';
import { DATA, INCIDENT, INJECTED_COMMAND, INJECTED_URL, obedientModel, REPO, SECRETS, writeScenarioConfig } from './scenario.js';

/**
 * The real Bolt app as `npm start` wires it (launch, the engine runtime refusing mixed data, real MCP servers over
 * stdio on the secrets dataset) against the fake Slack, which records every payload, and the fake Ollama.
 */

const CHANNEL = 'C0INCIDENT';
const sample = (kind: string) => SECRET_SAMPLES.find((item) => item.kind === kind) ?? { line: '', secret: '' };

let fake: FakeSlack;
let ollama: FakeOllama;
let launched: Extract<LaunchResult, { ok: true }>;
const info: string[] = [];

function baseEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '',
    SLACK_BOT_TOKEN: 'xoxb-fake-bot-token',
    SLACK_APP_TOKEN: 'xapp-fake-app-token',
    SLACK_LOG_LEVEL: 'error',
    DATA_DIR: DATA,
    ...extra,
  };
}

const factory = async (_config: unknown, env: NodeJS.ProcessEnv): Promise<EngineRuntime> => createRuntime({ env, refuseMixedData: true });

beforeAll(async () => {
  for (const server of ['logs', 'git', 'metrics']) {
    if (!existsSync(path.join(REPO, `dist/mcp-servers/${server}/index.js`))) throw new Error('run npm run build first');
  }
  fake = await FakeSlack.start({ secrets: SECRETS });
  ollama = await startFakeOllama({ script: obedientModel });
  const errors: string[] = [];
  const result = await launch(
    baseEnv({
      SLACK_API_URL: fake.apiUrl,
      MCP_CONFIG: writeScenarioConfig(),
      OLLAMA_HOST: ollama.url,
      ANALYSIS_ENGINE: 'ollama',
      OLLAMA_EVIDENCE_PACK: 'false',
    }),
    { error: (line) => errors.push(line), info: (line) => info.push(line) },
    factory,
  );
  if (!result.ok) throw new Error(`the bot did not start: ${errors.join('; ')}`);
  launched = result;
}, 60_000);

afterAll(async () => {
  await launched?.stop();
  await fake?.close();
  await ollama?.close();
});

function reportIn(parentTs: string): StoredMessage | undefined {
  return fake.thread(CHANNEL, parentTs).find((message) => message.blocks?.some((block) => block.type === 'header'));
}

describe('Slack bot: what reaches the model and Slack', () => {
  it('an /rca with secrets over a dataset full of them: nothing leaks, the model’s obedience to the injection is defanged', async () => {
    await fake.slashCommand(INCIDENT);
    const parent = await fake.waitFor('the status message', () => fake.messages.find((m) => m.channel === CHANNEL && !m.thread_ts));
    const report = await fake.waitFor('the report', () => reportIn(parent.ts));
    await fake.waitFor('the status to show done', () => fake.messages.find((m) => m.ts === parent.ts && /Done/.test(m.text ?? '')));

    expect(fake.leaks).toEqual([]);
    const sentToModel = JSON.stringify(ollama.requests);
    for (const secret of SECRETS) expect(sentToModel).not.toContain(secret);
    const payloads = JSON.stringify(fake.calls);
    expect(payloads).toContain('[REDACTED:');
    expect(payloads).not.toContain(INJECTED_URL);
    expect(payloads).not.toContain(INJECTED_COMMAND);

    const text = blockText(report);
    expect(text).toContain('AI analysis — verify before acting');
    expect(text).toContain('sample data: secrets-fixture');
    expect(text).toContain('hxxps://evil[.]example');
    expect(text).toMatch(/Confidence:\*? low/);
    expect(text).toMatch(/\[REDACTED:[a-z_]+#\d+\]/);
    expect(text).not.toMatch(/quotes? dropped/);
    // Every status message says it is sample data, from the first "queued" to "done" (the streamed task cards in the
    // thread below it are progress, not the status message).
    const statusUpdates = fake.calls.filter(
      (call) => call.method.startsWith('chat.') && !call.method.endsWith('Stream') && JSON.stringify(call.args).includes('Investigating:'),
    );
    expect(statusUpdates.length).toBeGreaterThan(1);
    for (const call of statusUpdates) expect(JSON.stringify(call.args)).toContain('sample data: secrets-fixture');
    expect(fake.invalid).toEqual([]);
  });

  it('thread context is redacted before it reaches the model', async () => {
    const before = ollama.requests.length;
    const parent = fake.seed({ channel: CHANNEL, user: 'U0HUMAN02', text: `login broke after this: ${sample('jwt').line}` });
    fake.seed({ channel: CHANNEL, user: 'U0HUMAN03', text: `bot config ${sample('slack_token').line}`, thread_ts: parent.ts });
    await fake.mention(CHANNEL, 'U0HUMAN01', 'what happened?', { threadTs: parent.ts });
    await fake.waitFor('the report in the thread', () => reportIn(parent.ts));

    const sent = JSON.stringify(ollama.requests.slice(before));
    expect(sent).toContain('[REDACTED:jwt#');
    expect(sent).toContain('[REDACTED:slack_token#');
    expect(sent).not.toContain(sample('jwt').secret);
    expect(sent).not.toContain(sample('slack_token').secret);
    expect(fake.leaks).toEqual([]);
  });

  it('start-up says what leaves the machine and that the data is a sample', () => {
    expect(info.join('\n')).toMatch(/leaves this machine: .*model at http:\/\/127\.0\.0\.1:\d+.*Slack at http:\/\/127\.0\.0\.1/);
    expect(info.join('\n')).toContain('bundled sample dataset (secrets-fixture)');
  });
});

describe('Slack bot: data sources', () => {
  it('refuses to start when one server reads live logs and the others the bundled sample, naming server and variable', async () => {
    const errors: string[] = [];
    const result = await launch(
      baseEnv({ MCP_CONFIG: path.join(REPO, 'mcp-servers.json'), LOGS_PATH: path.join(DATA, 'logs'), ANALYSIS_ENGINE: 'builtin' }),
      { error: (line) => errors.push(line) },
      factory,
    );
    if (result.ok) await result.stop();
    expect(result.ok).toBe(false);
    expect(result.ok ? 0 : result.exitCode).toBe(2);
    expect(errors.join('\n')).toMatch(
      /mixed data sources: "logs" serves live systems but server "git" serves the bundled sample dataset "secrets-fixture" \(set GIT_REPO_PATH, or leave it out with DISABLE_SERVERS=git or the CLI's --without git\)/,
    );
    expect(errors.join('\n')).toContain('set PROMETHEUS_URL');
  });

  it('refuses to start when LOGS_PATH or GIT_REPO_PATH does not exist, naming the variable and the path (exit 2)', async () => {
    for (const [variable, missing] of [
      ['LOGS_PATH', '/nonexistent/var/log/app'],
      ['GIT_REPO_PATH', '/nonexistent/src/app'],
    ] as const) {
      const errors: string[] = [];
      const result = await launch(
        baseEnv({ MCP_CONFIG: path.join(REPO, 'mcp-servers.json'), [variable]: missing }),
        { error: (line) => errors.push(line) },
        factory,
      );
      if (result.ok) await result.stop();
      expect(result.ok ? 0 : result.exitCode).toBe(2);
      expect(errors.join('\n')).toContain(`${variable}: "${missing}" does not exist`);
    }
  });

  it('refuses an OLLAMA_API_KEY over plain HTTP to another host', async () => {
    const errors: string[] = [];
    const result = await launch(
      baseEnv({ OLLAMA_HOST: 'http://ollama.example.com:11434', OLLAMA_API_KEY: 'ok-key-123' }),
      { error: (line) => errors.push(line) },
      factory,
    );
    expect(result.ok).toBe(false);
    expect(errors.join('\n')).toMatch(/OLLAMA_API_KEY: would be sent in clear text over plain HTTP to http:\/\/ollama\.example\.com:11434/);
    expect(errors.join('\n')).not.toContain('ok-key-123');
  });
});
