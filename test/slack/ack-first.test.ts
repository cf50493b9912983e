import { afterEach, describe, expect, it } from 'vitest';
import { type Harness, startSocketHarness } from './helpers.js';

/**
 * `/rca` acks before it decides: the directory lookup (users.info) can take a Slack round trip or time out, and the
 * ack must not wait for it. The answer arrives afterwards through respond(), with the same texts as before.
 */
let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

describe('/rca acks first, decides after', () => {
  it('acks with no message while users.info has not answered, then answers through the response_url', async () => {
    harness = await startSocketHarness();
    const { fake } = harness;
    fake.faultNext('users.info', { hang: true });
    const payload = fake.slashCommandPayload('checkout is down', { user: 'U0SLOWDIR' });
    const ack = await fake.sendEnvelope('slash_commands', payload);
    expect(ack.text).toBeUndefined();
    expect(fake.callsOf('response_url')).toEqual([]);
    // The lookup never answers: the bounded check refuses, and the refusal reaches the person as an ephemeral reply.
    const answer = await fake.firstAnswer(payload, ack);
    expect(answer.response_type).toBe('ephemeral');
    expect(String(answer.text)).toMatch(/could not|try again|Slack/i);
  });

  it('help needs no lookup and is still the ack itself', async () => {
    harness = await startSocketHarness();
    const ack = await harness.fake.sendEnvelope('slash_commands', harness.fake.slashCommandPayload('help'));
    expect(String(ack.text)).toMatch(/\/rca/);
  });

  it('a normal command is answered "Queued" through respond()', async () => {
    harness = await startSocketHarness();
    const { fake } = harness;
    const payload = fake.slashCommandPayload('orders stuck', { user: 'U0FASTDIR' });
    const ack = await fake.sendEnvelope('slash_commands', payload);
    expect(ack.text).toBeUndefined();
    expect(String((await fake.firstAnswer(payload, ack)).text)).toMatch(/Queued/);
  });
});
