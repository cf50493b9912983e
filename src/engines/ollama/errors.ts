/** Models known to call tools well at laptop sizes; named in error messages so a user can pick one. */
export const TOOL_CAPABLE_MODELS = ['qwen3:8b', 'qwen3:14b', 'llama3.1:8b', 'qwen2.5:7b', 'mistral-small3.2', 'gpt-oss:20b'];

export type OllamaErrorKind = 'unreachable' | 'model_not_found' | 'no_tools' | 'unauthorized' | 'rate_limited' | 'server';

/**
 * An Ollama failure with a message that says what to do. Only `server` errors are worth retrying at once; a
 * `rate_limited` one (Ollama Cloud's 429) may carry how long the server asked to wait.
 */
export class OllamaError extends Error {
  constructor(
    readonly kind: OllamaErrorKind,
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'OllamaError';
  }
}

/** Longest wait a retry hint may ask for and still be honoured; beyond it the analysis answers with what it has. */
export const MAX_RETRY_HINT_MS = 120_000;

/**
 * How long the server asked to wait: a Retry-After header (seconds or an HTTP date), else a phrase in the message
 * ("try again in 20s", "retry after 1.5 seconds", "reset after 2m").
 */
export function retryHintMs(retryAfter: string | undefined, message: string, now = Date.now()): number | undefined {
  const header = retryAfter?.trim();
  if (header) {
    if (/^\d+(\.\d+)?$/.test(header)) return Math.round(Number(header) * 1000);
    const at = Date.parse(header);
    if (!Number.isNaN(at)) return Math.max(0, at - now);
  }
  const match =
    /(?:try again|retry|reset)\w*\s+(?:in|after)\s+(\d+(?:\.\d+)?)\s*(ms|milliseconds?|s|secs?|seconds?|m|mins?|minutes?)?\b/i.exec(
      message,
    );
  if (!match) return undefined;
  const amount = Number(match[1]);
  const unit = (match[2] ?? 's').toLowerCase();
  const factor = unit.startsWith('ms') || unit.startsWith('milli') ? 1 : unit.startsWith('m') ? 60_000 : 1_000;
  return Math.round(amount * factor);
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
export function translateOllamaError(error: unknown, context: { host: string; model: string; retryAfter?: string | undefined }): Error {
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
  if (status === 429 || /too many requests|rate limit|usage limit/i.test(message)) {
    const wait = retryHintMs(context.retryAfter, message);
    return new OllamaError(
      'rate_limited',
      `Ollama at ${context.host} is rate limiting requests (429${wait !== undefined ? `, asked to wait ${Math.ceil(wait / 1000)} s` : ''}): ${message}`,
      wait,
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
