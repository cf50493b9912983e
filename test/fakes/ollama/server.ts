import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback stand-in for Ollama speaking its real HTTP API (docs/api.md): POST /api/chat streamed as NDJSON or
 * not, tool_calls with object arguments, GET /api/tags, POST /api/show with capabilities, and Ollama's error
 * bodies. Turns are scripted, so a test decides what the "model" says and can assert on what the client sent.
 */

export interface FakeToolCall {
  name: string;
  /** An object, or a JSON string of one: some models send arguments that way and the client passes it on. */
  arguments: Record<string, unknown> | string;
}

export interface FakeTurn {
  content?: string;
  /** Reasoning streamed in `message.thinking` before the content, as Ollama does for thinking models. */
  thinking?: string;
  toolCalls?: FakeToolCall[];
  promptEvalCount?: number;
  /** Reply with this HTTP status and `{"error": error}` instead of a chat response. */
  status?: number;
  error?: string;
  /** Extra response headers for a `status` reply, e.g. Retry-After on a 429. */
  headers?: Record<string, string>;
  /** Send the first content chunk, then an `{"error": …}` line, then end (what Ollama does when a runner dies). */
  errorMidStream?: string;
  /** Never answer; the request ends only when the client goes away. */
  hang?: boolean;
}

export interface ChatBody {
  model: string;
  messages: Array<{ role: string; content: string; tool_calls?: Array<{ function: FakeToolCall }>; tool_name?: string }>;
  tools?: Array<{ type: string; function: { name: string; description?: string; parameters?: unknown } }>;
  format?: unknown;
  stream?: boolean;
  options?: Record<string, unknown>;
  think?: boolean | string;
}

export type FakeScript = FakeTurn[] | ((request: ChatBody, index: number) => FakeTurn | Promise<FakeTurn>);

export interface FakeModel {
  name: string;
  capabilities?: string[];
}

export interface FakeOllamaOptions {
  script?: FakeScript;
  models?: FakeModel[];
  /** When set, requests without `Authorization: Bearer <apiKey>` get 401. */
  apiKey?: string;
}

export interface FakeOllama {
  url: string;
  /** Every /api/chat body, in order. */
  requests: ChatBody[];
  /** Authorization headers seen, for checking the key is sent (and only where it should be). */
  authorizations: Array<string | undefined>;
  /** Chat requests whose client disconnected before the answer ended. */
  disconnects: number;
  setScript(script: FakeScript): void;
  close(): Promise<void>;
}

export const DEFAULT_MODELS: FakeModel[] = [
  { name: 'qwen3:8b', capabilities: ['completion', 'tools', 'thinking'] },
  { name: 'mistral-small3.2:24b', capabilities: ['completion', 'tools'] },
  { name: 'gemma2:2b', capabilities: ['completion'] },
];

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...headers, 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function estimateTokens(body: ChatBody): number {
  return Math.ceil(JSON.stringify(body.messages).length / 4) + Math.ceil(JSON.stringify(body.tools ?? []).length / 4);
}

/** Splits content into a few chunks the way a streaming model would. */
function chunksOf(content: string): string[] {
  if (content.length === 0) return [''];
  const size = Math.max(1, Math.ceil(content.length / 3));
  const parts: string[] = [];
  for (let i = 0; i < content.length; i += size) parts.push(content.slice(i, i + size));
  return parts;
}

export async function startFakeOllama(options: FakeOllamaOptions = {}): Promise<FakeOllama> {
  let script: FakeScript = options.script ?? [];
  const models = options.models ?? DEFAULT_MODELS;
  const requests: ChatBody[] = [];
  const authorizations: Array<string | undefined> = [];
  const state = { disconnects: 0 };

  const findModel = (name: string) => models.find((model) => model.name === name || model.name === `${name}:latest`);
  const notFound = (res: ServerResponse, name: string) => sendJson(res, 404, { error: `model "${name}" not found, try pulling it first` });

  async function chat(req: IncomingMessage, res: ServerResponse, body: ChatBody): Promise<void> {
    const model = findModel(body.model);
    if (!model) return notFound(res, body.model);
    if (body.tools?.length && !model.capabilities?.includes('tools')) {
      return sendJson(res, 400, { error: `registry.ollama.ai/library/${body.model} does not support tools` });
    }
    if (body.think !== undefined && body.think !== false && !model.capabilities?.includes('thinking')) {
      return sendJson(res, 400, { error: `"${body.model}" does not support thinking` });
    }
    const index = requests.length;
    requests.push(body);
    const turn: FakeTurn | undefined = typeof script === 'function' ? await script(body, index) : script[index];
    if (!turn) return sendJson(res, 500, { error: `fake ollama: script has no turn ${index + 1}` });
    if (turn.hang) {
      await new Promise<void>((resolve) => res.on('close', () => resolve()));
      state.disconnects += 1;
      return;
    }
    if (turn.status) return sendJson(res, turn.status, { error: turn.error ?? 'error' }, turn.headers);

    const created = new Date().toISOString();
    const toolCalls = turn.toolCalls?.map((call) => ({ function: { name: call.name, arguments: call.arguments } }));
    const final = {
      model: body.model,
      created_at: created,
      message: { role: 'assistant', content: '' },
      done: true,
      done_reason: 'stop',
      total_duration: 1_000_000,
      load_duration: 1_000,
      prompt_eval_count: turn.promptEvalCount ?? estimateTokens(body),
      prompt_eval_duration: 1_000,
      eval_count: Math.ceil((turn.content ?? '').length / 4) + 1,
      eval_duration: 1_000,
    };
    if (body.stream === false) {
      return sendJson(res, 200, {
        ...final,
        message: { role: 'assistant', content: turn.content ?? '', ...(toolCalls ? { tool_calls: toolCalls } : {}) },
      });
    }
    res.writeHead(200, { 'Content-Type': 'application/x-ndjson' });
    res.on('close', () => {
      if (!res.writableFinished) state.disconnects += 1;
    });
    const line = (value: unknown) => res.write(`${JSON.stringify(value)}\n`);
    const pieces = chunksOf(turn.content ?? '');
    if (turn.errorMidStream) {
      line({ model: body.model, created_at: created, message: { role: 'assistant', content: pieces[0] }, done: false });
      line({ error: turn.errorMidStream });
      res.end();
      return;
    }
    for (const piece of turn.thinking ? chunksOf(turn.thinking) : [])
      line({ model: body.model, created_at: created, message: { role: 'assistant', content: '', thinking: piece }, done: false });
    for (const piece of pieces)
      line({ model: body.model, created_at: created, message: { role: 'assistant', content: piece }, done: false });
    if (toolCalls)
      line({ model: body.model, created_at: created, message: { role: 'assistant', content: '', tool_calls: toolCalls }, done: false });
    line(final);
    res.end();
    void req;
  }

  const server: Server = createServer((req, res) => {
    void (async () => {
      authorizations.push(req.headers.authorization);
      if (options.apiKey && req.headers.authorization !== `Bearer ${options.apiKey}`) return sendJson(res, 401, { error: 'unauthorized' });
      const url = new URL(req.url ?? '/', 'http://fake');
      if (req.method === 'GET' && url.pathname === '/api/tags') {
        return sendJson(res, 200, {
          models: models.map((model) => ({
            name: model.name,
            model: model.name,
            modified_at: new Date(0).toISOString(),
            size: 1,
            digest: 'x',
          })),
        });
      }
      if (req.method === 'GET' && url.pathname === '/api/version') return sendJson(res, 200, { version: '0.12.0-fake' });
      if (req.method !== 'POST') return sendJson(res, 404, { error: 'not found' });
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(await readBody(req)) as Record<string, unknown>;
      } catch {
        return sendJson(res, 400, { error: 'invalid JSON body' });
      }
      if (url.pathname === '/api/show') {
        const name = String(body.model ?? body.name ?? '');
        const model = findModel(name);
        if (!model) return notFound(res, name);
        return sendJson(res, 200, {
          modelfile: '',
          parameters: '',
          template: '',
          details: {},
          model_info: {},
          capabilities: model.capabilities ?? [],
        });
      }
      if (url.pathname === '/api/chat') return chat(req, res, body as unknown as ChatBody);
      return sendJson(res, 404, { error: 'not found' });
    })().catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: `fake ollama failed: ${(error as Error).message}` });
      else res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    authorizations,
    get disconnects() {
      return state.disconnects;
    },
    setScript(next) {
      script = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A final answer as the model would send it under `format`: the JSON report as text. */
export function finalAnswer(report: Record<string, unknown>): FakeTurn {
  return { content: JSON.stringify(report) };
}

/** The first non-empty line of a tool result the client sent back (`[T1] …` header skipped), for a scripted quote. */
export function firstToolOutputLine(request: ChatBody, callId: string): string {
  const message = request.messages.find((candidate) => candidate.role === 'tool' && candidate.content.startsWith(`[${callId}] `));
  const lines = message?.content.split('\n').slice(1) ?? [];
  // The output sits between the analysis' fence lines (<<<UNTRUSTED-DATA …>>>); quote what is inside.
  return lines.find((line) => line.trim().length > 0 && !line.startsWith('<<<'))?.trim() ?? '';
}
