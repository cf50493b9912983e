import { normalizeForQuote, type RecordedCall, resolveCall } from './calls.js';
import type { RunbookRef } from './schema.js';
import { addressesModel } from './screen.js';

/** Steps quoted in a report: the procedure's start; the link has the rest. */
export const MAX_RUNBOOK_STEPS = 8;

export interface RunbookCheck {
  runbook?: RunbookRef;
  notes: string[];
}

/**
 * A runbook block stands only on what a runbooks tool really returned: the cited call must have succeeded and show
 * the runbook's id, each step must appear verbatim in its output (a step that addresses a model is no procedure),
 * and the link must be an http(s) link that output gave. Anything else is dropped and said so in the notes.
 */
export function verifyRunbook(runbook: RunbookRef | undefined, calls: readonly RecordedCall[]): RunbookCheck {
  if (!runbook) return { notes: [] };
  const call = resolveCall(runbook.tool, calls);
  const output = call?.ok ? normalizeForQuote(call.outcome.text) : '';
  if (!call || !output.includes(normalizeForQuote(runbook.id))) {
    return { notes: [`runbook ${runbook.id} dropped: no successful runbooks call (${runbook.tool}) returned it`] };
  }
  const steps = runbook.steps
    .map((step) => step.trim())
    .filter((step) => step !== '' && output.includes(normalizeForQuote(step)) && !addressesModel(step));
  const droppedSteps = runbook.steps.length - steps.length;
  const notes: string[] = [];
  if (steps.length === 0) return { notes: [`runbook ${runbook.id} dropped: none of its steps is verbatim in ${call.id}`] };
  if (droppedSteps > 0) notes.push(`${droppedSteps} runbook step${droppedSteps === 1 ? '' : 's'} dropped: not verbatim in ${call.id}`);
  const { link, ...rest } = runbook;
  const keepLink = link !== undefined && /^https?:\/\/\S+$/i.test(link) && output.includes(link);
  return { runbook: { ...rest, tool: call.id, steps: steps.slice(0, MAX_RUNBOOK_STEPS), ...(keepLink ? { link } : {}) }, notes };
}
