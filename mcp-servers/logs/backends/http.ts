import http from 'node:http';
import https from 'node:https';
import { ToolInputError } from '../../shared/tool-result.js';

/**
 * The HTTP side of the remote stores (Loki, Elasticsearch): one client per server, one budget per tool call.
 * Credentials travel only in headers and are scrubbed from every message; 429 and 5xx are retried with back-off
 * while the call's budget lasts; the caller's abort signal and the per-call deadline abort requests in flight.
 */

export type HttpAuth =
  | { kind: 'none' }
  | { kind: 'bearer'; token: string }
  | { kind: 'basic'; username: string; password: string }
  | { kind: 'apiKey'; key: string };

export interface HttpTarget {
  /** The store's name in messages: "Loki", "Elasticsearch". */
  name: string;
  url: string;
  auth: HttpAuth;
  headers?: Record<string, string>;
  /** PEM bundle of a private CA (read at start-up). */
  ca?: Buffer | undefined;
  /** The variables a 401/403 hint names. */
  credentialHint: string;
  /** The variable naming the URL, for unreachable-store hints. */
  urlVariable: string;
}

/** Requests one tool call may make: a count and a few pages of lines, never a crawl through the store. */
export const MAX_REQUESTS_PER_CALL = 24;
/** Bytes one tool call may download: whatever the store holds, a call transfers at most this. */
export const MAX_BYTES_PER_CALL = 48 * 1024 * 1024;
/** Wall-clock budget of one tool call against a store, retries and back-off included. */
export const DEFAULT_CALL_TIMEOUT_MS = 30_000;
/** Retries of one request that failed with 429 or 5xx. */
const MAX_RETRIES = 3;
/** First back-off; doubled per retry unless the store sends Retry-After. */
const BACKOFF_MS = 250;

/** What one tool call has spent; the bench reports it. */
export class CallBudget {
  requests = 0;
  bytes = 0;
  readonly deadline: number;

  constructor(
    readonly signal: AbortSignal | undefined,
    timeoutMs = DEFAULT_CALL_TIMEOUT_MS,
  ) {
    this.deadline = Date.now() + timeoutMs;
  }

  remainingMs(): number {
    return this.deadline - Date.now();
  }
}

/** A store's answer the backend may act on (a limit to respect, an unknown index): status and body text. */
export class StoreHttpError extends ToolInputError {
  constructor(
    message: string,
    hint: string,
    readonly status: number,
    readonly body: string,
  ) {
    super(message, hint);
  }
}

export interface StoreResponse {
  status: number;
  text: string;
  /** Retry-After in seconds, when the store sent one. */
  retryAfter?: number | undefined;
}

const RETRYABLE = new Set([429, 500, 502, 503, 504]);

export class StoreClient {
  /** Totals over the client's life (the bench reads them). */
  readonly totals = { requests: 0, bytes: 0 };
  private readonly secrets: string[];

  constructor(readonly target: HttpTarget) {
    const { auth } = target;
    this.secrets = [
      auth.kind === 'bearer' ? auth.token : '',
      auth.kind === 'basic' ? auth.password : '',
      auth.kind === 'basic' ? Buffer.from(`${auth.username}:${auth.password}`).toString('base64') : '',
      auth.kind === 'apiKey' ? auth.key : '',
    ].filter((s) => s.length >= 4);
  }

  /** Removes every credential from a text bound for a message. */
  scrub(text: string): string {
    let out = text;
    for (const secret of this.secrets) out = out.split(secret).join('***');
    return out;
  }

  /** GET with query parameters, or POST with a JSON body; the parsed JSON of a 2xx answer. */
  async json<T>(budget: CallBudget, method: 'GET' | 'POST', pathname: string, params: URLSearchParams, body?: unknown): Promise<T> {
    const response = await this.send(budget, method, pathname, params, body);
    try {
      return JSON.parse(response.text) as T;
    } catch {
      throw new ToolInputError(
        `${this.target.name} at ${this.target.url} answered ${pathname} with a body that is not JSON: ${this.scrub(response.text.slice(0, 200))}`,
        `check that ${this.target.urlVariable} points at the ${this.target.name} API itself`,
      );
    }
  }

  private async send(
    budget: CallBudget,
    method: string,
    pathname: string,
    params: URLSearchParams,
    body?: unknown,
  ): Promise<StoreResponse> {
    for (let attempt = 0; ; attempt += 1) {
      budget.signal?.throwIfAborted();
      if (budget.requests >= MAX_REQUESTS_PER_CALL)
        throw new ToolInputError(
          `this call reached its bound of ${MAX_REQUESTS_PER_CALL} requests to ${this.target.name}`,
          'narrow the window or the service and call again',
        );
      const response = await this.once(budget, method, pathname, params, body);
      if (response.status >= 200 && response.status < 300) return response;
      if (response.status === 401 || response.status === 403) {
        throw new ToolInputError(
          `${this.target.name} at ${this.target.url} refused the request (HTTP ${response.status}: ${response.status === 401 ? 'unauthenticated' : 'forbidden'})`,
          `check ${this.target.credentialHint} in the logs server's environment`,
        );
      }
      const wait = retryDelay(response, attempt);
      if (RETRYABLE.has(response.status) && attempt < MAX_RETRIES && wait < budget.remainingMs()) {
        await sleep(wait, budget.signal);
        continue;
      }
      const detail = this.scrub(response.text.trim().slice(0, 400));
      const retried = RETRYABLE.has(response.status) ? ` after ${attempt + 1} attempts` : '';
      throw new StoreHttpError(
        `${this.target.name} answered HTTP ${response.status}${retried}: ${detail || '(empty body)'}`,
        response.status === 429
          ? `${this.target.name} is rate-limiting this client; wait a minute or narrow the window`
          : response.status >= 500
            ? `${this.target.name} is failing; try again shortly or narrow the window`
            : 'check the arguments (service, pattern, window) and the store settings, then call again',
        response.status,
        response.text,
      );
    }
  }

  private once(budget: CallBudget, method: string, pathname: string, params: URLSearchParams, body?: unknown): Promise<StoreResponse> {
    const query = params.toString();
    const target = new URL(`${this.target.url}${pathname}${query ? `?${query}` : ''}`);
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const headers: Record<string, string> = { accept: 'application/json', ...this.target.headers, ...authHeader(this.target.auth) };
    if (payload) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(payload.length);
    }
    budget.requests += 1;
    this.totals.requests += 1;
    const lib = target.protocol === 'https:' ? https : http;
    return new Promise<StoreResponse>((resolve, reject) => {
      const timeout = Math.max(1, budget.remainingMs());
      const signals = [AbortSignal.timeout(timeout), ...(budget.signal ? [budget.signal] : [])];
      const signal = AbortSignal.any(signals);
      const req = lib.request(target, { method, headers, signal, ...(this.target.ca ? { ca: this.target.ca } : {}) }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => {
          budget.bytes += chunk.length;
          this.totals.bytes += chunk.length;
          if (budget.bytes > MAX_BYTES_PER_CALL) {
            req.destroy(new BudgetError());
            return;
          }
          chunks.push(chunk);
        });
        res.on('end', () => {
          const after = Number(res.headers['retry-after']);
          resolve({
            status: res.statusCode ?? 0,
            text: Buffer.concat(chunks).toString('utf8'),
            ...(Number.isFinite(after) && after >= 0 ? { retryAfter: after } : {}),
          });
        });
        res.on('error', (error) => reject(this.networkError(error, budget, timeout)));
      });
      req.on('error', (error) => reject(this.networkError(error, budget, timeout)));
      req.end(payload);
    });
  }

  private networkError(error: Error & { code?: string }, budget: CallBudget, timeoutMs: number): unknown {
    if (budget.signal?.aborted) return budget.signal.reason;
    if (error instanceof BudgetError)
      return new ToolInputError(
        `this call reached its bound of ${MAX_BYTES_PER_CALL / 2 ** 20} MiB from ${this.target.name}`,
        'narrow the window, the service or the limit',
      );
    if (error.name === 'AbortError' || error.name === 'TimeoutError')
      return new ToolInputError(
        `${this.target.name} at ${this.target.url} did not answer within ${Math.round(timeoutMs)} ms`,
        'narrow the time window or the service, or raise LOGS_TIMEOUT_MS',
      );
    return new ToolInputError(
      `cannot reach ${this.target.name} at ${this.target.url} (${this.scrub(error.code ?? error.message)})`,
      `check ${this.target.urlVariable} and that ${this.target.name} is running and reachable from this host (for a private CA set LOGS_CA_FILE)`,
    );
  }
}

class BudgetError extends Error {}

function authHeader(auth: HttpAuth): Record<string, string> {
  if (auth.kind === 'bearer') return { authorization: `Bearer ${auth.token}` };
  if (auth.kind === 'basic') return { authorization: `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}` };
  if (auth.kind === 'apiKey') return { authorization: `ApiKey ${auth.key}` };
  return {};
}

/** Retry-After in seconds when the store sends it, else exponential back-off. */
function retryDelay(response: StoreResponse, attempt: number): number {
  return response.retryAfter !== undefined ? response.retryAfter * 1000 : BACKOFF_MS * 2 ** attempt;
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}
