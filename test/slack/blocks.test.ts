import { describe, expect, it } from 'vitest';
import { ACTION_IDS, SLACK_LIMITS } from '../../src/slack/blocks/limits.js';
import { buildReportMessage } from '../../src/slack/blocks/report.js';
import { buildProgressMessage, buildStatusMessage } from '../../src/slack/blocks/status.js';
import { escapeMrkdwn, joinBounded, redactSecrets, TRUNCATED, truncate } from '../../src/slack/blocks/text.js';
import { buildQueueStatusMessage, buildUsageMessage } from '../../src/slack/blocks/usage.js';
import { validateBlocks, validateMessage } from '../fakes/slack/block-kit.js';
import { blockText } from '../fakes/slack/server.js';
import { makeReport } from './helpers.js';

const long = (n: number, unit = 'x') => unit.repeat(Math.ceil(n / unit.length)).slice(0, n);

describe('report blocks', () => {
  it('renders every part of a normal report within Slack limits', () => {
    const message = buildReportMessage(makeReport(), { analysisId: 'A1-abcd' });
    expect(validateMessage(message as never)).toEqual([]);
    const types = message.blocks.map((b) => b.type);
    expect(types[0]).toBe('header');
    expect(types.at(-1)).toBe('actions');
    const text = blockText(message as never);
    for (const part of [
      'Deploy v2.3.1',
      'Confidence:* high',
      'v2.3.1',
      'Timeline',
      'checkout v2.3.1 deployed',
      'Evidence',
      'Recommendations',
      'Roll back',
    ]) {
      expect(text).toContain(part);
    }
    // Evidence cites its tool call with the tool's name.
    expect(text).toMatch(/\*E2\*.*tool call `T2` search_logs \(logs\)/);
    expect(text).toMatch(/Engine: scripted · 1\.2 s · 2 tool calls · analysis A1-abcd/);
    const actions = message.blocks.at(-1) as { elements: { action_id: string; value: string }[] };
    expect(actions.elements.map((e) => e.action_id)).toEqual([ACTION_IDS.rerun, ACTION_IDS.digDeeper, ACTION_IDS.confirmCause]);
    expect(actions.elements.every((e) => e.value === 'A1-abcd')).toBe(true);
    // 👍/👎 are Slack's native feedback buttons, just above; each value names the vote and the analysis.
    expect(message.blocks.at(-2)).toMatchObject({
      type: 'context_actions',
      elements: [
        {
          type: 'feedback_buttons',
          action_id: ACTION_IDS.feedback,
          positive_button: { value: 'up:A1-abcd' },
          negative_button: { value: 'down:A1-abcd' },
        },
      ],
    });
    expect(message.text).toContain('Root cause (high confidence)');
  });

  it('cuts an enormous report with visible markers instead of breaking limits', () => {
    const report = makeReport({
      incident: long(500, 'incident '),
      summary: long(5000, 'summary '),
      rootCause: long(20_000, 'because '),
      suspect: { kind: 'commit', id: long(5000, 'a'), service: long(5000, 's') },
      timeline: Array.from({ length: 300 }, (_, i) => ({
        at: `2024-05-01T14:${String(i % 60).padStart(2, '0')}:00Z`,
        source: 'logs',
        event: long(900, `event${i} `),
      })),
      evidence: Array.from({ length: 80 }, (_, i) => ({
        id: `E${i}`,
        source: 'logs',
        tool: `T${i}`,
        summary: long(4000, 'ev '),
        quote: long(4000, 'q '),
      })),
      recommendations: Array.from({ length: 100 }, () => long(1000, 'do this ')),
      alternatives: Array.from({ length: 50 }, () => ({ hypothesis: long(500, 'h '), whyLessLikely: long(500, 'w ') })),
      notes: Array.from({ length: 40 }, () => long(800, 'note ')),
      engine: long(300, 'e'),
    });
    const message = buildReportMessage(report, { analysisId: 'A2-beef' });
    expect(validateMessage(message as never)).toEqual([]);
    expect(message.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocksPerMessage);
    const text = blockText(message as never);
    expect(text).toContain('(truncated)');
    expect(text).toMatch(/68 more evidence items/);
    expect((message.blocks[0] as { text: { text: string } }).text.text.length).toBeLessThanOrEqual(150);
    // The buttons survive truncation of everything above them.
    expect(message.blocks.at(-1)?.type).toBe('actions');
  });

  it('handles an empty report (no timeline, evidence, recommendations or suspect)', () => {
    const message = buildReportMessage(makeReport({ suspect: undefined, timeline: [], evidence: [], recommendations: [], toolCalls: [] }), {
      analysisId: 'A3',
    });
    expect(validateMessage(message as never)).toEqual([]);
    expect(blockText(message as never)).toContain('0 tool calls');
  });

  it('escapes &, <, > from tools and models and redacts secrets', () => {
    const report = makeReport({
      summary: 'if a < b && c > d then <!channel> <@U123> <https://evil.example|click>',
      rootCause: 'leaked xoxb-1234567890-abcdefghij and password=hunter22 and Bearer abcdefghijklmnop',
      evidence: [{ id: 'E1', source: 'logs', tool: 'T1', summary: '<script>', quote: 'a & b\n> quoted' }],
    });
    const message = buildReportMessage(report, { analysisId: 'A4' });
    expect(validateMessage(message as never)).toEqual([]);
    const text = blockText(message as never);
    expect(text).toContain('a &lt; b &amp;&amp; c &gt; d then &lt;!channel&gt; &lt;@U123&gt;');
    expect(text).not.toContain('xoxb-1234567890');
    expect(text).not.toContain('hunter22');
    expect(text).not.toContain('abcdefghijklmnop');
    expect(text).toContain('[REDACTED:');
  });
});

describe('status, progress and usage messages', () => {
  it('status message shows each state, with Cancel only while queued or running', () => {
    const base = { analysisId: 'A5', incident: 'db down <now>', requestedBy: { user: 'U0ABC' }, toolCalls: 3 } as const;
    const queued = buildStatusMessage({ ...base, state: 'queued', position: 2 });
    const running = buildStatusMessage({ ...base, state: 'running' });
    const done = buildStatusMessage({ ...base, state: 'done', summary: 'pool exhausted', confidence: 'high' });
    const failed = buildStatusMessage({ ...base, state: 'failed', reason: 'engine crashed' });
    for (const message of [queued, running, done, failed]) expect(validateMessage(message as never)).toEqual([]);
    expect(queued.text).toContain('Queued (position 2)');
    expect(queued.text).toContain('Investigating: db down &lt;now&gt; — requested by <@U0ABC>');
    expect(running.text).toContain('Investigating (3 tool calls)');
    expect(done.text).toContain('pool exhausted');
    expect(failed.text).toContain('engine crashed');
    expect(queued.blocks.some((b) => b.type === 'actions')).toBe(true);
    expect(done.blocks.some((b) => b.type === 'actions')).toBe(false);
  });

  it('a coalesced progress reply lists every tool call and stays within a section', () => {
    const tools = Array.from({ length: 60 }, (_, i) => ({
      callId: `T${i}`,
      server: 'logs',
      tool: 'search_logs',
      args: { query: long(2000, 'q') },
      ok: i % 2 === 0,
      ms: 12,
      summary: long(900, 'found '),
    }));
    const message = buildProgressMessage(tools, ['engine fell back to builtin']);
    expect(validateMessage(message as never)).toEqual([]);
    expect(blockText(message as never)).toMatch(/more, truncated/);
    const few = buildProgressMessage(tools.slice(0, 2), []);
    expect(blockText(few as never)).toMatch(/`T0` \*search_logs\* on logs[\s\S]*`T1`/);
  });

  it('an incomplete report says which source was missing in its stamp and its notification text', () => {
    const report = makeReport({
      summary: 'incomplete: logs unavailable (LOG_FORMATS: not valid JSON)',
      incomplete: [{ source: 'logs', reason: 'LOG_FORMATS: not valid JSON' }],
    });
    const message = buildReportMessage(report, { analysisId: 'A9' });
    expect(validateMessage(message as never)).toEqual([]);
    expect(blockText(message as never)).toContain('incomplete — logs unavailable (LOG_FORMATS: not valid JSON)*; not an all-clear');
    expect(message.text).toMatch(/^\[incomplete: logs unavailable\]/);
    const complete = buildReportMessage(makeReport({}), { analysisId: 'A10' });
    expect(blockText(complete as never)).not.toContain('incomplete');
  });

  it('/rca status shows a server that failed, with its error', () => {
    const status = buildQueueStatusMessage(
      [],
      { concurrency: 2, queueMax: 10 },
      { channel: 'C1', everything: true },
      {
        engine: 'builtin',
        servers: [
          { name: 'logs', state: 'failed', tools: 0, restarts: 3, error: 'LOG_FORMATS: not valid JSON' },
          { name: 'git', state: 'ready', tools: 4, restarts: 0 },
        ],
      },
    );
    const text = blockText(status as never);
    expect(text).toContain(':red_circle: logs — failed, 0 tools, 3 restarts: LOG_FORMATS: not valid JSON');
    expect(text).toContain(':large_green_circle: git — ready, 4 tools, 0 restarts');
  });

  it('usage and queue status are valid Block Kit', () => {
    expect(validateMessage(buildUsageMessage('/rca', 'U0BOT') as never)).toEqual([]);
    const status = buildQueueStatusMessage(
      [
        { analysisId: 'A1', incident: 'x <y>', state: 'running', channel: 'C1', requestedBy: 'U1', toolCalls: 2, ageMs: 3000 },
        { analysisId: 'A2', incident: 'z', state: 'queued', channel: 'C1', toolCalls: 0, ageMs: 1000 },
      ],
      { concurrency: 2, queueMax: 10 },
    );
    expect(validateMessage(status as never)).toEqual([]);
  });
});

describe('text helpers', () => {
  it('truncate never exceeds the limit nor splits an entity', () => {
    const escaped = escapeMrkdwn(long(100, 'a&b<'));
    for (let max = 20; max < 60; max++) {
      const cut = truncate(escaped, max);
      expect(cut.length).toBeLessThanOrEqual(max);
      expect(cut.endsWith(TRUNCATED)).toBe(true);
      expect(cut).not.toMatch(/&(a|am|l|g|lt|gt|amp)? /);
    }
    expect(truncate('short', 10)).toBe('short');
  });

  it('joinBounded keeps whole lines and counts the rest', () => {
    const joined = joinBounded(
      Array.from({ length: 100 }, (_, i) => `line ${i}`),
      60,
    );
    expect(joined.length).toBeLessThanOrEqual(60);
    expect(joined).toMatch(/^line 0\nline 1\n[\s\S]*… \(\d+ more, truncated\)$/);
  });

  it('redacts common credential shapes', () => {
    expect(redactSecrets('xapp-1-A0-123456789-abcdef token: abcdefgh AKIAABCDEFGHIJKLMNOP')).toBe(
      '[REDACTED:slack_token#1] token: [REDACTED:token#1] [REDACTED:aws_access_key_id#1]',
    );
  });

  it('the validator itself rejects what Slack rejects', () => {
    expect(validateBlocks([{ type: 'header', text: { type: 'plain_text', text: long(151) } }])).not.toEqual([]);
    expect(validateBlocks(Array.from({ length: 51 }, () => ({ type: 'divider' })))).not.toEqual([]);
    expect(validateMessage({ text: 'a < b' })).not.toEqual([]);
    expect(validateMessage({ blocks: [] })).not.toEqual([]);
  });
});
