import { oneLine } from '../blocks/text.js';

export type RefusalReason =
  | 'channel'
  | 'shared_channel'
  | 'guest'
  | 'external'
  | 'not_allowed'
  | 'not_owner'
  | 'wrong_thread'
  | 'bot'
  | 'deactivated'
  | 'unknown_user'
  | 'check_failed';

export interface RefusalDetails {
  /** ACCESS_CONTACT: whom to ask. */
  contact?: string;
  channels?: readonly string[];
  action?: string;
  owner?: string;
  /** What Slack said when the check itself failed. */
  error?: string;
}

/** Channels named in a refusal; more are summarised, the message stays short. */
const MAX_NAMED_CHANNELS = 5;

const USER_ID = /^[UW][A-Z0-9]{2,}$/;

function channelList(channels: readonly string[]): string {
  const named = channels.slice(0, MAX_NAMED_CHANNELS).map((id) => `<#${id}>`);
  const more = channels.length > named.length ? ` and ${channels.length - named.length} more` : '';
  return `${named.join(', ')}${more}`;
}

/** What a refused person reads: why, and whom to ask. Ephemeral, so it may name the channels they could use. */
export function refusalText(reason: RefusalReason, details: RefusalDetails = {}): string {
  const contact = oneLine(details.contact ?? 'your Slack admins', 200);
  switch (reason) {
    case 'channel':
      return `:no_entry: Analyses run only in ${channelList(details.channels ?? [])}, not in this channel. Ask there, or ask ${contact} to add this channel (ALLOWED_CHANNELS).`;
    case 'shared_channel':
      return `:no_entry: This channel is shared with another organisation (Slack Connect), and analyses quote internal logs, commits and metrics, so IncidentPilot does not post them here. Ask in an internal channel, or ask ${contact} (ALLOW_SHARED_CHANNELS).`;
    case 'guest':
      return `:no_entry: Guest accounts cannot use IncidentPilot in this workspace. Ask a full member of your team to run it, or ask ${contact} (ALLOW_GUESTS).`;
    case 'external':
      return `:no_entry: IncidentPilot only works for members of this organisation, and your account belongs to another one (Slack Connect). Ask a member of this workspace to run it, or ask ${contact} (ALLOW_EXTERNAL_USERS).`;
    case 'not_allowed':
      return `:no_entry: You are not on IncidentPilot's list of people who may ask (ALLOWED_USERS). Ask ${contact} to add you or one of your user groups.`;
    case 'not_owner': {
      const verb = details.action === 'rerun' ? 're-run' : 'cancel';
      if (!details.owner)
        return `:no_entry: An alert started this analysis, so only a responder (RESPONDERS) can ${verb} it. Ask one, or ask ${contact} to add you to RESPONDERS.`;
      const owner = USER_ID.test(details.owner) ? `<@${details.owner}>` : 'the person who started it';
      return `:no_entry: Only ${owner} or a responder (RESPONDERS) can ${verb} this analysis. Ask them, or ask ${contact} to add you to RESPONDERS.`;
    }
    case 'wrong_thread':
      return ':no_entry: That button belongs to an analysis in another thread; use the buttons in the thread of the analysis itself.';
    case 'bot':
      return ':no_entry: Messages from bots do not start analyses unless the bot is listed in ALLOWED_BOTS.';
    case 'deactivated':
      return `:no_entry: This account is deactivated. Ask ${contact}.`;
    case 'unknown_user':
      return `:no_entry: I could not tell who asked, so I did nothing. Ask ${contact}.`;
    case 'check_failed':
      return `:warning: I could not check your access with Slack (${oneLine(details.error ?? 'unknown error', 200)}), so I did not do anything. Try again in a minute; if it keeps failing, ask ${contact} to check the bot's users:read, usergroups:read and channels:read scopes.`;
  }
}
