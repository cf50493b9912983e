import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type ChatBody,
  type FakeOllama,
  type FakeTurn,
  finalAnswer,
  firstToolOutputLine,
  startFakeOllama,
} from '../fakes/ollama/server.js';
import { BOT_ID, FakeSlack, findButton, type StoredMessage } from '../fakes/slack/server.js';
import { type RunningPostgres, startPostgres } from '../support/postgres.js';
import { assertBuilt, type BotProcess, cleanup, REPO, startBot } from './support/bot-process.js';

/**
 * Two bot processes (dist/) on one state database against the fake Slack, which spreads envelopes over both Socket
 * Mode connections at random and redelivers some events (as Slack's retries do, possibly to the other replica).
 * The database here is the SQLite file in WAL mode, which two processes on one host share.
 */

const COMMANDS = 100;
const ALERTS = 50;
/** One channel per trigger: the per-channel pace (about one post a second) is per replica, so two replicas sharing a busy channel meet 429s (docs/state.md). */
const COMMAND_CHANNELS = 100;
const ALERT_CHANNELS = 50;
const PEOPLE = 5;
/** Commands around the database restart. */
const RESTART_BURST = 20;
const LEASE_MS = 1_500;
/** Beyond the lease: a heartbeat period to notice, then the notice's post through the fake Slack. */
const TAKEOVER_MARGIN_MS = 6_000;
const TOKEN = 'replica-webhook-token-0123456789';

let fake: FakeSlack | undefined;
let ollama: FakeOllama | undefined;
const bots: BotProcess[] = [];
let dir = '';

beforeAll(() => assertBuilt());

/** One real PostgreSQL (test/support/postgres.ts) for the file, started on first use; a database per test. */
let postgres: Promise<RunningPostgres> | undefined;
afterAll(async () => {
  await (await postgres)?.stop();
});
type Backend = 'sqlite' | 'postgres';
/** Where both replicas keep their state: the SQLite file (env's STATE_PATH) or a new PostgreSQL database. */
async function stateOf(backend: Backend): Promise<Record<string, string>> {
  if (backend === 'sqlite') return {};
  postgres ??= startPostgres();
  return { STATE_URL: await (await postgres).newDatabase() };
}

afterEach(async () => {
  for (const bot of bots.splice(0)) await cleanup(bot);
  await ollama?.close();
  await fake?.close();
  fake = undefined;
  ollama = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = '';
});

const channelId = (prefix: string, i: number) => `${prefix}${String(i).padStart(4, '0')}`;
const alertChannels = Array.from({ length: ALERT_CHANNELS }, (_, i) => channelId('C0ALRT', i));

function env(id: string, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    SLACK_BOT_TOKEN: 'xoxb-fake-bot-token',
    SLACK_APP_TOKEN: 'xapp-fake-app-token',
    SLACK_API_URL: fake?.apiUrl ?? '',
    SLACK_LOG_LEVEL: 'info',
    MCP_CONFIG: path.join(REPO, 'mcp-servers.json'),
    DATA_DIR: path.join(REPO, 'data/checkout-outage'),
    STATE_PATH: path.join(dir, 'state', 'bot.db'),
    ANALYSIS_ENGINE: 'builtin',
    ALERT_CHANNELS: alertChannels.join(','),
    ANALYSIS_CONCURRENCY: '4',
    QUEUE_MAX: '300',
    SLACK_STREAMING: 'off',
    // A few people send the burst (their users.info is cached) and the shared-channel lookup is off: the access check
    // then answers within its 2.5 s budget on a loaded machine.
    MAX_QUEUED_PER_USER: String(COMMANDS),
    ALLOW_SHARED_CHANNELS: 'true',
    REPLICA_ID: id,
    STATE_LEASE_MS: String(LEASE_MS),
    ...overrides,
  };
}

async function launch(id: string, overrides: Record<string, string> = {}): Promise<BotProcess> {
  const bot = await startBot(env(id, overrides), dir);
  bots.push(bot);
  return bot;
}

/** The burst's waits: 150 analyses on two shared cores take minutes, past the fake's own per-wait limit. */
const BURST_WAIT_MS = 240_000;
async function waitLong<T>(what: string, check: () => T | undefined | false | null): Promise<T> {
  const deadline = Date.now() + BURST_WAIT_MS;
  // Bounded by BURST_WAIT_MS.
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const isReport = (message: StoredMessage) => message.blocks?.some((block) => block.type === 'header') ?? false;
const fromBot = (message: StoredMessage) => message.bot_id === BOT_ID;
const analysisIds = (messages: StoredMessage[]) =>
  new Set(messages.flatMap((m) => [...JSON.stringify(m).matchAll(/\bA\d+-[0-9a-f]{10}\b/g)].map((match) => match[0])));

function alertMessage(i: number, channel: string): Record<string, unknown> {
  return {
    type: 'message',
    subtype: 'bot_message',
    bot_id: 'B0ALERTMGR',
    username: 'alertmanager',
    channel,
    text: '',
    attachments: [
      {
        title: `[FIRING:1] QueueBacklog${i} worker${i} (warning)`,
        text: `*Alert:* backlog of queue ${i} above limit - \`warning\`\n*Details:*\n • *alertname:* \`QueueBacklog${i}\`\n • *service:* \`worker${i}\``,
        fallback: `[FIRING] QueueBacklog${i}`,
      },
    ],
  };
}

describe('two replicas on one state database', () => {
  it(`${COMMANDS} /rca commands and ${ALERTS} alert messages spread over both, some redelivered: each answered once, one analysis and one report per trigger`, async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'ip-replicas-'));
    fake = await FakeSlack.start();
    fake.spread = true;
    const a = await launch('replica-a');
    const b = await launch('replica-b');
    await fake.waitFor('both Socket Mode connections', () => fake?.openConnections === 2);

    const commands = Array.from({ length: COMMANDS }, (_, i) => ({
      text: `checkout returns 502 burst ${i}`,
      channel: channelId('C0CMD', i % COMMAND_CHANNELS),
      user: `U0USER${String(i % PEOPLE).padStart(4, '0')}`,
    }));
    const answers = await Promise.all(commands.map((c) => fake?.slashCommand(c.text, { user: c.user, channel: c.channel })));
    // Each command gets one answer: queued, or refused (a check Slack did not answer in time under the burst).
    const accepted = commands.filter((_, i) => /Queued|analysis `?A\d+-/.test(String(answers[i]?.text)));
    const refused = commands.filter((c) => !accepted.includes(c));
    expect(answers.every((answer) => answer && typeof answer.text === 'string')).toBe(true);
    expect(accepted.length).toBeGreaterThan(COMMANDS * 0.8);

    const alerts = Array.from({ length: ALERTS }, (_, i) => {
      const channel = alertChannels[i % ALERT_CHANNELS] ?? '';
      const message = alertMessage(i, channel);
      return { channel, message, posted: fake?.seed(message as unknown as StoredMessage) as StoredMessage };
    });
    await Promise.all(
      alerts.map(async ({ message, posted }, i) => {
        const eventId = `EvALERT${String(i).padStart(4, '0')}`;
        await fake?.event({ ...message, ts: posted.ts }, { eventId });
        // Every third one comes again, as Slack's retry does, to either replica.
        if (i % 3 === 0) await fake?.event({ ...message, ts: posted.ts }, { eventId, retryAttempt: 1 });
      }),
    );

    for (const command of accepted) {
      const parents = await waitLong(`the status message of "${command.text}"`, () => {
        const found = fake?.messages.filter(
          (m) => m.channel === command.channel && !m.thread_ts && fromBot(m) && (m.text ?? '').includes(command.text),
        );
        return found?.length ? found : undefined;
      });
      expect(parents, command.text).toHaveLength(1);
      const parent = parents[0] as StoredMessage;
      await waitLong(`the report of "${command.text}"`, () => fake?.thread(command.channel, parent.ts).find(isReport));
    }
    for (const alert of alerts) {
      await waitLong(`the report of alert ${alert.posted.ts}`, () => fake?.thread(alert.channel, alert.posted.ts).find(isReport));
    }
    // Late duplicates would show up in the next moments; the counts are taken after them.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    for (const command of refused)
      expect(
        fake.messages.some((m) => m.channel === command.channel),
        command.text,
      ).toBe(false);
    for (const command of accepted) {
      const parent = fake.messages.find((m) => m.channel === command.channel && !m.thread_ts && (m.text ?? '').includes(command.text));
      const thread = fake.thread(command.channel, parent?.ts ?? '').filter(fromBot);
      expect(thread.filter(isReport), command.text).toHaveLength(1);
      expect(analysisIds(thread).size, command.text).toBe(1);
    }
    for (const alert of alerts) {
      const thread = fake.thread(alert.channel, alert.posted.ts).filter(fromBot);
      expect(thread.filter(isReport), `alert ${alert.posted.ts}`).toHaveLength(1);
      expect(analysisIds(thread).size, `alert ${alert.posted.ts}`).toBe(1);
    }
    // Both replicas did part of the work.
    for (const bot of [a, b]) expect(bot.log()).toMatch(/analysis A\d+-[0-9a-f]{10} started/);
    expect(fake.invalid).toEqual([]);
  }, 420_000);

  it.each<Backend>(['sqlite', 'postgres'])(
    'kill -9 of the replica running an analysis (%s): the survivor marks it interrupted with Re-run within the lease, and Re-run works there',
    async (backend) => {
      dir = mkdtempSync(path.join(tmpdir(), 'ip-replicas-'));
      fake = await FakeSlack.start();
      let hang = true;
      ollama = await startFakeOllama({ script: model(() => (hang ? new Promise(() => {}) : undefined)) });
      const ollamaEnv = { ANALYSIS_ENGINE: 'ollama', OLLAMA_HOST: ollama.url, OLLAMA_EVIDENCE_PACK: 'false', ...(await stateOf(backend)) };
      const a = await launch('replica-a', ollamaEnv);
      await fake.connected();
      await fake.slashCommand('slow database incident', { channel: 'C0INCIDENT' });
      const parent = await fake.waitFor('the status message', () =>
        fake?.messages.find((m) => m.channel === 'C0INCIDENT' && !m.thread_ts && /slow database incident/.test(m.text ?? '')),
      );
      await fake.waitFor('the model to be thinking', () => ollama?.requests.some((r) => r.messages.some((m) => m.role === 'tool')));

      // A replica starting beside a live one leaves its running analysis alone.
      const b = await launch('replica-b', ollamaEnv);
      await fake.waitFor('both connections', () => fake?.openConnections === 2);
      await new Promise((resolve) => setTimeout(resolve, LEASE_MS * 2));
      expect(fake.thread('C0INCIDENT', parent.ts).some((m) => /interrupted/.test(m.text ?? ''))).toBe(false);

      a.child.kill('SIGKILL');
      const killedAt = Date.now();
      await a.exited;
      await fake.waitFor('only the survivor connected', () => fake?.openConnections === 1);
      const notice = await fake.waitFor('the interrupted notice', () =>
        fake?.thread('C0INCIDENT', parent.ts).find((m) => /was interrupted/.test(m.text ?? '') && findButton(m, 'rca_rerun')),
      );
      expect(Date.now() - killedAt).toBeLessThan(LEASE_MS + TAKEOVER_MARGIN_MS);
      expect(notice.text).toMatch(/replica running it \(replica-a\) stopped/);
      expect(b.log()).toMatch(/replica replica-a stopped renewing analysis A\d+-[0-9a-f]{10}; replica replica-b takes it over/);
      await fake.waitFor('the status message to say interrupted', () =>
        /Interrupted/.test(fake?.messages.find((m) => m.ts === parent.ts)?.text ?? ''),
      );

      hang = false;
      await fake.click(notice, 'rca_rerun');
      await fake.waitFor('the re-run report from the survivor', () => fake?.thread('C0INCIDENT', parent.ts).find(isReport));
      expect(fake.thread('C0INCIDENT', parent.ts).filter(isReport)).toHaveLength(1);
      expect(fake.invalid).toEqual([]);
    },
    120_000,
  );

  it.each<Backend>(['sqlite', 'postgres'])(
    'two webhooks of one Alertmanager group at the same moment on different replicas (%s): one parent, one analysis; the resolution reaches that thread',
    async (backend) => {
      dir = mkdtempSync(path.join(tmpdir(), 'ip-replicas-'));
      fake = await FakeSlack.start();
      const state = await stateOf(backend);
      const webhookEnv = (port: string) => ({ ALERT_WEBHOOK_TOKEN: TOKEN, PORT: port, ...state });
      const a = await launch('replica-a', webhookEnv('0'));
      const b = await launch('replica-b', webhookEnv('0'));
      const ports = [a, b].map((bot) => Number(/alert webhooks on port (\d+)/.exec(bot.log())?.[1]));
      expect(ports.every((port) => port > 0)).toBe(true);
      const payload = (status: 'firing' | 'resolved') => ({
        version: '4',
        groupKey: '{}:{alertname="CheckoutErrors"}',
        truncatedAlerts: 0,
        status,
        receiver: 'incidentpilot',
        groupLabels: { alertname: 'CheckoutErrors' },
        commonLabels: { alertname: 'CheckoutErrors', service: 'checkout', severity: 'critical' },
        commonAnnotations: { summary: 'checkout 5xx above 5%' },
        externalURL: 'http://alertmanager.example:9093',
        alerts: [
          {
            status,
            labels: { alertname: 'CheckoutErrors', service: 'checkout', severity: 'critical' },
            annotations: { summary: 'checkout 5xx above 5%' },
            startsAt: new Date(Date.now() - 60_000).toISOString(),
            endsAt: status === 'resolved' ? new Date().toISOString() : '0001-01-01T00:00:00Z',
            generatorURL: 'http://prometheus.example:9090/graph',
            fingerprint: 'c0ffee0123456789',
          },
        ],
      });
      const deliver = (port: number, status: 'firing' | 'resolved') =>
        fetch(`http://127.0.0.1:${port}/alerts/alertmanager?channel=C0WEBHOOK`, {
          method: 'POST',
          headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
          body: JSON.stringify(payload(status)),
        });
      const answers = await Promise.all(ports.map((port) => deliver(port, 'firing')));
      expect(answers.map((r) => r.status).every((status) => status >= 200 && status < 300)).toBe(true);
      const parent = await fake.waitFor('the alert parent', () => fake?.messages.find((m) => m.channel === 'C0WEBHOOK' && !m.thread_ts));
      await fake.waitFor('the report', () => fake?.thread('C0WEBHOOK', parent.ts).find(isReport));
      expect(fake.messages.filter((m) => m.channel === 'C0WEBHOOK' && !m.thread_ts)).toHaveLength(1);
      expect(analysisIds(fake.thread('C0WEBHOOK', parent.ts).filter(fromBot)).size).toBe(1);

      // The resolution, delivered to the replica that did not start the analysis as often as to the one that did.
      expect((await deliver(ports[1] ?? 0, 'resolved')).status).toBeLessThan(300);
      await fake.waitFor('the resolution in the thread', () =>
        fake?.thread('C0WEBHOOK', parent.ts).find((m) => /Alert resolved/i.test(m.text ?? '')),
      );
      expect(fake.messages.filter((m) => m.channel === 'C0WEBHOOK' && !m.thread_ts)).toHaveLength(1);
    },
    120_000,
  );

  it('PostgreSQL restarted during a burst on two replicas: every queued command gets one status message and one report, no restart of the bot', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'ip-replicas-'));
    fake = await FakeSlack.start();
    fake.spread = true;
    const state = await stateOf('postgres');
    await launch('replica-a', state);
    await launch('replica-b', state);
    await fake.waitFor('both Socket Mode connections', () => fake?.openConnections === 2);
    const burst = Array.from({ length: RESTART_BURST }, (_, i) => ({
      text: `payments timeout during restart ${i}`,
      channel: channelId('C0RST', i),
      user: `U0USER${String(i % PEOPLE).padStart(4, '0')}`,
    }));
    const first = burst.slice(0, RESTART_BURST / 2);
    const second = burst.slice(RESTART_BURST / 2);
    const send = (list: typeof burst) => Promise.all(list.map((c) => fake?.slashCommand(c.text, { user: c.user, channel: c.channel })));
    const answers = [...(await send(first))];
    // The database goes away for two seconds while the first half runs and the second half arrives.
    const [, late] = await Promise.all([(await postgres)?.restart(2_000), send(second)]);
    answers.push(...late);
    const accepted = burst.filter((_, i) => /Queued|analysis `?A\d+-/.test(String(answers[i]?.text)));
    expect(accepted.length).toBeGreaterThan(RESTART_BURST * 0.8);
    for (const command of accepted) {
      const parent = await waitLong(`the status message of "${command.text}"`, () =>
        fake?.messages.find((m) => m.channel === command.channel && !m.thread_ts && fromBot(m)),
      );
      await waitLong(`the report of "${command.text}"`, () => fake?.thread(command.channel, parent.ts).find(isReport));
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    for (const command of accepted) {
      const parents = fake.messages.filter((m) => m.channel === command.channel && !m.thread_ts && fromBot(m));
      expect(parents, command.text).toHaveLength(1);
      const thread = fake.thread(command.channel, parents[0]?.ts ?? '').filter(fromBot);
      expect(thread.filter(isReport), command.text).toHaveLength(1);
      expect(analysisIds(thread).size, command.text).toBe(1);
    }
    for (const bot of bots) expect(bot.child.exitCode).toBeNull();
  }, 300_000);
});

const text = (body: ChatBody) => body.messages.map((message) => message.content).join('\n');

/** A model that calls one tool, then answers; `hold()` may keep the second turn waiting. */
function model(hold: () => Promise<void> | undefined) {
  return async (body: ChatBody): Promise<FakeTurn> => {
    if (body.format) {
      return finalAnswer({
        summary: 'scripted summary',
        rootCause: 'scripted root cause',
        confidence: 'medium',
        timeline: [],
        evidence: [{ id: 'E1', source: 'logs', tool: 'T1', summary: 'errors', quote: firstToolOutputLine(body, 'T1') }],
        recommendations: ['scripted recommendation'],
      });
    }
    if (!body.messages.some((message) => message.role === 'tool'))
      return { toolCalls: [{ name: 'error_summary', arguments: { since: '2h' } }] };
    if (/slow database incident/.test(text(body))) await hold();
    return { content: 'done investigating' };
  };
}
