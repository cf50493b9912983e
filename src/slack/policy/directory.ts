import type { webApi } from '@slack/bolt';
import { BoundedMap } from '../worker/bounded-map.js';
import { slackErrorCode } from '../worker/slack-io.js';

/** What the policy needs to know about a Slack user, from users.info. */
export interface DirectoryUser {
  id: string;
  teamId?: string;
  enterpriseId?: string;
  deleted: boolean;
  isBot: boolean;
  botId?: string;
  /** Single- or multi-channel guest (`is_restricted` / `is_ultra_restricted`). */
  guest: boolean;
  /** Slack marks people it shows from organisations the workspace only shares channels with. */
  stranger: boolean;
}

/** users.info / usergroups.users.list failed or took too long: the caller refuses rather than guessing. */
export class DirectoryError extends Error {
  constructor(
    readonly method: string,
    readonly code: string,
  ) {
    super(`${method}: ${code}`);
    this.name = 'DirectoryError';
  }
}

/** What the policy needs to know about a channel, from conversations.info. */
export interface DirectoryChannel {
  id: string;
  /** Shared with another organisation (Slack Connect), or about to be: people outside the company read it. */
  externallyShared: boolean;
}

/** The Web API methods the directory reads (users:read, usergroups:read, channels:read / groups:read). */
export type DirectoryClient = Pick<webApi.WebClient, 'users' | 'usergroups' | 'conversations'>;

export interface DirectoryOptions {
  /** How long an answer is trusted: a removed guest or group member is refused again within this time. */
  ttlMs?: number;
  /** Longest wait for one Slack call. */
  timeoutMs?: number;
  /** Users remembered at once; least recently used ones are forgotten first. */
  maxUsers?: number;
  now?: () => number;
}

/** Five minutes: the "a few minutes"; long enough that a burst of clicks costs one users.info call. */
export const DIRECTORY_TTL_MS = 5 * 60_000;
/** One Slack call; a slash command's whole check is bounded tighter (policy.ts, COMMAND_CHECK_BUDGET_MS). */
export const DIRECTORY_TIMEOUT_MS = 5000;
/** Users cached at once by default; a workspace's active incident responders fit many times over. */
export const MAX_CACHED_USERS = 5000;
/** User groups cached at once (ALLOWED_USERS and RESPONDERS name a handful). */
const MAX_CACHED_GROUPS = 200;
/** Channels cached at once; the bot is in far fewer. */
const MAX_CACHED_CHANNELS = 2000;

interface Cached<T> {
  value: T;
  at: number;
}

/**
 * Cached, bounded look-ups of users and user-group members. Concurrent look-ups of one id share one request, so a
 * burst of clicks by one person costs one users.info call.
 */
export class SlackDirectory {
  private readonly users: BoundedMap<string, Cached<DirectoryUser>>;
  private readonly groups = new BoundedMap<string, Cached<ReadonlySet<string>>>(MAX_CACHED_GROUPS);
  private readonly channels = new BoundedMap<string, Cached<DirectoryChannel>>(MAX_CACHED_CHANNELS);
  private readonly inflight = new Map<string, Promise<unknown>>();
  private readonly ttlMs: number;
  private readonly timeoutMs: number;
  private readonly now: () => number;

  constructor(
    private readonly client: DirectoryClient,
    options: DirectoryOptions = {},
  ) {
    this.users = new BoundedMap(options.maxUsers ?? MAX_CACHED_USERS);
    this.ttlMs = options.ttlMs ?? DIRECTORY_TTL_MS;
    this.timeoutMs = options.timeoutMs ?? DIRECTORY_TIMEOUT_MS;
    this.now = options.now ?? Date.now;
  }

  /** How many users are cached now (bounded by maxUsers). */
  get cachedUsers(): number {
    return this.users.size;
  }

  user(id: string): Promise<DirectoryUser> {
    return this.cached(this.users, `user:${id}`, id, 'users.info', async () => {
      const result = await this.client.users.info({ user: id });
      const user = result.user;
      if (!user?.id) throw new DirectoryError('users.info', 'user_not_found');
      return {
        id: user.id,
        teamId: user.team_id,
        enterpriseId: user.enterprise_user?.enterprise_id,
        deleted: user.deleted === true,
        isBot: user.is_bot === true,
        botId: user.profile?.bot_id,
        guest: user.is_restricted === true || user.is_ultra_restricted === true,
        stranger: user.is_stranger === true,
      };
    });
  }

  channel(id: string): Promise<DirectoryChannel> {
    return this.cached(this.channels, `channel:${id}`, id, 'conversations.info', async () => {
      const result = await this.client.conversations.info({ channel: id });
      const channel = result.channel;
      if (!channel?.id) throw new DirectoryError('conversations.info', 'channel_not_found');
      return {
        id: channel.id,
        externallyShared: channel.is_ext_shared === true || channel.is_pending_ext_shared === true,
      };
    });
  }

  groupMembers(id: string): Promise<ReadonlySet<string>> {
    return this.cached(this.groups, `group:${id}`, id, 'usergroups.users.list', async () => {
      const result = await this.client.usergroups.users.list({ usergroup: id });
      return new Set(result.users ?? []);
    });
  }

  private async cached<T>(
    cache: BoundedMap<string, Cached<T>>,
    key: string,
    id: string,
    method: string,
    load: () => Promise<T>,
  ): Promise<T> {
    const hit = cache.get(id);
    if (hit && this.now() - hit.at < this.ttlMs) return hit.value;
    const pending = this.inflight.get(key) as Promise<T> | undefined;
    if (pending) return pending;
    const request = this.withTimeout(method, load())
      .then((value) => {
        cache.set(id, { value, at: this.now() });
        return value;
      })
      .finally(() => this.inflight.delete(key));
    this.inflight.set(key, request);
    return request;
  }

  private withTimeout<T>(method: string, promise: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new DirectoryError(method, `no answer within ${this.timeoutMs} ms`)), this.timeoutMs);
      timer.unref();
    });
    return Promise.race([
      promise.catch((error: unknown) => {
        throw error instanceof DirectoryError ? error : new DirectoryError(method, slackErrorCode(error));
      }),
      timeout,
    ]).finally(() => clearTimeout(timer));
  }
}
