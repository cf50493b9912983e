import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/store/sqlite.js';
import {
  type ChatBody,
  type FakeOllama,
  type FakeTurn,
  finalAnswer,
  firstToolOutputLine,
  startFakeOllama,
} from '../fakes/ollama/server.js';
import { BOT_ID, blockText, FakeSlack, findButton, type StoredMessage } from '../fakes/slack/server.js';
import { streamedText } from '../fakes/slack/streaming.js';
import { assertBuilt, type BotProcess, cleanup, REPO, startBot } from './support/bot-process.js';

/**
 * The bot as a real process (real Bolt app, real runtime and MCP servers, fake Slack, fake Ollama with slow scripted
 * turns): killed with SIGKILL mid-analysis and started again on the same STATE_PATH, and stopped with SIGTERM.
 */

const CHANNEL = 'C0INCIDENT';
const ALERTS = 'C0ALERTS';

let fake: FakeSlack | undefined;
let ollama: FakeOllama | undefined;
const bots: BotProcess[] = [];
let dir = '';

beforeAll(() => assertBuilt());

afterEach(async () => {
  for (const bot of bots.splice(0)) await cleanup(bot);
  await ollama?.close();
  await fake?.close();
  fake = undefined;
  ollama = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = '';
});

function env(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    SLACK_BOT_TOKEN: 'xoxb-fake-bot-token',
    SLACK_APP_TOKEN: 'xapp-fake-app-token',
    SLACK_API_URL: fake?.apiUrl ?? '',
    SLACK_LOG_LEVEL: 'info',
    MCP_CONFIG: path.join(REPO, 'mcp-servers.json'),
    DATA_DIR: path.join(REPO, 'data/checkout-outage'),
    STATE_PATH: path.join(dir, 'state', 'bot.db'),
    OLLAMA_HOST: ollama?.url ?? '',
    ANALYSIS_ENGINE: 'ollama',
    OLLAMA_EVIDENCE_PACK: 'false',
    ALERT_CHANNELS: ALERTS,
    ...overrides,
  };
}

async function launchBot(overrides: Record<string, string> = {}, nodeArgs: string[] = []): Promise<BotProcess> {
  const bot = await startBot(env(overrides), dir, nodeArgs);
  bots.push(bot);
  await fake?.connected();
  return bot;
}

/** What the next start would report as cut short, read from the bot's state file. */
async function unfinishedInStore(): Promise<string[]> {
  const store = SqliteStore.open(env().STATE_PATH ?? '');
  try {
    return (await store.analysesIn(['queued', 'running'], 10)).map((analysis) => `${analysis.id} ${analysis.state}`);
  } finally {
    await store.close();
  }
}

const text = (body: ChatBody) => body.messages.map((message) => message.content).join('\n');

/** A model that calls one tool, then answers; `hold(body)` may keep the second turn waiting. */
function model(hold: (body: ChatBody) => Promise<void> | undefined) {
  return async (body: ChatBody): Promise<FakeTurn> => {
    if (body.format) {
      return finalAnswer({
        summary: `scripted summary for ${/Previous analysis of/.test(text(body)) ? 'a follow-up' : 'an incident'}`,
        rootCause: 'scripted root cause',
        confidence: 'medium',
        timeline: [],
        evidence: [{ id: 'E1', source: 'logs', tool: 'T1', summary: 'errors', quote: firstToolOutputLine(body, 'T1') }],
        recommendations: ['scripted recommendation'],
      });
    }
    if (!body.messages.some((message) => message.role === 'tool')) {
      return { toolCalls: [{ name: 'error_summary', arguments: { since: '2h' } }] };
    }
    await hold(body);
    return { content: 'done investigating' };
  };
}

const isReport = (message: StoredMessage) => message.blocks?.some((block) => block.type === 'header') ?? false;

const RUNBOOK = 'https://runbooks.example.com/checkout/5xx.md';

function alertMessage(runbook?: string): Record<string, unknown> {
  return {
    type: 'message',
    subtype: 'bot_message',
    bot_id: 'B0ALERTMGR',
    username: 'alertmanager',
    channel: ALERTS,
    text: '',
    attachments: [
      {
        title: '[FIRING:1] HighErrorRate checkout (critical)',
        text: `*Alert:* checkout 5xx above 5% - \`critical\`\n*Details:*\n • *alertname:* \`HighErrorRate\`\n • *service:* \`checkout\`${
          runbook ? `\n<${runbook}|:book: Runbook>` : ''
        }`,
        fallback: '[FIRING] HighErrorRate',
      },
    ],
  };
}

describe('restarts', () => {
  it('kill -9 mid-analysis, start again on the same STATE_PATH: interrupted with Re-run, old threads, buttons and alert cooldown still work', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'ip-restart-'));
    fake = await FakeSlack.start();
    let hangSlow = true;
    ollama = await startFakeOllama({
      script: model((body) => (hangSlow && text(body).includes('slow database incident') ? new Promise(() => {}) : undefined)),
    });
    const first = await launchBot();

    // An alert analysed to the end before the crash: its thread, report and fingerprint are in the store.
    const alertPost = fake.seed(alertMessage());
    await fake.event({ ...alertMessage(), ts: alertPost.ts });
    const alertReport = await fake.waitFor('the alert report', () => fake?.thread(ALERTS, alertPost.ts).find(isReport));

    // An analysis the model is still working on when the process is killed.
    await fake.slashCommand('slow database incident');
    const parent = await fake.waitFor('the status message', () =>
      fake?.messages.find((m) => m.channel === CHANNEL && !m.thread_ts && (m.text ?? '').includes('slow database incident')),
    );
    await fake.waitFor(
      'a tool call in the thread (streamed)',
      () => fake && /error_summary/.test(streamedText(fake.streaming, CHANNEL, parent.ts)),
    );
    await fake.waitFor('the model to be thinking', () => ollama?.requests.some((r) => r.messages.some((m) => m.role === 'tool')));
    first.child.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    expect(fake.messages.find((m) => m.ts === parent.ts)?.text).toMatch(/Investigating/);

    hangSlow = false;
    const second = await launchBot();
    const notice = await fake.waitFor('the interrupted notice', () =>
      fake?.thread(CHANNEL, parent.ts).find((m) => /was interrupted/.test(m.text ?? '') && findButton(m, 'rca_rerun')),
    );
    expect(notice.text).toMatch(/restarted while it was running/);
    await fake.waitFor('the status message to say interrupted', () =>
      /Interrupted/.test(fake?.messages.find((m) => m.ts === parent.ts)?.text ?? ''),
    );
    expect(second.log()).toMatch(/1 analyses were cut short by the last restart/);

    // Re-run from the notice's button, handled by the new process from the store.
    const chatsBefore = ollama.requests.length;
    await fake.click(notice, 'rca_rerun');
    await fake.waitFor('the re-run report', () => fake?.thread(CHANNEL, parent.ts).find(isReport));
    expect(ollama.requests.length).toBeGreaterThan(chatsBefore);

    // A repeat of the alert inside the cooldown joins the analysis from before the restart.
    const analysesBefore = ollama.requests.filter((r) => !r.messages.some((m) => m.role === 'tool') && !r.format).length;
    const repeat = fake.seed(alertMessage());
    await fake.event({ ...alertMessage(), ts: repeat.ts });
    await fake.waitFor('the join note', () => fake?.thread(ALERTS, alertPost.ts).find((m) => /joined this analysis/.test(m.text ?? '')));
    expect(fake.thread(ALERTS, repeat.ts).filter((m) => m.bot_id === BOT_ID)).toEqual([]);

    // A vote on the report from before the restart is recorded.
    const ack = fake.callsOf('chat.postEphemeral').length;
    await fake.clickFeedback(alertReport, 'positive');
    await fake.waitFor('the thanks', () => fake && fake.callsOf('chat.postEphemeral').length > ack);
    expect(String(fake.callsOf('chat.postEphemeral').at(-1)?.args.text)).toMatch(/feedback on analysis/);

    // A follow-up mention in the old alert thread gets the old report as context.
    const mention = fake.seed({ channel: ALERTS, user: 'U0HUMAN01', text: '<@U0FAKEBOT> was it the deploy?', thread_ts: alertPost.ts });
    await fake.event({
      type: 'app_mention',
      user: 'U0HUMAN01',
      text: mention.text,
      ts: mention.ts,
      thread_ts: alertPost.ts,
      channel: ALERTS,
    });
    await fake.waitFor('the follow-up report', () =>
      fake?.thread(ALERTS, alertPost.ts).find((m) => isReport(m) && /a follow-up/.test(blockText(m))),
    );
    const followUp = ollama.requests.find((r) => /was it the deploy/.test(text(r)));
    expect(text(followUp!)).toMatch(/Previous analysis of: alertmanager alert HighErrorRate/);
    expect(ollama.requests.filter((r) => !r.messages.some((m) => m.role === 'tool') && !r.format).length).toBe(analysesBefore + 1);

    // A killed MCP server is restarted and the bot says so in its log and in /rca status.
    const gitPid = Number(/mcp git: started with \d+ tools in \d+ ms \(pid (\d+)\)/.exec(second.log())?.[1]);
    expect(gitPid).toBeGreaterThan(0);
    process.kill(gitPid, 'SIGKILL');
    await second.waitForLog(/mcp git: restarted/);
    expect(second.log()).toMatch(/mcp git: the server process exited; restarting in \d+ ms/);
    const status = await fake.slashCommand('status');
    expect(blockText(status as StoredMessage)).toMatch(/git — ready, \d+ tools, 1 restart/);
    expect(blockText(status as StoredMessage)).toMatch(/Engine:\* ollama:qwen3:8b/);
    expect(fake.invalid).toEqual([]);
    expect(fake.leaks).toEqual([]);
  }, 120_000);

  it('SIGTERM with one running and one queued: intake refused, the running one finishes, the queued one is told', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'ip-sigterm-'));
    fake = await FakeSlack.start();
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    ollama = await startFakeOllama({ script: model((body) => (text(body).includes('running incident') ? gate : undefined)) });
    const bot = await launchBot({ ANALYSIS_CONCURRENCY: '1', SHUTDOWN_GRACE_MS: '30000' });

    await fake.slashCommand('running incident');
    const running = await fake.waitFor('the running status', () =>
      fake?.messages.find((m) => !m.thread_ts && (m.text ?? '').includes('running incident')),
    );
    await fake.waitFor('the model to be thinking', () => ollama?.requests.some((r) => r.messages.some((m) => m.role === 'tool')));
    const queuedAck = await fake.slashCommand('queued incident');
    expect(blockText(queuedAck as StoredMessage)).toMatch(/Queued \(position 1\)/);
    const queued = await fake.waitFor('the queued status', () =>
      fake?.messages.find((m) => !m.thread_ts && (m.text ?? '').includes('queued incident')),
    );

    bot.child.kill('SIGTERM');
    await bot.waitForLog(/SIGTERM: no new analyses/);
    const refused = await fake.slashCommand('new incident during shutdown');
    expect(blockText(refused as StoredMessage)).toMatch(/restarting; try again in a minute/);
    await fake.waitFor('the queued one to be told', () =>
      fake
        ?.thread(CHANNEL, queued.ts)
        .find((m) => /interrupted: the bot restarted before it started/.test(m.text ?? '') && findButton(m, 'rca_rerun')),
    );

    release();
    await fake.waitFor('the running one to finish', () => fake?.thread(CHANNEL, running.ts).find(isReport));
    const exit = await bot.exited;
    expect(exit.code).toBe(0);
    expect(fake.messages.find((m) => m.ts === running.ts)?.text).toMatch(/Done/);
    expect(fake.messages.find((m) => m.ts === queued.ts)?.text).toMatch(/Interrupted/);
    expect(fake.messages.some((m) => (m.text ?? '').includes('new incident during shutdown'))).toBe(false);
    // Nothing was left queued or running for the next start to report.
    expect(await unfinishedInStore()).toEqual([]);
  }, 120_000);

  it('an uncaught exception is logged, marks the running analysis failed in its thread, and exits non-zero', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'ip-crash-'));
    fake = await FakeSlack.start();
    ollama = await startFakeOllama({ script: model(() => new Promise(() => {})) });
    const bot = await launchBot({}, ['--import', path.join(REPO, 'test/slack/support/crash-on-signal.mjs')]);
    await fake.slashCommand('incident during a crash');
    const parent = await fake.waitFor('the status message', () =>
      fake?.messages.find((m) => !m.thread_ts && (m.text ?? '').includes('incident during a crash')),
    );
    await fake.waitFor('the model to be thinking', () => ollama?.requests.some((r) => r.messages.some((m) => m.role === 'tool')));
    bot.child.kill('SIGUSR2');
    expect((await bot.exited).code).toBe(1);
    expect(bot.log()).toMatch(/uncaught exception: Error: injected crash for the test/);
    const notice = fake.thread(CHANNEL, parent.ts).find((m) => /failed: the bot crashed/.test(m.text ?? ''));
    expect(notice && findButton(notice, 'rca_rerun')).toBeTruthy();
    expect(fake.messages.find((m) => m.ts === parent.ts)?.text).toMatch(/Failed after .*the bot crashed/);
    // Its streamed progress message is not left open either.
    expect(fake.streaming.inThread(CHANNEL, parent.ts).map((s) => s.state)).toEqual(['stopped']);
    // The next start finds nothing left running: the crash already told the thread.
    expect(await unfinishedInStore()).toEqual([]);
  }, 120_000);

  it('kill -9 with a streamed analysis running and an alert queued: the stream is stopped, the alert re-runs with its runbook_url', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'ip-restart-durable-'));
    fake = await FakeSlack.start();
    let hangSlow = true;
    ollama = await startFakeOllama({
      script: model((body) => (hangSlow && text(body).includes('slow database incident') ? new Promise(() => {}) : undefined)),
    });
    const first = await launchBot({ ANALYSIS_CONCURRENCY: '1' });

    await fake.slashCommand('slow database incident');
    const parent = await fake.waitFor('the status message', () =>
      fake?.messages.find((m) => m.channel === CHANNEL && !m.thread_ts && (m.text ?? '').includes('slow database incident')),
    );
    const stream = await fake.waitFor('a streamed tool call', () =>
      fake?.streaming.inThread(CHANNEL, parent.ts).find((s) => /error_summary/.test(JSON.stringify(s.chunks))),
    );
    await fake.waitFor('the model to be thinking', () => ollama?.requests.some((r) => r.messages.some((m) => m.role === 'tool')));
    // The alert waits behind the running analysis (one slot): queued when the process dies.
    const alertPost = fake.seed(alertMessage(RUNBOOK));
    await fake.event({ ...alertMessage(RUNBOOK), ts: alertPost.ts });
    await fake.waitFor('the queued alert', () => fake?.thread(ALERTS, alertPost.ts).find((m) => /Queued/.test(m.text ?? '')));
    for (let tries = 0; tries < 100 && (await unfinishedInStore()).length < 2; tries++) await new Promise((r) => setTimeout(r, 20));
    first.child.kill('SIGKILL');
    await first.exited;
    expect(stream.state).toBe('streaming');

    hangSlow = false;
    // Only a responder may re-run what an alert started.
    const second = await launchBot({ ANALYSIS_CONCURRENCY: '1', RESPONDERS: 'U0HUMAN01' });
    await fake.waitFor('the stream to be stopped', () => stream.state === 'stopped');
    expect(JSON.stringify(stream.chunks.at(-1))).toMatch(/Interrupted: the bot restarted while it was running/);
    await fake.waitFor('the interrupted notice of the /rca', () =>
      fake?.thread(CHANNEL, parent.ts).find((m) => /was interrupted/.test(m.text ?? '')),
    );
    const notice = await fake.waitFor('the alert notice', () =>
      fake?.thread(ALERTS, alertPost.ts).find((m) => /restarted while it was queued/.test(m.text ?? '') && findButton(m, 'rca_rerun')),
    );
    expect(second.log()).toMatch(/stopped the progress stream left open/);

    // Re-run of the alert, from the store: the engine is told the alert and its runbook_url again.
    const chatsBefore = ollama.requests.length;
    await fake.click(notice, 'rca_rerun');
    await fake.waitFor('the re-run report', () => fake?.thread(ALERTS, alertPost.ts).find(isReport));
    const rerun = ollama.requests.slice(chatsBefore).find((r) => /HighErrorRate/.test(text(r)));
    expect(text(rerun!)).toContain(`HighErrorRate runbook_url=${RUNBOOK}`);
    expect(fake.invalid).toEqual([]);
  }, 120_000);

  it('a stream that is no longer open (expired, stopped) at restart: recovery notes it and still posts the Re-run notice', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'ip-restart-stream-'));
    fake = await FakeSlack.start();
    ollama = await startFakeOllama({
      script: model((body) => (text(body).includes('slow cache incident') ? new Promise(() => {}) : undefined)),
    });
    const first = await launchBot();
    await fake.slashCommand('slow cache incident');
    const parent = await fake.waitFor('the status message', () =>
      fake?.messages.find((m) => m.channel === CHANNEL && !m.thread_ts && (m.text ?? '').includes('slow cache incident')),
    );
    const stream = await fake.waitFor('a streamed tool call', () =>
      fake?.streaming.inThread(CHANNEL, parent.ts).find((s) => /error_summary/.test(JSON.stringify(s.chunks))),
    );
    await fake.waitFor('the model to be thinking', () => ollama?.requests.some((r) => r.messages.some((m) => m.role === 'tool')));
    first.child.kill('SIGKILL');
    await first.exited;
    // Slack ends streams on its own after a while: chat.stopStream then answers message_not_in_streaming_state.
    stream.state = 'stopped';
    const chunksBefore = stream.chunks.length;

    const second = await launchBot();
    await fake.waitFor('the interrupted notice', () =>
      fake?.thread(CHANNEL, parent.ts).find((m) => /was interrupted/.test(m.text ?? '') && findButton(m, 'rca_rerun')),
    );
    expect(second.log()).toMatch(/progress stream was already closed \(message_not_in_streaming_state\)/);
    expect(stream.chunks).toHaveLength(chunksBefore);
    expect(second.child.exitCode).toBeNull();
  }, 120_000);
});
