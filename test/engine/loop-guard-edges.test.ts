import { describe, expect, it } from 'vitest';
import type { HostTool } from '../../src/agent/types.js';
import { LoopGuard, MAX_CALLS_PER_TOOL, SAME_ERROR_LIMIT } from '../../src/engines/ollama/loop-guard.js';

/** The loop guard at its edges: each bound exactly, each refusal's wording, the error signature's blanking. */

const tool = (name: string, properties: Record<string, unknown> = {}): HostTool => ({
  name,
  server: 'logs',
  serverToolName: name,
  description: name,
  inputSchema: { type: 'object', properties },
});
const SEARCH = tool('search_logs', { pattern: { type: 'string' }, service: { type: 'string' }, since: { type: 'string' } });
const SUMMARY = tool('error_summary', { service: { type: 'string' } });
const TRACE = tool('get_trace', { id: { type: 'string' } });

function run(guard: LoopGuard, name: string, args: Record<string, unknown>, id: string, text = `result of ${id}`, ok = true) {
  const verdict = guard.check({ name, arguments: args });
  if (!verdict.run) return verdict;
  return { ...verdict, advice: guard.record({ name, arguments: args }, verdict.key, { id, ok, text }) };
}
const adviceOf = (result: ReturnType<typeof run>) => ('advice' in result ? result.advice : undefined);

describe('per-tool budget', () => {
  it(`the ${MAX_CALLS_PER_TOOL}th call runs, the next is refused, and another tool keeps its own budget`, () => {
    const guard = new LoopGuard([SEARCH, SUMMARY]);
    for (let i = 1; i < MAX_CALLS_PER_TOOL; i += 1) run(guard, 'search_logs', { pattern: `p${i}` }, `T${i}`);
    expect(run(guard, 'search_logs', { pattern: 'last' }, 'T6')).toMatchObject({ run: true });
    expect(guard.check({ name: 'search_logs', arguments: { pattern: 'over' } })).toMatchObject({ run: false, reason: 'budget' });
    expect(run(guard, 'error_summary', {}, 'T7')).toMatchObject({ run: true });
  });

  it('calls still running count against the budget, shown as … until they return', () => {
    const guard = new LoopGuard([SEARCH]);
    for (let i = 1; i <= MAX_CALLS_PER_TOOL; i += 1) {
      expect(guard.check({ name: 'search_logs', arguments: { pattern: `p${i}` } })).toMatchObject({ run: true });
    }
    const over = guard.check({ name: 'search_logs', arguments: { pattern: 'over' } });
    expect(!over.run && over.message).toContain('is spent (…, …, …, …, …, …)');
  });

  it('results fill the budget slots in the order they return; a call still running stays …', () => {
    const guard = new LoopGuard([SEARCH]);
    const first = guard.check({ name: 'search_logs', arguments: { pattern: 'a' } });
    const second = guard.check({ name: 'search_logs', arguments: { pattern: 'b' } });
    if (!first.run || !second.run) throw new Error('both should run');
    guard.record({ name: 'search_logs', arguments: { pattern: 'b' } }, second.key, { id: 'T2', ok: true, text: 'b' });
    for (let i = 3; i <= MAX_CALLS_PER_TOOL; i += 1) run(guard, 'search_logs', { pattern: `p${i}` }, `T${i}`);
    const over = guard.check({ name: 'search_logs', arguments: { pattern: 'over' } });
    expect(!over.run && over.message).toContain('is spent (T2, T3, T4, T5, T6, …)');
  });
});

describe('the same error again', () => {
  const hinted = (value: string, n: number) => `\n\nError: since "${value}" is not a time (code ${n})\n  Hint: give a duration`;

  it('quoted values and numbers are blanked, letter case ignored, and the first non-empty line decides', () => {
    const guard = new LoopGuard([SEARCH]);
    run(guard, 'search_logs', { since: 'a' }, 'T1', hinted('a', 1), false);
    const second = run(guard, 'search_logs', { since: 'b' }, 'T2', hinted('bbb', 22).toUpperCase(), false);
    expect(adviceOf(second)).toContain('This is the same error search_logs gave for T1.');
  });

  it('a first line of only spaces is skipped like an empty one', () => {
    const guard = new LoopGuard([SEARCH]);
    run(guard, 'search_logs', { since: 'a' }, 'T1', '   \nError: since "a" is not a time', false);
    const second = run(guard, 'search_logs', { since: 'b' }, 'T2', ' \t \nError: since "b" is not a time', false);
    expect(adviceOf(second)).toContain('This is the same error search_logs gave for T1.');
  });

  it('"hint:" inside an error line is no Hint line', () => {
    const guard = new LoopGuard([SEARCH]);
    run(guard, 'search_logs', { pattern: 'a' }, 'T1', 'Error: no hint: here', false);
    expect(adviceOf(run(guard, 'search_logs', { pattern: 'b' }, 'T2', 'Error: no hint: here', false))).toContain(
      'Read the error and change what it names.',
    );
  });

  it('another first line is another error: no advice', () => {
    const guard = new LoopGuard([SEARCH]);
    run(guard, 'search_logs', { since: 'a' }, 'T1', 'Error: since "a" is not a time', false);
    expect(adviceOf(run(guard, 'search_logs', { since: 'b' }, 'T2', 'Error: service "b" not found', false))).toBeUndefined();
  });

  it('an error from another tool is not the same error', () => {
    const guard = new LoopGuard([SEARCH, SUMMARY]);
    run(guard, 'search_logs', { service: 'x' }, 'T1', 'Error: service "x" not found', false);
    expect(adviceOf(run(guard, 'error_summary', { service: 'x' }, 'T2', 'Error: service "x" not found', false))).toBeUndefined();
  });

  it(`withheld at exactly ${SAME_ERROR_LIMIT} failures, not before; a success in between does not reset it`, () => {
    const notes: string[] = [];
    const guard = new LoopGuard([SEARCH, SUMMARY], (note) => notes.push(note));
    run(guard, 'search_logs', { since: '1' }, 'T1', hinted('1', 1), false);
    run(guard, 'search_logs', { since: '2' }, 'T2', hinted('2', 2), false);
    expect(guard.isWithheld('search_logs')).toBe(false);
    run(guard, 'search_logs', { pattern: 'fine' }, 'T3', 'ok');
    expect(guard.isWithheld('search_logs')).toBe(false);
    const third = run(guard, 'search_logs', { since: '3' }, 'T4', hinted('3', 3), false);
    expect(adviceOf(third)).toBe(
      `search_logs has now failed this way ${SAME_ERROR_LIMIT} times and is withheld for the rest of this analysis. Use another tool or answer with what you have.`,
    );
    expect(guard.isWithheld('search_logs')).toBe(true);
    expect(guard.isWithheld('error_summary')).toBe(false);
    expect(notes).toEqual([`search_logs failed the same way ${SAME_ERROR_LIMIT} times: withheld for the rest of the analysis`]);
    const refused = guard.check({ name: 'search_logs', arguments: { pattern: 'new' } });
    expect(refused).toEqual({
      run: false,
      reason: 'withheld',
      message: `[refused] search_logs is withheld for the rest of this analysis: it failed the same way ${SAME_ERROR_LIMIT} times. Use another tool, or stop and answer.`,
    });
  });

  it('advice without a Hint line says to read the error; a hint in any case is pointed at', () => {
    const guard = new LoopGuard([SEARCH]);
    run(guard, 'search_logs', { pattern: 'a' }, 'T1', 'Error: bad pattern', false);
    const plain = adviceOf(run(guard, 'search_logs', { pattern: 'b' }, 'T2', 'Error: bad pattern', false));
    expect(plain).toBe(
      'This is the same error search_logs gave for T1. Changing pattern did not fix it. Read the error and change what it names. One more failure like this withholds search_logs.',
    );
    const other = new LoopGuard([SEARCH]);
    run(other, 'search_logs', { pattern: 'a' }, 'T1', 'Error: bad pattern\nHINT: escape it', false);
    expect(adviceOf(run(other, 'search_logs', { pattern: 'b' }, 'T2', 'Error: bad pattern\n  hint:escape it', false))).toContain(
      "Follow the Hint line inside the tool's result above.",
    );
  });

  it('several arguments kept the same are "those"; nothing changed and nothing kept leaves both sentences out', () => {
    const guard = new LoopGuard([SEARCH]);
    const error = 'Error: nothing matched';
    run(guard, 'search_logs', { pattern: 'a', service: 'x', since: '1h' }, 'T1', error, false);
    const kept = adviceOf(run(guard, 'search_logs', { pattern: 'b', service: 'x', since: '1h' }, 'T2', error, false));
    expect(kept).toContain('Changing pattern did not fix it. You kept service, since the same: change those instead.');
    const bare = new LoopGuard([tool('get_trace')]);
    run(bare, 'get_trace', {}, 'T1', error, false);
    // Same arguments as T1 would be a repeat; an undeclared argument makes another call but is never named.
    const none = adviceOf(run(bare, 'get_trace', { undeclared: 1 }, 'T2', error, false));
    expect(none).toBe(
      'This is the same error get_trace gave for T1. Read the error and change what it names. One more failure like this withholds get_trace.',
    );
  });

  it('an argument dropped since the first failure counts as changed', () => {
    const guard = new LoopGuard([SEARCH]);
    run(guard, 'search_logs', { pattern: 'a', service: 'x' }, 'T1', 'Error: nope', false);
    expect(adviceOf(run(guard, 'search_logs', { pattern: 'a' }, 'T2', 'Error: nope', false))).toContain(
      'Changing service did not fix it. You kept pattern the same: change that instead.',
    );
  });
});

describe('rounds and alternation', () => {
  it('one round with nothing new is allowed; a withheld tool is itself news for one round', () => {
    const guard = new LoopGuard([SEARCH, TRACE]);
    run(guard, 'get_trace', { id: '1' }, 'T0', 'trace');
    expect(guard.endRound()).toBeUndefined();
    for (let i = 1; i <= SAME_ERROR_LIMIT - 1; i += 1) run(guard, 'search_logs', { since: `${i}` }, `T${i}`, 'Error: bad since', false);
    expect(guard.endRound()).toBeUndefined();
    // The third failure is an output already seen, but it withholds the tool: the model gets a round with what is left.
    run(guard, 'search_logs', { since: 'x' }, 'T9', 'Error: bad since', false);
    expect(guard.endRound()).toBeUndefined();
    run(guard, 'get_trace', { id: '2' }, 'T10', 'trace');
    expect(guard.endRound()).toBeUndefined();
    run(guard, 'get_trace', { id: '3' }, 'T11', 'trace');
    expect(guard.endRound()).toMatch(/^2 rounds in a row brought nothing new/);
  });

  it('the same result text from another tool, or a failure with the same text, is new', () => {
    const guard = new LoopGuard([SEARCH, SUMMARY]);
    run(guard, 'search_logs', { pattern: 'a' }, 'T1', 'none');
    guard.endRound();
    run(guard, 'error_summary', {}, 'T2', 'none');
    expect(guard.endRound()).toBeUndefined();
    run(guard, 'search_logs', { pattern: 'b' }, 'T3', 'none', false);
    expect(guard.endRound()).toBeUndefined();
  });

  it('A, B, A, B is alternation; A, B, C, A is a plain repeat; so is A, A', () => {
    const guard = new LoopGuard([SEARCH, SUMMARY, TRACE]);
    run(guard, 'search_logs', { pattern: 'a' }, 'T1');
    run(guard, 'error_summary', {}, 'T2');
    run(guard, 'get_trace', { id: '1' }, 'T3');
    expect(guard.check({ name: 'search_logs', arguments: { pattern: 'a' } })).toMatchObject({ run: false, reason: 'repeat' });
    expect(guard.endRound()).toBeUndefined();
    const again = new LoopGuard([SEARCH]);
    run(again, 'search_logs', { pattern: 'a' }, 'T1');
    expect(again.check({ name: 'search_logs', arguments: { pattern: 'a' } })).toMatchObject({ run: false, reason: 'repeat' });
    expect(again.check({ name: 'search_logs', arguments: { pattern: 'a' } })).toMatchObject({ run: false, reason: 'repeat' });
    expect(again.check({ name: 'search_logs', arguments: { pattern: 'a' } })).toMatchObject({ run: false, reason: 'repeat' });
  });

  it('A, B, C, B and A, B, A, C are plain repeats; alternation is judged on the last four requests only', () => {
    const guard = new LoopGuard([SEARCH, SUMMARY, TRACE]);
    run(guard, 'search_logs', { pattern: 'a' }, 'T1');
    run(guard, 'error_summary', {}, 'T2');
    run(guard, 'get_trace', { id: '1' }, 'T3');
    expect(guard.check({ name: 'error_summary', arguments: {} })).toMatchObject({ reason: 'repeat' });
    const other = new LoopGuard([SEARCH, SUMMARY, TRACE]);
    run(other, 'get_trace', { id: '1' }, 'T1');
    run(other, 'search_logs', { pattern: 'a' }, 'T2');
    run(other, 'error_summary', {}, 'T3');
    expect(other.check({ name: 'search_logs', arguments: { pattern: 'a' } })).toMatchObject({ reason: 'repeat' });
    expect(other.check({ name: 'get_trace', arguments: { id: '1' } })).toMatchObject({ reason: 'repeat' });
    const late = new LoopGuard([SEARCH, SUMMARY, TRACE]);
    run(late, 'get_trace', { id: '1' }, 'T1');
    run(late, 'get_trace', { id: '2' }, 'T2');
    run(late, 'search_logs', { pattern: 'a' }, 'T3');
    run(late, 'error_summary', {}, 'T4');
    expect(late.check({ name: 'search_logs', arguments: { pattern: 'a' } })).toMatchObject({ reason: 'repeat' });
    expect(late.check({ name: 'error_summary', arguments: {} })).toMatchObject({ reason: 'alternation' });
  });

  it('alternating with a call that has not returned yet names it as ?', () => {
    const guard = new LoopGuard([SEARCH, SUMMARY]);
    run(guard, 'error_summary', {}, 'T1');
    expect(guard.check({ name: 'search_logs', arguments: { pattern: 'a' } })).toMatchObject({ run: true });
    expect(guard.check({ name: 'error_summary', arguments: {} })).toMatchObject({ reason: 'repeat' });
    expect(guard.check({ name: 'search_logs', arguments: { pattern: 'a' } })).toMatchObject({ reason: 'pending' });
    const alternating = guard.check({ name: 'error_summary', arguments: {} });
    expect(!alternating.run && alternating.message).toContain('alternating between the same two calls (? and T1)');
  });

  it('the same arguments in another key order are an exact repeat', () => {
    const guard = new LoopGuard([SEARCH]);
    run(guard, 'search_logs', { service: 'x', pattern: 'a', since: '1h' }, 'T1');
    const repeat = guard.check({ name: 'search_logs', arguments: { since: '1h', pattern: 'a', service: 'x' } });
    expect(!repeat.run && repeat.message).toContain('was already called with these exact arguments as T1');
  });

  it('a result differing only in surrounding whitespace is nothing new', () => {
    const guard = new LoopGuard([SEARCH]);
    run(guard, 'search_logs', { pattern: 'a' }, 'T1', 'none');
    guard.endRound();
    run(guard, 'search_logs', { pattern: 'b' }, 'T2', '  none\n');
    expect(guard.endRound()).toBeUndefined();
    run(guard, 'search_logs', { pattern: 'c' }, 'T3', 'none  ');
    expect(guard.endRound()).toMatch(/^2 rounds in a row brought nothing new/);
  });

  it('a near repeat of a compacted result says it was summarised', () => {
    const guard = new LoopGuard([SEARCH]);
    run(guard, 'search_logs', { pattern: 'Disk' }, 'T1');
    guard.markCompacted(['T1']);
    const near = guard.check({ name: 'search_logs', arguments: { pattern: 'disk ' } });
    expect(!near.run && near.message).toContain('Its result (summarised above to save context; cite it by its id).');
    const plain = new LoopGuard([SEARCH]);
    run(plain, 'search_logs', { pattern: 'Disk' }, 'T1');
    const repeat = plain.check({ name: 'search_logs', arguments: { pattern: 'Disk' } });
    expect(!repeat.run && repeat.message).toContain('its result is above.');
  });

  it('offers every tool until one is withheld', () => {
    const guard = new LoopGuard([SEARCH, SUMMARY]);
    expect(guard.offered([SEARCH, SUMMARY])).toEqual([SEARCH, SUMMARY]);
  });
});
