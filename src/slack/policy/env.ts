import { z } from 'zod';

/**
 * The access-policy variables of the bot's env schema (src/slack/config.ts spreads this shape into it, so there is
 * still one schema parsed once). Every list is comma-separated ids, never names: names change, ids do not.
 */

const WHERE_IDS = {
  channel: 'channel details in Slack → About → Channel ID',
  user: "a person's profile → ⋯ → Copy member ID; a user group's id (S…) from its page URL",
  bot: 'the bot_id of the integration (a message it posted → ⋯ → Copy link, or the event payload)',
} as const;

function blankAsUnset(value: unknown): unknown {
  return typeof value === 'string' && value.trim() === '' ? undefined : typeof value === 'string' ? value.trim() : value;
}

/** A comma-separated list of Slack ids, each checked against `pattern`; blank means none. */
export function idList(pattern: RegExp, what: string) {
  return z.preprocess(
    blankAsUnset,
    z
      .string()
      .default('')
      .transform((list) =>
        list
          .split(',')
          .map((id) => id.trim())
          .filter(Boolean),
      )
      .refine((ids) => ids.every((id) => pattern.test(id)), { error: `expected ${what}, comma-separated` }),
  );
}

export function flag(defaultValue: boolean) {
  return z.preprocess(
    (value) => (typeof value === 'string' ? value.trim().toLowerCase() || undefined : value),
    z
      .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'expected true or false' })
      .default(defaultValue ? 'true' : 'false')
      .transform((value) => value === 'true' || value === '1' || value === 'yes'),
  );
}

const CHANNEL = /^[CG][A-Z0-9]{2,}$/;
/** People (U…, W… on Enterprise Grid) and user groups (S…). */
const PRINCIPAL = /^[UWS][A-Z0-9]{2,}$/;
const BOT = /^B[A-Z0-9]{2,}$/;

export const PolicyEnvShape = {
  /** Channels where analyses may run; empty: any channel the bot is in. */
  ALLOWED_CHANNELS: idList(CHANNEL, `channel ids such as C0123ABCD, not names (${WHERE_IDS.channel})`),
  /** People and user groups who may ask; empty: every full member of the workspace. */
  ALLOWED_USERS: idList(PRINCIPAL, `user ids (U…/W…) or user-group ids (S…), not names (${WHERE_IDS.user})`),
  ALLOW_GUESTS: flag(false),
  ALLOW_EXTERNAL_USERS: flag(false),
  /** Slack Connect channels (shared with other organisations) get analyses only when this is true. */
  ALLOW_SHARED_CHANNELS: flag(false),
  /** People and user groups who may cancel or re-run anyone's analysis and see every channel's queue. */
  RESPONDERS: idList(PRINCIPAL, `user ids (U…/W…) or user-group ids (S…), not names (${WHERE_IDS.user})`),
  /** Other bots whose mentions start analyses; every other bot is ignored. */
  ALLOWED_BOTS: idList(BOT, `bot ids such as B0123ABCD (${WHERE_IDS.bot})`),
  /** Integrations whose messages in ALERT_CHANNELS are alerts; empty: any bot message there. */
  ALERT_BOT_IDS: idList(BOT, `bot ids such as B0123ABCD (${WHERE_IDS.bot})`),
  /** The catch-all alert parser ("anything with alert words") is opt-in: "Build failed" must not start an analysis. */
  ALERT_GENERIC: flag(false),
  MAX_QUEUED_PER_USER: z.preprocess(
    blankAsUnset,
    z.coerce
      .number({ error: 'expected a whole number from 1 to 100' })
      .int({ error: 'expected a whole number from 1 to 100' })
      .min(1, { error: 'expected a whole number from 1 to 100' })
      .max(100, { error: 'expected a whole number from 1 to 100' })
      .default(3),
  ),
  /** Who refusals tell people to ask (a channel, a team, a person); shown as text, never as a ping. */
  ACCESS_CONTACT: z.preprocess(blankAsUnset, z.string().max(200, { error: 'at most 200 characters' }).default('your Slack admins')),
};

export interface PolicyConfig {
  ALLOWED_CHANNELS: string[];
  ALLOWED_USERS: string[];
  ALLOW_GUESTS: boolean;
  ALLOW_EXTERNAL_USERS: boolean;
  ALLOW_SHARED_CHANNELS: boolean;
  RESPONDERS: string[];
  ALLOWED_BOTS: string[];
  ALERT_BOT_IDS: string[];
  ALERT_GENERIC: boolean;
  MAX_QUEUED_PER_USER: number;
  ACCESS_CONTACT: string;
}

/** The defaults: anyone who is a full member of the workspace, in any channel the bot is in. */
export const OPEN_POLICY: PolicyConfig = {
  ALLOWED_CHANNELS: [],
  ALLOWED_USERS: [],
  ALLOW_GUESTS: false,
  ALLOW_EXTERNAL_USERS: false,
  ALLOW_SHARED_CHANNELS: false,
  RESPONDERS: [],
  ALLOWED_BOTS: [],
  ALERT_BOT_IDS: [],
  ALERT_GENERIC: false,
  MAX_QUEUED_PER_USER: 3,
  ACCESS_CONTACT: 'your Slack admins',
};
