import { normalizeForQuote, type RecordedCall, resolveCall } from './calls.js';
import { verifyRunbook } from './runbook.js';
import { type Evidence, type Report, ReportSchema, type ToolCallRecord } from './schema.js';

export { normalizeForQuote };

/** What finalizeReport needs of a ToolSession: the calls made and what each returned. */
export interface CallLog {
  all(): readonly RecordedCall[];
  records(): ToolCallRecord[];
}

/** A report before the engine-independent checks: `toolCalls` comes from the session. */
export type ReportDraft = Omit<Report, 'toolCalls'> & { toolCalls?: ToolCallRecord[] };

export interface QuoteCheck {
  evidence: Evidence[];
  droppedQuotes: number;
  droppedItems: number;
}

/**
 * Keeps only quotes that appear verbatim (whitespace-normalised) in the output of the call they cite. A failing
 * quote is removed and the item kept; an item citing no call that exists is removed whole. Both are counted.
 */
export function verifyEvidence(evidence: readonly Evidence[], calls: readonly RecordedCall[]): QuoteCheck {
  const kept: Evidence[] = [];
  let droppedQuotes = 0;
  let droppedItems = 0;
  for (const item of evidence) {
    const call = resolveCall(item.tool, calls);
    if (!call) {
      droppedItems += 1;
      if (item.quote) droppedQuotes += 1;
      continue;
    }
    const next: Evidence = { ...item, tool: call.id };
    if (item.quote !== undefined) {
      const quote = normalizeForQuote(item.quote);
      if (quote === '' || !normalizeForQuote(call.outcome.text).includes(quote)) {
        delete next.quote;
        droppedQuotes += 1;
      }
    }
    kept.push(next);
  }
  return { evidence: kept, droppedQuotes, droppedItems };
}

/** Gives evidence items unique ids (E1, E2 …) where the draft left them missing or repeated. */
function uniqueIds(evidence: Evidence[]): Evidence[] {
  const seen = new Set<string>();
  return evidence.map((item, index) => {
    let id = item.id.trim();
    if (id === '' || seen.has(id)) {
      let n = index + 1;
      while (seen.has(`E${n}`)) n += 1;
      id = `E${n}`;
    }
    seen.add(id);
    return id === item.id ? item : { ...item, id };
  });
}

/**
 * The checks every engine's report passes through before anyone reads it: tool calls come from the session (not
 * from the engine's say-so), quotes are verified against real outputs, timeline references point at evidence that
 * exists, and what was removed is counted in `notes`. Throws only if the result breaks ReportSchema (an engine bug).
 */
export function finalizeReport(draft: ReportDraft, session: CallLog): Report {
  const calls = session.all();
  const check = verifyEvidence(draft.evidence, calls);
  const evidence = uniqueIds(check.evidence);
  const ids = new Set(evidence.map((item) => item.id));
  let droppedRefs = 0;
  const timeline = draft.timeline.map((entry) => {
    if (!entry.evidence) return entry;
    const refs = entry.evidence.filter((ref) => ids.has(ref));
    droppedRefs += entry.evidence.length - refs.length;
    const { evidence: _old, ...rest } = entry;
    return refs.length > 0 ? { ...rest, evidence: refs } : rest;
  });
  const runbook = verifyRunbook(draft.runbook, calls);
  const notes = [...(draft.notes ?? []), ...runbook.notes];
  if (check.droppedQuotes > 0) {
    notes.push(`${check.droppedQuotes} quote${check.droppedQuotes === 1 ? '' : 's'} dropped: not found verbatim in the cited tool output`);
  }
  if (check.droppedItems > 0) {
    notes.push(`${check.droppedItems} evidence item${check.droppedItems === 1 ? '' : 's'} dropped: cited a tool call that was never made`);
  }
  if (droppedRefs > 0) {
    notes.push(`${droppedRefs} timeline reference${droppedRefs === 1 ? '' : 's'} to missing evidence removed`);
  }
  const { toolCalls: _claimed, notes: _notes, runbook: _runbook, ...rest } = draft;
  return ReportSchema.parse({
    ...rest,
    ...(runbook.runbook ? { runbook: runbook.runbook } : {}),
    timeline,
    evidence,
    toolCalls: session.records(),
    ...(notes.length > 0 ? { notes } : {}),
  });
}
