import { afterEach, describe, expect, it } from 'vitest';
import { ACTION_IDS } from '../../src/slack/blocks/limits.js';
import { BOT_ID, blockText, type StoredMessage } from '../fakes/slack/server.js';
import { captureConsoleErrors } from '../support/console-capture.js';
import { type Harness, ScriptedEngine, startSocketHarness } from './helpers.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const CHANNEL = 'C0INCIDENT';

function reportIn(h: Harness, channel: string, threadTs: string): StoredMessage | undefined {
  return h.fake.thread(channel, threadTs).find((m) => m.blocks?.some((b) => b.type === 'header'));
}

function expectCleanSlack(h: Harness): void {
  expect(h.fake.invalid).toEqual([]);
  expect(h.fake.leaks).toEqual([]);
  expect(h.fake.hygiene).toEqual([]);
}

describe('Slack bot over Socket Mode (real Bolt against the fake Slack)', () => {
  it('/rca acks with the queue position, posts a parent, one reply per tool call, then the report', async () => {
    const engine = new ScriptedEngine();
    engine.toolCalls = 3;
    // Threaded replies, as alerts and SLACK_STREAMING=off show progress (streaming.test.ts covers the stream).
    harness = await startSocketHarness({ SLACK_STREAMING: 'off' }, engine);
    const { fake } = harness;
    // Wait for each tool's reply before the next call, so "one reply per call" does not depend on timing.
    engine.beforeTool = async (i) => {
      await fake.waitFor(
        `reply for tool call ${i}`,
        () => fake.messages.filter((m) => m.thread_ts && /T\d/.test(m.text ?? '')).length >= i,
      );
    };

    const ack = await fake.slashCommand('checkout returns 502 since 14:00');
    expect(ack.response_type).toBe('ephemeral');
    expect(String(ack.text)).toMatch(/Queued \((starting now|position \d+)\)/);

    const parent = await fake.waitFor('the parent message', () => fake.messages.find((m) => m.channel === CHANNEL && !m.thread_ts));
    expect(parent.text).toContain('Investigating: checkout returns 502 since 14:00');
    expect(parent.text).toContain('<@U0HUMAN01>');

    const report = await fake.waitFor('the report', () => reportIn(harness!, CHANNEL, parent.ts));
    const replies = fake.thread(CHANNEL, parent.ts).filter((m) => m.ts !== parent.ts);
    const toolReplies = replies.filter((m) => m !== report && /`T\d`/.test(blockText(m)));
    expect(toolReplies).toHaveLength(3);
    expect(blockText(toolReplies[0]!)).toMatch(/T1.*list_deployments.*git/s);
    expect(blockText(toolReplies[0]!)).toContain('{"service":"checkout","n":0}');
    expect(blockText(toolReplies[0]!)).toContain('result 1: 42 lines');
    expect(blockText(toolReplies[0]!)).toContain('10 ms');
    // The report comes after the progress replies.
    expect(replies.indexOf(report)).toBeGreaterThan(replies.indexOf(toolReplies[2]!));
    expect(blockText(report)).toContain('Deploy v2.3.1 of checkout exhausted the DB pool');

    await fake.waitFor('the parent to show done', () => fake.messages.find((m) => m.ts === parent.ts && /Done/.test(m.text ?? '')));
    expect(fake.messages.find((m) => m.ts === parent.ts)?.text).toContain('Deploy v2.3.1');
    expect(engine.requests[0]?.incident).toBe('checkout returns 502 since 14:00');
    expect(engine.requests[0]?.signal).toBeInstanceOf(AbortSignal);
    expectCleanSlack(harness);
  });

  it('/rca and /rca help answer with usage; /rca status lists running and queued analyses', async () => {
    const engine = new ScriptedEngine();
    engine.hold = true;
    harness = await startSocketHarness({ ANALYSIS_CONCURRENCY: 1 }, engine);
    const { fake } = harness;

    for (const text of ['', 'help']) {
      const usage = await fake.slashCommand(text);
      expect(usage.response_type).toBe('ephemeral');
      expect(blockText(usage as never)).toContain('/rca &lt;what is broken&gt;');
    }
    const idle = await fake.slashCommand('status');
    expect(blockText(idle as never)).toContain('No analyses queued or running');

    await fake.slashCommand('first incident');
    const second = await fake.slashCommand('second incident');
    expect(second.text).toContain('Queued (position 1)');
    await fake.waitFor('the first analysis to run', () => engine.held === 1);
    const status = await fake.slashCommand('status');
    const text = blockText(status as never);
    expect(text).toMatch(/Running\* \(1\/1\)[\s\S]*first incident[\s\S]*Queued\* \(1\/10\)[\s\S]*second incident/);
    expect(engine.requests).toHaveLength(1);
    expect(fake.callsOf('chat.postMessage').filter((c) => !c.args.thread_ts)).toHaveLength(2);
    expectCleanSlack(harness);
  });

  it('a mention inside a thread analyses the thread and answers in it', async () => {
    harness = await startSocketHarness();
    const { fake, engine } = harness;
    const parent = fake.seed({ channel: CHANNEL, user: 'U0HUMAN02', text: 'payments are timing out for EU customers' });
    fake.seed({ channel: CHANNEL, user: 'U0HUMAN03', text: 'started right after lunch', thread_ts: parent.ts });
    await fake.mention(CHANNEL, 'U0HUMAN01', 'what happened?', { threadTs: parent.ts });
    await fake.waitFor('the report in the thread', () => reportIn(harness!, CHANNEL, parent.ts));

    expect(fake.callsOf('conversations.replies')[0]?.args).toMatchObject({ channel: CHANNEL, ts: parent.ts });
    const request = engine.requests[0]!;
    expect(request.incident).toBe('what happened?');
    expect(request.context).toContain('payments are timing out for EU customers');
    expect(request.context).toContain('started right after lunch');
    // Everything the bot said went into that thread.
    const posts = fake.callsOf('chat.postMessage');
    expect(posts.length).toBeGreaterThan(0);
    expect(posts.every((c) => c.args.thread_ts === parent.ts)).toBe(true);
    expectCleanSlack(harness);
  });

  it('a mention outside a thread uses its own text; a mention in a finished thread is a follow-up with the report', async () => {
    harness = await startSocketHarness();
    const { fake, engine } = harness;
    const mention = fake.seed({ channel: CHANNEL, user: 'U0HUMAN01', text: '<@U0FAKEBOT> search is slow' });
    await fake.event({ type: 'app_mention', user: 'U0HUMAN01', text: mention.text, ts: mention.ts, channel: CHANNEL });
    await fake.waitFor('the first report', () => reportIn(harness!, CHANNEL, mention.ts));
    expect(engine.requests[0]?.incident).toBe('search is slow');

    await fake.mention(CHANNEL, 'U0HUMAN01', 'was the config change involved?', { threadTs: mention.ts });
    await fake.waitFor('the follow-up analysis', () => engine.requests.length === 2);
    expect(engine.requests[1]?.incident).toBe('was the config change involved?');
    expect(engine.requests[1]?.context).toContain('Previous analysis of: search is slow');
    expect(engine.requests[1]?.context).toContain('Deploy v2.3.1 of checkout exhausted the DB pool');
    await fake.waitFor(
      'two reports in the thread',
      () => fake.thread(CHANNEL, mention.ts).filter((m) => m.blocks?.[0]?.type === 'header').length === 2,
    );
    expectCleanSlack(harness);
  });

  it('an Alertmanager alert starts an analysis in its thread; its resolution is noted there; a repeat joins; the bot ignores itself', async () => {
    const engine = new ScriptedEngine();
    engine.hold = true;
    harness = await startSocketHarness({}, engine);
    const { fake } = harness;
    const alert = (status: 'FIRING' | 'RESOLVED') => ({
      type: 'message',
      subtype: 'bot_message',
      bot_id: 'B0ALERTMGR',
      username: 'alertmanager',
      channel: 'C0ALERTS',
      text: '',
      attachments: [
        {
          title: `[${status}${status === 'FIRING' ? ':1' : ''}] HighErrorRate checkout (critical)`,
          text: '*Alert:* checkout 5xx above 5% - `critical`\n*Description:* error ratio 7.2%\n*Details:*\n • *alertname:* `HighErrorRate`\n • *service:* `checkout`\n • *severity:* `critical`',
          fallback: `[${status}] HighErrorRate`,
        },
      ],
    });

    const first = fake.seed({ ...alert('FIRING'), user: undefined });
    await fake.event({ ...alert('FIRING'), ts: first.ts });
    const status = await fake.waitFor('the status reply in the alert thread', () =>
      fake.thread('C0ALERTS', first.ts).find((m) => m.bot_id === BOT_ID),
    );
    expect(status.text).toContain('alertmanager alert HighErrorRate');
    await fake.waitFor('the analysis to start', () => engine.held === 1);
    expect(engine.requests[0]?.incident).toContain('service=checkout');

    const resolved = fake.seed(alert('RESOLVED'));
    await fake.event({ ...alert('RESOLVED'), ts: resolved.ts });
    // The [RESOLVED] message matches the analysed fingerprint: noted in the analysis' thread and on its status.
    const resolution = await fake.waitFor('the resolution note', () =>
      fake.thread('C0ALERTS', first.ts).find((m) => /Alert resolved at .* UTC \(lasted \d+ s\)/.test(m.text ?? '')),
    );
    expect(resolution.thread_ts).toBe(first.ts);
    await fake.waitFor('the status to show the resolution', () =>
      /Alert resolved at/.test(blockText(fake.messages.find((m) => m.ts === status.ts)!)),
    );
    const again = fake.seed(alert('FIRING'));
    await fake.event({ ...alert('FIRING'), ts: again.ts });
    await fake.waitFor('the join note', () => fake.thread('C0ALERTS', first.ts).find((m) => /joined this analysis/.test(m.text ?? '')));

    // The bot's own messages in the alert channel are never alerts, even when they look like one.
    await fake.event({ ...alert('FIRING'), bot_id: BOT_ID, ts: fake.seed(alert('FIRING')).ts });

    engine.release();
    await fake.waitFor('the report in the alert thread', () => reportIn(harness!, 'C0ALERTS', first.ts));
    expect(engine.requests).toHaveLength(1);
    expect(fake.thread('C0ALERTS', resolved.ts).filter((m) => m.bot_id === BOT_ID)).toEqual([]);
    await fake.waitFor('the status to show done', () => /Done/.test(fake.messages.find((m) => m.ts === status.ts)?.text ?? ''));
    expectCleanSlack(harness);
  });

  it("Slack's redelivery of one event (same event_id, retry_attempt 1) starts one analysis only", async () => {
    harness = await startSocketHarness();
    const { fake, engine } = harness;
    const mention = fake.seed({ channel: CHANNEL, user: 'U0HUMAN01', text: '<@U0FAKEBOT> cart is empty after login' });
    const event = { type: 'app_mention', user: 'U0HUMAN01', text: mention.text, ts: mention.ts, channel: CHANNEL };
    await fake.event(event, { eventId: 'Ev0RETRY01' });
    await fake.event(event, { eventId: 'Ev0RETRY01', retryAttempt: 1 });
    await fake.event(event, { eventId: 'Ev0RETRY01', retryAttempt: 2 });
    await fake.waitFor('the report', () => reportIn(harness!, CHANNEL, mention.ts));
    expect(engine.requests).toHaveLength(1);
    expect(fake.thread(CHANNEL, mention.ts).filter((m) => /^Investigating/.test(m.text ?? ''))).toHaveLength(1);
  });

  it('a full queue answers "busy, try again" instead of queueing', async () => {
    const engine = new ScriptedEngine();
    engine.hold = true;
    harness = await startSocketHarness({ ANALYSIS_CONCURRENCY: 1, QUEUE_MAX: 1 }, engine);
    const { fake } = harness;
    await fake.slashCommand('one');
    await fake.slashCommand('two');
    const third = await fake.slashCommand('three');
    expect(String(third.text)).toMatch(/busy \(1 running, 1 queued\).*Try again/);
    expect(fake.callsOf('chat.postMessage').filter((c) => !c.args.thread_ts)).toHaveLength(2);
    await fake.waitFor('the first analysis to run', () => engine.held === 1);
    expect(engine.requests.map((r) => r.incident)).toEqual(['one']);
  });

  it('Cancel aborts a running analysis and a queued one', async () => {
    const engine = new ScriptedEngine();
    engine.hold = true;
    harness = await startSocketHarness({ ANALYSIS_CONCURRENCY: 1 }, engine);
    const { fake } = harness;
    await fake.slashCommand('running one');
    await fake.slashCommand('queued one');
    const parents = await fake.waitFor('two parents', () => {
      const found = fake.messages.filter((m) => m.channel === CHANNEL && !m.thread_ts);
      return found.length === 2 ? found : undefined;
    });
    await fake.waitFor('the first analysis to run', () => engine.held === 1);
    const [running, queued] = parents as [StoredMessage, StoredMessage];

    await fake.click(queued, ACTION_IDS.cancel);
    await fake.waitFor('queued parent cancelled', () => /Cancelled/.test(fake.messages.find((m) => m.ts === queued.ts)?.text ?? ''));
    await fake.click(fake.messages.find((m) => m.ts === running.ts)!, ACTION_IDS.cancel);
    await fake.waitFor('running parent cancelled', () => /Cancelled/.test(fake.messages.find((m) => m.ts === running.ts)?.text ?? ''));

    expect(engine.requests[0]?.signal?.aborted).toBe(true);
    expect(engine.requests.map((r) => r.incident)).toEqual(['running one']);
    expect(fake.thread(CHANNEL, running.ts).some((m) => /cancelled by <@U0HUMAN01>/.test(m.text ?? ''))).toBe(true);
    expect(reportIn(harness, CHANNEL, running.ts)).toBeUndefined();
    // The cancelled parents no longer offer Cancel.
    expect(fake.messages.find((m) => m.ts === running.ts)?.blocks?.some((b) => b.type === 'actions')).toBe(false);
    expectCleanSlack(harness);
  });

  it('buttons: 👍 is recorded and acknowledged, Dig deeper asks for a question, Re-run starts again', async () => {
    harness = await startSocketHarness();
    const { fake, engine, bot } = harness;
    await fake.slashCommand('orders stuck in pending');
    const parent = await fake.waitFor('the parent', () => fake.messages.find((m) => m.channel === CHANNEL && !m.thread_ts));
    const report = await fake.waitFor('the report', () => reportIn(harness!, CHANNEL, parent.ts));

    await fake.clickFeedback(report, 'positive', 'U0VOTER01');
    const thanks = await fake.waitFor('the ephemeral thanks', () =>
      fake.callsOf('chat.postEphemeral').find((c) => c.args.user === 'U0VOTER01'),
    );
    expect(String(thanks.args.text)).toMatch(/feedback .* is recorded/);
    expect(bot.deps.feedback.list()).toEqual([
      expect.objectContaining({ user: 'U0VOTER01', vote: 'up', engine: 'scripted', incident: 'orders stuck in pending' }),
    ]);

    await fake.click(report, ACTION_IDS.digDeeper);
    await fake.waitFor('the dig-deeper prompt', () =>
      fake.thread(CHANNEL, parent.ts).find((m) => /what should I dig into/.test(m.text ?? '')),
    );

    await fake.click(report, ACTION_IDS.rerun);
    await fake.waitFor('the re-run', () => engine.requests.length === 2);
    expect(engine.requests[1]?.incident).toBe('orders stuck in pending');
    await fake.waitFor(
      'a second report in the same thread',
      () => fake.thread(CHANNEL, parent.ts).filter((m) => m.blocks?.[0]?.type === 'header').length === 2,
    );
    expectCleanSlack(harness);
  });

  it('failures are posted in the thread: engine errors, deadlines, and channels the bot cannot post in', async () => {
    const errors = captureConsoleErrors();
    const engine = new ScriptedEngine();
    engine.fail = new Error('MCP server logs exited (code 1) with token=supersecretvalue');
    harness = await startSocketHarness({}, engine);
    const { fake } = harness;
    await fake.slashCommand('broken thing');
    const parent = await fake.waitFor('the parent', () => fake.messages.find((m) => m.channel === CHANNEL && !m.thread_ts));
    const failure = await fake.waitFor('the failure note', () =>
      fake.thread(CHANNEL, parent.ts).find((m) => /Analysis failed/.test(m.text ?? '')),
    );
    expect(failure.text).toContain('MCP server logs exited');
    expect(failure.text).not.toContain('supersecretvalue');
    await fake.waitFor('parent shows failed', () => /Failed/.test(fake.messages.find((m) => m.ts === parent.ts)?.text ?? ''));

    fake.failNext('chat.postMessage', 'not_in_channel');
    const ack = await fake.slashCommand('somewhere private', { channel: 'C0PRIVATE' });
    expect(String(ack.text)).toMatch(/Queued/);
    // The first response_url message is the "Queued" answer itself (the ack is empty); the refusal follows it.
    const told = await fake.waitFor('the response_url message', () =>
      fake.callsOf('response_url').find((call) => /not_in_channel/.test(String(call.args.text))),
    );
    expect(String(told.args.text)).toMatch(/not_in_channel.*\/invite/);
    expectCleanSlack(harness);
    // The operator's log says the same, the secret redacted there too.
    const log = errors.join('\n');
    expect(log).toMatch(/analysis \S+ failed: MCP server logs exited \(code 1\) with token=\[REDACTED/);
    expect(log).toMatch(/analysis \S+: could not post in C0PRIVATE: not_in_channel/);
    expect(log).not.toContain('supersecretvalue');
  });

  it('an analysis past ANALYSIS_TIMEOUT_MS is aborted and reported as timed out', async () => {
    const errors = captureConsoleErrors();
    const engine = new ScriptedEngine();
    engine.hold = true;
    harness = await startSocketHarness({ ANALYSIS_TIMEOUT_MS: 50 }, engine);
    const { fake } = harness;
    await fake.slashCommand('slow one');
    const parent = await fake.waitFor('the parent', () => fake.messages.find((m) => m.channel === CHANNEL && !m.thread_ts));
    await fake.waitFor('the timeout note', () => fake.thread(CHANNEL, parent.ts).find((m) => /timed out after/.test(m.text ?? '')));
    expect(engine.requests[0]?.signal?.aborted).toBe(true);
    expect(errors.join('\n')).toMatch(/analysis \S+ failed: timed out after 50 ms \(ANALYSIS_TIMEOUT_MS\)/);
  });

  it('engine notes (e.g. "Ollama unreachable, used builtin") appear in the thread and on the report', async () => {
    const engine = new ScriptedEngine();
    engine.notes = ['Ollama unreachable at http://127.0.0.1:1 (ECONNREFUSED); used the builtin engine'];
    const original = engine.analyze;
    engine.analyze = async (request) => ({ ...(await original(request)), engine: 'builtin', notes: engine.notes });
    harness = await startSocketHarness({ SLACK_STREAMING: 'off' }, engine);
    const { fake } = harness;
    await fake.slashCommand('checkout 502s');
    const parent = await fake.waitFor('the parent', () => fake.messages.find((m) => m.channel === CHANNEL && !m.thread_ts));
    const report = await fake.waitFor('the report', () => reportIn(harness!, CHANNEL, parent.ts));
    expect(fake.thread(CHANNEL, parent.ts).some((m) => m !== report && /Ollama unreachable/.test(blockText(m)))).toBe(true);
    expect(blockText(report)).toMatch(/Ollama unreachable[\s\S]*Engine: builtin/);
    expectCleanSlack(harness);
  });
});
