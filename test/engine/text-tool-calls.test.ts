import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsonEnd, parseTextToolCalls, stripThinking } from '../../src/engines/ollama/text-tool-calls.js';
import { REPO } from './helpers.js';

const TOOLS = new Set(['search_logs', 'error_summary', 'get_deployments', 'get_commit', 'get_metrics']);
const isTool = (name: string) => TOOLS.has(name);
const parse = (text: string) => parseTextToolCalls(text, isTool);

/**
 * Each example is shaped like what that model family writes when its chat template's parser does not catch the call
 * (the Hermes/Qwen template's `<tool_call>` block, Mistral's control token, Llama 3.1's JSON and `<function=…>` forms).
 */
describe('tool calls written as text', () => {
  it('Qwen 2.5 / Qwen3 / Hermes: <tool_call> blocks, several in one turn, after prose', () => {
    const text = `I'll start by looking at the error summary and recent deployments.
<tool_call>
{"name": "error_summary", "arguments": {"since": "2h"}}
</tool_call>
<tool_call>
{"name": "get_deployments", "arguments": {"since": "2h", "service": "checkout-api"}}
</tool_call>`;
    const parsed = parse(text);
    expect(parsed?.form).toBe('<tool_call> tag (Qwen/Hermes)');
    expect(parsed?.calls).toEqual([
      { name: 'error_summary', arguments: { since: '2h' } },
      { name: 'get_deployments', arguments: { since: '2h', service: 'checkout-api' } },
    ]);
    expect(parsed?.prose).toBe("I'll start by looking at the error summary and recent deployments.");
  });

  it('Hermes 2 Pro: arguments before name, and an unclosed last block (stopped at the end token)', () => {
    const parsed = parse('<tool_call>\n{"arguments": {"pattern": "timeout"}, "name": "search_logs"}\n');
    expect(parsed?.calls).toEqual([{ name: 'search_logs', arguments: { pattern: 'timeout' } }]);
  });

  it('Qwen3 with its reasoning in the content: the call after </think> counts, one inside it does not', () => {
    const text =
      '<think>\nMaybe <tool_call>{"name": "get_commit", "arguments": {"sha": "abc"}}</tool_call> later.\n</think>\n\n' +
      '<tool_call>\n{"name": "search_logs", "arguments": {"pattern": "connection refused", "since": "1h"}}\n</tool_call>';
    expect(parse(text)?.calls).toEqual([{ name: 'search_logs', arguments: { pattern: 'connection refused', since: '1h' } }]);
    expect(parse('<think>\n<tool_call>{"name": "get_commit", "arguments": {"sha": "abc"}}</tool_call>\n</think>\nDone.')).toBeUndefined();
  });

  it('Qwen3-Coder: <tool_call><function=…><parameter=…> XML', () => {
    const text = `<tool_call>
<function=search_logs>
<parameter=pattern>
disk full
</parameter>
<parameter=limit>
20
</parameter>
</function>
</tool_call>`;
    const parsed = parse(text);
    expect(parsed?.calls).toEqual([{ name: 'search_logs', arguments: { pattern: 'disk full', limit: 20 } }]);
  });

  it('Mistral (v3 tokenizer): [TOOL_CALLS] followed by a JSON list with ids', () => {
    const text =
      '[TOOL_CALLS] [{"name": "get_deployments", "arguments": {"since": "6h"}, "id": "a1B2c3D4e"}, {"name": "error_summary", "arguments": {}, "id": "Zz9Yy8Xx7"}]';
    const parsed = parse(text);
    expect(parsed?.form).toBe('[TOOL_CALLS] (Mistral)');
    expect(parsed?.calls).toEqual([
      { name: 'get_deployments', arguments: { since: '6h' } },
      { name: 'error_summary', arguments: {} },
    ]);
  });

  it('Mistral Small 3.2 / Devstral (v11 tokenizer): [TOOL_CALLS]name[ARGS]{…}, repeated', () => {
    const text = '[TOOL_CALLS]search_logs[ARGS]{"pattern": "OOMKilled"}[TOOL_CALLS]get_metrics[ARGS]{"metric": "memory_bytes"}';
    expect(parse(text)?.calls).toEqual([
      { name: 'search_logs', arguments: { pattern: 'OOMKilled' } },
      { name: 'get_metrics', arguments: { metric: 'memory_bytes' } },
    ]);
  });

  it('Llama 3.1 / 3.2: <|python_tag|> with "parameters", several separated by ";"', () => {
    const text =
      '<|python_tag|>{"name": "error_summary", "parameters": {"since": "2h"}}; {"name": "get_commit", "parameters": {"sha": "9f3e2a1"}}';
    const parsed = parse(text);
    expect(parsed?.form).toBe('<|python_tag|> JSON (Llama)');
    expect(parsed?.calls).toEqual([
      { name: 'error_summary', arguments: { since: '2h' } },
      { name: 'get_commit', arguments: { sha: '9f3e2a1' } },
    ]);
  });

  it('Llama 3.1: <function=name>{json}</function>', () => {
    const parsed = parse('<function=get_commit>{"sha": "9f3e2a1"}</function>');
    expect(parsed?.form).toBe('<function=…> tag (Llama/Qwen3-Coder)');
    expect(parsed?.calls).toEqual([{ name: 'get_commit', arguments: { sha: '9f3e2a1' } }]);
  });

  it('Llama 3.x without the tag: the whole reply is one JSON object with "parameters"', () => {
    const parsed = parse('{"name": "search_logs", "parameters": {"pattern": "502 Bad Gateway", "service": "gateway"}}');
    expect(parsed?.form).toBe('bare JSON');
    expect(parsed?.calls).toEqual([{ name: 'search_logs', arguments: { pattern: '502 Bad Gateway', service: 'gateway' } }]);
  });

  it('a bare JSON array of calls ending a reply, after prose; arguments given as a JSON string', () => {
    const text =
      'Let me check both.\n[{"name": "error_summary", "arguments": "{\\"since\\": \\"1h\\"}"}, {"name": "get_deployments", "arguments": {}}]';
    const parsed = parse(text);
    expect(parsed?.calls).toEqual([
      { name: 'error_summary', arguments: { since: '1h' } },
      { name: 'get_deployments', arguments: {} },
    ]);
    expect(parsed?.prose).toBe('Let me check both.');
  });

  it('a fenced ```json block, OpenAI-style {"type": "function", "function": {…}}', () => {
    const text =
      'I will search the logs:\n```json\n{"type": "function", "function": {"name": "search_logs", "arguments": {"pattern": "No space left"}}}\n```';
    const parsed = parse(text);
    expect(parsed?.form).toBe('fenced JSON');
    expect(parsed?.calls).toEqual([{ name: 'search_logs', arguments: { pattern: 'No space left' } }]);
  });

  it('only existing tool names count: an unknown name, a misspelt one, or any non-call JSON stays prose', () => {
    expect(parse('<tool_call>{"name": "delete_database", "arguments": {}}</tool_call>')).toBeUndefined();
    expect(parse('{"name": "search_log", "arguments": {"pattern": "x"}}')).toBeUndefined();
    expect(parse('[TOOL_CALLS] [{"name": "rm_rf", "arguments": {}}]')).toBeUndefined();
    // A final-answer-shaped object, and a call-shaped one without arguments outside any tag.
    expect(parse('{"summary": "disk full", "rootCause": "logs grew", "confidence": "high"}')).toBeUndefined();
    expect(parse('{"name": "search_logs"}')).toBeUndefined();
    // A list mixing a real call with an unknown one is not taken half-way.
    expect(parse('[{"name": "error_summary", "arguments": {}}, {"name": "nope", "arguments": {}}]')).toBeUndefined();
  });

  it('a JSON call in the middle of prose is not a call (it must be the text or end it)', () => {
    expect(parse('For example {"name": "search_logs", "arguments": {"pattern": "x"}} would work, but I have enough.')).toBeUndefined();
    expect(parse('The root cause is the v2.4.1 deploy.')).toBeUndefined();
    expect(parse('')).toBeUndefined();
  });

  it('malformed JSON inside a tag is ignored, not thrown', () => {
    expect(parse('<tool_call>{"name": "search_logs", "arguments": {"pattern": </tool_call>')).toBeUndefined();
    expect(parse('[TOOL_CALLS]search_logs[ARGS]{"pattern": "x"')).toBeUndefined();
  });

  it('stripThinking removes closed, leading-unopened and trailing-unclosed reasoning', () => {
    expect(stripThinking('<think>a</think>b')).toBe('b');
    expect(stripThinking('reasoning only the template opened</think>answer')).toBe('answer');
    expect(stripThinking('answer<think>never closed')).toBe('answer');
  });

  it('jsonEnd respects strings and escapes', () => {
    const text = '{"a": "}{\\"", "b": [1, {"c": "]"}]} tail';
    expect(jsonEnd(text, 0)).toBe(text.indexOf(' tail'));
    expect(jsonEnd('{"a": 1', 0)).toBe(-1);
  });
});

describe('text tool call parsing never blocks (built module, child process with a hard timeout)', () => {
  const built = path.join(REPO, 'dist/src/engines/ollama/text-tool-calls.js');

  it('returns quickly on adversarial texts: deep nesting, thousands of unclosed tags and braces', async () => {
    if (!existsSync(built)) throw new Error(`${built} is missing: run npm run build`);
    const script = `
      import(${JSON.stringify(built)}).then(({ parseTextToolCalls }) => {
        const isTool = (n) => n === 'search_logs';
        const texts = [
          '{'.repeat(60000) + '}',
          '['.repeat(30000) + ']'.repeat(30000),
          '<function=search_logs><parameter=x>'.repeat(1500),
          '<tool_call>{"name": "search_logs", "arguments": {'.repeat(1000),
          '[TOOL_CALLS]search_logs[ARGS]{'.repeat(2000),
          ('\\n{"a": "' + 'x'.repeat(50)).repeat(1000) + '}',
          '"'.repeat(63000) + '}',
          '<think>'.repeat(9000),
          '\\n{'.repeat(31000) + '}',
        ];
        let found = 0;
        for (const text of texts) if (parseTextToolCalls(text, isTool)) found += 1;
        process.stdout.write('done ' + found);
      });`;
    const output = await new Promise<string>((resolve, reject) => {
      execFile(process.execPath, ['--input-type=module', '-e', script], { timeout: 10_000 }, (error, stdout) =>
        error ? reject(error) : resolve(stdout),
      );
    });
    expect(output).toMatch(/^done \d+$/);
  });

  it('the final-answer parser returns quickly on thousands of unclosed <think> tags and fences', async () => {
    const file = path.join(REPO, 'dist/src/report/model-schema.js');
    if (!existsSync(file)) throw new Error(`${file} is missing: run npm run build`);
    const script = `
      import(${JSON.stringify(file)}).then(({ parseModelReport }) => {
        const results = [
          parseModelReport('<think>'.repeat(40000) + '{}'),
          parseModelReport('\\x60\\x60\\x60'.repeat(40000) + '{}'),
          parseModelReport('<think>a</think>\\x60\\x60\\x60json\\n{"x": 1}\\n\\x60\\x60\\x60'),
        ];
        process.stdout.write('done ' + results.map((r) => r.ok).join(','));
      });`;
    const output = await new Promise<string>((resolve, reject) => {
      execFile(process.execPath, ['--input-type=module', '-e', script], { timeout: 10_000 }, (error, stdout) =>
        error ? reject(error) : resolve(stdout),
      );
    });
    expect(output).toMatch(/^done (true|false),(true|false),(true|false)$/);
  });

  it('the loop guard and the retry-hint reader return quickly on adversarial schema text and error messages', async () => {
    const canonical = path.join(REPO, 'dist/src/engines/ollama/canonical-args.js');
    const errors = path.join(REPO, 'dist/src/engines/ollama/errors.js');
    for (const file of [canonical, errors]) if (!existsSync(file)) throw new Error(`${file} is missing: run npm run build`);
    const script = `
      Promise.all([import(${JSON.stringify(canonical)}), import(${JSON.stringify(errors)})]).then(([{ canonicalArgs, canonicalTime }, { retryHintMs }]) => {
        // Sizes at which a quadratic regex takes minutes: a linear one takes milliseconds.
        const digits = '9'.repeat(300000);
        const schema = { properties: { limit: { type: 'integer', description: 'default ' + digits + ' x ' + digits + ' by defaul' } } };
        canonicalArgs({ since: ' '.repeat(150000) + '1' + ' '.repeat(150000) + 'h', limit: digits }, schema);
        canonicalTime('9'.repeat(300000) + 'hours x');
        retryHintMs(undefined, 'retry in '.repeat(30000) + '9'.repeat(300000) + 'x');
        retryHintMs(undefined, 'try again' + ' '.repeat(300000) + 'in' + ' '.repeat(300000));
        process.stdout.write('done');
      });`;
    const output = await new Promise<string>((resolve, reject) => {
      execFile(process.execPath, ['--input-type=module', '-e', script], { timeout: 10_000 }, (error, stdout) =>
        error ? reject(error) : resolve(stdout),
      );
    });
    expect(output).toBe('done');
  });
});
