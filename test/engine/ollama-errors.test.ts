import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { ToolHost } from '../../src/agent/types.js';
import { createOllamaEngine } from '../../src/engines/ollama/engine.js';
import { OllamaError } from '../../src/engines/ollama/errors.js';
import { hasModel, OllamaProvider } from '../../src/engines/ollama/ollama-provider.js';
import { probeOllama, selectEngine } from '../../src/engines/select.js';
import { type FakeOllama, type FakeOllamaOptions, startFakeOllama } from '../fakes/ollama/server.js';

const fakes: FakeOllama[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

async function fake(options: FakeOllamaOptions = {}): Promise<FakeOllama> {
  const server = await startFakeOllama(options);
  fakes.push(server);
  return server;
}

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const noTools: ToolHost = { listTools: () => [], callTool: async () => ({ ok: false, text: 'none', ms: 0 }) };

function analyzeWith(provider: OllamaProvider) {
  return createOllamaEngine(noTools, { provider, numCtx: 8_192, deadlineMs: 10_000 }).analyze({ incident: 'x' });
}

async function failure(promise: Promise<unknown>): Promise<OllamaError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(OllamaError);
  return error as OllamaError;
}

const CONFIG = {
  OLLAMA_MODEL: 'qwen3:8b',
  OLLAMA_API_KEY: undefined,
  OLLAMA_NUM_CTX: 8_192,
  ANALYSIS_TIMEOUT_MS: 10_000,
  TOOL_TIMEOUT_MS: 1_000,
  OLLAMA_EVIDENCE_PACK: false,
};

describe('user-facing Ollama errors', () => {
  it('says Ollama is not reachable and how to start it', async () => {
    const host = `http://127.0.0.1:${await closedPort()}`;
    const error = await failure(analyzeWith(new OllamaProvider({ host, model: 'qwen3:8b' })));
    expect(error.kind).toBe('unreachable');
    expect(error.message).toBe(
      `Ollama is not reachable at ${host} (ECONNREFUSED): start it with \`ollama serve\`, or set OLLAMA_HOST to where it runs (or use --engine builtin)`,
    );
  });

  it('says which model is missing and how to pull it (from /api/show and from /api/chat)', async () => {
    const server = await fake();
    const viaShow = await failure(analyzeWith(new OllamaProvider({ host: server.url, model: 'llama9:1b' })));
    expect(viaShow.kind).toBe('model_not_found');
    expect(viaShow.message).toContain('model "llama9:1b" not found');
    expect(viaShow.message).toContain('run `ollama pull llama9:1b`');
    const viaChat = await failure(
      new OllamaProvider({ host: server.url, model: 'llama9:1b' }).chat({ messages: [{ role: 'user', content: 'hi' }] }),
    );
    expect(viaChat.kind).toBe('model_not_found');
  });

  it('says the model does not support tools and names models that do', async () => {
    const server = await fake();
    const viaShow = await failure(analyzeWith(new OllamaProvider({ host: server.url, model: 'gemma2:2b' })));
    expect(viaShow.kind).toBe('no_tools');
    expect(viaShow.message).toMatch(
      /model "gemma2:2b" does not support tools: set OLLAMA_MODEL to a tool-capable model, e\.g\. one of qwen3:8b/,
    );
    const viaChat = await failure(
      new OllamaProvider({ host: server.url, model: 'gemma2:2b' }).chat({
        messages: [{ role: 'user', content: 'hi' }],
        tools: [{ name: 't', description: '', parameters: { type: 'object', properties: {} } }],
      }),
    );
    expect(viaChat.kind).toBe('no_tools');
    expect(server.requests).toHaveLength(0);
  });

  it('says to check OLLAMA_API_KEY on 401, without ever showing the key', async () => {
    const server = await fake({ apiKey: 'right-key', script: [{ content: 'hello' }] });
    const error = await failure(analyzeWith(new OllamaProvider({ host: server.url, model: 'qwen3:8b', apiKey: 'wrong-key-123' })));
    expect(error.kind).toBe('unauthorized');
    expect(error.message).toContain('check OLLAMA_API_KEY');
    expect(error.message).not.toContain('wrong-key-123');
    expect(server.authorizations.at(-1)).toBe('Bearer wrong-key-123');

    const ok = await new OllamaProvider({ host: server.url, model: 'qwen3:8b', apiKey: 'right-key' }).chat({
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(ok.content).toBe('hello');
  });

  it('fails with the server message when errors mid-stream persist and nothing was gathered', async () => {
    const server = await fake({
      script: [
        { content: 'a', errorMidStream: 'llama runner process has terminated: exit status 2' },
        { content: 'a', errorMidStream: 'llama runner process has terminated: exit status 2' },
      ],
    });
    const error = await failure(analyzeWith(new OllamaProvider({ host: server.url, model: 'qwen3:8b' })));
    expect(error.kind).toBe('server');
    expect(error.message).toContain('llama runner process has terminated');
    expect(server.requests).toHaveLength(2);
  });

  it('reads a non-streamed answer too', async () => {
    const server = await fake({ script: [{ content: 'plain', toolCalls: [{ name: 'x', arguments: { a: 1 } }] }] });
    const { Ollama } = await import('ollama');
    const response = await new Ollama({ host: server.url }).chat({
      model: 'qwen3:8b',
      messages: [{ role: 'user', content: 'q' }],
      stream: false,
    });
    expect(response.message.content).toBe('plain');
    expect(response.message.tool_calls?.[0]?.function).toEqual({ name: 'x', arguments: { a: 1 } });
    expect(response.done).toBe(true);
  });
});

describe('engine selection', () => {
  it('matches model names the way Ollama tags them', () => {
    expect(hasModel(['qwen3:latest'], 'qwen3')).toBe(true);
    expect(hasModel(['qwen3:8b'], 'qwen3:8b')).toBe(true);
    expect(hasModel(['qwen3:8b'], 'qwen3:14b')).toBe(false);
    expect(hasModel(['qwen3:8b'], 'qwen3')).toBe(false);
  });

  it('auto uses Ollama when it answers and has the model', async () => {
    const server = await fake();
    expect(await probeOllama({ ...CONFIG, OLLAMA_HOST: server.url })).toEqual({ ok: true });
    const selection = await selectEngine('auto', noTools, { ...CONFIG, OLLAMA_HOST: server.url });
    expect(selection.engine.name).toBe('ollama:qwen3:8b');
    expect(selection.note).toBeUndefined();
  });

  it('auto falls back to the built-in engine in one line when Ollama is down or lacks the model', async () => {
    const host = `http://127.0.0.1:${await closedPort()}`;
    const down = await selectEngine('auto', noTools, { ...CONFIG, OLLAMA_HOST: host });
    expect(down.engine.name).toBe('builtin');
    expect(down.note).toBe(
      `Ollama is not reachable at ${host} (ECONNREFUSED): start it with \`ollama serve\`, or set OLLAMA_HOST to where it runs; using the built-in engine`,
    );

    const server = await fake();
    const missing = await selectEngine('auto', noTools, { ...CONFIG, OLLAMA_HOST: server.url, OLLAMA_MODEL: 'llama3.1:8b' });
    expect(missing.engine.name).toBe('builtin');
    expect(missing.note).toContain('has no model "llama3.1:8b" (run `ollama pull llama3.1:8b`); using the built-in engine');
  });

  it('explicit choices do not probe', async () => {
    const host = `http://127.0.0.1:${await closedPort()}`;
    expect((await selectEngine('ollama', noTools, { ...CONFIG, OLLAMA_HOST: host })).engine.name).toBe('ollama:qwen3:8b');
    expect((await selectEngine('builtin', noTools, { ...CONFIG, OLLAMA_HOST: host })).engine.name).toBe('builtin');
  });
});
