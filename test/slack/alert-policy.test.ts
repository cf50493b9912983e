import { afterEach, describe, expect, it } from 'vitest';
import { BOT_ID } from '../fakes/slack/server.js';
import { ACTION_IDS, ephemeralsTo, expectClean, publicPosts, reportIn } from './access-helpers.js';
import { type Harness, ScriptedEngine, startSocketHarness } from './helpers.js';

/** Which bot messages in ALERT_CHANNELS are alerts: ALERT_BOT_IDS and the opt-in generic parser. */

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const alertmanager = (botId: string) => ({
  type: 'message',
  subtype: 'bot_message',
  bot_id: botId,
  channel: 'C0ALERTS',
  text: '',
  attachments: [
    { title: '[FIRING:1] HighErrorRate checkout (critical)', text: ' • *alertname:* `HighErrorRate`\n • *service:* `checkout`' },
  ],
});

const ciMessage = (text: string) => ({ type: 'message', subtype: 'bot_message', bot_id: 'B0CIBOT', channel: 'C0ALERTS', text });

async function deliver(h: Harness, message: Record<string, unknown>): Promise<string> {
  const seeded = h.fake.seed(message as never);
  await h.fake.event({ ...message, ts: seeded.ts });
  return seeded.ts;
}

describe('alert senders', () => {
  it('with ALERT_BOT_IDS set, only those integrations start analyses', async () => {
    harness = await startSocketHarness({ ALERT_BOT_IDS: ['B0ALERTMGR'] }, new ScriptedEngine());
    const { fake, engine } = harness;
    const ignored = await deliver(harness, alertmanager('B0IMPOSTER'));
    const accepted = await deliver(harness, alertmanager('B0ALERTMGR'));
    await fake.waitFor('the accepted alert analysed', () => engine.requests.length === 1);
    await fake.waitFor('its status reply', () => fake.thread('C0ALERTS', accepted).find((m) => m.bot_id === BOT_ID));
    expect(fake.thread('C0ALERTS', ignored).filter((m) => m.bot_id === BOT_ID)).toEqual([]);
    expect(engine.requests).toHaveLength(1);
    expectClean(fake);
  });

  it('"Build failed" from a CI bot starts nothing unless ALERT_GENERIC=true', async () => {
    harness = await startSocketHarness();
    const off = harness;
    await deliver(off, ciMessage('Build failed on main: 3 tests failing'));
    // An Alertmanager alert afterwards proves the listener ran (events are handled in order) and parsers still work.
    await deliver(off, alertmanager('B0ALERTMGR'));
    await off.fake.waitFor('the Alertmanager analysis', () => off.engine.requests.length === 1);
    expect(off.engine.requests[0]?.incident).toContain('HighErrorRate');
    await harness.close();

    harness = await startSocketHarness({ ALERT_GENERIC: true });
    const on = harness;
    await deliver(on, ciMessage('Build failed on main: 3 tests failing'));
    await on.fake.waitFor('the generic analysis', () => on.engine.requests.length === 1);
    expect(on.engine.requests[0]?.incident).toMatch(/generic alert Build failed/);
    expect(publicPosts(on.fake)).toBeGreaterThan(0);
  });

  it('an alert-started analysis can be re-run by RESPONDERS only', async () => {
    harness = await startSocketHarness({ RESPONDERS: ['U0RESPOND'] });
    const { fake, engine } = harness;
    const ts = await deliver(harness, alertmanager('B0ALERTMGR'));
    const report = await fake.waitFor('the report', () => reportIn(fake, 'C0ALERTS', ts));
    await fake.click(report, ACTION_IDS.rerun, 'U0HUMAN01');
    await fake.waitFor('the refusal', () =>
      ephemeralsTo(fake, 'U0HUMAN01').find((t) =>
        /An alert started this analysis, so only a responder \(RESPONDERS\) can re-run it/.test(t),
      ),
    );
    expect(engine.requests).toHaveLength(1);
    await fake.click(report, ACTION_IDS.rerun, 'U0RESPOND');
    await fake.waitFor('the responder re-run', () => engine.requests.length === 2);
    expectClean(fake);
  });
});
