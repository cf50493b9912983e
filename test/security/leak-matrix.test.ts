import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRuntime } from '../../src/runtime/runtime.js';
import { ACTION_IDS } from '../../src/slack/blocks/limits.js';
import { type LaunchResult, launch } from '../../src/slack/launch.js';
import { startFakeOllama } from '../fakes/ollama/server.js';
import { FakeSlack, type StoredMessage } from '../fakes/slack/server.js';
import { freePort } from '../support/prometheus.js';
import { DATA, INCIDENT, obedientModel, REPO, SECRETS, writeScenarioConfig } from './scenario.js';

/**
 * Issue 21's leak matrix: the real Bolt app (launch, real MCP servers on the secrets dataset), the built CLI and the
 * built `npm run eval -- --export`, against the fake Slack and the fake Ollama, once with the default redaction and
 * once with REDACT_IPS=true and a company pattern. Secrets are planted in logs and commits (the dataset), the /rca
 * text, alert labels (a webhook and its parent message), thread context, a confirmed cause and a 👎 answer; none may
 * appear in a model request, a Slack payload, the state files, the exported case or the CLI's output.
 */

const CHANNEL = 'C0INCIDENT';
const ALERTS = 'C0ALERTS';
const RESPONDER = 'U0BOSS01';
const IP = '10.20.30.40';
const EMPLOYEE = 'EMP-004211';
/** Planted outside the dataset: in labels, the thread, the confirmed cause, the 👎 answer. */
const LABEL_PASSWORD = 'LabelPw-81';
const LABEL_REDIS = 'LabelRedis82';
const THREAD_TOKEN = 'ThreadTok83';
const CAUSE_PASSWORD = 'CausePw84';
const ANSWER_TOKEN = 'AnswerTok85';
const ALWAYS = [...SECRETS, LABEL_PASSWORD, LABEL_REDIS, THREAD_TOKEN, CAUSE_PASSWORD, ANSWER_TOKEN];
const WEBHOOK_TOKEN = 'whk-leak-matrix-token-1';

const CONFIGS = [
  { name: 'default redaction', env: {} as Record<string, string>, planted: ALWAYS },
  {
    name: 'REDACT_IPS=true and REDACT_EXTRA_PATTERNS',
    env: { REDACT_IPS: 'true', REDACT_EXTRA_PATTERNS: '{"employee_id": "EMP-[0-9]{6}"}' },
    planted: [...ALWAYS, IP, EMPLOYEE],
  },
];

interface Outputs {
  model: string;
  slack: string;
  leaks: string[];
  state: string;
  exported: string;
  exportRun: Run;
  cli: Run;
  pastIncidentShown: boolean;
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function node(args: string[], env: Record<string, string>, cwd: string): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      args,
      { cwd, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env }, timeout: 60_000 },
      (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr }),
    );
  });
}

/** Every file under `dir`, read as text (SQLite pages and WAL included: a planted value would be there verbatim). */
function readAll(dir: string): string {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((name) => path.join(dir, name))
    .filter((file) => statSync(file).isFile())
    .map((file) => readFileSync(file, 'latin1'))
    .join('\n');
}

function actionValue(message: StoredMessage): string {
  const actions = message.blocks?.find((block) => block.type === 'actions') as { elements: Array<{ value: string }> } | undefined;
  return actions?.elements[0]?.value ?? '';
}

async function scenario(configEnv: Record<string, string>): Promise<Outputs> {
  const work = mkdtempSync(path.join(tmpdir(), 'ip-leak-matrix-'));
  const stateDir = path.join(work, 'state');
  const fake = await FakeSlack.start();
  const ollama = await startFakeOllama({ script: obedientModel });
  const port = await freePort();
  const mcpConfig = writeScenarioConfig();
  const engineEnv = {
    OLLAMA_HOST: ollama.url,
    ANALYSIS_ENGINE: 'ollama',
    OLLAMA_EVIDENCE_PACK: 'false',
    MCP_CONFIG: mcpConfig,
    ...configEnv,
  };
  const errors: string[] = [];
  const result: LaunchResult = await launch(
    {
      PATH: process.env.PATH ?? '',
      SLACK_BOT_TOKEN: 'xoxb-fake-bot-token',
      SLACK_APP_TOKEN: 'xapp-fake-app-token',
      SLACK_LOG_LEVEL: 'error',
      SLACK_API_URL: fake.apiUrl,
      DATA_DIR: DATA,
      STATE_PATH: path.join(stateDir, 'incidentpilot.db'),
      FEEDBACK_FILE: path.join(stateDir, 'votes.jsonl'),
      ALERT_CHANNELS: ALERTS,
      ALERT_WEBHOOK_TOKEN: WEBHOOK_TOKEN,
      ALERT_WEBHOOK_CHANNEL: ALERTS,
      PORT: String(port),
      RESPONDERS: RESPONDER,
      ...engineEnv,
    },
    { error: (line) => errors.push(line), info: () => {} },
    (_config, env) => createRuntime({ env, refuseMixedData: true }),
  );
  if (!result.ok) throw new Error(`the bot did not start: ${errors.join('; ')}`);
  const reportIn = (channel: string, ts: string) =>
    fake.thread(channel, ts).find((message) => message.blocks?.some((block) => block.type === 'header'));
  let analysisId = '';
  try {
    // 1. /rca: the public status message echoes the text.
    await fake.slashCommand(`${INCIDENT}; upstream ${IP} for ${EMPLOYEE}`, { channel: CHANNEL });
    const parent = await fake.waitFor('the status message', () => fake.messages.find((m) => m.channel === CHANNEL && !m.thread_ts));
    const report = await fake.waitFor('the report', () => reportIn(CHANNEL, parent.ts));
    analysisId = actionValue(report);

    // 2. An Alertmanager webhook: labels become the alert parent message and the analysis' scope.
    const response = await fetch(`http://127.0.0.1:${port}/alerts/alertmanager`, {
      method: 'POST',
      headers: { authorization: `Bearer ${WEBHOOK_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        version: '4',
        status: 'firing',
        receiver: 'slack',
        groupKey: '{}:{alertname="HighErrorRate"}',
        groupLabels: { alertname: 'HighErrorRate' },
        commonLabels: { alertname: 'HighErrorRate', service: 'checkout-api' },
        alerts: [
          {
            status: 'firing',
            labels: {
              alertname: 'HighErrorRate',
              service: 'checkout-api',
              instance: `${IP}:9100`,
              owner: EMPLOYEE,
              db_password: LABEL_PASSWORD,
              cache_url: `redis://:${LABEL_REDIS}@cache:6379/0`,
            },
            annotations: { summary: `checkout-api 5xx from ${IP}, paged ${EMPLOYEE}` },
            startsAt: '2024-05-01T14:40:00Z',
          },
        ],
      }),
    });
    expect(response.status).toBe(202);
    const alertParent = await fake.waitFor('the alert parent message', () =>
      fake.messages.find((m) => m.channel === ALERTS && !m.thread_ts),
    );
    await fake.waitFor('the alert report', () => reportIn(ALERTS, alertParent.ts));

    // 3. A mention in a thread: the thread is context for the model and is stored with the analysis.
    const thread = fake.seed({
      channel: CHANNEL,
      user: 'U0HUMAN02',
      text: `login broke from ${IP}, ${EMPLOYEE} saw X-Auth-Token: ${THREAD_TOKEN}`,
    });
    await fake.mention(CHANNEL, 'U0HUMAN01', 'what happened?', { threadTs: thread.ts });
    await fake.waitFor('the thread report', () => reportIn(CHANNEL, thread.ts));

    // 4. A responder confirms the cause; 5. someone answers 👎 with a cause of their own.
    await fake.click(report, ACTION_IDS.confirmCause, RESPONDER);
    const confirm = await fake.waitFor('the confirm modal', () => fake.views[0]);
    await fake.submitView(confirm.view, RESPONDER, {
      cause: `pool shrunk by a config push from ${IP} (${EMPLOYEE}) with password=${CAUSE_PASSWORD}`,
      culprit: 'config',
    });
    await fake.waitFor('the confirmation', () =>
      fake.callsOf('chat.postEphemeral').find((c) => /confirmed the cause/.test(String(c.args.text))),
    );
    await fake.clickFeedback(report, 'negative', 'U0VOTER01');
    const answer = await fake.waitFor('the 👎 modal', () => fake.views[1]);
    await fake.submitView(answer.view, 'U0VOTER01', { cause: `it was ${EMPLOYEE} running gh auth --token ${ANSWER_TOKEN}` });
    await fake.waitFor('the thanks', () => fake.callsOf('chat.postEphemeral').find((c) => /real cause you gave/.test(String(c.args.text))));

    // 6. The same incident again: the confirmed cause comes back to the model as a past incident.
    const before = ollama.requests.length;
    await fake.slashCommand(`${INCIDENT}; upstream ${IP} for ${EMPLOYEE}`, { channel: CHANNEL });
    await fake.waitFor('the second report', () => {
      const parents = fake.messages.filter((m) => m.channel === CHANNEL && !m.thread_ts && m.ts !== thread.ts);
      return parents.length >= 2 && reportIn(CHANNEL, parents.at(-1)?.ts ?? '');
    });
    const pastIncidentShown = JSON.stringify(ollama.requests.slice(before)).includes('pool shrunk by a config push');
    const model = JSON.stringify(ollama.requests);
    // What the bot sent: every Web API call and every envelope ack (the seeded human messages are not the bot's).
    const slack = JSON.stringify([fake.calls, [...fake.acks.values()]]);
    const leaks = [...fake.leaks];
    await result.stop();

    // 7. The state files, then the export people commit.
    const state = readAll(stateDir);
    const out = path.join(work, 'case');
    const exportRun = await node(
      [path.join(REPO, 'dist/src/eval/cli.js'), '--export', analysisId, '--out', out, '--state', path.join(stateDir, 'incidentpilot.db')],
      configEnv,
      work,
    );
    const exported = existsSync(out) ? readAll(out) : '';

    // 8. The built CLI with the same settings over the same dataset.
    const cli = await node(
      [path.join(REPO, 'dist/src/cli/rca.js'), '--data', DATA, `${INCIDENT}; upstream ${IP} for ${EMPLOYEE}`],
      engineEnv,
      work,
    );
    return { model, slack, leaks, state, exported, exportRun, cli, pastIncidentShown };
  } finally {
    await result.stop().catch(() => {});
    await fake.close();
    await ollama.close();
  }
}

for (const config of CONFIGS) {
  describe(`no planted value leaves the process: ${config.name}`, () => {
    let out: Outputs;

    beforeAll(async () => {
      for (const file of ['dist/src/cli/rca.js', 'dist/src/eval/cli.js', 'dist/mcp-servers/logs/index.js']) {
        if (!existsSync(path.join(REPO, file))) throw new Error(`${file} is missing: run npm run build first`);
      }
      out = await scenario(config.env);
    }, 240_000);

    it('the scenario reached every surface', () => {
      expect(out.exportRun.code, out.exportRun.stderr).toBe(0);
      expect(out.exported).toContain('incident:');
      expect(out.cli.code, out.cli.stderr).toBe(0);
      expect(out.state.length).toBeGreaterThan(0);
      expect(out.pastIncidentShown, 'the confirmed cause was shown to the model as a past incident').toBe(true);
      expect(out.model).toContain('[REDACTED:');
    });

    it('model requests', () => {
      expect(
        config.planted.filter((value) => out.model.includes(value)),
        'leaked to the model',
      ).toEqual([]);
    });

    it('Slack payloads', () => {
      expect(out.leaks).toEqual([]);
      expect(
        config.planted.filter((value) => out.slack.includes(value)),
        'leaked to Slack',
      ).toEqual([]);
    });

    it('state files (the database, its WAL, FEEDBACK_FILE)', () => {
      const stored = config.planted.filter((value) => out.state.includes(value));
      expect(stored, 'stored unredacted').toEqual([]);
    });

    it('the exported eval case', () => {
      expect(
        config.planted.filter((value) => out.exported.includes(value)),
        'exported unredacted',
      ).toEqual([]);
    });

    it('CLI output', () => {
      const printed = `${out.cli.stdout}${out.cli.stderr}${out.exportRun.stdout}${out.exportRun.stderr}`;
      expect(
        config.planted.filter((value) => printed.includes(value)),
        'printed',
      ).toEqual([]);
    });

    if (config.planted.includes(IP)) return;
    it('with the defaults, an IP and an employee id do reach the model (so the configured run proves something)', () => {
      expect(out.model).toContain(IP);
      expect(out.model).toContain(EMPLOYEE);
    });
  });
}
