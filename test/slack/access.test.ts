import { afterEach, describe, expect, it } from 'vitest';
import { BOT_ID, type FakeSlack, findButton, type StoredMessage } from '../fakes/slack/server.js';
import {
  ACTION_IDS,
  CHANNEL,
  ephemeralsTo,
  expectClean,
  mention,
  parentOf,
  publicPosts,
  refusalLogged,
  reportIn,
  watchRefusals,
} from './access-helpers.js';
import { type Harness, heldEngine as held, startSocketHarness } from './helpers.js';

/**
 * Who may ask (docs/slack.md, "Access"), over Socket Mode against the fake Slack. Each refusal test checks the
 * ephemeral answer, the log line, and that nothing was queued or posted publicly.
 */

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

describe('access policy: who may ask', () => {
  it('refuses a guest (single- and multi-channel) unless ALLOW_GUESTS', async () => {
    harness = await startSocketHarness();
    const { fake, bot, engine } = harness;
    const log = watchRefusals(bot);
    fake.users.set('U0GUEST01', { id: 'U0GUEST01', is_restricted: true });
    fake.users.set('U0GUEST02', { id: 'U0GUEST02', is_restricted: true, is_ultra_restricted: true });

    const ack = await fake.slashCommand('checkout is down', { user: 'U0GUEST01' });
    expect(ack.response_type).toBe('ephemeral');
    expect(String(ack.text)).toMatch(/Guest accounts cannot use IncidentPilot.*ask your Slack admins/);
    await refusalLogged(fake, log, { action: 'analyse', user: 'U0GUEST01', channel: CHANNEL, reason: 'guest' });

    await mention(harness, 'U0GUEST02', 'checkout is down');
    await refusalLogged(fake, log, { action: 'analyse', user: 'U0GUEST02', reason: 'guest' });
    await fake.waitFor('the ephemeral refusal', () => ephemeralsTo(fake, 'U0GUEST02').find((t) => /Guest accounts/.test(t)));

    const status = await fake.slashCommand('status', { user: 'U0GUEST01' });
    expect(String(status.text)).toMatch(/Guest accounts cannot use IncidentPilot/);
    await refusalLogged(fake, log, { action: 'status', user: 'U0GUEST01', reason: 'guest' });

    expect(engine.requests).toEqual([]);
    expect(publicPosts(fake)).toBe(0);
    expect(bot.deps.service.list()).toEqual([]);
    expectClean(fake);
  });

  it('accepts guests when ALLOW_GUESTS=true', async () => {
    harness = await startSocketHarness({ ALLOW_GUESTS: true });
    const { fake } = harness;
    fake.users.set('U0GUEST01', { id: 'U0GUEST01', is_restricted: true });
    const ack = await fake.slashCommand('checkout is down', { user: 'U0GUEST01' });
    expect(String(ack.text)).toMatch(/Queued/);
  });

  it('refuses people from another organisation (Slack Connect) unless ALLOW_EXTERNAL_USERS', async () => {
    harness = await startSocketHarness();
    const { fake, bot, engine } = harness;
    const log = watchRefusals(bot);
    fake.users.set('U0PARTNER', { id: 'U0PARTNER', team_id: 'T0OTHERORG' });
    fake.users.set('U0STRANGE', { id: 'U0STRANGE', is_stranger: true });

    for (const user of ['U0PARTNER', 'U0STRANGE']) {
      const ack = await fake.slashCommand('checkout is down', { user });
      expect(String(ack.text)).toMatch(/another one \(Slack Connect\)/);
      await refusalLogged(fake, log, { action: 'analyse', user, reason: 'external' });
    }
    expect(engine.requests).toEqual([]);
    expect(publicPosts(fake)).toBe(0);
    expect(fake.callsOf('auth.test')[0]).toBeDefined();
    expectClean(fake);
  });

  it('accepts people from another organisation when ALLOW_EXTERNAL_USERS=true', async () => {
    harness = await startSocketHarness({ ALLOW_EXTERNAL_USERS: true });
    const { fake } = harness;
    fake.users.set('U0PARTNER', { id: 'U0PARTNER', team_id: 'T0OTHERORG' });
    expect(String((await fake.slashCommand('checkout is down', { user: 'U0PARTNER' })).text)).toMatch(/Queued/);
  });

  it('ALLOWED_USERS: refuses others, accepts listed people and members of listed user groups', async () => {
    harness = await startSocketHarness({ ALLOWED_USERS: ['U0LISTED', 'S0SRE'] });
    const { fake, bot, engine } = harness;
    const log = watchRefusals(bot);
    fake.groups.set('S0SRE', ['U0SREMEMB', 'U0OTHER99']);

    const refused = await fake.slashCommand('checkout is down', { user: 'U0HUMAN01' });
    expect(String(refused.text)).toMatch(/not on IncidentPilot's list of people who may ask \(ALLOWED_USERS\)/);
    await refusalLogged(fake, log, { action: 'analyse', user: 'U0HUMAN01', reason: 'not_allowed' });
    await mention(harness, 'U0HUMAN01', 'still down');
    await fake.waitFor('the ephemeral refusal', () => ephemeralsTo(fake, 'U0HUMAN01').find((t) => /ALLOWED_USERS/.test(t)));
    expect(publicPosts(fake)).toBe(0);
    expect(engine.requests).toEqual([]);

    expect(String((await fake.slashCommand('from the group', { user: 'U0SREMEMB' })).text)).toMatch(/Queued/);
    expect(String((await fake.slashCommand('listed person', { user: 'U0LISTED' })).text)).toMatch(/Queued/);
    await fake.waitFor('both analyses', () => engine.requests.length === 2);
    expect(fake.callsOf('usergroups.users.list')[0]?.args).toMatchObject({ usergroup: 'S0SRE' });
    expectClean(fake);
  });

  it('ALLOWED_CHANNELS: refuses elsewhere, naming where analyses run; runs in a listed channel', async () => {
    harness = await startSocketHarness({ ALLOWED_CHANNELS: ['C0INCIDENT'] });
    const { fake, bot, engine } = harness;
    const log = watchRefusals(bot);

    const ack = await fake.slashCommand('checkout is down', { channel: 'C0RANDOM' });
    expect(String(ack.text)).toMatch(/Analyses run only in <#C0INCIDENT>, not in this channel.*ALLOWED_CHANNELS/);
    await refusalLogged(fake, log, { action: 'analyse', user: 'U0HUMAN01', channel: 'C0RANDOM', reason: 'channel' });
    await mention(harness, 'U0HUMAN01', 'checkout is down', { channel: 'C0RANDOM' });
    await fake.waitFor('the ephemeral refusal', () => ephemeralsTo(fake, 'U0HUMAN01').find((t) => /Analyses run only in/.test(t)));
    expect(publicPosts(fake)).toBe(0);
    expect(engine.requests).toEqual([]);
    // No users.info call is spent on a request the channel alone refuses.
    expect(fake.callsOf('users.info')).toEqual([]);

    expect(String((await fake.slashCommand('checkout is down', { channel: CHANNEL })).text)).toMatch(/Queued/);
    await fake.waitFor('the analysis', () => engine.requests.length === 1);
    expectClean(fake);
  });

  it('ignores mentions from other bots unless ALLOWED_BOTS lists them', async () => {
    harness = await startSocketHarness();
    const { fake, bot, engine } = harness;
    const log = watchRefusals(bot);
    await mention(harness, 'U0OTHERBOT', 'deploy failed', { botId: 'B0OTHERBOT' });
    await refusalLogged(fake, log, { action: 'analyse', bot: 'B0OTHERBOT', reason: 'bot' });
    expect(engine.requests).toEqual([]);
    expect(publicPosts(fake)).toBe(0);
    expect(fake.callsOf('chat.postEphemeral')).toEqual([]);
    await harness.close();

    harness = await startSocketHarness({ ALLOWED_BOTS: ['B0OTHERBOT'] });
    const allowed = harness;
    const seeded = await mention(allowed, 'U0OTHERBOT', 'deploy failed', { botId: 'B0OTHERBOT' });
    await allowed.fake.waitFor('the report', () => reportIn(allowed.fake, CHANNEL, seeded.ts));
    expect(allowed.engine.requests.map((r) => r.incident)).toEqual(['deploy failed']);
  });

  it('a Slack error while checking refuses, saying so, and queues nothing', async () => {
    harness = await startSocketHarness({ ALLOWED_USERS: ['S0SRE'] });
    const { fake, bot, engine } = harness;
    const log = watchRefusals(bot);
    fake.groups.set('S0SRE', ['U0HUMAN01']);

    fake.failNext('users.info', 'internal_error');
    const first = await fake.slashCommand('checkout is down');
    expect(String(first.text)).toMatch(/could not check your access with Slack \(users\.info: internal_error\), so I did not do anything/);
    await refusalLogged(fake, log, { action: 'analyse', user: 'U0HUMAN01', reason: 'check_failed' });

    fake.failNext('usergroups.users.list', 'ratelimited');
    const second = await fake.slashCommand('checkout is down');
    expect(String(second.text)).toMatch(/usergroups\.users\.list: ratelimited/);

    expect(engine.requests).toEqual([]);
    expect(publicPosts(fake)).toBe(0);
    // The failure was not cached: the next request is checked afresh and goes through.
    expect(String((await fake.slashCommand('checkout is down')).text)).toMatch(/Queued/);
    expectClean(fake);
  });
});

describe('access policy: buttons', () => {
  async function runningAnalysis(h: Harness, incident: string): Promise<StoredMessage> {
    await h.fake.slashCommand(incident);
    const parent = await h.fake.waitFor('the parent', () => parentOf(h.fake, CHANNEL, incident));
    await h.fake.waitFor('the analysis to run', () => h.engine.held >= 1);
    // The status message turns to "Investigating" on its own time; counting posts before that would race it.
    return h.fake.waitFor('the Cancel button on the running status', () => {
      const current = h.fake.messages.find((m) => m.ts === parent.ts);
      return current && /Investigating/.test(current.text ?? '') && findButton(current, ACTION_IDS.cancel) ? current : undefined;
    });
  }

  it('Cancel asks for confirmation; a stranger is refused, a responder (via user group) cancels', async () => {
    harness = await startSocketHarness({ RESPONDERS: ['S0ONCALL'] }, held());
    const { fake, bot, engine } = harness;
    const log = watchRefusals(bot);
    fake.groups.set('S0ONCALL', ['U0RESPOND']);
    const parent = await runningAnalysis(harness, 'payments time out');

    const cancel = findButton(parent, ACTION_IDS.cancel) as { confirm?: Record<string, { text: string }> };
    expect(cancel.confirm?.title?.text).toBe('Cancel this analysis?');
    expect(cancel.confirm?.confirm?.text).toBe('Cancel analysis');
    expect(cancel.confirm?.deny?.text).toBe('Keep it running');

    const seen = publicCalls(fake).length;
    await fake.click(parent, ACTION_IDS.cancel, 'U0STRANGER');
    await refusalLogged(fake, log, { action: 'cancel', user: 'U0STRANGER', reason: 'not_owner' });
    await fake.waitFor('the refusal', () =>
      ephemeralsTo(fake, 'U0STRANGER').find((t) => /Only <@U0HUMAN01> or a responder \(RESPONDERS\) can cancel/.test(t)),
    );
    expect(engine.requests[0]?.signal?.aborted).toBe(false);
    // Nothing public came of the refusal; a late "Investigating" status update of the running analysis may still land.
    const later = publicCalls(fake).slice(seen);
    expect(later.map((call) => String(call.args.text)).filter((text) => /STRANGER|cancel|refus/i.test(text))).toEqual([]);
    expect(
      later.every((call) => call.method === 'chat.update'),
      JSON.stringify(later),
    ).toBe(true);

    await fake.click(fake.messages.find((m) => m.ts === parent.ts)!, ACTION_IDS.cancel, 'U0RESPOND');
    await fake.waitFor('the parent cancelled', () => /Cancelled/.test(fake.messages.find((m) => m.ts === parent.ts)?.text ?? ''));
    await fake.waitFor('the note naming the responder', () =>
      fake.thread(CHANNEL, parent.ts).find((m) => /cancelled by <@U0RESPOND>/.test(m.text ?? '')),
    );
    expect(engine.requests[0]?.signal?.aborted).toBe(true);
    expectClean(fake);
  });

  it('Re-run by a stranger is refused; a responder re-runs', async () => {
    harness = await startSocketHarness({ RESPONDERS: ['U0RESPOND'] });
    const { fake, bot, engine } = harness;
    const log = watchRefusals(bot);
    await fake.slashCommand('orders stuck');
    const parent = await fake.waitFor('the parent', () => parentOf(fake, CHANNEL, 'orders stuck'));
    const report = await fake.waitFor('the report', () => reportIn(fake, CHANNEL, parent.ts));
    await fake.waitFor('the parent to show done', () => /Done/.test(fake.messages.find((m) => m.ts === parent.ts)?.text ?? ''));

    const before = publicPosts(fake);
    await fake.click(report, ACTION_IDS.rerun, 'U0STRANGER');
    await refusalLogged(fake, log, { action: 'rerun', user: 'U0STRANGER', reason: 'not_owner' });
    await fake.waitFor('the refusal', () => ephemeralsTo(fake, 'U0STRANGER').find((t) => /can re-run this analysis/.test(t)));
    expect(engine.requests).toHaveLength(1);
    expect(publicPosts(fake)).toBe(before);

    await fake.click(report, ACTION_IDS.rerun, 'U0RESPOND');
    await fake.waitFor('the responder re-run', () => engine.requests.length === 2);
    expectClean(fake);
  });

  it('Re-run and Dig deeper work only in the thread of their analysis', async () => {
    harness = await startSocketHarness();
    const { fake, bot, engine } = harness;
    const log = watchRefusals(bot);
    await fake.slashCommand('search is slow');
    const parent = await fake.waitFor('the parent', () => parentOf(fake, CHANNEL, 'search is slow'));
    const report = await fake.waitFor('the report', () => reportIn(fake, CHANNEL, parent.ts));
    await fake.waitFor('the parent to show done', () => /Done/.test(fake.messages.find((m) => m.ts === parent.ts)?.text ?? ''));
    const elsewhere = fake.seed({ channel: 'C0ELSEWHER', user: 'U0HUMAN01', text: 'another thread' });

    const before = publicPosts(fake);
    // The same buttons (same analysis id) as if posted in another thread, and in another channel.
    await fake.click({ ...report, thread_ts: '1600000000.000001' }, ACTION_IDS.rerun);
    await refusalLogged(fake, log, { action: 'rerun', reason: 'wrong_thread' });
    await fake.click({ ...report, channel: 'C0ELSEWHER', thread_ts: elsewhere.ts }, ACTION_IDS.digDeeper);
    await refusalLogged(fake, log, { action: 'dig_deeper', channel: 'C0ELSEWHER', reason: 'wrong_thread' });
    expect(ephemeralsTo(fake, 'U0HUMAN01').filter((t) => /belongs to an analysis in another thread/.test(t))).toHaveLength(2);
    expect(engine.requests).toHaveLength(1);
    expect(publicPosts(fake)).toBe(before);
    expect(fake.messages.filter((m) => m.channel === 'C0ELSEWHER' && m.bot_id === BOT_ID)).toEqual([]);
    expectClean(fake);
  });

  it('a guest cannot vote or press buttons either', async () => {
    harness = await startSocketHarness();
    const { fake, bot } = harness;
    const log = watchRefusals(bot);
    fake.users.set('U0GUEST01', { id: 'U0GUEST01', is_restricted: true });
    await fake.slashCommand('cart empty');
    const parent = await fake.waitFor('the parent', () => parentOf(fake, CHANNEL, 'cart empty'));
    const report = await fake.waitFor('the report', () => reportIn(fake, CHANNEL, parent.ts));
    await fake.clickFeedback(report, 'positive', 'U0GUEST01');
    await refusalLogged(fake, log, { action: 'feedback', user: 'U0GUEST01', reason: 'guest' });
    expect(bot.deps.feedback.list()).toEqual([]);
  });
});

function publicCalls(fake: FakeSlack) {
  return [...fake.callsOf('chat.postMessage'), ...fake.callsOf('chat.update')].sort((a, b) => a.at - b.at);
}
