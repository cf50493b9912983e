import { afterEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import { createSlackBot, type SlackBot } from '../../src/slack/app.js';
import type { SlackRetryPolicy } from '../../src/slack/worker/slack-io.js';
import { SqliteStore } from '../../src/store/sqlite.js';
import { blockText, FakeSlack, type StoredMessage } from '../fakes/slack/server.js';
import { captureConsoleErrors } from '../support/console-capture.js';
import { botConfig, ScriptedEngine } from './helpers.js';

/**
 * Slack misbehaving: rate limits with Retry-After, 5xx, requests that never answer, a dropped socket. The report
 * still arrives, the worker is never wedged, and a report Slack would not take is posted once it answers again.
 */

const CHANNEL = 'C0INCIDENT';
/** Short timeouts so a fault costs the test a second, not a minute. */
const FAST_RETRY: SlackRetryPolicy = { timeoutMs: 400, retries: 3, maxRetryTimeMs: 4_000, minBackoffMs: 50 };

interface Setup {
  fake: FakeSlack;
  bot: SlackBot;
  engine: ScriptedEngine;
  store: SqliteStore;
}
let current: Setup | undefined;

afterEach(async () => {
  if (!current) return;
  current.engine.release();
  current.fake.httpFaults.clear();
  await current.bot.stop();
  await current.fake.close();
  await current.store.close();
  current = undefined;
});

async function setup(options: { concurrency?: number; reportRetryMs?: number; logLevel?: 'warn' } = {}): Promise<Setup> {
  const fake = await FakeSlack.start();
  const engine = new ScriptedEngine();
  const store = SqliteStore.open(':memory:');
  const bot = createSlackBot({
    config: botConfig(fake, {
      ANALYSIS_CONCURRENCY: options.concurrency ?? 2,
      ...(options.logLevel ? { SLACK_LOG_LEVEL: options.logLevel } : {}),
    }),
    analyze: engine.analyze,
    pacingMs: 5,
    store,
    slackRetry: FAST_RETRY,
    shutdownGraceMs: 5_000,
    reportRetryMs: options.reportRetryMs ?? 60_000,
  });
  await bot.start();
  current = { fake, bot, engine, store };
  return current;
}

const isReport = (message: StoredMessage) => message.blocks?.some((block) => block.type === 'header') ?? false;

async function parentOf(fake: FakeSlack, incident: string): Promise<StoredMessage> {
  return fake.waitFor(`the parent of "${incident}"`, () =>
    fake.messages.find((m) => m.channel === CHANNEL && !m.thread_ts && (m.text ?? '').includes(incident)),
  );
}

async function reportFor(fake: FakeSlack, incident: string): Promise<StoredMessage> {
  const parent = await parentOf(fake, incident);
  return fake.waitFor(`the report of "${incident}"`, () => fake.thread(CHANNEL, parent.ts).find(isReport));
}

describe('Slack faults', () => {
  it('429 with Retry-After: the call waits as told, then the analysis goes on to its report', async () => {
    const { fake } = await setup();
    fake.faultNext('chat.postMessage', { status: 429, retryAfterSeconds: 1 });
    await fake.slashCommand('rate limited incident');
    await reportFor(fake, 'rate limited incident');
    const posts = fake.callsOf('chat.postMessage');
    expect(posts.length).toBeGreaterThan(2);
    // The retry of the rate-limited status post came no sooner than Retry-After.
    expect((posts[1]?.at ?? 0) - (posts[0]?.at ?? 0)).toBeGreaterThanOrEqual(950);
    expect(fake.invalid).toEqual([]);
  });

  it('500 twice, then 200: retried within the budget and the report arrives', async () => {
    const { fake } = await setup();
    fake.faultNext('chat.postMessage', { status: 500 });
    fake.faultNext('chat.postMessage', { status: 500 });
    await fake.slashCommand('flaky slack incident');
    const report = await reportFor(fake, 'flaky slack incident');
    expect(blockText(report)).toContain('Deploy v2.3.1');
    // Two failed tries of the first post, then every post went through once.
    const parents = fake.messages.filter((m) => !m.thread_ts && (m.text ?? '').includes('flaky slack incident'));
    expect(parents).toHaveLength(1);
  });

  it('chat.update hanging: reports still arrive and a second analysis completes meanwhile (one slot)', async () => {
    const { fake } = await setup({ concurrency: 1 });
    for (let i = 0; i < 40; i += 1) fake.faultNext('chat.update', { hang: true });
    await fake.slashCommand('first while updates hang');
    await fake.slashCommand('second while updates hang');
    await reportFor(fake, 'first while updates hang');
    await reportFor(fake, 'second while updates hang');
    expect(fake.callsOf('chat.update').length).toBeGreaterThan(0);
  });

  it('a report Slack would not take after its retries is kept and posted once Slack answers again', async () => {
    const errors = captureConsoleErrors();
    const { fake, engine, store } = await setup({ reportRetryMs: 300 });
    engine.toolCalls = 0;
    engine.hold = true;
    await fake.slashCommand('report during an outage');
    const parent = await parentOf(fake, 'report during an outage');
    await fake.waitFor('the analysis to run', () => engine.held > 0);
    // Every try of the report post within the client's budget fails: an outage longer than the retries.
    for (let i = 0; i <= FAST_RETRY.retries; i += 1) fake.faultNext('chat.postMessage', { status: 503 });
    engine.release();
    const id = findId(parent);
    await fake.waitFor('the report after the outage', () => fake.thread(CHANNEL, parent.ts).find(isReport));
    expect(fake.thread(CHANNEL, parent.ts).filter(isReport)).toHaveLength(1);
    // Slack has the message; the bot records it once the response is back.
    let stored = await store.getAnalysis(id);
    for (let i = 0; i < 200 && !stored?.reportPosted; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      stored = await store.getAnalysis(id);
    }
    expect(stored).toMatchObject({ state: 'done', reportPosted: true });
    expect(stored?.postAttempts).toBeGreaterThanOrEqual(2);
    expect(errors.join('\n')).toMatch(/report post failed \(.*503\); kept to post when Slack answers again/);
  });

  it('a dropped socket is logged, reconnected, and the bot keeps serving', async () => {
    const warnings: string[] = [];
    const spy = vi.spyOn(console, 'warn').mockImplementation((...args: unknown[]) => {
      warnings.push(args.map(String).join(' '));
    });
    onTestFinished(() => spy.mockRestore());
    const { fake } = await setup({ logLevel: 'warn' });
    const before = fake.connections;
    // Slack is flaky while the client reconnects, too.
    fake.faultNext('apps.connections.open', { status: 500 });
    fake.faultNext('apps.connections.open', { status: 500 });
    fake.dropSocket();
    await fake.waitFor('a new Socket Mode connection', () => fake.connections > before + 2);
    await fake.connected();
    await fake.slashCommand('after the reconnect');
    await reportFor(fake, 'after the reconnect');
    expect(warnings.join('\n')).toMatch(/Socket Mode connection lost; reconnecting/);
    expect(warnings.join('\n')).toMatch(/Socket Mode reconnected/);
  });
});

/** The analysis id from the status message's Cancel button. */
function findId(message: StoredMessage): string {
  for (const block of message.blocks ?? []) {
    if (block.type !== 'actions') continue;
    const button = (block.elements as Array<{ value?: string }>)[0];
    if (button?.value) return button.value;
  }
  return '';
}
