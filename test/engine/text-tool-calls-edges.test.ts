import { describe, expect, it } from 'vitest';
import { jsonEnd, MAX_SCANNED_CHARS, parseTextToolCalls, stripThinking } from '../../src/engines/ollama/text-tool-calls.js';

/** Text tool calls at their edges: each bound exactly, every argument shape, each form's prose. */

const TOOLS = new Set(['search_logs', 'error_summary']);
const parse = (text: string) => parseTextToolCalls(text, (name) => TOOLS.has(name));
const call = (n: number) => ({ name: 'search_logs', arguments: { pattern: `p${n}` } });
/** The most calls taken from one text. */
const MAX_TEXT_CALLS = 16;

describe('bounds', () => {
  it(`a text of exactly ${MAX_SCANNED_CHARS} characters is searched; one more is not`, () => {
    const tail = '{"name": "error_summary", "arguments": {}}';
    const fits = `${' '.repeat(MAX_SCANNED_CHARS - tail.length)}${tail}`;
    expect(fits.length).toBe(MAX_SCANNED_CHARS);
    expect(parse(fits)?.calls).toEqual([{ name: 'error_summary', arguments: {} }]);
    expect(parse(` ${fits}`)).toBeUndefined();
  });

  it(`a JSON list of ${MAX_TEXT_CALLS} calls is taken whole; ${MAX_TEXT_CALLS + 1} is not a list of calls; an empty list is none`, () => {
    const list = (n: number) => JSON.stringify(Array.from({ length: n }, (_, i) => call(i)));
    expect(parse(list(MAX_TEXT_CALLS))?.calls).toHaveLength(MAX_TEXT_CALLS);
    expect(parse(list(MAX_TEXT_CALLS + 1))).toBeUndefined();
    expect(parse('[]')).toBeUndefined();
  });

  it(`at most ${MAX_TEXT_CALLS} <tool_call> blocks, <|python_tag|> calls, <function=…> tags and [TOOL_CALLS] segments`, () => {
    const n = MAX_TEXT_CALLS + 2;
    const many = (wrap: (i: number) => string, sep = '') => Array.from({ length: n }, (_, i) => wrap(i)).join(sep);
    const forms = [
      many((i) => `<tool_call>${JSON.stringify(call(i))}</tool_call>`),
      `<|python_tag|>${many((i) => JSON.stringify({ name: 'search_logs', parameters: { pattern: `p${i}` } }), '; ')}`,
      many((i) => `<function=search_logs>{"pattern": "p${i}"}</function>`),
      many((i) => `[TOOL_CALLS]search_logs[ARGS]{"pattern": "p${i}"}`),
    ];
    for (const text of forms) {
      const calls = parse(text)?.calls ?? [];
      expect(calls).toHaveLength(MAX_TEXT_CALLS);
      expect(calls[0]).toEqual(call(0));
      expect(calls[MAX_TEXT_CALLS - 1]).toEqual(call(MAX_TEXT_CALLS - 1));
    }
  });
});

describe('arguments', () => {
  it.each([
    ['an object', '{"pattern": "x"}', { pattern: 'x' }],
    ['a JSON string of one', '"{\\"pattern\\": \\"x\\"}"', { pattern: 'x' }],
    ['an empty string', '""', {}],
    ['a blank string', '"  "', {}],
    ['null', 'null', {}],
  ])('given as %s', (_name, raw, expected) => {
    expect(parse(`<tool_call>{"name": "search_logs", "arguments": ${raw}}</tool_call>`)?.calls).toEqual([
      { name: 'search_logs', arguments: expected },
    ]);
  });

  it.each([
    ['a string that is not JSON', '"pattern=x"'],
    ['a JSON string of a list', '"[1]"'],
    ['a list', '[1, 2]'],
    ['a number', '5'],
  ])('given as %s: not a call', (_name, raw) => {
    expect(parse(`<tool_call>{"name": "search_logs", "arguments": ${raw}}</tool_call>`)).toBeUndefined();
  });

  it('absent inside a tag means none; a name with spaces around it is trimmed', () => {
    expect(parse('<tool_call>{"name": " error_summary "}</tool_call>')?.calls).toEqual([{ name: 'error_summary', arguments: {} }]);
  });

  it('"parameters" serves as well as "arguments", and OpenAI-style function objects are read inside', () => {
    expect(parse('{"name": "search_logs", "parameters": {"pattern": "x"}}')?.calls).toEqual([
      { name: 'search_logs', arguments: { pattern: 'x' } },
    ]);
    expect(parse('{"type": "function", "function": {"name": "error_summary", "arguments": "{}"}}')?.calls).toEqual([
      { name: 'error_summary', arguments: {} },
    ]);
  });

  it('a name that is not a string is no call', () => {
    expect(parse('{"name": 5, "arguments": {}}')).toBeUndefined();
  });

  it('Qwen3-Coder parameters: scalars typed, objects and text kept as written, a malformed one skipped', () => {
    const text =
      '<tool_call><function=search_logs><parameter=limit>20</parameter><parameter=regex>true</parameter>' +
      '<parameter=pattern> disk full </parameter><parameter=filter>{"a": 1}</parameter><parameter=quoted>"x"</parameter>' +
      '<parameter=>bad</parameter><parameter=unclosed>v</function></tool_call>';
    expect(parse(text)?.calls).toEqual([
      { name: 'search_logs', arguments: { limit: 20, regex: true, pattern: 'disk full', filter: '{"a": 1}', quoted: 'x' } },
    ]);
  });

  it('<function=…> with an empty body is a call without arguments; with JSON that is not an object it is none', () => {
    expect(parse('<function=error_summary></function>')?.calls).toEqual([{ name: 'error_summary', arguments: {} }]);
    expect(parse('<function=error_summary> \n </function>')?.calls).toEqual([{ name: 'error_summary', arguments: {} }]);
    expect(parse('<function=error_summary>[1]</function>')).toBeUndefined();
    // The model stopped at its end token before closing the tag.
    expect(parse('Now <function=search_logs>{"pattern": "x"}')).toMatchObject({
      calls: [{ name: 'search_logs', arguments: { pattern: 'x' } }],
      prose: 'Now',
    });
    expect(parse('<function=rm_rf>{}</function>')).toBeUndefined();
  });
});

describe('forms and their prose', () => {
  it('each form is named, and what the model said around the calls is kept', () => {
    expect(parse('Checking.\n<tool_call>{"name": "error_summary", "arguments": {}}</tool_call>\n\n\n\nThen more.')).toEqual({
      form: '<tool_call> tag (Qwen/Hermes)',
      calls: [{ name: 'error_summary', arguments: {} }],
      prose: 'Checking.\n\nThen more.',
    });
    expect(parse('Looking [TOOL_CALLS] [{"name": "error_summary", "arguments": {}}]')).toMatchObject({
      form: '[TOOL_CALLS] (Mistral)',
      prose: 'Looking',
    });
    expect(parse('First <|python_tag|>{"name": "error_summary", "parameters": {}}')).toMatchObject({
      form: '<|python_tag|> JSON (Llama)',
      prose: 'First',
    });
    expect(parse('Now <function=error_summary>{}</function> done')).toMatchObject({
      form: '<function=…> tag (Llama/Qwen3-Coder)',
      prose: 'Now  done',
    });
    expect(parse('Here:\n```json\n{"name": "error_summary", "arguments": {}}\n```')).toMatchObject({ form: 'fenced JSON', prose: 'Here:' });
    expect(parse('Here:\n{"name": "error_summary", "arguments": {}}')).toMatchObject({ form: 'bare JSON', prose: 'Here:' });
  });

  it('an unclosed last <tool_call> block is taken out of the prose too', () => {
    expect(parse('Checking.\n<tool_call>{"name": "error_summary", "arguments": {}}')).toMatchObject({
      calls: [{ name: 'error_summary', arguments: {} }],
      prose: 'Checking.',
    });
  });

  it('a fenced block must end the text, hold only the call, and carry arguments', () => {
    expect(parse('```json\n{"name": "error_summary", "arguments": {}}\n```\nthen more')).toBeUndefined();
    expect(parse('```json\n{"name": "error_summary", "arguments": {}} trailing\n```')).toBeUndefined();
    expect(parse('```\n{"name": "error_summary"}\n```')).toBeUndefined();
    expect(parse('no opening fence {"name": "error_summary", "arguments": {}}```')).toBeUndefined();
    expect(parse('```\n{"name": "error_summary", "arguments": {}}\n```  \n')?.calls).toEqual([{ name: 'error_summary', arguments: {} }]);
  });

  it('a bare call must start a line and end the text; the last such start is tried first', () => {
    expect(parse('text {"name": "error_summary", "arguments": {}}')).toBeUndefined();
    expect(parse('{"x": 1}\n  {"name": "error_summary", "arguments": {}}\n')?.calls).toEqual([{ name: 'error_summary', arguments: {} }]);
    expect(parse('{"name": "error_summary", "arguments": {}} trailing text')).toBeUndefined();
  });

  it('a <tool_call> block whose JSON fails is skipped; a later good one still counts', () => {
    const result = parse(
      '<tool_call>{"name": "nope", "arguments": {}}</tool_call>\n<tool_call>{"name": "error_summary", "arguments": {}}</tool_call>',
    );
    expect(result?.calls).toEqual([{ name: 'error_summary', arguments: {} }]);
    expect(result?.prose).toBe('<tool_call>{"name": "nope", "arguments": {}}</tool_call>');
  });

  it('[TOOL_CALLS] with an unknown name or non-object arguments is skipped', () => {
    expect(parse('[TOOL_CALLS]nope[ARGS]{}[TOOL_CALLS]search_logs[ARGS][1]')).toBeUndefined();
    expect(parse('[TOOL_CALLS]nope[ARGS]{}[TOOL_CALLS]error_summary[ARGS] {}')?.calls).toEqual([{ name: 'error_summary', arguments: {} }]);
  });

  it('<|python_tag|> stops at the first thing that is not a call', () => {
    expect(
      parse('<|python_tag|>{"name": "error_summary", "parameters": {}} ; then {"name": "search_logs", "parameters": {}}')?.calls,
    ).toEqual([{ name: 'error_summary', arguments: {} }]);
    expect(parse('<|python_tag|> not json')).toBeUndefined();
  });
});

describe('reasoning and JSON ends', () => {
  it('several reasoning blocks go, the text between them stays', () => {
    expect(stripThinking('a<think>x</think>b<think>y</think>c')).toBe('abc');
    expect(stripThinking('</think>a<think>b</think>c')).toBe('ac');
    expect(stripThinking('<think>a</think>b</think>c')).toBe('b</think>c');
    expect(stripThinking('plain')).toBe('plain');
  });

  it('a text that is only reasoning has no call', () => {
    expect(parse('<think>{"name": "error_summary", "arguments": {}}</think>  ')).toBeUndefined();
  });

  it('jsonEnd: only at a brace or bracket, arrays too, a stray closer or an unclosed value is -1', () => {
    expect(jsonEnd('x{}', 0)).toBe(-1);
    expect(jsonEnd('x{}', 1)).toBe(3);
    expect(jsonEnd('[[1], {"a": "]"}] x', 0)).toBe(17);
    expect(jsonEnd('{"a": "\\\\"} x', 0)).toBe(11);
    expect(jsonEnd('{]', 0)).toBe(2);
    expect(jsonEnd('[', 0)).toBe(-1);
    expect(jsonEnd('{"a": "}', 0)).toBe(-1);
  });
});
