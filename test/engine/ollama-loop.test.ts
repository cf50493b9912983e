import { describe, expect, it } from 'vitest';
import type { AgentEvent } from '../../src/agent/types.js';
import { createOllamaEngine, type OllamaEngineOptions } from '../../src/engines/ollama/engine.js';
import { OllamaProvider } from '../../src/engines/ollama/ollama-provider.js';
import { type ChatBody, type FakeOllama, type FakeTurn, finalAnswer } from '../fakes/ollama/server.js';
import { fakeOllamaSuite } from './helpers.js';

const suite = fakeOllamaSuite();
const fake = suite.fake;

function engine(server: FakeOllama, options: Partial<OllamaEngineOptions> = {}) {
  return createOllamaEngine(suite.host(), {
    provider: new OllamaProvider({ host: server.url, model: 'qwen3:8b' }),
    numCtx: 32_768,
    deadlineMs: 30_000,
    toolTimeoutMs: 10_000,
    ...options,
  });
}

function answer(overrides: Record<string, unknown> = {}): FakeTurn {
  return finalAnswer({
    summary: 'checkout-api ran out of database connections',
    rootCause: 'The pool was exhausted.',
    confidence: 'medium',
    timeline: [],
    evidence: [],
    recommendations: ['raise the pool size'],
    ...overrides,
  });
}

const stop: FakeTurn = { content: 'I have enough to answer.' };
const toolMessages = (request: ChatBody | undefined) => request?.messages.filter((message) => message.role === 'tool') ?? [];

describe('Ollama agent loop (fake Ollama over HTTP, real client, real host)', () => {
  it('runs two tool calls from one turn concurrently and sends results back as tool messages', async () => {
    const server = await fake([
      {
        toolCalls: [
          { name: 'barrier', arguments: { name: 'overlap', parties: 2 } },
          { name: 'barrier', arguments: { parties: 2, name: 'overlap', extra: 1 } },
        ],
      },
      stop,
      answer(),
    ]);
    const events: AgentEvent[] = [];
    const report = await engine(server).analyze({ incident: 'checkout 500s', onEvent: (event) => events.push(event) });

    // Each call returns only once both are in flight in the server at the same time.
    const results = toolMessages(server.requests[1]);
    expect(results).toHaveLength(2);
    for (const message of results) {
      expect(message.tool_name).toBe('barrier');
      expect(message.content).toMatch(
        /^\[T[12]\] barrier ok\n<<<UNTRUSTED-DATA nonce=[0-9a-f]+ source="T[12] barrier">>>\nbarrier overlap released with 2 parties/,
      );
    }
    const first = server.requests[0];
    expect(first?.tools?.map((tool) => tool.function.name)).toEqual(expect.arrayContaining(['echo', 'barrier', 'hang', 'status']));
    expect(first?.tools?.find((tool) => tool.function.name === 'echo')?.function.parameters).toMatchObject({
      type: 'object',
      properties: { text: { type: 'string' } },
    });
    expect(first?.format).toBeUndefined();
    expect(first?.options).toMatchObject({ num_ctx: 32_768 });
    const last = server.requests.at(-1);
    expect(last?.tools).toBeUndefined();
    expect(last?.format).toMatchObject({ type: 'object', required: expect.arrayContaining(['summary', 'evidence']) });

    expect(report.engine).toBe('ollama:qwen3:8b');
    expect(report.toolCalls.map((call) => [call.id, call.tool, call.ok])).toEqual([
      ['T1', 'barrier', true],
      ['T2', 'barrier', true],
    ]);
    expect(events.map((event) => event.type)).toEqual(
      expect.arrayContaining(['started', 'model_turn', 'tool_started', 'tool_finished', 'final']),
    );
    const turn = events.find((event) => event.type === 'model_turn');
    expect(turn).toMatchObject({ round: 1, toolCalls: 2, contextWindow: 32_768 });
    expect(events.find((event) => event.type === 'tool_finished')).toMatchObject({ server: 'fx', tool: 'barrier', ok: true });
  });

  it('keeps a real quote and drops an invented one, counting it in the notes', async () => {
    const server = await fake([
      { toolCalls: [{ name: 'status', arguments: {} }] },
      stop,
      answer({
        evidence: [
          { id: 'E1', source: 'logs', tool: 'T1', summary: 'pool errors', quote: '412 errors "connection pool exhausted"' },
          { id: 'E2', source: 'logs', tool: 'T1', summary: 'made up', quote: 'FATAL: out of memory' },
        ],
        timeline: [{ at: '2024-05-01T14:05:00Z', source: 'logs', event: 'errors start', evidence: ['E1', 'E2'] }],
      }),
    ]);
    const report = await engine(server).analyze({ incident: 'checkout 500s', since: '2h' });
    expect(report.evidence.map((item) => [item.id, item.quote])).toEqual([
      ['E1', '412 errors "connection pool exhausted"'],
      ['E2', undefined],
    ]);
    expect(report.notes).toContain('1 quote dropped: not found verbatim in the cited tool output');
    expect(report.window.end).toBe('2024-05-01T15:00:00.000Z');
  });

  it('ends a model that never stops calling tools at the bound, withholding tools on the last request', async () => {
    let n = 0;
    const server = await fake((request) => {
      if (request.format) return answer();
      n += 1;
      return { toolCalls: [{ name: 'echo', arguments: { text: `again ${n}` } }] };
    });
    const events: AgentEvent[] = [];
    const report = await engine(server, { maxRounds: 4 }).analyze({ incident: 'x', onEvent: (event) => events.push(event) });
    expect(server.requests).toHaveLength(4);
    expect(server.requests.slice(0, 3).every((request) => (request.tools?.length ?? 0) > 0)).toBe(true);
    expect(server.requests[3]?.tools).toBeUndefined();
    expect(report.toolCalls).toHaveLength(3);
    expect(report.notes?.some((note) => note.includes('bound of 4 model rounds'))).toBe(true);
    expect(events.filter((event) => event.type === 'note').length).toBeGreaterThan(0);
  });

  it('refuses a repeated identical call without running it, and moves on after repeats only', async () => {
    const server = await fake((request) => (request.format ? answer() : { toolCalls: [{ name: 'echo', arguments: { text: 'a' } }] }));
    const report = await engine(server).analyze({ incident: 'x' });
    expect(report.toolCalls).toHaveLength(1);
    const refused = toolMessages(server.requests[2]).at(-1);
    expect(refused?.content).toMatch(/^\[refused\] echo was already called with these exact arguments as T1/);
    expect(report.notes?.some((note) => note.startsWith('2 rounds in a row brought nothing new'))).toBe(true);
    // Two tool rounds of repeats after the first call, then the answer.
    expect(server.requests).toHaveLength(4);
  });

  it('runs tool calls written as text, noting the form once; a text call to an unknown tool is prose', async () => {
    const server = await fake([
      { content: '<tool_call>\n{"name": "echo", "arguments": {"text": "one"}}\n</tool_call>' },
      { content: '<tool_call>\n{"name": "echo", "arguments": {"text": "two"}}\n</tool_call>' },
      { content: '<tool_call>\n{"name": "drop_tables", "arguments": {}}\n</tool_call>' },
      answer(),
    ]);
    const report = await engine(server).analyze({ incident: 'x' });
    expect(report.toolCalls.map((call) => [call.tool, call.args])).toEqual([
      ['echo', { text: 'one' }],
      ['echo', { text: 'two' }],
    ]);
    // Sent back as a native call with its result, so the model sees the format it should use.
    const assistant = server.requests[1]?.messages.find((message) => message.role === 'assistant');
    expect(assistant?.tool_calls).toEqual([{ function: { name: 'echo', arguments: { text: 'one' } } }]);
    expect(toolMessages(server.requests[1])[0]?.content).toMatch(
      /^\[T1\] echo ok\n<<<UNTRUSTED-DATA nonce=[0-9a-f]+ source="T1 echo">>>\necho: one\n<<<END-UNTRUSTED-DATA nonce=[0-9a-f]+>>>$/,
    );
    expect(report.notes?.filter((note) => note.includes('as text'))).toEqual([
      'the model wrote 1 tool call as text (<tool_call> tag (Qwen/Hermes)): run as real calls',
    ]);
    expect(server.requests).toHaveLength(4);
  });

  it('repairs a malformed final answer by sending the validation error back', async () => {
    const server = await fake([stop, { content: '{"summary": "half' }, answer({ confidence: 'low' })]);
    const report = await engine(server).analyze({ incident: 'x' });
    expect(report.confidence).toBe('low');
    expect(report.summary).toBe('checkout-api ran out of database connections');
    const repair = server.requests[2]?.messages.at(-1);
    expect(repair).toMatchObject({ role: 'user' });
    expect(repair?.content).toMatch(/That answer is invalid: the answer is not valid JSON/);
    expect(report.notes).toContain('the first answer was not a valid report and was repaired');
  });

  it('falls back to a low-confidence report from the gathered evidence when the repair fails too', async () => {
    const server = await fake([
      { toolCalls: [{ name: 'status', arguments: {} }] },
      stop,
      { content: JSON.stringify({ summary: 'x', confidence: 'sure' }) },
      { content: 'still not a report' },
    ]);
    const report = await engine(server).analyze({ incident: 'x' });
    expect(report.confidence).toBe('low');
    expect(report.summary).toMatch(/^Inconclusive/);
    expect(report.evidence).toEqual([
      expect.objectContaining({ tool: 'T1', quote: 'checkout-api: 412 errors "connection pool exhausted" since 2024-05-01T14:05:00Z' }),
    ]);
    expect(report.notes?.some((note) => note.startsWith('fallback report:'))).toBe(true);
    expect(report.notes?.some((note) => note.includes('quote'))).toBe(false);
  });

  it('times out a hanging tool and tells the model so', async () => {
    const server = await fake([{ toolCalls: [{ name: 'hang', arguments: {} }] }, stop, answer()]);
    const report = await engine(server, { toolTimeoutMs: 300 }).analyze({ incident: 'x' });
    expect(toolMessages(server.requests[1])[0]?.content).toMatch(
      /^\[T1\] hang FAILED\n<<<UNTRUSTED-DATA [^\n]*>>>\nError: hang timed out after 300 ms/,
    );
    expect(report.toolCalls[0]).toMatchObject({ tool: 'hang', ok: false });
  });

  it('goes on after a server is killed mid-call: that call failed, the restarted server answers the next', async () => {
    const server = await fake(async (request, index) => {
      if (request.format) return answer();
      if (index === 0) return { toolCalls: [{ name: 'crash', arguments: {} }] };
      if (index === 1) {
        await suite.host().waitForServer('fx');
        return { toolCalls: [{ name: 'echo', arguments: { text: 'after restart' } }] };
      }
      return stop;
    });
    const report = await engine(server).analyze({ incident: 'x' });
    expect(report.toolCalls.map((call) => [call.tool, call.ok])).toEqual([
      ['crash', false],
      ['echo', true],
    ]);
    expect(toolMessages(server.requests[1])[0]?.content).toContain('server fx exited during the call to crash');
    expect(toolMessages(server.requests[2]).at(-1)?.content).toContain('echo: after restart');
  });

  it('cuts a long tool result to the budget but verifies quotes against the full output', async () => {
    const server = await fake([
      { toolCalls: [{ name: 'lines', arguments: { count: 200 } }] },
      stop,
      answer({ evidence: [{ id: 'E1', source: 'logs', tool: 'T1', summary: 'late line', quote: 'line 190 of 200: status=500' }] }),
    ]);
    const report = await engine(server, { toolResultChars: 500 }).analyze({ incident: 'x' });
    const message = toolMessages(server.requests[1])[0]?.content ?? '';
    expect(message.length).toBeLessThan(1000);
    // Head and tail whole lines, with the lines between counted and a hint to narrow the query.
    expect(message).toMatch(/^\[T1\] lines ok\n<<<UNTRUSTED-DATA [^\n]*>>>\nline 1 of 200: status=/);
    expect(message).toMatch(/\n… \[\d+ of 200 lines left out here; narrow the query \(a shorter time window/);
    expect(message).toMatch(/line 200 of 200: status=500 path=\/api\/checkout\n<<<END-UNTRUSTED-DATA [^\n]*>>>$/);
    expect(report.evidence[0]?.quote).toBe('line 190 of 200: status=500');
  });

  it('notes when the context window is nearly full, from prompt_eval_count', async () => {
    const server = await fake([{ toolCalls: [{ name: 'echo', arguments: { text: 'a' } }], promptEvalCount: 30_000 }, stop, answer()]);
    const events: AgentEvent[] = [];
    const report = await engine(server).analyze({ incident: 'x', onEvent: (event) => events.push(event) });
    expect(events.find((event) => event.type === 'model_turn')).toMatchObject({ promptTokens: 30_000, contextWindow: 32_768 });
    expect(report.notes?.some((note) => /^context 92% full \(30000 of 32768 tokens\)/.test(note))).toBe(true);
  });

  it('puts the evidence pack in the first message; the pre-analysis calls share the call ids', async () => {
    const server = await fake([stop, answer({ evidence: [{ id: 'E1', source: 'x', tool: 'T1', summary: 's', quote: 'echo: pre' }] })]);
    const report = await engine(server, {
      preflight: async (_request, sessionHost) => {
        const outcome = await sessionHost.callTool('echo', { text: 'pre' });
        return `Correlator findings: T1 said "${outcome.text}"`;
      },
    }).analyze({ incident: 'checkout down', context: 'thread: started 14:05' });
    const user = server.requests[0]?.messages[1]?.content ?? '';
    expect(user).toMatch(/Incident report:\n<<<UNTRUSTED-DATA nonce=[0-9a-f]+ source="incident">>>\ncheckout down/);
    expect(user).toContain('thread: started 14:05');
    expect(user).toContain('Correlator findings: T1 said "echo: pre"');
    expect(report.evidence[0]?.quote).toBe('echo: pre');
    expect(report.toolCalls.map((call) => call.id)).toEqual(['T1']);
  });

  it('retries a turn once after an error line mid-stream', async () => {
    const server = await fake([{ content: 'partial', errorMidStream: 'llama runner process has terminated' }, stop, answer()]);
    const events: AgentEvent[] = [];
    const report = await engine(server).analyze({ incident: 'x', onEvent: (event) => events.push(event) });
    expect(report.summary).toBe('checkout-api ran out of database connections');
    const note = events.find((event) => event.type === 'note');
    expect(note).toMatchObject({ message: expect.stringContaining('llama runner process has terminated; retrying the turn once') });
  });

  it('aborts mid model turn: rejects with AbortError and drops the HTTP request', async () => {
    const controller = new AbortController();
    // Abort once the model request has reached the server and is being answered (never, here).
    const server = await fake(() => {
      setImmediate(() => controller.abort());
      return { hang: true };
    });
    const pending = engine(server).analyze({ incident: 'x', signal: controller.signal });
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    await expect.poll(() => server.disconnects).toBe(1);
  });

  it('aborts mid tool call: the hanging call is cancelled and no answer is requested', async () => {
    const server = await fake([{ toolCalls: [{ name: 'hang', arguments: {} }] }, stop, answer()]);
    const controller = new AbortController();
    const pending = engine(server, { toolTimeoutMs: 60_000 }).analyze({
      incident: 'x',
      signal: controller.signal,
      onEvent: (event) => event.type === 'tool_started' && controller.abort(),
    });
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    expect(server.requests).toHaveLength(1);
  });

  it('answers with a fallback report when the overall deadline passes', async () => {
    const server = await fake([{ toolCalls: [{ name: 'status', arguments: {} }] }, { hang: true }]);
    const report = await engine(server, { deadlineMs: 1_500 }).analyze({ incident: 'x' });
    expect(report.confidence).toBe('low');
    expect(report.notes?.some((note) => note.includes('deadline of 1500 ms was reached'))).toBe(true);
    expect(report.toolCalls).toHaveLength(1);
  });
});
