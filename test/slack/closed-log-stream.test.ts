import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type FakeOllama, startFakeOllama } from '../fakes/ollama/server.js';
import { FakeSlack, type StoredMessage } from '../fakes/slack/server.js';
import { assertBuilt, type BotProcess, cleanup, REPO, startBot } from './support/bot-process.js';

/**
 * The bot as a real process whose stderr reader has gone away (a log shipper restarting, `npm start | tee` ending):
 * every later log line fails with EPIPE. It must go on serving without spinning, and still exit on SIGTERM; a
 * failure inside its exception handler must end the process instead of being handled again.
 */

const CHANNEL = 'C0INCIDENT';
/** CPU time the kernel counts per second (USER_HZ); /proc/<pid>/stat counts in these ticks. */
const TICKS_PER_SECOND = 100;
/** The idle window CPU use is measured over; the bug burned ~60% of a core, an idle bot well under 1%. */
const IDLE_WINDOW_MS = 3_000;
/** The bot's margin past SHUTDOWN_GRACE_MS (main.ts) and a little for process exit on a busy machine. */
const EXIT_MARGIN_MS = 5_000 + 3_000;

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

async function launchBot(overrides: Record<string, string>, nodeArgs: string[] = []): Promise<{ bot: BotProcess; port: number }> {
  dir = mkdtempSync(path.join(tmpdir(), 'ip-closed-log-'));
  fake = await FakeSlack.start();
  const bot = await startBot(
    {
      SLACK_BOT_TOKEN: 'xoxb-fake-bot-token',
      SLACK_APP_TOKEN: 'xapp-fake-app-token',
      SLACK_API_URL: fake.apiUrl,
      SLACK_LOG_LEVEL: 'info',
      MCP_CONFIG: path.join(REPO, 'mcp-servers.json'),
      DATA_DIR: path.join(REPO, 'data/checkout-outage'),
      STATE_PATH: path.join(dir, 'bot.db'),
      ANALYSIS_ENGINE: 'builtin',
      ALERT_WEBHOOK_TOKEN: 'webhook-token-for-the-test',
      PORT: '0',
      ...overrides,
    },
    dir,
    nodeArgs,
  );
  bots.push(bot);
  await fake.connected();
  const port = Number(/alert webhooks on port (\d+)/.exec(bot.log())?.[1]);
  expect(port).toBeGreaterThan(0);
  return { bot, port };
}

/** The reader of the bot's stderr goes away: its next log line fails with EPIPE. */
function closeStderrReader(bot: BotProcess): void {
  bot.child.stderr?.destroy();
}

function cpuTicks(pid: number): number {
  // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

async function healthz(port: number): Promise<number> {
  return (await fetch(`http://127.0.0.1:${port}/healthz`)).status;
}

async function exitWithin(bot: BotProcess, limitMs: number): Promise<{ code: number | null; ms: number }> {
  const started = Date.now();
  const timeout = new Promise<never>((_, reject) =>
    setTimeout(() => reject(new Error(`the bot did not exit within ${limitMs} ms`)), limitMs).unref(),
  );
  const exit = await Promise.race([bot.exited, timeout]);
  return { code: exit.code, ms: Date.now() - started };
}

const isReport = (message: StoredMessage) => message.blocks?.some((block) => block.type === 'header') ?? false;

describe('a closed log stream', () => {
  it('stderr closed by its reader: the bot keeps answering /healthz and analyses, idles without spinning, exits on SIGTERM', async () => {
    const { bot, port } = await launchBot({ SHUTDOWN_GRACE_MS: '3000' });
    closeStderrReader(bot);
    // A refused webhook is logged as a warning, on stderr: the first write to fail.
    expect((await fetch(`http://127.0.0.1:${port}/alerts/alertmanager`, { method: 'POST', body: '{}' })).status).toBe(401);
    await bot.waitForLog(/stderr closed \(EPIPE\)/);

    await fake?.slashCommand('checkout returns 502 since 14:00');
    const parent = await fake!.waitFor('the status message', () =>
      fake?.messages.find((m) => m.channel === CHANNEL && !m.thread_ts && (m.text ?? '').includes('checkout returns 502')),
    );
    await fake!.waitFor('the report', () => fake?.thread(CHANNEL, parent.ts).find(isReport));
    expect(await healthz(port)).toBe(200);
    // A second analysis after the stream died: the first was not a lucky one.
    await fake?.slashCommand('payments slow since 13:00');
    const second = await fake!.waitFor('the second status message', () =>
      fake?.messages.find((m) => m.channel === CHANNEL && !m.thread_ts && (m.text ?? '').includes('payments slow')),
    );
    await fake!.waitFor('the second report', () => fake?.thread(CHANNEL, second.ts).find(isReport));
    // The failure was said once, on stdout, however many lines were dropped after it.
    expect((await fetch(`http://127.0.0.1:${port}/alerts/alertmanager`, { method: 'POST', body: '{}' })).status).toBe(401);
    expect(bot.log().match(/stderr closed/g)).toHaveLength(1);
    expect(bot.log()).not.toMatch(/uncaught exception/);

    const before = cpuTicks(bot.child.pid!);
    await new Promise((resolve) => setTimeout(resolve, IDLE_WINDOW_MS));
    const share = (cpuTicks(bot.child.pid!) - before) / TICKS_PER_SECOND / (IDLE_WINDOW_MS / 1000);
    expect(share).toBeLessThan(0.05);
    expect(await healthz(port)).toBe(200);

    bot.child.kill('SIGTERM');
    const exit = await exitWithin(bot, 3_000 + EXIT_MARGIN_MS);
    expect(exit.code).toBe(0);
  }, 120_000);

  it('an analysis that never finishes: SIGTERM exits within the grace, a second SIGTERM at once', async () => {
    ollama = await startFakeOllama({ script: () => new Promise(() => {}) });
    const graceMs = 2_000;
    const first = await launchBot({ ANALYSIS_ENGINE: 'ollama', OLLAMA_HOST: ollama.url, SHUTDOWN_GRACE_MS: String(graceMs) });
    closeStderrReader(first.bot);
    await fake?.slashCommand('a hanging incident');
    await fake!.waitFor('the model to be asked', () => (ollama?.requests.length ?? 0) > 0);
    first.bot.child.kill('SIGTERM');
    const graceful = await exitWithin(first.bot, graceMs + EXIT_MARGIN_MS);
    expect(graceful.ms).toBeGreaterThanOrEqual(graceMs - 500);

    await ollama.close();
    await fake?.close();
    ollama = await startFakeOllama({ script: () => new Promise(() => {}) });
    const second = await launchBot({ ANALYSIS_ENGINE: 'ollama', OLLAMA_HOST: ollama.url, SHUTDOWN_GRACE_MS: '600000' });
    closeStderrReader(second.bot);
    await fake?.slashCommand('another hanging incident');
    await fake!.waitFor('the model to be asked', () => (ollama?.requests.length ?? 0) > 0);
    second.bot.child.kill('SIGTERM');
    await second.bot.waitForLog(/SIGTERM: no new analyses|stderr closed/);
    second.bot.child.kill('SIGTERM');
    const forced = await exitWithin(second.bot, EXIT_MARGIN_MS);
    expect(forced.code).toBe(1);
  }, 120_000);

  it('an exception raised inside the exception handler exits 1 instead of being handled again', async () => {
    const { bot } = await launchBot({}, ['--import', path.join(REPO, 'test/slack/support/throw-in-handler.mjs')]);
    bot.child.kill('SIGUSR2');
    const exit = await exitWithin(bot, EXIT_MARGIN_MS);
    expect(exit.code).toBe(1);
  }, 60_000);
});
