import { afterEach, describe, expect, it } from 'vitest';
import { alertLimits, nextToRun } from '../../src/slack/worker/admission.js';
import { AnalysisJob, type Trigger } from '../../src/slack/worker/job.js';
import type { StoredMessage } from '../fakes/slack/server.js';
import { type Harness, heldEngine, startSocketHarness } from './helpers.js';

/** ALERT_QUEUE_SHARE: an alert flood may hold only a share of the queue and of the running slots. */

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

function alertMessage(name: string) {
  return {
    type: 'message',
    subtype: 'bot_message',
    bot_id: 'B0UNKNOWN',
    channel: 'C0ALERTS',
    text: '',
    attachments: [{ title: `[FIRING:1] ${name} checkout (critical)`, text: ` • *alertname:* \`${name}\`\n • *service:* \`checkout\`` }],
  };
}

async function fire(h: Harness, name: string): Promise<StoredMessage> {
  const seeded = h.fake.seed(alertMessage(name));
  await h.fake.event({ ...alertMessage(name), ts: seeded.ts });
  return seeded;
}

describe('alerts hold at most ALERT_QUEUE_SHARE of the capacity', () => {
  it.each([
    [0, 2, 12, { capacity: 0, slots: 0 }],
    [0.5, 2, 12, { capacity: 6, slots: 1 }],
    [0.5, 1, 1, { capacity: 1, slots: 1 }],
    [0.25, 4, 10, { capacity: 2, slots: 1 }],
    [1, 2, 12, { capacity: 12, slots: 2 }],
  ])('share %d, %d slots, capacity %d', (share, concurrency, capacity, expected) => {
    expect(alertLimits(share, concurrency, capacity)).toEqual(expected);
  });

  it('a free slot skips waiting alerts while alerts hold their share of the running slots', () => {
    const job = (origin: Trigger['origin'], started: boolean) => {
      const j = new AnalysisJob(
        { origin, channel: 'C1', incident: 'x', requestedBy: origin === 'alert' ? { text: 'alert' } : { user: 'U1' } },
        0,
      );
      j.started = started;
      return j;
    };
    const running = job('alert', true);
    const waitingAlert = job('alert', false);
    const waitingPerson = job('command', false);
    const anchored = new Set([waitingAlert.id, waitingPerson.id]);
    expect(nextToRun([running, waitingAlert], anchored, 1)).toBeUndefined();
    expect(nextToRun([running, waitingAlert], anchored, 2)).toBe(waitingAlert);
    expect(nextToRun([running, waitingAlert, waitingPerson], anchored, 1)).toBe(waitingPerson);
  });

  it('12 alert messages from an unknown bot do not make a person’s /rca busy', async () => {
    harness = await startSocketHarness({}, heldEngine());
    const { fake, engine, bot } = harness;
    for (let i = 0; i < 12; i++) await fire(harness, `Alert${i}`);
    await fake.waitFor('alerts admitted', () => bot.deps.service.list().length >= 6);
    // Only one alert runs (half of 2 slots); the rest of the alerts' share waits, the others were refused as busy.
    await fake.waitFor('one alert running', () => engine.held === 1);
    expect(bot.deps.service.list().filter((job) => job.requestedBy === undefined)).toHaveLength(6);
    const answer = await fake.slashCommand('checkout is down', { user: 'U0PERSON1' });
    expect(String(answer.text)).toMatch(/Queued/);
    // The person's analysis takes the second slot at once, ahead of the waiting alerts.
    await fake.waitFor('the person running', () => engine.requests.some((r) => r.incident === 'checkout is down'));
    expect(engine.held).toBe(2);
  });
});
