import { afterEach, describe, expect, it } from 'vitest';
import { blockText } from '../fakes/slack/server.js';
import { expectClean } from './access-helpers.js';
import { type Harness, heldEngine as held, startSocketHarness } from './helpers.js';

/** Nobody sees another channel's work: /rca status and alert joins across channels, over Socket Mode. */

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

describe('nobody sees another channel’s work', () => {
  it('/rca status describes only this channel’s analyses (counts the rest); responders see everything', async () => {
    harness = await startSocketHarness({ RESPONDERS: ['U0RESPOND'] }, held());
    const { fake } = harness;
    await fake.slashCommand('alpha payroll export leaks', { channel: 'C0PAYROLL' });
    await fake.slashCommand('bravo search latency', { channel: 'C0SEARCH' });
    await fake.slashCommand('charlie queued in payroll', { channel: 'C0PAYROLL' });
    await fake.waitFor('two running', () => harness!.engine.held === 2);

    const search = blockText((await fake.slashCommand('status', { channel: 'C0SEARCH' })) as never);
    expect(search).toContain('bravo search latency');
    expect(search).not.toMatch(/alpha|charlie|C0PAYROLL/);
    expect(search).toMatch(/1 running and 1 queued in other channels/);

    const empty = await fake.slashCommand('status', { channel: 'C0QUIET' });
    expect(String(empty.text)).toMatch(/No analyses queued or running in this channel; 2 running and 1 queued in other channels/);
    expect(blockText(empty as never)).not.toMatch(/alpha|bravo|charlie|C0PAYROLL|C0SEARCH/);

    const responder = blockText((await fake.slashCommand('status', { channel: 'C0QUIET', user: 'U0RESPOND' })) as never);
    expect(responder).toMatch(/alpha payroll export leaks[\s\S]*<#C0PAYROLL>/);
    expect(responder).toContain('bravo search latency');
    expect(responder).toContain('charlie queued in payroll');
    expectClean(fake);
  });

  it('a duplicate alert in another channel joins without naming that channel', async () => {
    harness = await startSocketHarness({ ALERT_CHANNELS: ['C0ALERTS', 'C0SECRETAL'] }, held());
    const { fake } = harness;
    const alert = (channel: string) => ({
      type: 'message',
      subtype: 'bot_message',
      bot_id: 'B0ALERTMGR',
      channel,
      text: '',
      attachments: [
        { title: '[FIRING:1] HighErrorRate checkout (critical)', text: ' • *alertname:* `HighErrorRate`\n • *service:* `checkout`' },
      ],
    });
    const first = fake.seed(alert('C0ALERTS'));
    await fake.event({ ...alert('C0ALERTS'), ts: first.ts });
    await fake.waitFor('the analysis', () => harness!.engine.held === 1);
    const second = fake.seed(alert('C0SECRETAL'));
    await fake.event({ ...alert('C0SECRETAL'), ts: second.ts });
    const note = await fake.waitFor('the join note', () =>
      fake.thread('C0ALERTS', first.ts).find((m) => /joined this analysis/.test(m.text ?? '')),
    );
    expect(note.text).toMatch(/fired again in another channel/);
    expect(blockText(note)).not.toContain('C0SECRETAL');
    expect(harness.engine.requests).toHaveLength(1);
    expectClean(fake);
  });
});
