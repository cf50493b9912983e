import { afterEach, describe, expect, it } from 'vitest';
import { BOT_ID, type StoredMessage } from '../fakes/slack/server.js';
import { ACTION_IDS, CHANNEL, ephemeralsTo, expectClean, mention, parentOf, reportIn } from './access-helpers.js';
import { type Harness, ScriptedEngine, startSocketHarness } from './helpers.js';

/** Fair use under load (worker/admission.ts), through the real Bolt app over Socket Mode. */

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

function alert(channel: string, name: string) {
  return {
    type: 'message',
    subtype: 'bot_message',
    bot_id: 'B0ALERTMGR',
    channel,
    text: '',
    attachments: [{ title: `[FIRING:1] ${name} checkout (critical)`, text: ` • *alertname:* \`${name}\`\n • *service:* \`checkout\`` }],
  };
}

async function fireAlert(h: Harness, channel: string, name: string): Promise<StoredMessage> {
  const seeded = h.fake.seed(alert(channel, name));
  await h.fake.event({ ...alert(channel, name), ts: seeded.ts });
  return seeded;
}

describe('fair use', () => {
  it('a burst of Re-run clicks starts one analysis; the others are told one is already running', async () => {
    harness = await startSocketHarness();
    const { fake, engine } = harness;
    await fake.slashCommand('orders stuck');
    const parent = await fake.waitFor('the parent', () => parentOf(fake, CHANNEL, 'orders stuck'));
    const report = await fake.waitFor('the report', () => reportIn(fake, CHANNEL, parent.ts));

    engine.hold = true;
    await Promise.all(Array.from({ length: 5 }, () => fake.click(report, ACTION_IDS.rerun)));
    await fake.waitFor('the re-run to start', () => engine.held === 1);
    const refusals = await fake.waitFor('four refusals', () => {
      const found = ephemeralsTo(fake, 'U0HUMAN01').filter((t) => /already (queued|running) in this thread; one runs per thread/.test(t));
      return found.length === 4 ? found : undefined;
    });
    expect(refusals).toHaveLength(4);
    expect(engine.requests).toHaveLength(2);
    // A mention in that thread while the re-run runs is refused the same way.
    await mention(harness, 'U0HUMAN02', 'and now?', { threadTs: parent.ts });
    await fake.waitFor('the mention refusal', () => ephemeralsTo(fake, 'U0HUMAN02').find((t) => /one runs per thread/.test(t)));
    expect(engine.requests).toHaveLength(2);
    expectClean(fake);
  });

  it('MAX_QUEUED_PER_USER limits what one person has queued or running; others still get in', async () => {
    const engine = new ScriptedEngine();
    engine.hold = true;
    harness = await startSocketHarness({ ANALYSIS_CONCURRENCY: 1, MAX_QUEUED_PER_USER: 2 }, engine);
    const { fake } = harness;
    expect(String((await fake.slashCommand('one')).text)).toMatch(/Queued/);
    expect(String((await fake.slashCommand('two')).text)).toMatch(/Queued/);
    const third = await fake.slashCommand('three');
    expect(String(third.text)).toMatch(/You already have 2 analyses queued or running \(MAX_QUEUED_PER_USER\)/);
    expect(fake.messages.filter((m) => m.bot_id === BOT_ID && !m.thread_ts)).toHaveLength(2);
    expect(String((await fake.slashCommand('someone else', { user: 'U0HUMAN02' })).text)).toMatch(/Queued/);
    expect(harness.bot.deps.service.list().map((e) => e.incident)).toEqual(['one', 'two', 'someone else']);
    expectClean(fake);
  });

  it('people go ahead of alerts in the queue', async () => {
    const engine = new ScriptedEngine();
    engine.hold = true;
    harness = await startSocketHarness({ ANALYSIS_CONCURRENCY: 1 }, engine);
    const { fake } = harness;
    await fake.slashCommand('first person');
    await fake.waitFor('the first to run', () => engine.held === 1);
    const fired = await fireAlert(harness, 'C0ALERTS', 'HighErrorRate');
    await fake.waitFor('the alert queued', () => fake.thread('C0ALERTS', fired.ts).find((m) => m.bot_id === BOT_ID));
    const second = await fake.slashCommand('second person');
    // The alert came first but waits behind the person.
    expect(String(second.text)).toMatch(/Queued \(position 1\)/);
    await fake.waitFor('the alert status to show position 2', () =>
      /position 2/.test(fake.thread('C0ALERTS', fired.ts).find((m) => m.bot_id === BOT_ID)?.text ?? ''),
    );

    engine.release();
    await fake.waitFor('the second analysis', () => engine.requests.length === 2 && engine.held === 1);
    expect(engine.requests[1]?.incident).toBe('second person');
    engine.release();
    await fake.waitFor('the alert analysis', () => engine.requests.length === 3);
    expect(engine.requests[2]?.incident).toContain('HighErrorRate');
    engine.hold = false;
    engine.release();
    expectClean(fake);
  });

  it('a cancelled queued analysis frees its place at once', async () => {
    const engine = new ScriptedEngine();
    engine.hold = true;
    harness = await startSocketHarness({ ANALYSIS_CONCURRENCY: 1, QUEUE_MAX: 1 }, engine);
    const { fake } = harness;
    await fake.slashCommand('running one');
    await fake.slashCommand('queued one');
    expect(String((await fake.slashCommand('no room', { user: 'U0HUMAN02' })).text)).toMatch(/busy \(1 running, 1 queued\)/);
    const queued = await fake.waitFor('the queued parent', () => parentOf(fake, CHANNEL, 'queued one'));
    await fake.click(queued, ACTION_IDS.cancel);
    await fake.waitFor('cancelled', () => /Cancelled/.test(fake.messages.find((m) => m.ts === queued.ts)?.text ?? ''));
    const next = await fake.slashCommand('now there is room', { user: 'U0HUMAN02' });
    expect(String(next.text)).toMatch(/Queued \(position 1\)/);
    expect(String((await fake.slashCommand('full again', { user: 'U0HUMAN03' })).text)).toMatch(/busy \(1 running, 1 queued\)/);
    expectClean(fake);
  });

  it('an alert storm on a full queue gets one busy reply per channel per cooldown', async () => {
    const engine = new ScriptedEngine();
    engine.hold = true;
    harness = await startSocketHarness({ ANALYSIS_CONCURRENCY: 1, QUEUE_MAX: 0, ALERT_CHANNELS: ['C0ALERTS', 'C0ALERTS2'] }, engine);
    const { fake } = harness;
    await fake.slashCommand('holding the only slot');
    await fake.waitFor('the slot taken', () => engine.held === 1);
    for (const name of ['DiskFull', 'HighLatency', 'PodCrashLoop', 'QueueBacklog']) await fireAlert(harness, 'C0ALERTS', name);
    await fireAlert(harness, 'C0ALERTS2', 'DiskFull');
    const busy = () => fake.messages.filter((m) => m.bot_id === BOT_ID && /busy/.test(m.text ?? ''));
    await fake.waitFor('a busy reply in each channel', () => busy().length === 2);
    // Let the remaining alerts' handlers finish before counting again.
    await fireAlert(harness, 'C0ALERTS', 'OneMore');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(busy().map((m) => m.channel)).toEqual(['C0ALERTS', 'C0ALERTS2']);
    expect(engine.requests).toHaveLength(1);
    expectClean(fake);
  });
});
