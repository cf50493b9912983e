import { type Message, Ollama, type Tool } from 'ollama';
import { OllamaError, translateOllamaError } from './errors.js';
import type { ChatMessage, ChatProvider, ChatRequest, ChatResponse, ThinkSetting } from './provider.js';

export interface OllamaProviderOptions {
  host: string;
  model: string;
  apiKey?: string | undefined;
  /** Replaces global fetch (tests, proxies); the request's AbortSignal is still added. */
  fetch?: typeof fetch;
  /** Ollama's `think` flag for every turn unless a request sets its own; left unset the model's default applies. */
  think?: ThinkSetting;
}

export interface ModelInfo {
  name: string;
  capabilities?: string[];
}

function toOllamaMessage(message: ChatMessage): Message {
  switch (message.role) {
    case 'assistant':
      return {
        role: 'assistant',
        content: message.content,
        ...(message.toolCalls?.length
          ? { tool_calls: message.toolCalls.map((call) => ({ function: { name: call.name, arguments: call.arguments } })) }
          : {}),
      };
    case 'tool':
      return { role: 'tool', content: message.content, tool_name: message.toolName };
    default:
      return { role: message.role, content: message.content };
  }
}

/** Some models emit arguments as a JSON string rather than an object; both mean the same call. */
function toArguments(raw: unknown): Record<string, unknown> {
  if (typeof raw === 'string') {
    try {
      const parsed: unknown = JSON.parse(raw);
      return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
    } catch {
      return {};
    }
  }
  return raw && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
}

/** ChatProvider over the npm `ollama` client, streaming /api/chat so a slow local model never trips HTTP timeouts. */
export class OllamaProvider implements ChatProvider {
  readonly label: string;

  /** What /api/show said the model can do; `think` is only sent to a model that lists `thinking`. */
  private capabilities: string[] | undefined;

  constructor(private readonly options: OllamaProviderOptions) {
    this.label = `ollama:${options.model}`;
  }

  /** Sending `think` to a model without the capability is a 400 ("does not support thinking"), so it is left out. */
  private thinkFor(request: ChatRequest): ThinkSetting | undefined {
    const think = request.think ?? this.options.think;
    if (think === undefined || (this.capabilities && !this.capabilities.includes('thinking'))) return undefined;
    return think;
  }

  /**
   * A client per request: ollama-js takes no AbortSignal for non-streamed calls, so the signal rides in a custom
   * fetch, combined with the client's own (used to abort streams).
   */
  private client(signal?: AbortSignal, seen: { retryAfter?: string } = {}): Ollama {
    const baseFetch = this.options.fetch ?? fetch;
    const signalledFetch: typeof fetch = async (input, init) => {
      const signals = [init?.signal, signal].filter((candidate): candidate is AbortSignal => candidate != null);
      const combined = signals.length > 1 ? AbortSignal.any(signals) : signals[0];
      const response = await baseFetch(input, { ...init, ...(combined ? { signal: combined } : {}) });
      // ollama-js drops the headers of an error response; a 429's Retry-After is the wait the server asks for.
      const retryAfter = response.headers.get('retry-after');
      if (retryAfter) seen.retryAfter = retryAfter;
      return response;
    };
    return new Ollama({
      host: this.options.host,
      fetch: signalledFetch,
      ...(this.options.apiKey ? { headers: { Authorization: `Bearer ${this.options.apiKey}` } } : {}),
    });
  }

  private translate(error: unknown, retryAfter?: string): Error {
    return translateOllamaError(error, { host: this.options.host, model: this.options.model, retryAfter });
  }

  async chat(request: ChatRequest): Promise<ChatResponse> {
    const think = this.thinkFor(request);
    try {
      return await this.chatOnce(request, think);
    } catch (error) {
      // A server that lists no capabilities still refuses `think` for a model without it: ask again without.
      if (think !== undefined && /does not support thinking/i.test((error as Error).message)) {
        this.capabilities = (this.capabilities ?? ['tools']).filter((capability) => capability !== 'thinking');
        return this.chatOnce(request, undefined);
      }
      throw error;
    }
  }

  private async chatOnce(request: ChatRequest, think: ThinkSetting | undefined): Promise<ChatResponse> {
    const seen: { retryAfter?: string } = {};
    const tools: Tool[] | undefined = request.tools?.map((tool) => ({
      type: 'function',
      function: { name: tool.name, description: tool.description, parameters: tool.parameters as Tool['function']['parameters'] },
    }));
    try {
      const stream = await this.client(request.signal, seen).chat({
        model: this.options.model,
        messages: request.messages.map(toOllamaMessage),
        stream: true,
        ...(tools?.length ? { tools } : {}),
        ...(request.format ? { format: request.format } : {}),
        ...(request.options ? { options: request.options } : {}),
        ...(think !== undefined ? { think } : {}),
      });
      // Only `content` is read: `message.thinking` (the model's reasoning) is never an answer or a tool call.
      let content = '';
      const toolCalls: ChatResponse['toolCalls'] = [];
      const response: ChatResponse = { content: '', toolCalls };
      for await (const part of stream) {
        content += part.message?.content ?? '';
        for (const call of part.message?.tool_calls ?? []) {
          toolCalls.push({ name: call.function.name, arguments: toArguments(call.function.arguments) });
        }
        if (part.done) {
          if (typeof part.prompt_eval_count === 'number') response.promptTokens = part.prompt_eval_count;
          if (typeof part.eval_count === 'number') response.outputTokens = part.eval_count;
          if (part.done_reason) response.doneReason = part.done_reason;
        }
      }
      response.content = content;
      return response;
    } catch (error) {
      throw this.translate(error, seen.retryAfter);
    }
  }

  async listModels(signal?: AbortSignal): Promise<string[]> {
    try {
      const result = await this.client(signal).list();
      return (result.models ?? []).map((model) => model.name ?? model.model);
    } catch (error) {
      throw this.translate(error);
    }
  }

  async show(signal?: AbortSignal): Promise<ModelInfo> {
    try {
      const result = await this.client(signal).show({ model: this.options.model });
      if (Array.isArray(result.capabilities)) this.capabilities = result.capabilities;
      return { name: this.options.model, ...(Array.isArray(result.capabilities) ? { capabilities: result.capabilities } : {}) };
    } catch (error) {
      throw this.translate(error);
    }
  }

  /** The model exists and, when the server lists capabilities, can call tools: fail before any tool work is done. */
  async preflight(signal?: AbortSignal): Promise<void> {
    const info = await this.show(signal);
    if (info.capabilities && !info.capabilities.includes('tools')) {
      throw translateOllamaError(new Error('does not support tools'), { host: this.options.host, model: this.options.model });
    }
  }
}

/** `qwen3` means `qwen3:latest`; a listed `qwen3:8b` does not satisfy a request for `qwen3:14b`. */
export function hasModel(models: readonly string[], wanted: string): boolean {
  const full = wanted.includes(':') ? wanted : `${wanted}:latest`;
  return models.some((name) => name === wanted || name === full || (name.endsWith(':latest') && name.slice(0, -7) === wanted));
}

export { OllamaError };
