import type { types } from '@slack/bolt';
import { ACTION_IDS, SLACK_LIMITS } from './limits.js';
import { button, context, formatDuration, type SlackMessage, sampleStamp, section } from './report.js';
import { joinBounded, mrkdwn, oneLine, plain, truncate } from './text.js';

export type AnalysisState = 'queued' | 'running' | 'done' | 'failed' | 'cancelled' | 'interrupted';

/** What the status message (the parent of a /rca thread, or the first reply in a mention/alert thread) shows. */
export interface StatusView {
  analysisId: string;
  incident: string;
  /** Who or what asked: a user id (rendered as a mention) or a description such as "Alertmanager alert". */
  requestedBy: { user: string } | { text: string };
  state: AnalysisState;
  /** Place in the waiting line (1 = next); absent or 0 when it is starting. */
  position?: number;
  toolCalls: number;
  summary?: string;
  confidence?: string;
  /** Why it failed or was cancelled, already free of secrets; plain text, escaped when shown. */
  reason?: string;
  /** The user id that cancelled it, shown as a mention. */
  cancelledBy?: string;
  /** Alerts of the same fingerprint that joined this analysis. */
  joined?: number;
  /** The alert behind it resolved: "resolved at … (lasted …)", built by the bot, untrusted parts escaped. */
  resolution?: string;
  /** The dataset every server reads when none is live; stamped on the message. */
  sampleData?: string;
}

const USER_ID = /^[UW][A-Z0-9]{2,}$/;

export function userMention(user: string): string {
  return USER_ID.test(user) ? `<@${user}>` : oneLine(user, 80);
}

function requester(view: StatusView): string {
  return 'user' in view.requestedBy ? userMention(view.requestedBy.user) : oneLine(view.requestedBy.text, 200);
}

function stateLine(view: StatusView): string {
  const calls = `${view.toolCalls} tool call${view.toolCalls === 1 ? '' : 's'}`;
  switch (view.state) {
    case 'queued':
      return view.position ? `:hourglass_flowing_sand: Queued (position ${view.position})` : ':hourglass_flowing_sand: Starting…';
    case 'running':
      return `:mag: Investigating (${calls})`;
    case 'done':
      return `:white_check_mark: Done (${calls}): *${oneLine(view.summary ?? 'see the report in the thread', 1500)}*${
        view.confidence ? ` — ${oneLine(view.confidence, 20)} confidence` : ''
      }`;
    case 'failed':
      return `:x: Failed after ${calls}: ${oneLine(view.reason ?? 'unknown error', 1500)}`;
    case 'cancelled':
      return view.cancelledBy
        ? `:no_entry_sign: Cancelled by ${userMention(view.cancelledBy)}`
        : `:no_entry_sign: Cancelled: ${oneLine(view.reason ?? 'cancelled', 500)}`;
    case 'interrupted':
      return `:warning: Interrupted after ${calls}: ${oneLine(view.reason ?? 'the bot restarted', 500)}. Use Re-run in the thread.`;
  }
}

export function buildStatusMessage(view: StatusView): SlackMessage {
  const title = `Investigating: ${oneLine(view.incident, 1000)} — requested by ${requester(view)}`;
  const line = stateLine(view);
  const blocks: types.KnownBlock[] = [section(`${title}\n${line}`)];
  if (view.sampleData) blocks.push(context(sampleStamp(view.sampleData)));
  if (view.joined)
    blocks.push(context(`${view.joined} more alert${view.joined === 1 ? '' : 's'} with the same fingerprint joined this analysis`));
  if (view.resolution) blocks.push(context(`:white_check_mark: Alert ${view.resolution}`));
  if (view.state === 'queued' || view.state === 'running') {
    blocks.push({
      type: 'actions',
      block_id: 'rca_status_actions',
      elements: [{ ...button('Cancel', ACTION_IDS.cancel, view.analysisId, 'danger'), confirm: cancelConfirm(view) }],
    });
  }
  const stamp = view.sampleData ? ` · sample data: ${view.sampleData}` : '';
  return { text: truncate(`${title} · ${line}${stamp}`, SLACK_LIMITS.fallbackText), blocks };
}

/** Slack's confirmation dialog limits: title 100, text 300, button labels 30 characters (all plain_text). */
function cancelConfirm(view: StatusView): types.ConfirmationDialog {
  return {
    title: { type: 'plain_text', text: 'Cancel this analysis?' },
    text: { type: 'plain_text', text: plain(`Analysis ${view.analysisId} stops and posts no report: ${view.incident}`, 300) },
    confirm: { type: 'plain_text', text: 'Cancel analysis' },
    deny: { type: 'plain_text', text: 'Keep it running' },
    style: 'danger',
  };
}

/** One finished tool call as the progress stream shows it. */
export interface ToolLine {
  callId: string;
  server: string;
  tool: string;
  args: Record<string, unknown>;
  ok: boolean;
  ms: number;
  summary: string;
}

/** Arguments shown per call; longer ones are cut, the full call is in the report's tool list. */
const ARGS_CHARS = 300;

export function formatToolLine(line: ToolLine): string {
  let args: string;
  try {
    args = JSON.stringify(line.args) ?? '{}';
  } catch {
    args = '(unprintable arguments)';
  }
  const icon = line.ok ? ':white_check_mark:' : ':warning:';
  return `${icon} \`${oneLine(line.callId, 20)}\` *${oneLine(line.tool, 100)}* on ${oneLine(line.server, 60)} \`${oneLine(args, ARGS_CHARS)}\`\n→ ${oneLine(
    line.summary || '(no output)',
    500,
  )} _(${formatDuration(line.ms)})_`;
}

/** One threaded progress reply; several tool calls when they came faster than Slack's pacing allows. */
export function buildProgressMessage(tools: ToolLine[], notes: string[], stages: string[] = []): SlackMessage {
  const lines = [
    ...stages.map((stage) => `:arrow_forward: _${oneLine(stage, 200)}_`),
    ...tools.map(formatToolLine),
    ...notes.map((note) => `:information_source: ${oneLine(note, 1000)}`),
  ];
  const text = joinBounded(lines, SLACK_LIMITS.sectionText);
  const fallback =
    tools.length > 0
      ? `Tool call${tools.length === 1 ? '' : 's'}: ${tools.map((t) => `${t.callId} ${t.tool}`).join(', ')}`
      : `Note: ${notes.join(' ')}`;
  return { text: mrkdwn(fallback, SLACK_LIMITS.fallbackText), blocks: [section(text)] };
}

/** A notice with a Re-run button, for analyses a restart or crash cut short. */
export function buildRerunNoticeMessage(text: string, analysisId: string): SlackMessage {
  const notice = buildNoticeMessage(text);
  return {
    text: notice.text,
    blocks: [
      ...notice.blocks,
      { type: 'actions', block_id: 'rca_rerun_actions', elements: [button('Re-run', ACTION_IDS.rerun, analysisId, 'primary')] },
    ],
  };
}

/** `text` is mrkdwn the caller built: untrusted parts already went through oneLine/mrkdwn. */
export function buildNoticeMessage(text: string): SlackMessage {
  // Emphasis markers go; underscores inside words (ALLOWED_USERS, :no_entry:, internal_error) stay.
  const fallback = text.replace(/[*`]/g, '').replace(/(^|[\s(])_([^_\n]+)_(?=$|[\s).,;:!?])/g, '$1$2');
  return { text: truncate(fallback, SLACK_LIMITS.fallbackText), blocks: [section(text)] };
}
