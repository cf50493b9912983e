import type { types } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import type { AgentEvent } from '../../src/agent/types.js';
import { STREAM_LIMITS } from '../../src/slack/blocks/limits.js';
import type { SlackMessage } from '../../src/slack/blocks/report.js';
import {
  feedbackBlock,
  feedbackValue,
  keyArgument,
  noteChunk,
  parseFeedbackValue,
  planChunk,
  type StreamChunk,
  sanitiseChunks,
  statusLine,
  taskChunk,
  taskTitle,
} from '../../src/slack/blocks/stream.js';
import { AnalysisJob, type Origin, type Trigger } from '../../src/slack/worker/job.js';
import { ChannelPacer } from '../../src/slack/worker/pacer.js';
import { ProgressReporter } from '../../src/slack/worker/progress.js';
import { streamRecipient } from '../../src/slack/worker/progress-choice.js';
import type { SlackIO, SlackStreamIO } from '../../src/slack/worker/slack-io.js';
import { StreamReporter } from '../../src/slack/worker/stream-progress.js';
import { contextActionsErrors } from '../fakes/slack/agent-blocks.js';
import { validateBlocks } from '../fakes/slack/block-kit.js';
import { blockText } from '../fakes/slack/server.js';

const started = (i: number, args: Record<string, unknown> = { service: 'checkout-api' }) => ({
  type: 'tool_started' as const,
  callId: `T${i}`,
  server: 'logs',
  tool: 'search_logs',
  args,
});
const finished = (i: number, ok = true) => ({ ...started(i), type: 'tool_finished' as const, ok, ms: 5, summary: `r${i}` });

describe('stream chunk builders', () => {
  it('names the key argument by a fixed order; each listed argument decides when it is the only one', () => {
    for (const key of ['service', 'workload', 'query', 'metric', 'sha', 'environment', 'namespace', 'filter', 'pattern', 'path'])
      expect(keyArgument({ other: 'x', [key]: 'v' })).toBe('v');
    expect(keyArgument({ query: 'q', service: 's' })).toBe('s');
    // A cluster call names its workload before its namespace: "get_workload_health on kubernetes (orders)".
    expect(keyArgument({ namespace: 'shop', workload: 'orders' })).toBe('orders');
    expect(keyArgument({ service: '  ', query: 'q' })).toBe('q');
    expect(keyArgument({ limit: 5 })).toBeUndefined();
    expect(keyArgument({ metric: 7 })).toBe('7');
  });

  it('cuts titles, details and the status line at their limits, and no earlier', () => {
    const fits = 'search_logs on logs ()'.length;
    const exact = taskTitle({ server: 'logs', tool: 'search_logs', args: { service: 'a'.repeat(STREAM_LIMITS.taskTitle - fits) } });
    expect(exact).toHaveLength(STREAM_LIMITS.taskTitle);
    expect(exact).not.toContain('truncated');
    const over = taskTitle({ server: 'logs', tool: 'search_logs', args: { service: 'a'.repeat(STREAM_LIMITS.taskTitle - fits + 1) } });
    expect(over).toHaveLength(STREAM_LIMITS.taskTitle);
    expect(over).toContain('truncated');
    const detail = (n: number) => taskChunk({ ...finished(1), summary: 'd'.repeat(n) }).details ?? '';
    expect(detail(STREAM_LIMITS.taskDetails)).toBe('d'.repeat(STREAM_LIMITS.taskDetails));
    expect(detail(STREAM_LIMITS.taskDetails + 1)).toHaveLength(STREAM_LIMITS.taskDetails);
    expect(detail(STREAM_LIMITS.taskDetails + 1)).toContain('truncated');
    expect(statusLine(started(1, { service: 'z'.repeat(500) })).length).toBeLessThanOrEqual(STREAM_LIMITS.statusText);
  });

  it('a card is in progress when its call starts, complete or error with its result when it finishes', () => {
    expect(taskChunk(started(1))).toEqual({
      type: 'task_update',
      id: 'T1',
      title: 'search_logs on logs (checkout-api)',
      status: 'in_progress',
    });
    expect(taskChunk(finished(1))).toMatchObject({ status: 'complete', details: 'r1' });
    expect(taskChunk(finished(1, false))).toMatchObject({ status: 'error', details: 'r1' });
    expect(taskChunk({ ...finished(2), summary: '' }).details).toBe('(no output)');
  });

  it('chunk texts are plain text: no mrkdwn entities, one line', () => {
    expect(planChunk('Investigating: a & b <x>\nnext')).toEqual({ type: 'plan_update', title: 'Investigating: a & b <x> next' });
  });

  it('the status line words each server, and any other tool by name', () => {
    const line = (server: string, tool = 't') => statusLine({ server, tool, args: { service: 'checkout-api' } });
    expect(line('logs')).toBe('is reading logs of checkout-api…');
    expect(line('git')).toBe('is reading git history of checkout-api…');
    expect(line('metrics')).toBe('is reading metrics of checkout-api…');
    expect(line('replay')).toBe('is replaying recorded tool output of checkout-api…');
    expect(line('tickets', 'list_tickets')).toBe('is running list_tickets of checkout-api…');
    expect(statusLine({ server: 'logs', tool: 't', args: {} })).toBe('is reading logs…');
  });

  it('redacts secrets and makes pings inert in every chunk text', () => {
    const card = taskChunk({ ...finished(1), args: { service: '<!here>' }, summary: 'password=hunter2secret <!channel> @everyone' });
    const note = noteChunk('<!subteam^S0SRE|@sre> token xoxb-1234567890-abcdefghij');
    const text = JSON.stringify([card, note]);
    expect(text).not.toMatch(/hunter2secret|xoxb-1234567890|<!here>|<!channel>|<!subteam/);
    expect(text).toContain('[REDACTED');
    // The last pass catches what a builder let through.
    const raw: StreamChunk[] = [
      { type: 'plan_update', title: '<!here> plan' },
      { type: 'task_update', id: 'T1', title: '@channel', status: 'complete', details: '<!everyone>', output: '@here' },
      { type: 'markdown_text', text: '<!channel>' },
    ];
    expect(JSON.stringify(sanitiseChunks(raw))).not.toMatch(/<!(here|channel|everyone)|(^|[^\u2060])@(here|channel)\b/);
  });

  it('feedback values carry the vote and the analysis; anything else is not ours', () => {
    expect(parseFeedbackValue(feedbackValue('up', 'A1-abc'))).toEqual({ vote: 'up', analysisId: 'A1-abc' });
    expect(parseFeedbackValue(feedbackValue('down', 'A2-def'))).toEqual({ vote: 'down', analysisId: 'A2-def' });
    for (const value of [undefined, '', 'up:', 'sideways:A1', 'A1-abc']) expect(parseFeedbackValue(value)).toBeUndefined();
  });

  it('the feedback block passes the fake’s context_actions checks, which refuse what Slack refuses', () => {
    expect(validateBlocks([feedbackBlock('A1-abc')])).toEqual([]);
    const element = feedbackBlock('A1').elements[0]!;
    const six = { type: 'context_actions', elements: Array.from({ length: 6 }, (_, i) => ({ ...element, action_id: `a${i}` })) };
    const five = { type: 'context_actions', elements: six.elements.slice(0, 5) };
    expect(contextActionsErrors(five, 'b', new Set())).toEqual([]);
    expect(contextActionsErrors(six, 'b', new Set())).toEqual(['b: 1-5 elements']);
    const longText = {
      ...element,
      positive_button: { ...(element as types.FeedbackButtons).positive_button, text: { type: 'plain_text', text: 'x'.repeat(76) } },
    };
    expect(contextActionsErrors({ type: 'context_actions', elements: [longText] }, 'b', new Set())).toEqual([
      'b.elements[0].positive_button.text: 1-75 characters',
    ]);
  });
});

interface Recorded {
  method: string;
  chunks?: StreamChunk[];
  status?: string;
}

/** A SlackStreamIO that records calls and fails the calls a test names. */
function streamIO(failOn: (method: string, n: number) => boolean = () => false): SlackStreamIO & { calls: Recorded[] } {
  const calls: Recorded[] = [];
  const step = (method: string) => {
    const n = calls.filter((c) => c.method === method).length;
    if (failOn(method, n)) throw Object.assign(new Error('An API error occurred'), { data: { error: 'message_not_in_streaming_state' } });
  };
  return {
    calls,
    async start(_channel, _thread, _recipient, chunks) {
      step('start');
      calls.push({ method: 'start', chunks });
      return '9.0';
    },
    async append(_channel, _ts, chunks) {
      step('append');
      calls.push({ method: 'append', chunks });
    },
    async stop(_channel, _ts, chunks) {
      step('stop');
      calls.push({ method: 'stop', chunks });
    },
    async setStatus(_channel, _thread, status) {
      step('status');
      calls.push({ method: 'status', status });
    },
  };
}

function repliesIO(): SlackIO & { posts: string[] } {
  const posts: string[] = [];
  return {
    posts,
    async post(_channel: string, message: SlackMessage) {
      posts.push(blockText(message as never));
      return String(posts.length);
    },
    async update() {},
    async ephemeral() {},
  };
}

function reporter(io: SlackStreamIO, replies: SlackIO, counts: number[] = []) {
  const pacer = new ChannelPacer(1);
  const target = { channel: 'C1', threadTs: '1.0', recipient: { user: 'U1', team: 'T1' }, title: 'Investigating: x' };
  let stream: StreamReporter | undefined;
  const logger = { warn() {} };
  const fallback = () => new ProgressReporter(replies, pacer, 'C1', '1.0', async () => void counts.push(stream?.toolCalls ?? 0), logger);
  stream = new StreamReporter(io, pacer, target, fallback, async (n) => void counts.push(n), logger);
  return stream;
}

const cardsOf = (io: { calls: Recorded[] }) =>
  io.calls.flatMap((c) => c.chunks ?? []).flatMap((chunk) => (chunk.type === 'task_update' ? [`${chunk.id}:${chunk.status}`] : []));

describe('who an analysis streams to', () => {
  const job = (origin: Origin, requestedBy: Trigger['requestedBy'] = { user: 'U0HUMAN01' }) =>
    new AnalysisJob({ origin, channel: 'C1', incident: 'x', requestedBy }, 0);

  it('a person’s analysis streams to them in the bot’s workspace; alerts, descriptions and an unknown workspace do not', () => {
    for (const origin of ['command', 'mention', 'followup', 'rerun'] as const)
      expect(streamRecipient(job(origin), 'T0TEAM')).toEqual({ user: 'U0HUMAN01', team: 'T0TEAM' });
    expect(streamRecipient(job('alert'), 'T0TEAM')).toBeUndefined();
    expect(streamRecipient(job('rerun', { user: 'W0GRIDUSER' }), 'T0TEAM')).toEqual({ user: 'W0GRIDUSER', team: 'T0TEAM' });
    expect(streamRecipient(job('command', { text: 'Alertmanager alert' }), 'T0TEAM')).toBeUndefined();
    expect(streamRecipient(job('command', { user: 'not-an-id' }), 'T0TEAM')).toBeUndefined();
    expect(streamRecipient(job('command'), undefined)).toBeUndefined();
  });
});

describe('StreamReporter', () => {
  it('stopped mid-call: the running card ends in error, the plan says stopped, the status line clears', async () => {
    const io = streamIO();
    const stream = reporter(io, repliesIO());
    stream.handle(started(1));
    stream.handle(finished(1));
    stream.handle(started(2));
    await stream.drain();
    await stream.close('stopped');
    expect(cardsOf(io)).toEqual(['T1:in_progress', 'T1:complete', 'T2:in_progress', 'T2:error']);
    const stop = io.calls.find((c) => c.method === 'stop');
    expect(stop?.chunks?.at(-1)).toEqual({ type: 'plan_update', title: 'Analysis stopped after 1 tool call' });
    expect(io.calls.filter((c) => c.method === 'status').map((c) => c.status)).toEqual(['is reading logs of checkout-api…', '']);
    // Nothing after close reaches Slack.
    stream.handle(finished(2));
    await stream.drain();
    expect(io.calls.at(-1)?.status).toBe('');
  });

  it('a stream Slack refuses at start: every finished call and note goes to replies, counted in full', async () => {
    const io = streamIO((method) => method === 'start');
    const replies = repliesIO();
    const counts: number[] = [];
    const stream = reporter(io, replies, counts);
    const events: AgentEvent[] = [started(1), finished(1), { type: 'note', message: 'fell back' }, started(2), finished(2)];
    for (const event of events) stream.handle(event);
    await stream.drain();
    await stream.close('done');
    expect(stream.fellBack).toBe(true);
    const all = replies.posts.join('\n');
    for (const part of ['`T1`', '`T2`', 'fell back']) expect(all).toContain(part);
    expect(counts.at(-1)).toBe(2);
    expect(io.calls.filter((c) => c.method === 'stop')).toEqual([]);
  });
});
