import type { types } from '@slack/bolt';
import type { AgentEvent } from '../../agent/types.js';
import { neutraliseMentions } from './hygiene.js';
import { ACTION_IDS, SLACK_LIMITS, STREAM_LIMITS } from './limits.js';
import { plain } from './text.js';

/**
 * What a streamed analysis shows (chat.startStream / appendStream / stopStream chunks, the thread status line, the
 * report's feedback buttons), built from the same redacted, bounded text as the threaded replies.
 */

export type StreamChunk = types.TaskUpdateChunk | types.PlanUpdateChunk | types.MarkdownTextChunk;
type ToolStarted = Extract<AgentEvent, { type: 'tool_started' }>;
type ToolFinished = Extract<AgentEvent, { type: 'tool_finished' }>;

/** Arguments that say what a call looked at, in the order one is picked for a card title or the status line. */
const KEY_ARGS = ['service', 'workload', 'query', 'metric', 'sha', 'environment', 'namespace', 'filter', 'pattern', 'path'] as const;

/** The one argument worth naming ("checkout-api" of search_logs), if the call has one. */
export function keyArgument(args: Record<string, unknown>): string | undefined {
  for (const key of KEY_ARGS) {
    const value = args[key];
    if (typeof value === 'string' && value.trim() !== '') return value;
    if (typeof value === 'number') return String(value);
  }
  return undefined;
}

/** Untrusted text for a chunk field (plain text, one line): redacted, bounded, pings made inert. */
function chunkText(text: string, max: number): string {
  return neutraliseMentions(plain(text, max));
}

/** "search_logs on logs (checkout-api)": server and tool with the key argument. */
export function taskTitle(call: Pick<ToolStarted, 'server' | 'tool' | 'args'>): string {
  const key = keyArgument(call.args);
  return chunkText(`${call.tool} on ${call.server}${key ? ` (${key})` : ''}`, STREAM_LIMITS.taskTitle);
}

/** A tool call's card: in progress when it starts; complete or error with its one-line result when it finishes. */
export function taskChunk(event: ToolStarted | ToolFinished): types.TaskUpdateChunk {
  const base = { type: 'task_update' as const, id: chunkText(event.callId, STREAM_LIMITS.taskId), title: taskTitle(event) };
  if (event.type === 'tool_started') return { ...base, status: 'in_progress' };
  return {
    ...base,
    status: event.ok ? 'complete' : 'error',
    details: chunkText(event.summary || '(no output)', STREAM_LIMITS.taskDetails),
  };
}

/** A card that was still running when the analysis stopped (cancel, failure, deadline). */
export function stoppedTaskChunk(call: Pick<ToolStarted, 'callId' | 'server' | 'tool' | 'args'>): types.TaskUpdateChunk {
  return {
    type: 'task_update',
    id: chunkText(call.callId, STREAM_LIMITS.taskId),
    title: taskTitle(call),
    status: 'error',
    details: 'stopped before it finished',
  };
}

export function planChunk(title: string): types.PlanUpdateChunk {
  return { type: 'plan_update', title: chunkText(title, STREAM_LIMITS.planTitle) };
}

export function noteChunk(note: string): types.MarkdownTextChunk {
  return { type: 'markdown_text', text: `\nℹ️ ${chunkText(note, STREAM_LIMITS.noteText)}\n` };
}

/** What each server's tools do, as the status line words it ("<app> is reading logs of checkout-api…"). */
const STATUS_VERBS: Record<string, string> = {
  logs: 'reading logs',
  git: 'reading git history',
  metrics: 'reading metrics',
  replay: 'replaying recorded tool output',
};

export function statusLine(call: Pick<ToolStarted, 'server' | 'tool' | 'args'>): string {
  const verb = STATUS_VERBS[call.server] ?? `running ${call.tool}`;
  const key = keyArgument(call.args);
  return chunkText(`is ${verb}${key ? ` of ${key}` : ''}…`, STREAM_LIMITS.statusText);
}

/** Every text of a chunk list with pings made inert, applied on the way out like sanitiseMessage for messages. */
export function sanitiseChunks(chunks: readonly StreamChunk[]): StreamChunk[] {
  return chunks.map((chunk) => {
    if (chunk.type === 'markdown_text') return { ...chunk, text: neutraliseMentions(chunk.text) };
    if (chunk.type === 'plan_update') return { ...chunk, title: neutraliseMentions(chunk.title) };
    return {
      ...chunk,
      title: neutraliseMentions(chunk.title),
      ...(chunk.details !== undefined ? { details: neutraliseMentions(chunk.details) } : {}),
      ...(chunk.output !== undefined ? { output: neutraliseMentions(chunk.output) } : {}),
    };
  });
}

export type Vote = 'up' | 'down';

/** A feedback button's value: the vote and the analysis, since Slack sends back only the pressed button's value. */
export function feedbackValue(vote: Vote, analysisId: string): string {
  return `${vote}:${analysisId}`.slice(0, SLACK_LIMITS.buttonValue);
}

export function parseFeedbackValue(value: string | undefined): { vote: Vote; analysisId: string } | undefined {
  const match = /^(up|down):(.+)$/.exec(value ?? '');
  if (!match?.[1] || !match[2]) return undefined;
  return { vote: match[1] as Vote, analysisId: match[2] };
}

/** 👍 / 👎 as Slack's native feedback buttons (a context_actions block). */
export function feedbackBlock(analysisId: string): types.ContextActionsBlock {
  return {
    type: 'context_actions',
    block_id: 'rca_report_feedback',
    elements: [
      {
        type: 'feedback_buttons',
        action_id: ACTION_IDS.feedback,
        positive_button: {
          text: { type: 'plain_text', text: '👍 Helpful', emoji: true },
          value: feedbackValue('up', analysisId),
          accessibility_label: 'This analysis was helpful',
        },
        negative_button: {
          text: { type: 'plain_text', text: '👎 Not helpful', emoji: true },
          value: feedbackValue('down', analysisId),
          accessibility_label: 'This analysis was not helpful: tell us the real cause',
        },
      },
    ],
  };
}
