import type { RecordedCall } from '../../agent/tool-session.js';
import type { ModelReport } from '../../report/model-schema.js';

/** Longest verbatim prefix of an output line used as a fallback quote. */
const FALLBACK_QUOTE_CHARS = 240;
/** Evidence items listed in a fallback report; the rest stay in toolCalls. */
const FALLBACK_EVIDENCE_ITEMS = 12;

function firstLine(text: string): string {
  return (
    text
      .split('\n')
      .find((line) => line.trim().length > 0)
      ?.trim() ?? ''
  );
}

/**
 * A report built only from what the tools returned, for when the model gave no valid answer. It claims no cause:
 * it lists the evidence gathered, verbatim, and says it is low confidence.
 */
export function fallbackReport(calls: readonly RecordedCall[], reason: string): ModelReport {
  const useful = calls.filter((call) => call.ok && call.outcome.text.trim().length > 0).slice(0, FALLBACK_EVIDENCE_ITEMS);
  const evidence = useful.map((call, index) => {
    const line = firstLine(call.outcome.text);
    return {
      id: `E${index + 1}`,
      source: call.server,
      tool: call.id,
      summary: `${call.tool}(${JSON.stringify(call.args)})`,
      ...(line ? { quote: line.slice(0, FALLBACK_QUOTE_CHARS) } : {}),
    };
  });
  const failed = calls.filter((call) => !call.ok).length;
  return {
    summary: 'Inconclusive: the model produced no valid report; the evidence gathered is listed',
    rootCause:
      `No root cause could be established automatically (${reason}). ` +
      `${calls.length} tool call${calls.length === 1 ? ' was' : 's were'} made${failed ? `, ${failed} failed` : ''}; ` +
      'their first lines are listed as evidence for a human to read.',
    confidence: 'low',
    timeline: [],
    evidence,
    recommendations: [
      'Read the evidence below and the full tool outputs (--json) before acting',
      'Re-run with --engine builtin, or with a larger tool-capable model (OLLAMA_MODEL)',
    ],
  };
}
