import type { types } from '@slack/bolt';
import { describeMissing } from '../../report/completeness.js';
import type { Evidence, Report, RunbookRef, ToolCallRecord } from '../../report/schema.js';
import { AI_MARKER, defangUrls } from '../../report/screen.js';
import { ACTION_IDS, SLACK_LIMITS } from './limits.js';
import { feedbackBlock } from './stream.js';
import { joinBounded, mrkdwn, oneLine, plain, safeLink, TRUNCATED, truncate } from './text.js';

/** Evidence items shown as their own sections; the rest are counted, keeping the message far below 50 blocks. */
const MAX_EVIDENCE_BLOCKS = 12;
/** Timeline entries rendered before the list is cut (one section holds them all). */
const MAX_TIMELINE_LINES = 40;

export interface SlackMessage {
  text: string;
  blocks: types.KnownBlock[];
}

export interface ReportMessageOptions {
  /** Identifies the analysis in button values, so clicks find it again. */
  analysisId: string;
}

const CONFIDENCE_EMOJI: Record<Report['confidence'], string> = {
  high: ':large_green_circle:',
  medium: ':large_yellow_circle:',
  low: ':red_circle:',
};

export function section(text: string): types.SectionBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: truncate(text, SLACK_LIMITS.sectionText) } };
}

export function context(text: string): types.ContextBlock {
  return { type: 'context', elements: [{ type: 'mrkdwn', text: truncate(text, SLACK_LIMITS.contextText) }] };
}

export function button(text: string, actionId: string, value: string, style?: 'primary' | 'danger'): types.Button {
  return {
    type: 'button',
    text: { type: 'plain_text', text: plain(text, SLACK_LIMITS.buttonText), emoji: true },
    action_id: actionId.slice(0, SLACK_LIMITS.actionId),
    value: value.slice(0, SLACK_LIMITS.buttonValue),
    ...(style ? { style } : {}),
  };
}

function formatTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d{3}Z$/, 'Z');
}

function citation(evidence: Evidence, calls: Map<string, ToolCallRecord>): string {
  const call = calls.get(evidence.tool);
  if (!call) return `tool call \`${oneLine(evidence.tool, 40)}\``;
  return `tool call \`${oneLine(call.id, 40)}\` ${oneLine(call.tool, 80)} (${oneLine(call.server, 60)})`;
}

function evidenceBlock(evidence: Evidence, calls: Map<string, ToolCallRecord>): types.SectionBlock {
  const head = `*${oneLine(evidence.id, 20)}* · ${oneLine(evidence.source, 60)} · from ${citation(evidence, calls)}`;
  const quote = evidence.quote ? `\n> ${mrkdwn(evidence.quote, 1200).replace(/\n/g, '\n> ')}` : '';
  return section(`${head}\n${mrkdwn(evidence.summary, 1500)}${quote}`);
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
}

/**
 * What the reader must know before trusting the report: a source never answered (so it is no all-clear), a model
 * wrote it, or it describes a sample dataset.
 */
export function reportStamps(report: Pick<Report, 'aiGenerated' | 'sampleData' | 'incomplete'>): string | undefined {
  const parts: string[] = [];
  if (report.incomplete?.length)
    parts.push(`:warning: *incomplete — ${oneLine(describeMissing(report.incomplete), 600)}*; not an all-clear`);
  if (report.sampleData) parts.push(sampleStamp(report.sampleData));
  if (report.aiGenerated) parts.push(`:warning: *${AI_MARKER}*`);
  return parts.length > 0 ? parts.join('  ·  ') : undefined;
}

/** The stamp on every message of a bot whose servers all read a bundled dataset. */
export function sampleStamp(dataset: string): string {
  return `:test_tube: *sample data: ${oneLine(dataset, 200)}* — not your systems`;
}

/** The finished report as one threaded message: a pure function of the report. */
export function buildReportMessage(report: Report, options: ReportMessageOptions): SlackMessage {
  const calls = new Map(report.toolCalls.map((call) => [call.id, call]));
  const blocks: types.KnownBlock[] = [];

  blocks.push({
    type: 'header',
    text: { type: 'plain_text', text: plain(`Root cause: ${report.incident}`, SLACK_LIMITS.headerText), emoji: true },
  });

  const stamps = reportStamps(report);
  if (stamps) blocks.push(context(stamps));

  blocks.push(
    section(
      `${CONFIDENCE_EMOJI[report.confidence]} *${oneLine(report.summary, 600)}*\n` +
        `*Confidence:* ${report.confidence}\n\n${mrkdwn(report.rootCause, 2200)}`,
    ),
  );

  if (report.suspect) {
    const fields: types.MrkdwnElement[] = [{ type: 'mrkdwn', text: `*Suspect*\n${oneLine(report.suspect.kind, 100)}` }];
    if (report.suspect.id) fields.push({ type: 'mrkdwn', text: `*Id*\n\`${oneLine(report.suspect.id, 1800)}\`` });
    if (report.suspect.service) fields.push({ type: 'mrkdwn', text: `*Service*\n${oneLine(report.suspect.service, 1800)}` });
    blocks.push({ type: 'section', fields: fields.slice(0, SLACK_LIMITS.sectionFields) });
  }

  if (report.timeline.length > 0) {
    const shown = report.timeline.slice(0, MAX_TIMELINE_LINES);
    const lines = shown.map((entry) => {
      const refs = entry.evidence?.length ? ` _(${oneLine(entry.evidence.join(', '), 100)})_` : '';
      return `• \`${oneLine(formatTime(entry.at), 40)}\` [${oneLine(entry.source, 40)}] ${oneLine(entry.event, 400)}${refs}`;
    });
    if (report.timeline.length > shown.length) lines.push(`… ${report.timeline.length - shown.length} more entries ${TRUNCATED}`);
    blocks.push(section(joinBounded(['*Timeline*', ...lines], SLACK_LIMITS.sectionText)));
  }

  if (report.evidence.length > 0) {
    blocks.push({ type: 'divider' });
    blocks.push(section(`*Evidence* (${report.evidence.length})`));
    for (const item of report.evidence.slice(0, MAX_EVIDENCE_BLOCKS)) blocks.push(evidenceBlock(item, calls));
    if (report.evidence.length > MAX_EVIDENCE_BLOCKS) {
      blocks.push(context(`… ${report.evidence.length - MAX_EVIDENCE_BLOCKS} more evidence items ${TRUNCATED}`));
    }
  }

  if (report.runbook) blocks.push(runbookBlock(report.runbook));

  if (report.recommendations.length > 0) {
    const lines = report.recommendations.map((rec, i) => `${i + 1}. ${mrkdwn(rec, 600)}`);
    blocks.push(section(joinBounded(['*Recommendations*', ...lines], SLACK_LIMITS.sectionText)));
  }

  if (report.alternatives?.length) {
    const lines = report.alternatives.map((alt) => `• ${oneLine(alt.hypothesis, 300)}: _${oneLine(alt.whyLessLikely, 400)}_`);
    blocks.push(section(joinBounded(['*Alternatives considered*', ...lines], SLACK_LIMITS.sectionText)));
  }

  if (report.similar?.length) blocks.push(similarBlock(report.similar));

  if (report.notes?.length) {
    const lines = report.notes.map((note) => `:information_source: ${oneLine(note, 500)}`);
    blocks.push(context(joinBounded(lines, SLACK_LIMITS.contextText)));
  }

  blocks.push(
    context(
      `Engine: ${oneLine(report.engine, 100)} · ${formatDuration(report.durationMs)} · ${report.toolCalls.length} tool call${
        report.toolCalls.length === 1 ? '' : 's'
      } · analysis ${oneLine(options.analysisId, 40)}`,
    ),
  );

  blocks.push(feedbackBlock(options.analysisId));
  blocks.push({
    type: 'actions',
    block_id: 'rca_report_actions',
    elements: [
      button('Re-run', ACTION_IDS.rerun, options.analysisId),
      button('Dig deeper', ACTION_IDS.digDeeper, options.analysisId, 'primary'),
      button('Confirm cause', ACTION_IDS.confirmCause, options.analysisId),
    ],
  });

  return { text: reportFallback(report), blocks: blocks.slice(0, SLACK_LIMITS.blocksPerMessage) };
}

/**
 * The team's runbook that fits: title (linked when the tool gave an http(s) link), section, why it fits, and its steps
 * quoted. Steps are runbook text, untrusted like tool output: escaped, and URLs in them defanged so only the
 * runbook's own link is clickable.
 */
function runbookBlock(runbook: RunbookRef): types.SectionBlock {
  const title = `"${oneLine(runbook.title, 200)}"${runbook.section ? ` › ${oneLine(runbook.section, 120)}` : ''}`;
  const linked = (runbook.link && safeLink(runbook.link, runbook.title)) || title;
  const head = `*Runbook* · ${runbook.link && linked !== title ? `${linked}${runbook.section ? ` › ${oneLine(runbook.section, 120)}` : ''}` : title} · \`${oneLine(runbook.id, 200)}\``;
  const why = runbook.why.length > 0 ? `_why: ${oneLine(runbook.why.join('; '), 400)}_` : '';
  const steps = runbook.steps.map((step, index) => `> ${index + 1}. ${oneLine(defangUrls(step), 400)}`);
  return section(joinBounded([head, why, ...steps].filter(Boolean), SLACK_LIMITS.sectionText));
}

/** Past incidents that look like this one, each with its date, cause, whether confirmed, link and why it matched. */
function similarBlock(similar: NonNullable<Report['similar']>): types.SectionBlock {
  const lines = similar.slice(0, 3).map((past) => {
    const date = formatTime(past.at).slice(0, 10);
    const cause = past.confirmedCause
      ? `:white_check_mark: confirmed: ${oneLine(past.confirmedCause, 200)}`
      : `${oneLine(past.summary, 200)} _(not confirmed)_`;
    const where = past.link && /^https:\/\/[^\s|<>]+$/.test(past.link) ? `<${past.link}|${date}>` : date;
    return `• ${where} · ${cause}\n    _${oneLine(past.reasons.join('; '), 400)}_`;
  });
  return section(joinBounded(['*Similar past incidents*', ...lines], SLACK_LIMITS.sectionText));
}

/** The notification / screen-reader text of the report message. */
export function reportFallback(report: Report): string {
  const stamps = [
    report.incomplete?.length ? `incomplete: ${report.incomplete.map((item) => `${item.source} unavailable`).join(', ')}` : '',
    report.sampleData ? `sample data: ${report.sampleData}` : '',
    report.aiGenerated ? AI_MARKER : '',
  ].filter(Boolean);
  const prefix = stamps.length > 0 ? `[${stamps.join(' · ')}] ` : '';
  return mrkdwn(`${prefix}Root cause (${report.confidence} confidence): ${report.summary}`, SLACK_LIMITS.fallbackText);
}
