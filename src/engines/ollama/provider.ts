/**
 * The seam between the agent loop and a chat model: one method, provider-neutral types. OllamaProvider implements
 * it over HTTP; tests script it. Nothing else in the loop knows which model answers.
 */

export interface ChatToolCall {
  name: string;
  arguments: Record<string, unknown>;
}

export type ChatMessage =
  | { role: 'system' | 'user'; content: string }
  | { role: 'assistant'; content: string; toolCalls?: ChatToolCall[] }
  | { role: 'tool'; content: string; toolName: string };

export interface ChatToolSpec {
  name: string;
  description: string;
  parameters: Record<string, unknown>;
}

export interface ChatOptions {
  num_ctx?: number;
  temperature?: number;
  seed?: number;
}

/** Ollama's `think`: on or off, or a level for models that take one (gpt-oss). */
export type ThinkSetting = boolean | 'low' | 'medium' | 'high';

export interface ChatRequest {
  messages: ChatMessage[];
  tools?: ChatToolSpec[];
  /** A JSON schema the answer must follow (structured outputs). */
  format?: Record<string, unknown>;
  signal?: AbortSignal;
  options?: ChatOptions;
  /** Whether the model should reason before answering; its reasoning is never taken as content. */
  think?: ThinkSetting;
}

export interface ChatResponse {
  content: string;
  toolCalls: ChatToolCall[];
  /** Tokens of the prompt as the server counted them, when it says. */
  promptTokens?: number;
  outputTokens?: number;
  doneReason?: string;
}

export interface ChatProvider {
  /** e.g. `ollama:qwen3:8b`; becomes the report's `engine`. */
  readonly label: string;
  chat(request: ChatRequest): Promise<ChatResponse>;
  /** Optional check before any work: the model exists and can call tools. Throws a user-facing error if not. */
  preflight?(signal?: AbortSignal): Promise<void>;
}
