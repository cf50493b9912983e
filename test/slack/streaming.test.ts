import { afterEach, describe, expect, it } from 'vitest';
import { ACTION_IDS } from '../../src/slack/blocks/limits.js';
import { BOT_ID, BOT_USER_ID, blockText, type StoredMessage, TEAM_ID } from '../fakes/slack/server.js';
import { type FakeStream, taskCards } from '../fakes/slack/streaming.js';
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

/** Threaded progress replies (today's format) in a thread, by tool call id. */
function replyCalls(h: Harness, channel: string, threadTs: string): string[] {
  return h.fake.thread(channel, threadTs).flatMap((m) => [...blockText(m).matchAll(/`(T\d+)` \*/g)].map((match) => match[1] ?? ''));
}

function statusesOfCard(stream: FakeStream, id: string): unknown[] {
  return stream.chunks.filter((c) => c.type === 'task_update' && c.id === id).map((c) => c.status);
}

async function slashAnalysis(h: Harness, text: string): Promise<{ parent: StoredMessage; report: StoredMessage }> {
  await h.fake.slashCommand(text);
  const parent = await h.fake.waitFor('the parent', () => h.fake.messages.find((m) => m.channel === CHANNEL && !m.thread_ts));
  const report = await h.fake.waitFor('the report', () => reportIn(h, CHANNEL, parent.ts));
  return { parent, report };
}

describe('agent surfaces: streamed task cards, the thread status line, feedback buttons', () => {
  it('a /rca analysis streams one task card per tool call, in order, ending complete, then the report', async () => {
    const engine = new ScriptedEngine();
    engine.toolCalls = 3;
    engine.stages = ['Reading deployments and commits'];
    harness = await startSocketHarness({}, engine);
    const { fake } = harness;
    const { parent, report } = await slashAnalysis(harness, 'checkout returns 502');

    const streams = fake.streaming.inThread(CHANNEL, parent.ts);
    expect(streams).toHaveLength(1);
    const stream = streams[0]!;
    expect(stream).toMatchObject({ recipient: { user: 'U0HUMAN01', team: TEAM_ID }, taskDisplayMode: 'plan', state: 'stopped' });
    expect(stream.chunks[0]).toEqual({ type: 'plan_update', title: 'Investigating: checkout returns 502' });
    // The plan's title follows the engine's stages.
    expect(stream.chunks[1]).toEqual({ type: 'plan_update', title: 'Reading deployments and commits…' });
    const cards = taskCards(stream);
    expect(cards.map((card) => card.id)).toEqual(['T1', 'T2', 'T3']);
    expect(cards.map((card) => card.status)).toEqual(['complete', 'complete', 'complete']);
    expect(cards[0]).toMatchObject({ title: 'list_deployments on git (checkout)', details: 'result 1: 42 lines' });
    expect(cards[1]).toMatchObject({ title: 'search_logs on logs (checkout)', details: 'result 2: 42 lines' });
    for (const id of ['T1', 'T2', 'T3']) expect(statusesOfCard(stream, id)).toEqual(['in_progress', 'complete']);
    expect(stream.chunks.at(-1)).toEqual({ type: 'plan_update', title: 'Investigated with 3 tool calls; the report follows' });

    // The stream replaces the per-call replies; the report comes after it, once it has stopped.
    expect(replyCalls(harness, CHANNEL, parent.ts)).toEqual([]);
    const thread = fake.thread(CHANNEL, parent.ts);
    expect(thread.findIndex((m) => m.ts === stream.ts)).toBeLessThan(thread.indexOf(report));
    const stopAt = fake.calls.findIndex((c) => c.method === 'chat.stopStream');
    const reportAt = fake.calls.findIndex((c) => c.method === 'chat.postMessage' && blockText(c.args as never).includes('Root cause'));
    expect(stopAt).toBeGreaterThan(-1);
    expect(stopAt).toBeLessThan(reportAt);

    // The status line said what ran and was cleared at the end.
    const statuses = fake.streaming.statusesOf(CHANNEL, parent.ts);
    expect(statuses[0]).toMatch(/^is reading (git history|logs) of checkout…$/);
    expect(statuses.at(-1)).toBe('');
    await fake.waitFor('the parent to show done', () =>
      /Done \(3 tool calls\)/.test(fake.messages.find((m) => m.ts === parent.ts)?.text ?? ''),
    );
    expectCleanSlack(harness);
  });

  it('a failed analysis stops its stream saying so, clears the status line, then posts the failure', async () => {
    const errors = captureConsoleErrors();
    const engine = new ScriptedEngine();
    engine.fail = new Error('MCP server logs exited (code 1)');
    harness = await startSocketHarness({}, engine);
    const { fake } = harness;
    await fake.slashCommand('broken thing');
    const parent = await fake.waitFor('the parent', () => fake.messages.find((m) => m.channel === CHANNEL && !m.thread_ts));
    await fake.waitFor('the failure note', () => fake.thread(CHANNEL, parent.ts).find((m) => /Analysis failed/.test(m.text ?? '')));
    const stream = fake.streaming.inThread(CHANNEL, parent.ts)[0]!;
    expect(stream.state).toBe('stopped');
    expect(stream.chunks.at(-1)).toEqual({ type: 'plan_update', title: 'Analysis stopped after 2 tool calls' });
    expect(fake.streaming.statusesOf(CHANNEL, parent.ts).at(-1)).toBe('');
    const stopAt = fake.calls.findIndex((c) => c.method === 'chat.stopStream');
    const failureAt = fake.calls.findIndex((c) => c.method === 'chat.postMessage' && /Analysis failed/.test(String(c.args.text)));
    expect(stopAt).toBeLessThan(failureAt);
    expectCleanSlack(harness);
    expect(errors.join('\n')).toMatch(/analysis \S+ failed: MCP server logs exited \(code 1\)/);
  });

  it('a mention streams to the person who mentioned the bot', async () => {
    harness = await startSocketHarness();
    const { fake } = harness;
    const mention = await fake.mention(CHANNEL, 'U0MENTION1', 'payments are slow');
    await fake.waitFor('the report', () => reportIn(harness!, CHANNEL, mention.ts));
    const [stream] = fake.streaming.inThread(CHANNEL, mention.ts);
    expect(stream?.recipient).toEqual({ user: 'U0MENTION1', team: TEAM_ID });
    expect(taskCards(stream!).map((card) => card.status)).toEqual(['complete', 'complete']);
    expectCleanSlack(harness);
  });

  it('a stream error mid-analysis falls back to threaded replies with no step lost', async () => {
    const engine = new ScriptedEngine();
    engine.toolCalls = 4;
    harness = await startSocketHarness({}, engine);
    const { fake } = harness;
    engine.beforeTool = async (i) => {
      if (i !== 2) return;
      // T1 and T2 are in the stream; then Slack says the stream is over (expired).
      await fake.waitFor('T2 streamed', () => {
        const stream = fake.streaming.streams[0];
        return stream && taskCards(stream).filter((card) => card.status === 'complete').length === 2;
      });
      fake.failNext('chat.appendStream', 'message_not_in_streaming_state');
    };
    const { parent, report } = await slashAnalysis(harness, 'orders stuck');

    const stream = fake.streaming.inThread(CHANNEL, parent.ts)[0]!;
    const streamed = taskCards(stream)
      .filter((card) => card.status === 'complete')
      .map((card) => card.id);
    const replied = replyCalls(harness, CHANNEL, parent.ts);
    expect(streamed).toEqual(['T1', 'T2']);
    expect(replied).toEqual(['T3', 'T4']);
    // Every call shown once, in order, and the report after the replies.
    expect([...streamed, ...replied]).toEqual(['T1', 'T2', 'T3', 'T4']);
    const thread = fake.thread(CHANNEL, parent.ts);
    const lastReply = thread.findLast((m) => /`T4`/.test(blockText(m)));
    expect(thread.indexOf(report)).toBeGreaterThan(thread.indexOf(lastReply!));
    await fake.waitFor('the parent to count every call', () =>
      /Done \(4 tool calls\)/.test(fake.messages.find((m) => m.ts === parent.ts)?.text ?? ''),
    );
    expectCleanSlack(harness);
  });

  it('a stream Slack will not start (unknown method, a refused recipient) leaves every step to threaded replies', async () => {
    for (const error of ['unknown_method', 'missing_recipient_team_id', 'not_allowed_token_type']) {
      harness = await startSocketHarness();
      const { fake } = harness;
      fake.failNext('chat.startStream', error);
      const { parent } = await slashAnalysis(harness, `refused with ${error}`);
      expect(replyCalls(harness, CHANNEL, parent.ts)).toEqual(['T1', 'T2']);
      expect(fake.streaming.streams).toEqual([]);
      expect(fake.callsOf('chat.appendStream')).toEqual([]);
      expectCleanSlack(harness);
      await harness.close();
      harness = undefined;
    }
  });

  it('an alert-started analysis has no recipient: threaded replies and no status line, as before', async () => {
    const engine = new ScriptedEngine();
    engine.stages = ['Looking for metric anomalies and error rates'];
    harness = await startSocketHarness({}, engine);
    const { fake } = harness;
    const alert = {
      type: 'message',
      subtype: 'bot_message',
      bot_id: 'B0ALERTMGR',
      username: 'alertmanager',
      channel: 'C0ALERTS',
      text: '',
      attachments: [
        {
          title: '[FIRING:1] HighErrorRate checkout (critical)',
          text: '*Alert:* checkout 5xx above 5%\n*Details:*\n • *alertname:* `HighErrorRate`\n • *service:* `checkout`',
          fallback: '[FIRING:1] HighErrorRate',
        },
      ],
    };
    const seeded = fake.seed(alert);
    await fake.event({ ...alert, ts: seeded.ts });
    await fake.waitFor('the report', () => reportIn(harness!, 'C0ALERTS', seeded.ts));
    expect(replyCalls(harness, 'C0ALERTS', seeded.ts)).toEqual(['T1', 'T2']);
    // The same information as the stream: the engine's stage rides with the first reply.
    const first = fake.thread('C0ALERTS', seeded.ts).find((m) => /`T1`/.test(blockText(m)));
    expect(blockText(first!)).toContain(':arrow_forward: _Looking for metric anomalies and error rates_');
    expect(fake.callsOf('chat.startStream')).toEqual([]);
    expect(fake.callsOf('assistant.threads.setStatus')).toEqual([]);
    expectCleanSlack(harness);
  });

  it('SLACK_STREAMING=off keeps threaded replies for people too', async () => {
    harness = await startSocketHarness({ SLACK_STREAMING: 'off' });
    const { fake } = harness;
    const { parent } = await slashAnalysis(harness, 'streaming off');
    expect(replyCalls(harness, CHANNEL, parent.ts)).toEqual(['T1', 'T2']);
    expect(fake.callsOf('chat.startStream')).toEqual([]);
    expect(fake.callsOf('assistant.threads.setStatus')).toEqual([]);
  });

  it('what the stream shows is redacted, bounded and never pings', async () => {
    const engine = new ScriptedEngine();
    const original = engine.analyze;
    engine.analyze = async (request) => {
      const emit = request.onEvent ?? (() => {});
      const call = { callId: 'T9', server: 'logs', tool: 'search_logs', args: { service: `<!here> ${'x'.repeat(400)}` } };
      emit({ type: 'tool_started', ...call });
      emit({
        type: 'tool_finished',
        ...call,
        ok: false,
        ms: 3,
        summary: `connect failed password=hunter2secret <!channel> @everyone ${'y'.repeat(600)}`,
      });
      emit({ type: 'note', message: 'token xoxb-1234567890-abcdefghij leaked <!subteam^S0SRE|@sre>' });
      return original(request);
    };
    harness = await startSocketHarness({}, engine);
    const { fake } = harness;
    const { parent } = await slashAnalysis(harness, 'secrets in tool output');
    const stream = fake.streaming.inThread(CHANNEL, parent.ts)[0]!;
    const card = taskCards(stream).find((c) => c.id === 'T9')!;
    expect(card.status).toBe('error');
    expect(String(card.title).length).toBeLessThanOrEqual(256);
    expect(String(card.details).length).toBeLessThanOrEqual(256);
    const all = JSON.stringify(stream.chunks);
    expect(all).not.toContain('hunter2secret');
    expect(all).not.toContain('xoxb-1234567890');
    expect(all).toContain('[REDACTED');
    expect(all).toContain('ℹ️');
    expectCleanSlack(harness);
  });

  it('feedback buttons drive the vote, the 👎 modal and its stored cause; old reports’ plain buttons still count', async () => {
    harness = await startSocketHarness();
    const { fake, bot } = harness;
    const { report } = await slashAnalysis(harness, 'orders stuck in pending');
    const actions = report.blocks?.find((b) => b.type === 'actions') as { elements: { value: string }[] } | undefined;
    const analysisId = String(actions?.elements[0]?.value);
    expect(analysisId).toMatch(/^A\d+-/);

    await fake.clickFeedback(report, 'positive', 'U0VOTER01');
    const thanks = await fake.waitFor('the thanks', () => fake.callsOf('chat.postEphemeral').find((c) => c.args.user === 'U0VOTER01'));
    expect(String(thanks.args.text)).toMatch(/feedback on analysis .* is recorded/);
    expect(bot.deps.feedback.list()).toEqual([expect.objectContaining({ analysisId, user: 'U0VOTER01', vote: 'up' })]);

    await fake.clickFeedback(report, 'negative', 'U0VOTER02');
    const opened = await fake.waitFor('the modal', () => fake.views[0]);
    expect(blockText(opened.view as never)).toContain('What was the real cause?');
    await fake.submitView(opened.view, 'U0VOTER02', { cause: 'a full disk on db-2' });
    await fake.waitFor('the cause stored', () =>
      bot.deps.feedback.list().find((v) => v.user === 'U0VOTER02' && v.vote === 'down' && v.cause === 'a full disk on db-2'),
    );

    // A report posted before the feedback buttons: 👍/👎 were plain buttons with the analysis id as value.
    const old = fake.seed({
      channel: CHANNEL,
      user: BOT_USER_ID,
      bot_id: BOT_ID,
      thread_ts: report.thread_ts,
      text: 'Root cause (high confidence): an older report',
      blocks: [
        {
          type: 'actions',
          block_id: 'rca_report_actions',
          elements: [
            { type: 'button', action_id: ACTION_IDS.feedbackUp, text: { type: 'plain_text', text: '👍 Helpful' }, value: analysisId },
            { type: 'button', action_id: ACTION_IDS.feedbackDown, text: { type: 'plain_text', text: '👎 Not helpful' }, value: analysisId },
          ],
        },
      ],
    });
    await fake.click(old, ACTION_IDS.feedbackUp, 'U0VOTER03');
    await fake.click(old, ACTION_IDS.feedbackDown, 'U0VOTER04');
    await fake.waitFor('the old report’s modal', () => fake.views.length === 2);
    await fake.waitFor(
      'both old-style votes',
      () => bot.deps.feedback.list().filter((v) => v.user === 'U0VOTER03' || v.user === 'U0VOTER04').length === 2,
    );
    expect(bot.deps.feedback.list().find((v) => v.user === 'U0VOTER03')).toMatchObject({ analysisId, vote: 'up' });
    expectCleanSlack(harness);
  });
});
