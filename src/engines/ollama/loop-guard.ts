import type { HostTool } from '../../agent/types.js';
import { canonicalArgs } from './canonical-args.js';
import type { ChatToolCall } from './provider.js';

/**
 * Catches the ways a local model loops without repeating itself exactly: the same search with other letter case or
 * spacing, `"1h"` then `"60m"`, a default spelled out, two calls alternated, the same error provoked again and again,
 * one tool called over and over. Its memory is its own, so summarising old messages to save context forgets nothing.
 */

/** Calls to one tool in one analysis: past this the model is trawling, and each call costs a model round to read. */
export const MAX_CALLS_PER_TOOL = 6;
/** Failures with the same error from one tool before it is withheld: twice gets advice, the third time it is gone. */
export const SAME_ERROR_LIMIT = 3;
/** Rounds in a row that brought nothing new (only refusals, or results already seen) before the answer is asked for. */
export const MAX_NOTHING_NEW_ROUNDS = 2;
/** Requests remembered for alternation detection: A, B, A, B is the shortest alternation worth stopping. */
const ALTERNATION_WINDOW = 4;

export type GuardVerdict =
  | { run: true; key: string }
  | { run: false; message: string; reason: 'repeat' | 'alternation' | 'budget' | 'withheld' | 'pending' };

interface Failure {
  id: string;
  args: Record<string, unknown>;
  count: number;
}

/** Error text with its variable parts (quoted values, numbers) blanked, so "since "x" …" and "since "y" …" match. */
function errorSignature(text: string): string {
  const first = text.split('\n').find((line) => line.trim().length > 0) ?? '';
  return first
    .replace(/"[^"]*"/g, '"…"')
    .replace(/\d+/g, '#')
    .trim()
    .toLowerCase();
}

function hintOf(text: string): string | undefined {
  return text
    .split('\n')
    .find((line) => /^hint:/i.test(line.trim()))
    ?.trim()
    .replace(/^hint:\s*/i, '');
}

export class LoopGuard {
  private readonly schemas = new Map<string, Record<string, unknown>>();
  /** canonical key → call id of the call that ran with it. */
  private readonly ran = new Map<string, string>();
  /** exact key (only key order ignored) → call id, to tell an exact repeat from a near one. */
  private readonly exact = new Map<string, string>();
  private readonly pending = new Set<string>();
  private readonly perTool = new Map<string, string[]>();
  private readonly failures = new Map<string, Failure>();
  private readonly outputs = new Set<string>();
  private readonly withheldTools = new Set<string>();
  private readonly compacted = new Set<string>();
  private requested: string[] = [];
  private roundBroughtNew = false;
  private nothingNewRounds = 0;
  private alternation: [string, string] | undefined;

  constructor(
    tools: readonly HostTool[],
    private readonly note: (message: string) => void = () => {},
  ) {
    for (const tool of tools) this.schemas.set(tool.name, tool.inputSchema);
  }

  private key(call: ChatToolCall): string {
    return `${call.name} ${JSON.stringify(canonicalArgs(call.arguments, this.schemas.get(call.name)))}`;
  }

  private exactKey(call: ChatToolCall): string {
    const sorted = Object.fromEntries(Object.entries(call.arguments).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    return `${call.name} ${JSON.stringify(sorted)}`;
  }

  private declaredArguments(tool: string): Set<string> {
    const properties = this.schemas.get(tool)?.properties;
    return new Set(properties && typeof properties === 'object' ? Object.keys(properties) : []);
  }

  /** Call ids whose results were summarised to save context: a refusal then says so. */
  markCompacted(ids: readonly string[]): void {
    for (const id of ids) this.compacted.add(id);
  }

  /** The tools still offered to the model. */
  offered<T extends { name: string }>(tools: readonly T[]): T[] {
    return tools.filter((tool) => !this.withheldTools.has(tool.name));
  }

  isWithheld(name: string): boolean {
    return this.withheldTools.has(name);
  }

  /** Decides before a call runs; a call allowed to run is reserved, so two identical calls in one turn run once. */
  check(call: ChatToolCall): GuardVerdict {
    const key = this.key(call);
    this.requested = [...this.requested, key].slice(-ALTERNATION_WINDOW);
    if (this.withheldTools.has(call.name)) {
      return {
        run: false,
        reason: 'withheld',
        message: `[refused] ${call.name} is withheld for the rest of this analysis: it failed the same way ${SAME_ERROR_LIMIT} times. Use another tool, or stop and answer.`,
      };
    }
    const earlier = this.ran.get(key);
    if (earlier) {
      const [a, b, c, d] = this.requested;
      if (this.requested.length === ALTERNATION_WINDOW && a === c && b === d && a !== b && a && b) {
        this.alternation = [this.ran.get(a) ?? '?', this.ran.get(b) ?? '?'];
        return {
          run: false,
          reason: 'alternation',
          message: `[refused] you are alternating between the same two calls (${this.alternation.join(' and ')}); both results are above and will not change. Stop calling tools and answer.`,
        };
      }
      const summarised = this.compacted.has(earlier) ? ' (summarised above to save context; cite it by its id)' : ' is above';
      const exact = this.exact.get(this.exactKey(call)) === earlier;
      return {
        run: false,
        reason: 'repeat',
        message: exact
          ? `[refused] ${call.name} was already called with these exact arguments as ${earlier}; its result${summarised}. Use different arguments or another tool, or stop and answer.`
          : `[refused] ${call.name} with these arguments is the same call as ${earlier}: they differ only in letter case, spacing, key order, defaults or how the time is written. Its result${summarised}. Change what you ask for, use another tool, or stop and answer.`,
      };
    }
    if (this.pending.has(key)) {
      return {
        run: false,
        reason: 'pending',
        message: `[refused] the same ${call.name} call is already running in this turn; its result is next to this one.`,
      };
    }
    const used = this.perTool.get(call.name) ?? [];
    if (used.length >= MAX_CALLS_PER_TOOL) {
      return {
        run: false,
        reason: 'budget',
        message: `[refused] the budget of ${MAX_CALLS_PER_TOOL} calls to ${call.name} in one analysis is spent (${used.join(', ')}); work from those results or use another tool.`,
      };
    }
    this.pending.add(key);
    this.perTool.set(call.name, [...used, '…']);
    return { run: true, key };
  }

  /**
   * Records what an allowed call returned. Returns advice to append to the result when the tool failed the same way
   * as before, or says it is now withheld.
   */
  record(call: ChatToolCall, key: string, result: { id: string; ok: boolean; text: string }): string | undefined {
    this.pending.delete(key);
    this.ran.set(key, result.id);
    this.exact.set(this.exactKey(call), result.id);
    const ids = this.perTool.get(call.name) ?? [];
    const slot = ids.indexOf('…');
    if (slot >= 0) ids[slot] = result.id;
    const output = `${call.name} ${result.ok} ${result.ok ? result.text.trim() : errorSignature(result.text)}`;
    if (!this.outputs.has(output)) {
      this.outputs.add(output);
      this.roundBroughtNew = true;
    }
    if (result.ok) return undefined;
    const signature = `${call.name} ${errorSignature(result.text)}`;
    const failure = this.failures.get(signature);
    if (!failure) {
      this.failures.set(signature, { id: result.id, args: call.arguments, count: 1 });
      return undefined;
    }
    failure.count += 1;
    if (failure.count >= SAME_ERROR_LIMIT) {
      this.withheldTools.add(call.name);
      // The tool set changed: the model gets a round with what is left before "nothing new" can end the search.
      this.roundBroughtNew = true;
      this.note(`${call.name} failed the same way ${failure.count} times: withheld for the rest of the analysis`);
      return `${call.name} has now failed this way ${failure.count} times and is withheld for the rest of this analysis. Use another tool or answer with what you have.`;
    }
    // This advice sits outside the data fence, so it names only arguments the tool's schema declares (ours) and
    // points at the tool's hint instead of repeating it: a hint can echo an argument, and a tool can write anything.
    const declared = this.declaredArguments(call.name);
    const changed = Object.keys({ ...failure.args, ...call.arguments }).filter(
      (name) => declared.has(name) && JSON.stringify(failure.args[name]) !== JSON.stringify(call.arguments[name]),
    );
    const kept = Object.keys(call.arguments).filter((name) => declared.has(name) && !changed.includes(name));
    return [
      `This is the same error ${call.name} gave for ${failure.id}.`,
      changed.length > 0 ? `Changing ${changed.join(', ')} did not fix it.` : '',
      kept.length > 0 ? `You kept ${kept.join(', ')} the same: change ${kept.length > 1 ? 'those' : 'that'} instead.` : '',
      hintOf(result.text) !== undefined
        ? "Follow the Hint line inside the tool's result above."
        : 'Read the error and change what it names.',
      `One more failure like this withholds ${call.name}.`,
    ]
      .filter(Boolean)
      .join(' ');
  }

  /** Closes a tool round; says why the answer should be asked for now, if it should. */
  endRound(): string | undefined {
    this.nothingNewRounds = this.roundBroughtNew ? 0 : this.nothingNewRounds + 1;
    this.roundBroughtNew = false;
    if (this.alternation) {
      return `the model alternated between the same two calls (${this.alternation.join(' and ')}): asking for the answer`;
    }
    if (this.nothingNewRounds >= MAX_NOTHING_NEW_ROUNDS) {
      return `${MAX_NOTHING_NEW_ROUNDS} rounds in a row brought nothing new (repeated or near-duplicate calls, or results already seen): asking for the answer`;
    }
    return undefined;
  }
}
