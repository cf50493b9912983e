import { afterEach, describe, expect, it } from 'vitest';
import type { ToolOutputRecord } from '../../src/agent/types.js';
import { modalKey, signCauseMeta } from '../../src/slack/blocks/cause-modal.js';
import { ACTION_IDS } from '../../src/slack/blocks/limits.js';
import { blockText, type StoredMessage } from '../fakes/slack/server.js';
import { type Harness, ScriptedEngine, startSocketHarness } from './helpers.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const CHANNEL = 'C0INCIDENT';
const POOL = 'HikariPool-<n> - Connection is not available, request timed out after <duration>.';

function errorSummary(signature: string, service: string): ToolOutputRecord {
  return {
    server: 'logs',
    tool: 'error_summary',
    args: { since: '2h' },
    ok: true,
    text: `1 distinct signatures\n1. 40× ERROR ${signature}`,
    structured: { signatures: [{ signature, level: 'error', count: 40, services: [service] }] },
  };
}

/** Polls an async condition (store reads) until it holds; fails after 5 s rather than hanging. */
async function until(what: string, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** The key the harness' bot signs modal metadata with (its bot token is the fake's). */
const KEY = modalKey('xoxb-fake-bot-token');

async function analyse(h: Harness, text: string, channel = CHANNEL): Promise<{ parent: StoredMessage; report: StoredMessage }> {
  const before = h.fake.messages.length;
  await h.fake.slashCommand(text, { channel });
  const parent = await h.fake.waitFor('the parent', () => h.fake.messages.slice(before).find((m) => m.channel === channel && !m.thread_ts));
  const report = await h.fake.waitFor('the report', () =>
    h.fake.thread(channel, parent.ts).find((m) => m.blocks?.some((b) => b.type === 'header')),
  );
  return { parent, report };
}

describe('incident memory in Slack', () => {
  it('the second incident with a shared signature shows the first as similar (reasons, permalink); an unrelated one shows none', async () => {
    const engine = new ScriptedEngine();
    engine.outputs = [errorSummary(POOL, 'checkout-api')];
    engine.reportOverrides = {
      suspect: { kind: 'deployment', id: 'v2.3.1', service: 'checkout-api' },
      summary: 'Pool exhausted after v2.3.1',
    };
    harness = await startSocketHarness({}, engine);
    const first = await analyse(harness, 'checkout returns 502');
    expect(blockText(first.report)).not.toContain('Similar past incidents');

    engine.reportOverrides = { suspect: { kind: 'config', service: 'checkout-api' }, summary: 'Pool exhausted again' };
    const second = await analyse(harness, 'checkout errors again');
    const text = blockText(second.report);
    expect(text).toContain('Similar past incidents');
    expect(text).toContain('Pool exhausted after v2.3.1');
    expect(text).toContain('not confirmed');
    expect(text).toContain('same error signature `HikariPool-&lt;n&gt; - Connection is not available');
    expect(text).toContain('same service checkout-api');
    expect(text).toContain(`<https://fake.slack.com/archives/${CHANNEL}/p${first.parent.ts.replace('.', '')}|`);
    expect(harness.fake.callsOf('chat.getPermalink').map((c) => c.args.message_ts)).toContain(first.parent.ts);
    // The engine was given the earlier incident as past data before it started.
    expect(engine.requests[1]?.pastIncidents?.[0]?.summary).toBe('Pool exhausted after v2.3.1');
    expect(engine.requests[0]?.pastIncidents).toBeUndefined();

    engine.outputs = [errorSummary('disk quota exceeded on <path>', 'search-indexer')];
    engine.reportOverrides = { suspect: { kind: 'capacity', service: 'search-indexer' }, summary: 'Disk full on the indexer' };
    const third = await analyse(harness, 'search results stale');
    expect(blockText(third.report)).not.toContain('Similar past incidents');

    const actions = third.report.blocks?.find((b) => b.type === 'actions') as { elements: Array<{ value: string }> } | undefined;
    const recording = await harness.bot.deps.memory.recording(actions?.elements[0]?.value ?? '');
    expect(recording?.calls[0]?.structured).toEqual(engine.outputs[0]?.structured);
    expect(harness.fake.invalid).toEqual([]);
    expect(harness.fake.hygiene).toEqual([]);
  });

  it('similar incidents come from every public channel (linked); a private channel’s stay inside it', async () => {
    const engine = new ScriptedEngine();
    engine.outputs = [errorSummary(POOL, 'checkout-api')];
    engine.reportOverrides = { suspect: { kind: 'deployment', id: 'v7', service: 'checkout-api' }, summary: 'Public pool outage' };
    harness = await startSocketHarness({}, engine);
    harness.fake.privateChannels.add('G0SECRET');
    const open = await analyse(harness, 'checkout broken', 'C0INCPUB');
    engine.reportOverrides = { suspect: { kind: 'deployment', id: 'v8', service: 'checkout-api' }, summary: 'Secret pool outage' };
    await analyse(harness, 'checkout broken quietly', 'G0SECRET');

    engine.reportOverrides = { suspect: { kind: 'config', service: 'checkout-api' }, summary: 'Third pool outage' };
    const text = blockText((await analyse(harness, 'checkout broken again', 'C0INCNEW')).report);
    expect(text).toContain('Public pool outage');
    expect(text).toContain(`<https://fake.slack.com/archives/C0INCPUB/p${open.parent.ts.replace('.', '')}|`);
    expect(text).not.toContain('Secret pool outage');
    // Inside the private channel its own incident is shown, beside the public one.
    const inside = blockText((await analyse(harness, 'checkout broken in secret again', 'G0SECRET')).report);
    expect(inside).toContain('Secret pool outage');
    expect(inside).toContain('Public pool outage');
    expect(harness.fake.callsOf('conversations.info').map((c) => c.args.channel)).toContain('G0SECRET');
    expect(harness.fake.invalid).toEqual([]);
  });

  it('/rca history lists this channel’s analyses only (like /rca status), filtered by service; /rca stats counts them', async () => {
    const engine = new ScriptedEngine();
    engine.outputs = [errorSummary(POOL, 'checkout-api')];
    engine.reportOverrides = { summary: 'Checkout pool exhausted', suspect: { kind: 'deployment', id: 'v9', service: 'checkout-api' } };
    harness = await startSocketHarness({ RESPONDERS: ['U0BOSS01'] }, engine);
    await analyse(harness, 'checkout broken');
    engine.reportOverrides = { summary: 'Secret project outage', suspect: { kind: 'config', service: 'hidden-svc' } };
    engine.outputs = [errorSummary('boom', 'hidden-svc')];
    await analyse(harness, 'hidden thing broken', 'C0OTHER');

    const here = blockText((await harness.fake.slashCommand('history', { channel: CHANNEL })) as never);
    expect(here).toContain('Checkout pool exhausted');
    expect(here).toContain('this channel');
    expect(here).not.toContain('Secret project outage');
    const other = blockText((await harness.fake.slashCommand('history hidden-svc', { channel: 'C0OTHER' })) as never);
    expect(other).toContain('Secret project outage');
    expect(other).not.toContain('Checkout pool exhausted');
    const filtered = blockText((await harness.fake.slashCommand('history checkout-api', { channel: 'C0OTHER' })) as never);
    expect(filtered).toContain('No past analyses of checkout-api');

    const all = blockText((await harness.fake.slashCommand('history', { channel: CHANNEL, user: 'U0BOSS01' })) as never);
    expect(all).toContain('all channels');
    expect(all).toContain('Secret project outage');
    expect(all).toContain('Checkout pool exhausted');

    const stats = blockText((await harness.fake.slashCommand('stats')) as never);
    expect(stats).toMatch(/\*scripted\*: 2 analyses/);
  });

  it('👎 opens "What was the real cause?"; the answer is stored per user and counted in /rca stats; responders confirm', async () => {
    const engine = new ScriptedEngine();
    engine.outputs = [errorSummary(POOL, 'checkout-api')];
    harness = await startSocketHarness({ RESPONDERS: ['U0BOSS01'] }, engine);
    const { fake } = harness;
    const { report } = await analyse(harness, 'checkout broken');
    const actions = report.blocks?.find((b) => b.type === 'actions') as { elements: Array<{ value: string }> } | undefined;
    const analysisId = actions?.elements[0]?.value ?? '';

    await fake.clickFeedback(report, 'negative', 'U0VOTER01');
    const opened = await fake.waitFor('the modal', () => fake.views[0]);
    expect((opened.view.title as { text: string }).text).toBe('Real cause');
    expect(blockText(opened.view as never)).toContain('What was the real cause?');
    expect(fake.invalid).toEqual([]);

    const empty = await fake.submitView(opened.view, 'U0VOTER01', {});
    expect(empty).toMatchObject({ response_action: 'errors', errors: { cause: expect.any(String) } });
    await fake.submitView(opened.view, 'U0VOTER01', { cause: 'the cache node ran out of memory', culprit: 'infrastructure' });
    await fake.waitFor('the thanks', () => fake.callsOf('chat.postEphemeral').find((c) => /real cause you gave/.test(String(c.args.text))));
    const store = harness.bot.deps.memory;
    const votes = harness.bot.deps.feedback.list().filter((v) => v.analysisId === analysisId);
    expect(votes).toEqual([
      expect.objectContaining({ user: 'U0VOTER01', vote: 'down', cause: 'the cache node ran out of memory', culprit: 'infrastructure' }),
    ]);
    // A changed mind replaces the vote: one per user per analysis.
    await fake.clickFeedback(report, 'positive', 'U0VOTER01');
    await fake.clickFeedback(report, 'negative', 'U0OTHER01');
    await fake.waitFor('the second modal', () => fake.views.length === 2);
    await until('two votes', async () => {
      const votes = (await store.get(analysisId))?.votes;
      return votes?.up === 1 && votes.down === 1;
    });
    const stats = blockText((await fake.slashCommand('stats')) as never);
    expect(stats).toMatch(/\*scripted\*: 1 analyses · votes :\+1: 1 \/ :-1: 1 \(50% helpful\)/);

    await fake.click(report, ACTION_IDS.confirmCause, 'U0VOTER01');
    await fake.waitFor('the refusal', () => fake.callsOf('chat.postEphemeral').find((c) => /Only responders/.test(String(c.args.text))));
    expect(fake.views).toHaveLength(2);
    // A crafted submission from a non-responder is refused too: the modal goes through the policy again.
    await fake.submitView(
      {
        ...fake.views[0]!.view,
        private_metadata: signCauseMeta({ analysisId, mode: 'confirm', channel: CHANNEL, threadTs: report.thread_ts }, KEY),
      },
      'U0VOTER01',
      {
        cause: 'fake confirmation',
      },
    );
    await fake.waitFor('the second refusal', () =>
      fake.callsOf('chat.postEphemeral').find((c) => /not saved as confirmed/.test(String(c.args.text))),
    );

    await fake.click(report, ACTION_IDS.confirmCause, 'U0BOSS01');
    const confirm = await fake.waitFor('the confirm modal', () => fake.views[2]);
    expect((confirm.view.title as { text: string }).text).toBe('Confirm cause');
    await fake.submitView(confirm.view, 'U0BOSS01', { cause: 'pool size lowered in v2.3.1', culprit: 'v2.3.1' });
    await until('confirmed', async () => (await store.get(analysisId))?.confirmed?.culprit === 'v2.3.1');
    expect((await store.get(analysisId))?.confirmed).toEqual({ cause: 'pool size lowered in v2.3.1', culprit: 'v2.3.1', by: 'U0BOSS01' });
    const after = blockText((await fake.slashCommand('stats')) as never);
    expect(after).toContain('confirmed causes 1, suspect correct in 1 (100%)');
    expect(blockText((await fake.slashCommand('history')) as never)).toContain('confirmed: pool size lowered in v2.3.1');
    expect(fake.invalid).toEqual([]);
  });
});
