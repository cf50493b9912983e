import { describe, expect, it } from 'vitest';
import { safePost, safeReply } from '../../src/slack/blocks/hygiene.js';
import { buildHistoryMessage } from '../../src/slack/blocks/memory.js';
import type { SlackMessage } from '../../src/slack/blocks/report.js';
import { buildReportMessage } from '../../src/slack/blocks/report.js';
import { buildNoticeMessage, buildProgressMessage, buildStatusMessage } from '../../src/slack/blocks/status.js';
import { joinBounded } from '../../src/slack/blocks/text.js';
import { buildAlertParent, newAlertsNote } from '../../src/slack/webhooks/blocks.js';
import type { WebhookAlert, WebhookGroup } from '../../src/slack/webhooks/schema.js';
import { validateMessage } from '../fakes/slack/block-kit.js';
import { hygieneErrors } from '../fakes/slack/hygiene.js';
import { makeReport } from './helpers.js';

/**
 * Neutralising `@here` adds a character per mention, so it must happen before texts are cut: every surface is built
 * from mention-heavy text, passed through the last hygiene pass as the bot sends it, and checked as Slack would.
 */
const MENTIONS = (n: number) => '@channel @here '.repeat(Math.ceil(n / 15)).slice(0, n);

function accepted(message: SlackMessage, how: 'post' | 'reply' = 'post'): string[] {
  const sent = how === 'post' ? safePost(message) : safeReply(message);
  return [...validateMessage(sent as never), ...hygieneErrors('chat.postMessage', { ...sent, unfurl_links: false, unfurl_media: false })];
}

function alert(summary: string): WebhookAlert {
  return {
    status: 'firing',
    labels: { alertname: 'DiskFull', instance: `host-${summary.length}` },
    annotations: { summary },
    startsAt: '2026-03-01T10:00:00.000Z',
    fingerprint: `fp-${summary.length}`,
    links: [],
  };
}

function group(alerts: WebhookAlert[], summary: string): WebhookGroup {
  return {
    source: 'alertmanager',
    receiver: 'incidentpilot',
    status: 'firing',
    groupKey: '{}:{alertname="DiskFull"}',
    groupLabels: { alertname: 'DiskFull' },
    commonLabels: { alertname: 'DiskFull' },
    commonAnnotations: { summary, description: MENTIONS(3000) },
    alerts,
    truncatedAlerts: 0,
  };
}

describe('mentions are neutralised before texts are cut, on every surface', () => {
  it.each([140, 149, 150, 151, 400])('a report header from a %i-character /rca text with @channel @here', (n) => {
    const report = makeReport({ incident: `checkout ${MENTIONS(n - 9)}` });
    expect(accepted(buildReportMessage(report, { analysisId: 'A1-abc' }))).toEqual([]);
  });

  it('report fields full of mentions written by the model', () => {
    const heavy = MENTIONS(5000);
    const report = makeReport({
      summary: heavy,
      rootCause: heavy,
      recommendations: [heavy, heavy],
      timeline: [{ at: '2024-05-01T14:05:00Z', source: heavy, event: heavy }],
      evidence: [{ id: 'E1', source: heavy, tool: 'T1', summary: heavy, quote: heavy }],
      alternatives: [{ hypothesis: heavy, whyLessLikely: heavy }],
      notes: [heavy],
      suspect: { kind: 'deployment', id: heavy, service: heavy },
    });
    expect(accepted(buildReportMessage(report, { analysisId: 'A1-abc' }))).toEqual([]);
  });

  it.each([250, 300, 301, 2000])('the Cancel confirmation of a %i-character incident', (n) => {
    const message = buildStatusMessage({
      analysisId: 'A1-abc',
      incident: MENTIONS(n),
      requestedBy: { user: 'U0HUMAN01' },
      state: 'queued',
      toolCalls: 0,
    });
    expect(accepted(message, 'reply')).toEqual([]);
  });

  it('an alert group whose summaries carry @here', () => {
    const summaries = Array.from({ length: 30 }, (_, i) => `${i} ${MENTIONS(190)}`);
    const alerts = summaries.map(alert);
    expect(accepted(buildAlertParent({ group: group(alerts, MENTIONS(3000)), alerts }))).toEqual([]);
    expect(accepted(buildNoticeMessage(newAlertsNote(alerts, {})))).toEqual([]);
  });

  it.each([2990, 3000, 3001])('lines joined to %i characters stay within it once neutralised', (max) => {
    const lines = Array.from({ length: 40 }, (_, i) => `${i} ${MENTIONS(120)}`);
    const joined = joinBounded(lines, max);
    expect(safePost({ text: joined }).text.length).toBeLessThanOrEqual(max);
  });

  it('progress lines and history entries full of mentions', () => {
    const heavy = MENTIONS(3000);
    const progress = buildProgressMessage(
      [{ callId: 'T1', server: heavy, tool: heavy, args: { q: heavy }, ok: true, ms: 1, summary: heavy }],
      [heavy, heavy],
    );
    expect(accepted(progress)).toEqual([]);
    const history = buildHistoryMessage(
      Array.from({ length: 10 }, (_, i) => ({
        analysisId: `A${i}`,
        at: 0,
        channel: 'C1',
        summary: heavy,
        confidence: 'low' as const,
        votes: { up: 0, down: 0 },
        confirmed: { cause: heavy, by: 'U1', at: 0 },
      })) as never,
      heavy.slice(0, 100),
      true,
    );
    expect(accepted(history, 'reply')).toEqual([]);
  });
});

describe('escaping on notices', () => {
  it('"/rca history <service>" with nothing found escapes the service in the fallback text', () => {
    const message = buildHistoryMessage([], '<!here|x><https://evil.example|click>', false);
    expect(validateMessage(safeReply(message) as never)).toEqual([]);
    expect(message.text).not.toContain('<');
  });

  it('a cancelled status mentions who cancelled it, once escaped', () => {
    const message = buildStatusMessage({
      analysisId: 'A1-abc',
      incident: 'checkout down',
      requestedBy: { user: 'U0HUMAN01' },
      state: 'cancelled',
      toolCalls: 2,
      reason: 'cancelled by U0RESP01',
      cancelledBy: 'U0RESP01',
    });
    expect(message.text).toContain('Cancelled by <@U0RESP01>');
    expect(JSON.stringify(message)).not.toContain('&lt;@U');
  });
});
