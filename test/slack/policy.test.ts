import { webApi } from '@slack/bolt';
import { afterEach, describe, expect, it } from 'vitest';
import { loadSlackConfig } from '../../src/slack/config.js';
import { type DirectoryClient, DirectoryError, SlackDirectory } from '../../src/slack/policy/directory.js';
import { OPEN_POLICY } from '../../src/slack/policy/env.js';
import { AccessPolicy, COMMAND_CHECK_BUDGET_MS } from '../../src/slack/policy/policy.js';
import { FakeSlack, TEAM_ID } from '../fakes/slack/server.js';

let fake: FakeSlack | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function directory(options: ConstructorParameters<typeof SlackDirectory>[1] = {}): Promise<{ fake: FakeSlack; dir: SlackDirectory }> {
  fake = await FakeSlack.start();
  const client = new webApi.WebClient('xoxb-fake-bot-token', { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } });
  return { fake, dir: new SlackDirectory(client, options) };
}

const silent = { debug() {}, info() {}, warn() {}, error() {} };

describe('Slack directory (users.info, usergroups.users.list)', () => {
  it('caches answers for the TTL, then asks again', async () => {
    let now = 0;
    const { fake, dir } = await directory({ ttlMs: 60_000, now: () => now });
    fake.users.set('U0GUEST01', { id: 'U0GUEST01', is_restricted: true });
    expect(await dir.user('U0GUEST01')).toMatchObject({ id: 'U0GUEST01', guest: true, teamId: TEAM_ID });
    now = 59_000;
    await dir.user('U0GUEST01');
    expect(fake.callsOf('users.info')).toHaveLength(1);
    now = 60_000;
    await dir.user('U0GUEST01');
    expect(fake.callsOf('users.info')).toHaveLength(2);
  });

  it('concurrent look-ups of one user share one request; the cache is bounded', async () => {
    const { fake, dir } = await directory({ maxUsers: 3 });
    await Promise.all(Array.from({ length: 10 }, () => dir.user('U0BURST01')));
    expect(fake.callsOf('users.info')).toHaveLength(1);
    for (const id of ['U0A', 'U0B', 'U0C', 'U0D', 'U0E']) await dir.user(id);
    expect(dir.cachedUsers).toBe(3);
    // The oldest were forgotten: asking again costs a call.
    await dir.user('U0BURST01');
    expect(fake.callsOf('users.info')).toHaveLength(7);
  });

  it('Slack errors and silence become DirectoryError, and are not cached', async () => {
    const { fake, dir } = await directory();
    fake.failNext('usergroups.users.list', 'missing_scope');
    await expect(dir.groupMembers('S0SRE')).rejects.toThrow(new DirectoryError('usergroups.users.list', 'missing_scope'));
    fake.groups.set('S0SRE', ['U0HUMAN01']);
    expect([...(await dir.groupMembers('S0SRE'))]).toEqual(['U0HUMAN01']);

    const never = new Promise<never>(() => {});
    const stuck = {
      users: { info: () => never },
      usergroups: { users: { list: () => never } },
      conversations: { info: () => never },
    } as unknown as DirectoryClient;
    const slow = new SlackDirectory(stuck, { timeoutMs: 50 });
    await expect(slow.user('U0HUMAN01')).rejects.toThrow(/users\.info: no answer within 50 ms/);
  });

  it('the policy refuses when Slack does not answer in time', async () => {
    const never = new Promise<never>(() => {});
    const stuck = {
      users: { info: () => never },
      usergroups: { users: { list: () => never } },
      conversations: { info: () => never },
    } as unknown as DirectoryClient;
    const policy = new AccessPolicy(OPEN_POLICY, new SlackDirectory(stuck, { timeoutMs: 50 }), { teamId: TEAM_ID }, [], silent);
    const decision = await policy.check({ action: 'analyse', channel: 'C0INCIDENT', user: 'U0HUMAN01' });
    expect(decision).toMatchObject({ allowed: false, reason: 'check_failed' });
  });

  it('the whole check stays within the slash-command budget, however slow each look-up is allowed to be', async () => {
    const never = new Promise<never>(() => {});
    const stuck = {
      users: { info: () => never },
      usergroups: { users: { list: () => never } },
      conversations: { info: () => never },
    } as unknown as DirectoryClient;
    const policy = new AccessPolicy(OPEN_POLICY, new SlackDirectory(stuck, { timeoutMs: 60_000 }), { teamId: TEAM_ID }, [], silent);
    const started = Date.now();
    const decision = await policy.check({
      action: 'analyse',
      channel: 'C0INCIDENT',
      user: 'U0HUMAN01',
      budgetMs: COMMAND_CHECK_BUDGET_MS,
    });
    expect(decision).toMatchObject({ allowed: false, reason: 'check_failed' });
    expect(decision.allowed ? '' : decision.text).toMatch(/Slack did not answer within 2\.5 s/);
    expect(Date.now() - started).toBeLessThan(COMMAND_CHECK_BUDGET_MS + 1000);
  });

  it('Enterprise Grid: another workspace of the same org is not external; another org is', async () => {
    const { fake, dir } = await directory();
    const policy = new AccessPolicy(OPEN_POLICY, dir, { teamId: TEAM_ID, enterpriseId: 'E0ORG' }, [], silent);
    fake.users.set('U0SISTER', { id: 'U0SISTER', team_id: 'T0SISTER', enterprise_user: { enterprise_id: 'E0ORG' } });
    fake.users.set('U0OTHER', { id: 'U0OTHER', team_id: 'T0OTHER', enterprise_user: { enterprise_id: 'E0ELSE' } });
    expect(await policy.check({ action: 'analyse', channel: 'C0INCIDENT', user: 'U0SISTER' })).toMatchObject({ allowed: true });
    expect(await policy.check({ action: 'analyse', channel: 'C0INCIDENT', user: 'U0OTHER' })).toMatchObject({ reason: 'external' });
  });
});

describe('access configuration', () => {
  const base = { SLACK_BOT_TOKEN: 'xoxb-1-2-abc', SLACK_APP_TOKEN: 'xapp-1-A-1-abc' };

  it('defaults to the workspace’s full members in any channel, guests and other organisations refused', () => {
    const config = loadSlackConfig(base);
    expect(config).toMatchObject({ ...OPEN_POLICY });
  });

  it('parses id lists and flags, and names the variable on bad input', () => {
    const config = loadSlackConfig({
      ...base,
      ALLOWED_CHANNELS: 'C0INC1, G0PRIV2',
      ALLOWED_USERS: 'U0ALICE,W0BOB,S0SRE',
      RESPONDERS: 'S0ONCALL',
      ALLOWED_BOTS: 'B0DEPLOY',
      ALERT_BOT_IDS: 'B0AM,B0GRAFANA',
      ALLOW_GUESTS: 'yes',
      ALLOW_EXTERNAL_USERS: 'false',
      ALERT_GENERIC: 'true',
      MAX_QUEUED_PER_USER: '5',
      ACCESS_CONTACT: '#sre-help',
    });
    expect(config).toMatchObject({
      ALLOWED_CHANNELS: ['C0INC1', 'G0PRIV2'],
      ALLOWED_USERS: ['U0ALICE', 'W0BOB', 'S0SRE'],
      RESPONDERS: ['S0ONCALL'],
      ALLOWED_BOTS: ['B0DEPLOY'],
      ALERT_BOT_IDS: ['B0AM', 'B0GRAFANA'],
      ALLOW_GUESTS: true,
      ALLOW_EXTERNAL_USERS: false,
      ALERT_GENERIC: true,
      MAX_QUEUED_PER_USER: 5,
      ACCESS_CONTACT: '#sre-help',
    });
    const bad: [Record<string, string>, RegExp][] = [
      [{ ALLOWED_USERS: '@alice' }, /ALLOWED_USERS: .*user ids/],
      [{ RESPONDERS: 'sre-team' }, /RESPONDERS: .*user-group ids/],
      [{ ALLOWED_CHANNELS: '#incidents' }, /ALLOWED_CHANNELS: .*channel ids/],
      [{ ALLOWED_BOTS: 'U0NOTABOT' }, /ALLOWED_BOTS: .*bot ids/],
      [{ ALLOW_GUESTS: 'maybe' }, /ALLOW_GUESTS: expected true or false/],
      [{ MAX_QUEUED_PER_USER: '0' }, /MAX_QUEUED_PER_USER/],
    ];
    for (const [env, message] of bad) expect(() => loadSlackConfig({ ...base, ...env })).toThrow(message);
  });
});
