import { metrics } from '../../observability/metrics.js';
import type { Logger } from '../logger.js';
import type { DirectoryUser, SlackDirectory } from './directory.js';
import type { PolicyConfig } from './env.js';
import { type RefusalReason, refusalText } from './refusals.js';

/** Everything a person (or bot) can ask the bot to do; each surface names its action. */
export type PolicyAction = 'analyse' | 'followup' | 'status' | 'cancel' | 'rerun' | 'dig_deeper' | 'feedback';

export interface PolicyRequest {
  action: PolicyAction;
  channel: string;
  /** The person asking; absent for bot messages. */
  user?: string;
  /** Set when a bot asks (an app_mention with bot_id). */
  botId?: string;
  /** How long the whole check may take; slash commands pass COMMAND_CHECK_BUDGET_MS. */
  budgetMs?: number;
  /** The analysis a button acts on, when the bot still knows it. */
  target?: {
    /** Who started it; undefined when an alert did. */
    owner?: string;
    /** Whether the click came from the analysis' own thread. */
    inItsThread: boolean;
  };
}

export type Refusal = { allowed: false; reason: RefusalReason; text: string };
export type Decision = { allowed: true; responder: boolean } | Refusal;

/** Who the bot is, from auth.test: people from another team are external. */
export interface HomeTeam {
  teamId?: string;
  enterpriseId?: string;
}

/**
 * How long a person waits for the answer to a slash command (it is acked first, so this no longer races Slack's 3 s):
 * past this, Slack look-ups included, the request is refused as unchecked.
 */
export const COMMAND_CHECK_BUDGET_MS = 2500;
/** Events and buttons are acknowledged before the check, so it may wait longer for a slow Slack. */
export const DEFAULT_CHECK_BUDGET_MS = 10_000;

/** Only these actions touch someone else's analysis, so only they need ownership. */
const OWNED_ACTIONS: ReadonlySet<PolicyAction> = new Set(['cancel', 'rerun']);
/** Actions that put an analysis (quoted logs, commits, metrics) in the channel; refused in Slack Connect channels. */
const PUBLISHING_ACTIONS: ReadonlySet<PolicyAction> = new Set(['analyse', 'followup', 'rerun', 'dig_deeper']);
/** Reading the queue is harmless in any channel: what it shows is scoped instead (see /rca status). */
const ANY_CHANNEL_ACTIONS: ReadonlySet<PolicyAction> = new Set(['status']);

/**
 * The one access policy: every trigger (command, mention, alert, button) asks it before anything is queued or posted.
 * Refusals carry the text to show (why, and whom to ask) and are logged with user, channel, action and reason.
 */
export class AccessPolicy {
  private readonly allowedChannels: ReadonlySet<string>;
  private readonly alertChannels: ReadonlySet<string>;

  constructor(
    private readonly config: PolicyConfig,
    private readonly directory: SlackDirectory,
    private readonly home: HomeTeam,
    alertChannels: readonly string[],
    private readonly logger: Logger,
  ) {
    this.allowedChannels = new Set(config.ALLOWED_CHANNELS);
    this.alertChannels = new Set(alertChannels);
  }

  /** ALLOWED_CHANNELS (empty: all); alert channels are configured for analyses, so they count as allowed. */
  channelAllowed(channel: string): boolean {
    return this.allowedChannels.size === 0 || this.allowedChannels.has(channel) || this.alertChannels.has(channel);
  }

  /** ALERT_BOT_IDS (empty: any integration) decides which bot messages in alert channels are alerts. */
  alertSenderAllowed(botId: string | undefined): boolean {
    if (this.config.ALERT_BOT_IDS.length === 0) return true;
    return botId !== undefined && this.config.ALERT_BOT_IDS.includes(botId);
  }

  /**
   * Whether analyses may be posted in `channel`: not in a channel shared with another organisation unless
   * ALLOW_SHARED_CHANNELS. Throws DirectoryError when Slack cannot say (callers refuse rather than guess).
   */
  async sharedChannelRefusal(channel: string): Promise<Refusal | undefined> {
    if (this.config.ALLOW_SHARED_CHANNELS) return undefined;
    const info = await this.directory.channel(channel);
    return info.externallyShared ? this.refuse('shared_channel') : undefined;
  }

  get genericAlerts(): boolean {
    return this.config.ALERT_GENERIC;
  }

  async check(request: PolicyRequest): Promise<Decision> {
    let timer: NodeJS.Timeout | undefined;
    const budgetMs = request.budgetMs ?? DEFAULT_CHECK_BUDGET_MS;
    const late = new Promise<Decision>((resolve) => {
      timer = setTimeout(
        () => resolve(this.refuse('check_failed', { error: `Slack did not answer within ${budgetMs / 1000} s` })),
        budgetMs,
      );
      timer.unref();
    });
    const decision = await Promise.race([this.decide(request), late]).finally(() => clearTimeout(timer));
    if (!decision.allowed) {
      metrics.accessRefused(decision.reason);
      this.logger.warn(
        `access refused: action=${request.action} user=${request.user ?? '-'} bot=${request.botId ?? '-'} channel=${request.channel} reason=${decision.reason}`,
      );
    }
    return decision;
  }

  /** RESPONDERS (ids or user-group members). Throws DirectoryError when a group cannot be read. */
  async isResponder(user: string): Promise<boolean> {
    return this.inPrincipals(user, this.config.RESPONDERS);
  }

  private refuse(reason: RefusalReason, details: Parameters<typeof refusalText>[1] = {}): Refusal {
    return { allowed: false, reason, text: refusalText(reason, { contact: this.config.ACCESS_CONTACT, ...details }) };
  }

  private async decide(request: PolicyRequest): Promise<Decision> {
    if (request.botId) {
      if (!this.config.ALLOWED_BOTS.includes(request.botId)) return this.refuse('bot');
      if (!this.channelAllowed(request.channel)) return this.refuse('channel', { channels: this.config.ALLOWED_CHANNELS });
      return (await this.sharedRefusalOrFailure(request)) ?? { allowed: true, responder: false };
    }
    if (!request.user) return this.refuse('unknown_user');
    if (request.target && !request.target.inItsThread) return this.refuse('wrong_thread');
    if (!ANY_CHANNEL_ACTIONS.has(request.action) && !this.channelAllowed(request.channel)) {
      return this.refuse('channel', { channels: this.config.ALLOWED_CHANNELS });
    }

    const shared = await this.sharedRefusalOrFailure(request);
    if (shared) return shared;

    let user: DirectoryUser;
    let responder: boolean;
    try {
      user = await this.directory.user(request.user);
      const identity = this.identityRefusal(user);
      if (identity) return identity;
      responder = await this.isResponder(user.id);
      if (!responder && this.config.ALLOWED_USERS.length > 0 && !(await this.inPrincipals(user.id, this.config.ALLOWED_USERS))) {
        return this.refuse('not_allowed');
      }
    } catch (error) {
      const what = error instanceof Error ? error.message : String(error);
      return this.refuse('check_failed', { error: what });
    }

    const owner = request.target?.owner;
    if (request.target && OWNED_ACTIONS.has(request.action) && !responder && owner !== user.id) {
      return this.refuse('not_owner', { action: request.action, owner });
    }
    return { allowed: true, responder };
  }

  private async sharedRefusalOrFailure(request: PolicyRequest): Promise<Decision | undefined> {
    if (!PUBLISHING_ACTIONS.has(request.action)) return undefined;
    try {
      return await this.sharedChannelRefusal(request.channel);
    } catch (error) {
      return this.refuse('check_failed', { error: error instanceof Error ? error.message : String(error) });
    }
  }

  private identityRefusal(user: DirectoryUser): Decision | undefined {
    if (user.deleted) return this.refuse('deactivated');
    if (user.isBot) return user.botId && this.config.ALLOWED_BOTS.includes(user.botId) ? undefined : this.refuse('bot');
    if (!this.config.ALLOW_EXTERNAL_USERS && this.isExternal(user)) return this.refuse('external');
    if (!this.config.ALLOW_GUESTS && user.guest) return this.refuse('guest');
    return undefined;
  }

  /** Another organisation: Slack says so, or the user's team (or Enterprise Grid org) is not the bot's. */
  private isExternal(user: DirectoryUser): boolean {
    if (user.stranger) return true;
    if (this.home.enterpriseId && user.enterpriseId) return user.enterpriseId !== this.home.enterpriseId;
    if (!this.home.teamId) return true;
    return user.teamId !== this.home.teamId;
  }

  /** Whether `user` is one of `principals` or a member of one of its user groups (looked up in parallel). */
  private async inPrincipals(user: string, principals: readonly string[]): Promise<boolean> {
    if (principals.includes(user)) return true;
    const groups = principals.filter((id) => id.startsWith('S'));
    const members = await Promise.all(groups.map((group) => this.directory.groupMembers(group)));
    return members.some((set) => set.has(user));
  }
}
