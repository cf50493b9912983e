import type { AnalyzeRequest, Engine, ToolHost } from '../../agent/types.js';
import type { EngineConfig, ThinkChoice } from '../../config.js';
import { createOllamaEngine, type OllamaEngineOptions } from './engine.js';
import { OllamaProvider } from './ollama-provider.js';
import type { ThinkSetting } from './provider.js';

export { createOllamaEngine, MAX_ROUNDS, type OllamaEngineOptions } from './engine.js';
export { OllamaError, TOOL_CAPABLE_MODELS, translateOllamaError } from './errors.js';
export { hasModel, OllamaProvider } from './ollama-provider.js';
export type { ChatMessage, ChatProvider, ChatRequest, ChatResponse, ChatToolCall, ChatToolSpec } from './provider.js';

/** OLLAMA_THINK as the `think` flag for tool turns and for the answer. */
export function thinkSettings(choice: ThinkChoice = 'off'): { tools: ThinkSetting; answer: ThinkSetting } {
  switch (choice) {
    case 'off':
      return { tools: false, answer: false };
    case 'on':
      return { tools: true, answer: true };
    case 'answer':
      return { tools: false, answer: true };
    default:
      return { tools: choice, answer: choice };
  }
}

/** The Ollama engine as configured by the environment (OLLAMA_HOST, OLLAMA_MODEL, OLLAMA_API_KEY, OLLAMA_NUM_CTX …). */
export function createOllamaEngineFromConfig(
  host: ToolHost,
  config: Pick<
    EngineConfig,
    'OLLAMA_HOST' | 'OLLAMA_MODEL' | 'OLLAMA_API_KEY' | 'OLLAMA_NUM_CTX' | 'ANALYSIS_TIMEOUT_MS' | 'TOOL_TIMEOUT_MS'
  > &
    Partial<Pick<EngineConfig, 'OLLAMA_THINK'>>,
  extra: Partial<Omit<OllamaEngineOptions, 'provider'>> & {
    preflight?: (request: AnalyzeRequest, host: ToolHost) => Promise<string | undefined>;
  } = {},
): Engine {
  const provider = new OllamaProvider({ host: config.OLLAMA_HOST, model: config.OLLAMA_MODEL, apiKey: config.OLLAMA_API_KEY });
  return createOllamaEngine(host, {
    provider,
    numCtx: config.OLLAMA_NUM_CTX,
    deadlineMs: config.ANALYSIS_TIMEOUT_MS,
    toolTimeoutMs: config.TOOL_TIMEOUT_MS,
    think: thinkSettings(config.OLLAMA_THINK),
    ...extra,
  });
}
