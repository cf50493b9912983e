import type { ChatMessage } from './provider.js';

/**
 * Keeping a long investigation inside the model's context window. Local models run with 8–40K tokens; a few log
 * reads fill that, and Ollama then drops the oldest tokens silently — the system prompt and the incident first.
 * Instead, the oldest tool results are replaced by one-line summaries that keep their call ids, and a result too big
 * for its budget is sent as its head and tail. The full outputs stay in the session for the quote check.
 */

/** Share of num_ctx at which older tool results are summarised before the next turn. */
export const COMPACT_AT_RATIO = 0.75;
/** Share of num_ctx that compaction aims for, so it does not run again on the very next turn. */
export const COMPACT_TO_RATIO = 0.5;
/** Rough characters per token, for estimates when the server's count is missing or cache-reduced. */
export const CHARS_PER_TOKEN = 4;
/** Share of a result's budget given to its head; the rest is its tail (the newest lines of a log read are often there). */
const HEAD_SHARE = 0.6;
/** Longest first line kept in a summary. */
const SUMMARY_LINE_CHARS = 160;

/**
 * Text within `budget` characters: whole lines from the head and from the tail, with how many lines were left out
 * between them and how to see them.
 */
export function headAndTail(text: string, budget: number): string {
  if (text.length <= budget) return text;
  const lines = text.split('\n');
  const headBudget = Math.floor(budget * HEAD_SHARE);
  const tailBudget = budget - headBudget;
  const head: string[] = [];
  let used = 0;
  for (const line of lines) {
    if (used + line.length + 1 > headBudget) break;
    head.push(line);
    used += line.length + 1;
  }
  const tail: string[] = [];
  used = 0;
  for (let i = lines.length - 1; i >= head.length; i -= 1) {
    const line = lines[i] ?? '';
    if (used + line.length + 1 > tailBudget) break;
    tail.unshift(line);
    used += line.length + 1;
  }
  // One enormous line (minified JSON, a stack trace on one line): cut by characters instead.
  if (head.length === 0 && tail.length === 0) {
    const omitted = text.length - budget;
    return `${text.slice(0, headBudget)}\n… [${omitted} characters of one long line left out; narrow the query to see them] …\n${text.slice(-tailBudget)}`;
  }
  const left = lines.length - head.length - tail.length;
  return [
    ...head,
    `… [${left} of ${lines.length} lines left out here; narrow the query (a shorter time window, one service, a more specific pattern, a lower limit) to see them] …`,
    ...tail,
  ].join('\n');
}

export function estimateTokens(messages: readonly ChatMessage[], toolsJsonChars: number): number {
  const chars = messages.reduce((sum, message) => sum + message.content.length + 16, 0) + toolsJsonChars;
  return Math.ceil(chars / CHARS_PER_TOKEN);
}

interface Tracked {
  message: ChatMessage;
  id: string;
  tool: string;
  ok: boolean;
  round: number;
  compacted: boolean;
}

function summaryOf(entry: Tracked, fullText: string): string {
  const lines = fullText.split('\n').filter((line) => line.trim().length > 0);
  const first = (lines[0] ?? '').trim();
  const line = first.length > SUMMARY_LINE_CHARS ? `${first.slice(0, SUMMARY_LINE_CHARS - 1)}…` : first;
  return (
    `[${entry.id}] ${entry.tool} ${entry.ok ? 'ok' : 'FAILED'} — summarised to save context (${lines.length} lines; ` +
    `the full output is kept and ${entry.id} can still be cited). First line: ${line}`
  );
}

/** Tool-result messages the loop sent, oldest first, and the summarising of the oldest when context runs short. */
export class Compactor {
  private readonly entries: Tracked[] = [];

  constructor(private readonly fullOutput: (id: string) => string | undefined) {}

  /** Registers a tool-result message (the object in the conversation) with the call it carries. */
  track(message: ChatMessage, call: { id: string; tool: string; ok: boolean }, round: number): void {
    this.entries.push({ message, id: call.id, tool: call.tool, ok: call.ok, round, compacted: false });
  }

  /**
   * Summarises the oldest results until about `charsToFree` characters are saved; never those of the newest round,
   * which the model has not read yet. Returns the ids summarised.
   */
  compact(charsToFree: number): string[] {
    const ids: string[] = [];
    const newest = Math.max(...this.entries.map((entry) => entry.round));
    let freed = 0;
    for (const entry of this.entries) {
      if (freed >= charsToFree) break;
      if (entry.compacted || entry.round >= newest) continue;
      const summary = summaryOf(entry, this.fullOutput(entry.id) ?? entry.message.content);
      if (summary.length >= entry.message.content.length) continue;
      freed += entry.message.content.length - summary.length;
      entry.message.content = summary;
      entry.compacted = true;
      ids.push(entry.id);
    }
    return ids;
  }
}
