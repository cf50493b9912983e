import { afterEach, describe, expect, it } from 'vitest';
import { type CauseModalMeta, modalKey, parseCauseMeta, signCauseMeta } from '../../src/slack/blocks/cause-modal.js';
import { ACTION_IDS } from '../../src/slack/blocks/limits.js';
import { type Harness, ScriptedEngine, startSocketHarness } from './helpers.js';

/**
 * A modal submission names the analysis it is about in private_metadata; whoever can craft a view_submission could
 * name another. The metadata is signed, and a signed one is still checked against the analysis it names.
 */
const KEY = modalKey('xoxb-fake-bot-token');
const META: CauseModalMeta = { analysisId: 'A1-abc', mode: 'confirm', channel: 'C0INCIDENT', threadTs: '1700000001.000001' };

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

describe('cause modal private_metadata', () => {
  it('round-trips when signed with the key; any changed field, another key or no signature is rejected', () => {
    expect(parseCauseMeta(signCauseMeta(META, KEY), KEY)).toEqual(META);
    const signed = JSON.parse(signCauseMeta(META, KEY)) as Record<string, unknown>;
    for (const [field, value] of [
      ['analysisId', 'A2-def'],
      ['channel', 'C0OTHER'],
      ['threadTs', '1700000002.000002'],
      ['mode', 'feedback'],
    ] as const) {
      expect(parseCauseMeta(JSON.stringify({ ...signed, [field]: value }), KEY), field).toBeUndefined();
    }
    expect(parseCauseMeta(signCauseMeta(META, modalKey('xoxb-another-token')), KEY)).toBeUndefined();
    expect(parseCauseMeta(JSON.stringify(META), KEY)).toBeUndefined();
    expect(parseCauseMeta('not json', KEY)).toBeUndefined();
  });

  it('a responder’s submission with unsigned or tampered metadata confirms nothing', async () => {
    harness = await startSocketHarness({ RESPONDERS: ['U0BOSS01'] }, new ScriptedEngine());
    const { fake, bot } = harness;
    await fake.slashCommand('checkout broken');
    const report = await fake.waitFor('the report', () => fake.messages.find((m) => m.thread_ts && m.blocks?.[0]?.type === 'header'));
    await fake.click(report, ACTION_IDS.confirmCause, 'U0BOSS01');
    const opened = await fake.waitFor('the confirm modal', () => fake.views[0]);
    const meta = parseCauseMeta(String(opened.view.private_metadata), KEY);
    expect(meta).toMatchObject({ mode: 'confirm', channel: report.channel, threadTs: report.thread_ts });
    const analysisId = meta?.analysisId ?? '';

    // Unsigned: ignored.
    await fake.submitView({ ...opened.view, private_metadata: JSON.stringify(meta) }, 'U0BOSS01', { cause: 'forged one' });
    // Signed, but naming another thread than the analysis': refused, saying so.
    const elsewhere = signCauseMeta({ ...(meta as CauseModalMeta), threadTs: '1700009999.000001' }, KEY);
    await fake.submitView({ ...opened.view, private_metadata: elsewhere }, 'U0BOSS01', { cause: 'forged two' });
    await fake.waitFor('the refusal', () =>
      fake.callsOf('chat.postEphemeral').find((c) => /belongs to an analysis in another thread/.test(String(c.args.text))),
    );
    expect((await bot.deps.memory.get(analysisId))?.confirmed).toBeUndefined();

    // The modal as opened still works.
    await fake.submitView(opened.view, 'U0BOSS01', { cause: 'pool size lowered' });
    await fake.waitFor('confirmed', () => fake.callsOf('chat.postEphemeral').find((c) => /confirmed the cause/.test(String(c.args.text))));
    expect((await bot.deps.memory.get(analysisId))?.confirmed?.cause).toBe('pool size lowered');
  });
});
