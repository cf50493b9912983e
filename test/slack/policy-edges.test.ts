import { afterEach, describe, expect, it, vi } from 'vitest';
import { metrics } from '../../src/observability/metrics.js';
import { type DirectoryClient, SlackDirectory } from '../../src/slack/policy/directory.js';
import { OPEN_POLICY, type PolicyConfig } from '../../src/slack/policy/env.js';
import { AccessPolicy, type HomeTeam, type PolicyAction, type PolicyRequest } from '../../src/slack/policy/policy.js';

/**
 * The access policy's edges (issue 30): every action in every list that decides a branch, each identity rule and
 * both sides of it. Slack's directory answers come from an in-memory stand-in for users.info,
 * usergroups.users.list and conversations.info, read through the real SlackDirectory.
 */

const HOME = 'T0HOME';
const CHANNEL = 'C0INCIDENT';
const ALL_ACTIONS: PolicyAction[] = ['analyse', 'followup', 'status', 'cancel', 'rerun', 'dig_deeper', 'feedback'];

interface SlackUser {
  id: string;
  team_id?: string;
  deleted?: boolean;
  is_bot?: boolean;
  is_restricted?: boolean;
  is_ultra_restricted?: boolean;
  is_stranger?: boolean;
  enterprise_user?: { enterprise_id: string };
  profile?: { bot_id?: string };
}

/** users.info, usergroups.users.list and conversations.info over maps; unknown ids fail as Slack's API does. */
class Directory {
  readonly users = new Map<string, SlackUser>();
  readonly groups = new Map<string, string[]>();
  readonly channels = new Map<string, { id: string; is_ext_shared?: boolean; is_pending_ext_shared?: boolean }>();
  readonly calls: string[] = [];

  client(): DirectoryClient {
    const fail = (error: string) =>
      Promise.reject(Object.assign(new Error(`An API error occurred: ${error}`), { data: { ok: false, error } }));
    return {
      users: {
        info: ({ user }: { user: string }) => {
          this.calls.push(`users.info ${user}`);
          const found = this.users.get(user);
          return found ? Promise.resolve({ ok: true, user: found }) : fail('user_not_found');
        },
      },
      usergroups: {
        users: {
          list: ({ usergroup }: { usergroup: string }) => {
            this.calls.push(`usergroups.users.list ${usergroup}`);
            const members = this.groups.get(usergroup);
            return members ? Promise.resolve({ ok: true, users: members }) : fail('no_such_subteam');
          },
        },
      },
      conversations: {
        info: ({ channel }: { channel: string }) => {
          this.calls.push(`conversations.info ${channel}`);
          return Promise.resolve({ ok: true, channel: this.channels.get(channel) ?? { id: channel } });
        },
      },
    } as unknown as DirectoryClient;
  }
}

let warnings: string[] = [];
const logger = { debug() {}, info() {}, warn: (line: string) => warnings.push(line), error() {} };

function setup(config: Partial<PolicyConfig> = {}, home: HomeTeam = { teamId: HOME }, alertChannels: string[] = []) {
  const slack = new Directory();
  slack.users.set('U0ALICE', { id: 'U0ALICE', team_id: HOME });
  slack.users.set('U0BOB', { id: 'U0BOB', team_id: HOME });
  const policy = new AccessPolicy({ ...OPEN_POLICY, ...config }, new SlackDirectory(slack.client()), home, alertChannels, logger);
  return { slack, policy };
}

function ask(policy: AccessPolicy, request: Partial<PolicyRequest>) {
  return policy.check({ action: 'analyse', channel: CHANNEL, user: 'U0ALICE', ...request });
}

afterEach(() => {
  warnings = [];
  vi.useRealTimers();
});

describe('channels', () => {
  it('no ALLOWED_CHANNELS: every channel; a list: only its channels and the alert channels', async () => {
    expect(setup().policy.channelAllowed('C0ANY')).toBe(true);
    const { policy } = setup({ ALLOWED_CHANNELS: ['C0INC1', 'C0INC2'] }, { teamId: HOME }, ['C0ALERTS']);
    expect(['C0INC1', 'C0INC2', 'C0ALERTS', 'C0OTHER'].map((c) => policy.channelAllowed(c))).toEqual([true, true, true, false]);
    expect(await ask(policy, { channel: 'C0ALERTS' })).toEqual({ allowed: true, responder: false });
    const refused = await ask(policy, { channel: 'C0OTHER' });
    expect(refused).toMatchObject({ allowed: false, reason: 'channel' });
    expect(refused.allowed ? '' : refused.text).toContain('<#C0INC1>, <#C0INC2>');
  });

  it('outside ALLOWED_CHANNELS only status is answered; every other action is refused', async () => {
    const { policy } = setup({ ALLOWED_CHANNELS: ['C0INC1'] });
    for (const action of ALL_ACTIONS) {
      const decision = await ask(policy, { action, channel: 'C0OTHER' });
      if (action === 'status') expect(decision, action).toEqual({ allowed: true, responder: false });
      else expect(decision, action).toMatchObject({ allowed: false, reason: 'channel' });
    }
  });

  it('a Slack Connect channel (shared or pending) refuses the actions that publish an analysis, and only those', async () => {
    for (const flag of ['is_ext_shared', 'is_pending_ext_shared'] as const) {
      const { slack, policy } = setup();
      slack.channels.set(CHANNEL, { id: CHANNEL, [flag]: true });
      for (const action of ALL_ACTIONS) {
        const decision = await ask(policy, { action });
        if (['analyse', 'followup', 'rerun', 'dig_deeper'].includes(action)) {
          expect(decision, `${flag} ${action}`).toMatchObject({ allowed: false, reason: 'shared_channel' });
        } else expect(decision, `${flag} ${action}`).toEqual({ allowed: true, responder: false });
      }
      expect(await policy.sharedChannelRefusal('C0INTERNAL')).toBeUndefined();
    }
  });

  it('ALLOW_SHARED_CHANNELS lets analyses into a shared channel without asking Slack', async () => {
    const { slack, policy } = setup({ ALLOW_SHARED_CHANNELS: true });
    slack.channels.set(CHANNEL, { id: CHANNEL, is_ext_shared: true });
    expect(await ask(policy, {})).toEqual({ allowed: true, responder: false });
    expect(await policy.sharedChannelRefusal(CHANNEL)).toBeUndefined();
    expect(slack.calls.filter((call) => call.startsWith('conversations.info'))).toEqual([]);
  });

  it('a channel check Slack cannot answer is a refusal that says so, for people and bots alike', async () => {
    const { policy } = setup({ ALLOWED_BOTS: ['B0DEPLOY'] });
    const broken = new AccessPolicy(
      { ...OPEN_POLICY, ALLOWED_BOTS: ['B0DEPLOY'] },
      {
        channel: () => Promise.reject(new Error('conversations.info: missing_scope')),
        user: () => Promise.reject(new Error('not asked')),
        groupMembers: () => Promise.reject(new Error('not asked')),
      } as unknown as SlackDirectory,
      { teamId: HOME },
      [],
      logger,
    );
    for (const request of [{}, { user: undefined, botId: 'B0DEPLOY' }]) {
      const decision = await ask(broken, request);
      expect(decision).toMatchObject({ allowed: false, reason: 'check_failed' });
      expect(decision.allowed ? '' : decision.text).toContain('(conversations.info: missing_scope)');
    }
    expect(await ask(policy, { user: undefined, botId: 'B0DEPLOY' })).toEqual({ allowed: true, responder: false });
  });
  it('a failure that is not even an Error is still a refusal quoting it', async () => {
    const odd = new AccessPolicy(
      OPEN_POLICY,
      {
        channel: (id: string) =>
          id === 'C0ODD' ? Promise.reject('channel lookup broke') : Promise.resolve({ id, externallyShared: false }),
        user: () => Promise.reject('user lookup broke'),
        groupMembers: () => Promise.resolve(new Set<string>()),
      } as unknown as SlackDirectory,
      { teamId: HOME },
      [],
      logger,
    );
    const channel = await ask(odd, { channel: 'C0ODD' });
    expect(channel.allowed ? '' : channel.text).toContain('(channel lookup broke)');
    const user = await ask(odd, {});
    expect(user.allowed ? '' : user.text).toContain('(user lookup broke)');
  });
});

describe('bots', () => {
  it('ALERT_BOT_IDS: empty allows any sender; a list allows only its bots, never an unnamed one', () => {
    const open = setup().policy;
    expect([open.alertSenderAllowed('B0ANY'), open.alertSenderAllowed(undefined)]).toEqual([true, true]);
    const listed = setup({ ALERT_BOT_IDS: ['B0AM', 'B0GRAFANA'] }).policy;
    expect(['B0AM', 'B0GRAFANA', 'B0OTHER', undefined].map((id) => listed.alertSenderAllowed(id))).toEqual([true, true, false, false]);
  });

  it('ALERT_GENERIC is what the policy reports', () => {
    expect([setup().policy.genericAlerts, setup({ ALERT_GENERIC: true }).policy.genericAlerts]).toEqual([false, true]);
  });

  it('a bot mention: refused unless in ALLOWED_BOTS, then only in an allowed channel that is not shared', async () => {
    const { slack, policy } = setup({ ALLOWED_BOTS: ['B0DEPLOY'], ALLOWED_CHANNELS: [CHANNEL, 'C0SHARED'] });
    slack.channels.set('C0SHARED', { id: 'C0SHARED', is_ext_shared: true });
    const bot = { user: undefined, botId: 'B0DEPLOY' };
    expect(await ask(policy, { ...bot, botId: 'B0OTHER' })).toMatchObject({ allowed: false, reason: 'bot' });
    const elsewhere = await ask(policy, { ...bot, channel: 'C0OTHER' });
    expect(elsewhere).toMatchObject({ allowed: false, reason: 'channel' });
    expect(elsewhere.allowed ? '' : elsewhere.text).toContain(`<#${CHANNEL}>, <#C0SHARED>`);
    expect(await ask(policy, { ...bot, channel: 'C0SHARED' })).toMatchObject({ allowed: false, reason: 'shared_channel' });
    expect(await ask(policy, bot)).toEqual({ allowed: true, responder: false });
    // A bot is never asked about as a person.
    expect(slack.calls.filter((call) => call.startsWith('users.info'))).toEqual([]);
  });

  it('a bot user (from users.info) passes only with its bot id in ALLOWED_BOTS', async () => {
    const { slack, policy } = setup({ ALLOWED_BOTS: ['B0DEPLOY'] });
    slack.users.set('U0DEPLOYBOT', { id: 'U0DEPLOYBOT', team_id: HOME, is_bot: true, profile: { bot_id: 'B0DEPLOY' } });
    slack.users.set('U0OTHERBOT', { id: 'U0OTHERBOT', team_id: HOME, is_bot: true, profile: { bot_id: 'B0OTHER' } });
    slack.users.set('U0NOIDBOT', { id: 'U0NOIDBOT', team_id: HOME, is_bot: true });
    expect(await ask(policy, { user: 'U0DEPLOYBOT' })).toEqual({ allowed: true, responder: false });
    expect(await ask(policy, { user: 'U0OTHERBOT' })).toMatchObject({ allowed: false, reason: 'bot' });
    expect(await ask(policy, { user: 'U0NOIDBOT' })).toMatchObject({ allowed: false, reason: 'bot' });
  });
});

describe('who asks', () => {
  it('nobody named is refused; a deactivated account is refused', async () => {
    const { slack, policy } = setup();
    expect(await ask(policy, { user: undefined })).toMatchObject({ allowed: false, reason: 'unknown_user' });
    slack.users.set('U0GONE', { id: 'U0GONE', team_id: HOME, deleted: true });
    expect(await ask(policy, { user: 'U0GONE' })).toMatchObject({ allowed: false, reason: 'deactivated' });
  });

  it('guests (single- and multi-channel) are refused unless ALLOW_GUESTS', async () => {
    for (const flag of ['is_restricted', 'is_ultra_restricted'] as const) {
      const strict = setup();
      strict.slack.users.set('U0GUEST', { id: 'U0GUEST', team_id: HOME, [flag]: true });
      expect(await ask(strict.policy, { user: 'U0GUEST' }), flag).toMatchObject({ allowed: false, reason: 'guest' });
      const open = setup({ ALLOW_GUESTS: true });
      open.slack.users.set('U0GUEST', { id: 'U0GUEST', team_id: HOME, [flag]: true });
      expect(await ask(open.policy, { user: 'U0GUEST' }), flag).toEqual({ allowed: true, responder: false });
    }
  });

  it('a stranger is external even when Slack reports the home team; ALLOW_EXTERNAL_USERS lets them in', async () => {
    const strict = setup();
    strict.slack.users.set('U0STRANGER', { id: 'U0STRANGER', team_id: HOME, is_stranger: true });
    expect(await ask(strict.policy, { user: 'U0STRANGER' })).toMatchObject({ allowed: false, reason: 'external' });
    const open = setup({ ALLOW_EXTERNAL_USERS: true });
    open.slack.users.set('U0STRANGER', { id: 'U0STRANGER', team_id: 'T0ELSE', is_stranger: true });
    expect(await ask(open.policy, { user: 'U0STRANGER' })).toEqual({ allowed: true, responder: false });
  });

  it('another team is external; without a known home team everyone is', async () => {
    const { slack, policy } = setup();
    slack.users.set('U0OTHERTEAM', { id: 'U0OTHERTEAM', team_id: 'T0ELSE' });
    slack.users.set('U0NOTEAM', { id: 'U0NOTEAM' });
    expect(await ask(policy, { user: 'U0OTHERTEAM' })).toMatchObject({ allowed: false, reason: 'external' });
    expect(await ask(policy, { user: 'U0NOTEAM' })).toMatchObject({ allowed: false, reason: 'external' });
    expect(await ask(policy, { user: 'U0ALICE' })).toEqual({ allowed: true, responder: false });
    const homeless = setup({}, {});
    expect(await ask(homeless.policy, { user: 'U0ALICE' })).toMatchObject({ allowed: false, reason: 'external' });
    // Neither side knowing a team proves nothing: still external.
    homeless.slack.users.set('U0NOTEAM', { id: 'U0NOTEAM' });
    expect(await ask(homeless.policy, { user: 'U0NOTEAM' })).toMatchObject({ allowed: false, reason: 'external' });
  });

  it('Enterprise Grid: the org decides when both sides name one; otherwise the team does', async () => {
    const { slack, policy } = setup({}, { teamId: HOME, enterpriseId: 'E0ORG' });
    slack.users.set('U0SISTER', { id: 'U0SISTER', team_id: 'T0SISTER', enterprise_user: { enterprise_id: 'E0ORG' } });
    slack.users.set('U0SAMETEAMOTHERORG', { id: 'U0SAMETEAMOTHERORG', team_id: HOME, enterprise_user: { enterprise_id: 'E0ELSE' } });
    slack.users.set('U0NOORG', { id: 'U0NOORG', team_id: 'T0ELSE' });
    expect(await ask(policy, { user: 'U0SISTER' })).toEqual({ allowed: true, responder: false });
    expect(await ask(policy, { user: 'U0SAMETEAMOTHERORG' })).toMatchObject({ allowed: false, reason: 'external' });
    expect(await ask(policy, { user: 'U0NOORG' })).toMatchObject({ allowed: false, reason: 'external' });
    expect(await ask(policy, { user: 'U0ALICE' })).toEqual({ allowed: true, responder: false });
    // A bot that knows only its team judges an org member by team.
    const teamOnly = setup();
    teamOnly.slack.users.set('U0SISTER', { id: 'U0SISTER', team_id: 'T0SISTER', enterprise_user: { enterprise_id: 'E0ORG' } });
    expect(await ask(teamOnly.policy, { user: 'U0SISTER' })).toMatchObject({ allowed: false, reason: 'external' });
    // … and a member of its own team is internal whatever org Slack names for them.
    teamOnly.slack.users.set('U0TEAMMATE', { id: 'U0TEAMMATE', team_id: HOME, enterprise_user: { enterprise_id: 'E0ORG' } });
    expect(await ask(teamOnly.policy, { user: 'U0TEAMMATE' })).toEqual({ allowed: true, responder: false });
  });

  it('ALLOWED_USERS: listed people and members of listed groups; responders always; user ids are never looked up as groups', async () => {
    const { slack, policy } = setup({ ALLOWED_USERS: ['U0ALICE', 'S0SRE'], RESPONDERS: ['S0ONCALL'] });
    slack.groups.set('S0SRE', ['U0CAROL']);
    slack.groups.set('S0ONCALL', ['U0DAVE']);
    for (const id of ['U0CAROL', 'U0DAVE']) slack.users.set(id, { id, team_id: HOME });
    expect(await ask(policy, { user: 'U0ALICE' })).toEqual({ allowed: true, responder: false });
    expect(await ask(policy, { user: 'U0CAROL' })).toEqual({ allowed: true, responder: false });
    expect(await ask(policy, { user: 'U0DAVE' })).toEqual({ allowed: true, responder: true });
    expect(await ask(policy, { user: 'U0BOB' })).toMatchObject({ allowed: false, reason: 'not_allowed' });
    expect(slack.calls.filter((call) => call.startsWith('usergroups')).sort()).toEqual([
      'usergroups.users.list S0ONCALL',
      'usergroups.users.list S0SRE',
    ]);
    expect(await policy.isResponder('U0DAVE')).toBe(true);
    expect(await policy.isResponder('U0CAROL')).toBe(false);
  });

  it('a responder named by id is one; nobody is without RESPONDERS', async () => {
    const named = setup({ RESPONDERS: ['U0BOB'] }).policy;
    expect(await ask(named, { user: 'U0BOB' })).toEqual({ allowed: true, responder: true });
    expect(await ask(named, { user: 'U0ALICE' })).toEqual({ allowed: true, responder: false });
  });

  it('a user or group Slack cannot read is a refusal naming the failure, not a guess', async () => {
    const { slack, policy } = setup({ RESPONDERS: ['S0MISSING'] });
    const decision = await ask(policy, { user: 'U0NOBODY' });
    expect(decision).toMatchObject({ allowed: false, reason: 'check_failed' });
    expect(decision.allowed ? '' : decision.text).toContain('(users.info: user_not_found)');
    const group = await ask(policy, {});
    expect(group.allowed ? '' : group.text).toContain('(usergroups.users.list: no_such_subteam)');
    expect(slack.calls).toContain('usergroups.users.list S0MISSING');
  });
});

describe('buttons on an analysis', () => {
  it('a click from another thread is refused before anything else', async () => {
    const { slack, policy } = setup();
    expect(await ask(policy, { action: 'status', target: { owner: 'U0ALICE', inItsThread: false } })).toMatchObject({
      allowed: false,
      reason: 'wrong_thread',
    });
    expect(slack.calls).toEqual([]);
    expect(await ask(policy, { action: 'status', target: { owner: 'U0ALICE', inItsThread: true } })).toEqual({
      allowed: true,
      responder: false,
    });
  });

  it('only cancel and rerun need ownership: the owner and responders may, anyone else may do the rest', async () => {
    const { policy } = setup({ RESPONDERS: ['U0BOB'] });
    for (const action of ALL_ACTIONS) {
      const owned = action === 'cancel' || action === 'rerun';
      const theirs = await ask(policy, { action, user: 'U0ALICE', target: { owner: 'U0CAROL', inItsThread: true } });
      if (owned) expect(theirs, action).toMatchObject({ allowed: false, reason: 'not_owner' });
      else expect(theirs, action).toEqual({ allowed: true, responder: false });
      const own = await ask(policy, { action, user: 'U0ALICE', target: { owner: 'U0ALICE', inItsThread: true } });
      expect(own, action).toEqual({ allowed: true, responder: false });
      const responder = await ask(policy, { action, user: 'U0BOB', target: { owner: 'U0CAROL', inItsThread: true } });
      expect(responder, action).toEqual({ allowed: true, responder: true });
    }
  });

  it('an analysis an alert started can be cancelled or re-run only by a responder; the refusal says so', async () => {
    const { policy } = setup({ RESPONDERS: ['U0BOB'] });
    const cancel = await ask(policy, { action: 'cancel', target: { inItsThread: true } });
    expect(cancel).toMatchObject({ allowed: false, reason: 'not_owner' });
    expect(cancel.allowed ? '' : cancel.text).toMatch(/An alert started this analysis, so only a responder .* can cancel it/);
    const rerun = await ask(policy, { action: 'rerun', target: { owner: 'U0CAROL', inItsThread: true } });
    expect(rerun.allowed ? '' : rerun.text).toContain('Only <@U0CAROL> or a responder (RESPONDERS) can re-run');
    expect(await ask(policy, { action: 'rerun', user: 'U0BOB', target: { inItsThread: true } })).toEqual({
      allowed: true,
      responder: true,
    });
  });
});

describe('refusals are logged; the check is bounded in time', () => {
  it('each refusal is logged once with action, user, bot, channel and reason; an allowed request is not', async () => {
    const { policy } = setup({ ALLOWED_CHANNELS: ['C0INC1'], ACCESS_CONTACT: '#sre-help' });
    await ask(policy, { channel: 'C0INC1' });
    expect(warnings).toEqual([]);
    const decision = await ask(policy, { action: 'followup' });
    expect(decision.allowed ? '' : decision.text).toContain('#sre-help');
    await ask(policy, { user: undefined, botId: 'B0STRAY' });
    expect(warnings).toEqual([
      `access refused: action=followup user=U0ALICE bot=- channel=${CHANNEL} reason=channel`,
      `access refused: action=analyse user=- bot=B0STRAY channel=${CHANNEL} reason=bot`,
    ]);
  });

  it('each refusal is counted under its reason in /metrics; an allowed request is not', async () => {
    const refusals = async (reason: string) =>
      (await metrics.accessRefusals.get()).values.find((sample) => sample.labels.reason === reason)?.value ?? 0;
    const { policy } = setup({ ALLOWED_CHANNELS: ['C0INC1'] });
    const [channel, bot] = [await refusals('channel'), await refusals('bot')];
    await ask(policy, { channel: 'C0INC1' });
    await ask(policy, {});
    await ask(policy, {});
    await ask(policy, { user: undefined, botId: 'B0STRAY', channel: 'C0INC1' });
    expect([(await refusals('channel')) - channel, (await refusals('bot')) - bot]).toEqual([2, 1]);
  });

  it('without a budget the check waits 10 s for Slack, and not a moment more', async () => {
    vi.useFakeTimers();
    const never = new Promise<never>(() => {});
    const stuck = {
      users: { info: () => never },
      usergroups: { users: { list: () => never } },
      conversations: { info: () => never },
    } as unknown as DirectoryClient;
    const policy = new AccessPolicy(OPEN_POLICY, new SlackDirectory(stuck, { timeoutMs: 60_000 }), { teamId: HOME }, [], logger);
    let decision: Awaited<ReturnType<AccessPolicy['check']>> | undefined;
    void ask(policy, {}).then((d) => {
      decision = d;
    });
    await vi.advanceTimersByTimeAsync(9_999);
    expect(decision).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(decision).toMatchObject({ allowed: false, reason: 'check_failed' });
    expect(decision?.allowed ? '' : decision?.text).toContain('Slack did not answer within 10 s');
  });
});
