import { describeMissing } from './completeness.js';
import type { Report, RunbookRef } from './schema.js';
import { AI_MARKER } from './screen.js';

/** Longest quote line printed; the full quote stays in --json output. */
const QUOTE_CHARS = 300;

function cut(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** Terminal control characters (escape sequences) in quoted runbook text would drive the terminal; they are dropped. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is this regex's job.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/** The Runbook block: which runbook and section, why it fits, and its steps quoted as the team wrote them. */
function runbookLines(runbook: RunbookRef): string[] {
  const clean = (text: string) => text.replace(CONTROL, '');
  const out = [
    'Runbook',
    `  "${clean(runbook.title)}"${runbook.section ? ` › ${clean(runbook.section)}` : ''} (${clean(runbook.id)}, ${runbook.tool})`,
  ];
  if (runbook.link) out.push(`  ${clean(runbook.link)}`);
  if (runbook.why.length > 0) out.push(`  why: ${clean(runbook.why.join('; '))}`);
  runbook.steps.forEach((step, index) => {
    out.push(`    ${index + 1}. │ ${cut(clean(step), QUOTE_CHARS)}`);
  });
  return out;
}

/** Plain-text rendering for a terminal: Timeline / Root Cause / Evidence / Recommendations. */
export function renderReportText(report: Report): string {
  const out: string[] = [];
  if (report.sampleData) out.push(`[sample data: ${report.sampleData} — not your systems]`);
  if (report.aiGenerated) out.push(`[${AI_MARKER}]`);
  if (report.incomplete?.length) out.push(`[INCOMPLETE — ${describeMissing(report.incomplete)}; this is no all-clear]`);
  out.push(`Summary: ${report.summary}`);
  const suspect = report.suspect
    ? ` · suspect: ${report.suspect.kind}${report.suspect.id ? ` ${report.suspect.id}` : ''}${report.suspect.service ? ` (${report.suspect.service})` : ''}`
    : '';
  out.push(`Confidence: ${report.confidence}${suspect}`);
  out.push(`Window: ${report.window.start} → ${report.window.end}`);

  out.push('', 'Timeline');
  if (report.timeline.length === 0) out.push('  (no timeline)');
  const timeline = [...report.timeline].sort((a, b) => (Date.parse(a.at) || 0) - (Date.parse(b.at) || 0));
  for (const entry of timeline) {
    const refs = entry.evidence?.length ? ` [${entry.evidence.join(', ')}]` : '';
    out.push(`  ${entry.at}  ${entry.source.padEnd(11)} ${entry.event}${refs}`);
  }

  out.push('', 'Root Cause', `  ${report.rootCause}`);

  out.push('', 'Evidence');
  if (report.evidence.length === 0) out.push('  (none)');
  for (const item of report.evidence) {
    out.push(`  ${item.id} (${item.tool}, ${item.source}) ${item.summary}`);
    if (item.quote) out.push(`      “${cut(item.quote, QUOTE_CHARS)}”`);
  }

  if (report.runbook) out.push('', ...runbookLines(report.runbook));

  out.push('', 'Recommendations');
  if (report.recommendations.length === 0) out.push('  (none)');
  report.recommendations.forEach((text, index) => {
    out.push(`  ${index + 1}. ${text}`);
  });

  if (report.alternatives?.length) {
    out.push('', 'Alternatives considered');
    for (const alt of report.alternatives) out.push(`  - ${alt.hypothesis}: ${alt.whyLessLikely}`);
  }
  if (report.notes?.length) {
    out.push('', 'Notes');
    for (const note of report.notes) out.push(`  - ${note}`);
  }
  const failed = report.toolCalls.filter((call) => !call.ok).length;
  out.push(
    '',
    `Engine ${report.engine} · ${report.toolCalls.length} tool call${report.toolCalls.length === 1 ? '' : 's'}${failed ? ` (${failed} failed)` : ''} · ${(report.durationMs / 1000).toFixed(1)} s`,
  );
  return out.join('\n');
}
