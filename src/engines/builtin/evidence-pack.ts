import type { Report } from '../../report/schema.js';

/** The pack is the opening of a model's first message; beyond this it crowds out the model's own investigation. */
const MAX_PACK_CHARS = 4_000;
/** Items of each list worth a model's attention. */
const MAX_ITEMS = 8;

/**
 * A compact text of the built-in correlator's findings for an LLM to start from: its conclusion, the evidence with
 * call ids (so the model can cite and re-check them) and the runner-up hypotheses.
 */
export function buildEvidencePack(report: Report): string {
  const lines: string[] = [
    `Correlator findings (window ${report.window.start} → ${report.window.end}; confidence ${report.confidence}):`,
    `Summary: ${report.summary}`,
  ];
  if (report.suspect) {
    const { kind, id, service } = report.suspect;
    lines.push(`Suspect: ${kind}${id ? ` ${id}` : ''}${service ? ` (${service})` : ''}`);
  }
  lines.push(`Reasoning: ${report.rootCause}`);
  if (report.timeline.length > 0) {
    lines.push('Timeline:');
    for (const entry of report.timeline.slice(0, MAX_ITEMS)) lines.push(`- ${entry.at} [${entry.source}] ${entry.event}`);
  }
  if (report.evidence.length > 0) {
    lines.push('Evidence (tool call ids can be cited):');
    for (const item of report.evidence.slice(0, MAX_ITEMS)) {
      lines.push(`- ${item.id} from ${item.tool} (${item.source}): ${item.summary}${item.quote ? `\n  quote: ${item.quote}` : ''}`);
    }
  }
  if (report.runbook) {
    const { id, section, tool, why } = report.runbook;
    lines.push(`Runbook that fits: ${id}${section ? ` › ${section}` : ''} from ${tool} (${why.join('; ')})`);
  }
  for (const alternative of report.alternatives ?? []) lines.push(`Alternative: ${alternative.hypothesis} — ${alternative.whyLessLikely}`);
  lines.push('Verify these findings with the tools before concluding; they come from a heuristic correlator, not a model.');
  const text = lines.join('\n');
  return text.length <= MAX_PACK_CHARS ? text : `${text.slice(0, MAX_PACK_CHARS - 1)}…`;
}
