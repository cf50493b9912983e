/** Models known to call tools well at laptop sizes; named in error messages so a user can pick one. */
export const TOOL_CAPABLE_MODELS = ['qwen3:8b', 'qwen3:14b', 'llama3.1:8b', 'qwen2.5:7b', 'mistral-small3.2', 'gpt-oss:20b'];

export type OllamaErrorKind = 'unreachable' | 'model_not_found' | 'no_tools' | 'unauthorized' | 'server';

/** An Ollama failure with a message that says what to do. Only `server` errors are worth retrying. */
export class OllamaError extends Error {
  constructor(
    readonly kind: OllamaErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'OllamaError';
  }
}

export function isAbortError(error: unknown): boolean {
  return error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError');
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

function networkCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  if (error instanceof TypeError && /fetch failed/i.test(error.message)) return 'fetch failed';
  return undefined;
}

/**
 * Translates what the ollama client threw (ResponseError with status_code, a stream's `{"error"}` line, a fetch
 * TypeError) into the messages a user will meet. The API key is never part of any message.
 */
export function translateOllamaError(error: unknown, context: { host: string; model: string }): Error {
  if (error instanceof OllamaError || isAbortError(error)) return error as Error;
  const message = error instanceof Error ? error.message : String(error);
  const status = (error as { status_code?: unknown }).status_code;
  const code = networkCode(error);
  if (code) {
    return new OllamaError(
      'unreachable',
      `Ollama is not reachable at ${context.host} (${code}): start it with \`ollama serve\`, or set OLLAMA_HOST to where it runs (or use --engine builtin)`,
    );
  }
  if (status === 401 || status === 403 || /unauthori[sz]ed/i.test(message)) {
    return new OllamaError(
      'unauthorized',
      `Ollama at ${context.host} refused the request (${status ?? 401} unauthorized): check OLLAMA_API_KEY (create one at https://ollama.com/settings/keys)`,
    );
  }
  if (/does not support tools/i.test(message)) {
    return new OllamaError(
      'no_tools',
      `model "${context.model}" does not support tools: set OLLAMA_MODEL to a tool-capable model, e.g. one of ${TOOL_CAPABLE_MODELS.join(', ')}`,
    );
  }
  if (status === 404 || /not found/i.test(message)) {
    return new OllamaError(
      'model_not_found',
      `model "${context.model}" not found at ${context.host}: run \`ollama pull ${context.model}\`, or set OLLAMA_MODEL to a model you have (\`ollama list\`)`,
    );
  }
  return new OllamaError('server', `Ollama at ${context.host} failed: ${message}`);
}
