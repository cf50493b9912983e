import { type Message, Ollama, type Tool } from 'ollama';
import { OllamaError, translateOllamaError } from './errors.js';
import type { ChatMessage, ChatProvider, ChatRequest, ChatResponse } from './provider.js';

export interface OllamaProviderOptions {
  host: string;
  model: string;
  apiKey?: string | undefined;
  /** Replaces global fetch (tests, proxies); the request's AbortSignal is still added. */
  fetch?: typeof fetch;
  /** Ollama's `think` flag; left unset the model's default applies. */
  think?: boolean;
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

  constructor(private readonly options: OllamaProviderOptions) {
    this.label = `ollama:${options.model}`;
  }

  /**
   * A client per request: ollama-js takes no AbortSignal for non-streamed calls, so the signal rides in a custom
   * fetch, combined with the client's own (used to abort streams).
   */
  private client(signal?: AbortSignal): Ollama {
    const baseFetch = this.options.fetch ?? fetch;
    const signalledFetch: typeof fetch = (input, init) => {
      const signals = [init?.signal, signal].filter((candidate): candidate is AbortSignal => candidate != null);
      const combined = signals.length > 1 ? AbortSignal.any(signals) : signals[0];
      return baseFetch(input, { ...init, ...(combined ? { signal: combined } : {}) });
    };
    return new Ollama({
      host: this.options.host,
      fetch: signalledFetch,
      ...(this.options.apiKey ? { headers: { Authorization: `Bearer ${this.options.apiKey}` } } : {}),
    });
  }

  private translate(error: unknown): Error {
    return translateOllamaError(error, { host: this.options.host, model: this.options.model });
  }

  async chat(request: ChatRequest): Promise<ChatResponse> {
    const tools: Tool[] | undefined = request.tools?.map((tool) => ({
      type: 'function',
      function: { name: tool.name, description: tool.description, parameters: tool.parameters as Tool['function']['parameters'] },
    }));
    try {
      const stream = await this.client(request.signal).chat({
        model: this.options.model,
        messages: request.messages.map(toOllamaMessage),
        stream: true,
        ...(tools?.length ? { tools } : {}),
        ...(request.format ? { format: request.format } : {}),
        ...(request.options ? { options: request.options } : {}),
        ...(this.options.think !== undefined ? { think: this.options.think } : {}),
      });
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
      throw this.translate(error);
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
