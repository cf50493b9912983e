import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createOllamaEngine } from '../../src/engines/ollama/engine.js';
import { thinkSettings } from '../../src/engines/ollama/index.js';
import { OllamaProvider } from '../../src/engines/ollama/ollama-provider.js';
import { type FakeScript, finalAnswer } from '../fakes/ollama/server.js';
import { fakeOllamaSuite } from './helpers.js';

const suite = fakeOllamaSuite();
const fake = suite.fake;

const report = finalAnswer({ summary: 's', rootCause: 'r', confidence: 'low', timeline: [], evidence: [], recommendations: [] });
const oneCall: FakeScript = (request) =>
  request.format
    ? report
    : request.messages.some((message) => message.role === 'tool')
      ? { content: 'done' }
      : { toolCalls: [{ name: 'status', arguments: {} }] };

describe('OLLAMA_THINK', () => {
  it('parses off (default), on, answer and levels; true/false are aliases; anything else names the variable', () => {
    expect(loadConfig({}).OLLAMA_THINK).toBe('off');
    expect(loadConfig({ OLLAMA_THINK: 'TRUE' }).OLLAMA_THINK).toBe('on');
    expect(loadConfig({ OLLAMA_THINK: 'answer' }).OLLAMA_THINK).toBe('answer');
    expect(loadConfig({ OLLAMA_THINK: 'high' }).OLLAMA_THINK).toBe('high');
    expect(() => loadConfig({ OLLAMA_THINK: 'deep' })).toThrow(/OLLAMA_THINK: expected one of off, on, answer, low, medium, high/);
    expect(thinkSettings('answer')).toEqual({ tools: false, answer: true });
  });

  it('answer: no thinking on tool turns, thinking for the report', async () => {
    const server = await fake(oneCall);
    await createOllamaEngine(suite.host(), {
      provider: new OllamaProvider({ host: server.url, model: 'qwen3:8b' }),
      numCtx: 8_192,
      deadlineMs: 20_000,
      think: thinkSettings('answer'),
    }).analyze({ incident: 'x' });
    expect(server.requests.map((request) => [request.tools ? 'tools' : 'answer', request.think])).toEqual([
      ['tools', false],
      ['tools', false],
      ['answer', true],
    ]);
  });

  it('is never sent to a model whose capabilities lack thinking (Ollama would refuse it with a 400)', async () => {
    const server = await fake(oneCall);
    const result = await createOllamaEngine(suite.host(), {
      provider: new OllamaProvider({ host: server.url, model: 'mistral-small3.2:24b' }),
      numCtx: 8_192,
      deadlineMs: 20_000,
      think: thinkSettings('on'),
    }).analyze({ incident: 'x' });
    expect(result.toolCalls).toHaveLength(1);
    expect(server.requests.every((request) => request.think === undefined)).toBe(true);
  });

  it('without a capability list, a "does not support thinking" 400 is retried once without think', async () => {
    const server = await fake(() => ({ content: 'hello' }));
    const provider = new OllamaProvider({ host: server.url, model: 'mistral-small3.2:24b', think: true });
    const response = await provider.chat({ messages: [{ role: 'user', content: 'hi' }] });
    expect(response.content).toBe('hello');
    // The refused request never reaches the script; the second, without think, does.
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]?.think).toBeUndefined();
  });

  it('reasoning streamed in message.thinking never becomes the content', async () => {
    const server = await fake(() => ({ thinking: '{"summary": "from the reasoning"}', content: 'the answer' }));
    const response = await new OllamaProvider({ host: server.url, model: 'qwen3:8b', think: true }).chat({
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(response.content).toBe('the answer');
    expect(server.requests[0]?.think).toBe(true);
  });
});
