import { ToolInputError } from '../../../shared/tool-result.js';
import type { GitLabSource } from '../../remote-config.js';
import type { Listed } from '../remote/api.js';
import { describeReset, networkCause, type RequestBudget, safeError, scrubSecret } from '../remote/budget.js';

/** Conditional-request cache entries kept (URL → ETag and body); older ones are dropped first. */
const MAX_ETAG_ENTRIES = 500;
/** A 429 asking for at most this wait is waited out once; longer ones become a tool error. */
const MAX_RETRY_WAIT_S = 2;
/** One request may take this long before the tool reports the host as unreachable. */
const REQUEST_TIMEOUT_MS = 15_000;
/** Items per page: GitLab's maximum, so a window costs the fewest requests. */
const PER_PAGE = 100;

class HttpFailure extends Error {
  constructor(
    readonly status: number,
    readonly headers: Headers,
    message: string,
  ) {
    super(message);
  }
}

/**
 * A small fetch client for GitLab's REST API v4, bound to one project: PRIVATE-TOKEN auth, offset pagination by the
 * `x-next-page` header, conditional requests, a wait-once for short 429s, and failures as ToolInputErrors naming the
 * GITLAB_* variable to fix, never carrying the token.
 */
export class GitLabClient {
  private readonly base: string;
  private readonly etags = new Map<string, { etag: string; body: unknown; headers: Headers }>();

  constructor(readonly source: GitLabSource) {
    this.base = `${source.url.replace(/\/+$/, '')}/api/v4/projects/${encodeURIComponent(source.project)}`;
  }

  /** One GET under the project; `budget.take()` has to allow it. */
  async get<T>(path: string, params: Record<string, string | number | undefined>, budget: RequestBudget): Promise<T | undefined> {
    if (!budget.take()) return undefined;
    return (await this.request(this.url(path, params))).body as T;
  }

  /** Pages until the list ends (`x-next-page` empty), `keepGoing` says stop, or the budget is spent. */
  async list<T>(
    path: string,
    params: Record<string, string | number | undefined>,
    budget: RequestBudget,
    keepGoing: (page: T[]) => boolean = () => true,
  ): Promise<Listed<T>> {
    const items: T[] = [];
    let page: string | null = '1';
    // The budget bounds this loop: each page is one claimed request.
    while (page) {
      if (!budget.take()) return { items, cut: true };
      const answer = await this.request(this.url(path, { ...params, per_page: PER_PAGE, page }));
      const rows = answer.body as T[];
      items.push(...rows);
      if (!keepGoing(rows)) break;
      page = answer.headers.get('x-next-page') || null;
    }
    return { items, cut: false };
  }

  private url(path: string, params: Record<string, string | number | undefined>): string {
    const url = new URL(`${this.base}${path}`);
    for (const [key, value] of Object.entries(params)) if (value !== undefined) url.searchParams.set(key, String(value));
    return url.toString();
  }

  private async request(url: string): Promise<{ body: unknown; headers: Headers }> {
    try {
      return await this.retryOnce(() => this.fetchOnce(url));
    } catch (error) {
      throw this.translate(error);
    }
  }

  private async fetchOnce(url: string): Promise<{ body: unknown; headers: Headers }> {
    const cached = this.etags.get(url);
    const headers: Record<string, string> = { 'PRIVATE-TOKEN': this.source.token, accept: 'application/json' };
    if (cached) headers['if-none-match'] = cached.etag;
    const response = await fetch(url, { headers, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    if (response.status === 304 && cached) return { body: cached.body, headers: cached.headers };
    const text = await response.text();
    if (!response.ok) {
      let message = text.slice(0, 200);
      try {
        message = String(
          (JSON.parse(text) as { message?: unknown; error?: unknown }).message ??
            (JSON.parse(text) as { error?: unknown }).error ??
            message,
        );
      } catch {}
      throw new HttpFailure(response.status, response.headers, message);
    }
    const body = JSON.parse(text) as unknown;
    const etag = response.headers.get('etag');
    if (etag) {
      this.etags.delete(url);
      this.etags.set(url, { etag, body, headers: response.headers });
      if (this.etags.size > MAX_ETAG_ENTRIES) {
        const oldest = this.etags.keys().next().value;
        if (oldest !== undefined) this.etags.delete(oldest);
      }
    }
    return { body, headers: response.headers };
  }

  private async retryOnce<R>(send: () => Promise<R>): Promise<R> {
    try {
      return await send();
    } catch (error) {
      const wait = error instanceof HttpFailure && error.status === 429 ? Number(error.headers.get('retry-after')) : Number.NaN;
      if (!Number.isFinite(wait) || wait > MAX_RETRY_WAIT_S) throw error;
      await new Promise((resolve) => setTimeout(resolve, wait * 1000));
      return await send();
    }
  }

  private translate(error: unknown): unknown {
    if (error instanceof ToolInputError) return error;
    const token = this.source.token;
    const where = `project ${this.source.project} at ${this.source.url}`;
    if (!(error instanceof HttpFailure)) {
      const cause =
        networkCause(error) ??
        ((error as Error).name === 'TimeoutError'
          ? `no answer in ${REQUEST_TIMEOUT_MS / 1000} s`
          : scrubSecret(String((error as Error).message ?? error), token));
      return safeError(
        `cannot reach GitLab at ${this.source.url} (${cause})`,
        'check GITLAB_URL and the network; other tools still work',
        token,
      );
    }
    const message = scrubSecret(error.message, token);
    if (error.status === 401) {
      return safeError(
        `GitLab rejected GITLAB_TOKEN (${message}): it is wrong, expired or revoked`,
        'set GITLAB_TOKEN to a token with the read_api scope',
        token,
      );
    }
    if (error.status === 403) {
      return safeError(
        `GitLab refused ${where} (403 ${message})`,
        'give GITLAB_TOKEN the read_api scope and at least Reporter access to the project',
        token,
      );
    }
    if (error.status === 404 && /project/i.test(message)) {
      return safeError(
        `GitLab answered 404 for ${where}: the project does not exist or GITLAB_TOKEN cannot see it`,
        'check GITLAB_PROJECT (group/name or numeric id)',
        token,
      );
    }
    if (error.status === 404) return safeError(`GitLab: ${message}`, 'give a sha or ref that exists in the project', token);
    if (error.status === 429) {
      const reset = Number(error.headers.get('ratelimit-reset'));
      const wait = error.headers.get('retry-after');
      const when =
        Number.isFinite(reset) && reset > 0 ? `it resets at ${describeReset(reset)}` : wait ? `retry after ${wait} s` : 'wait a minute';
      return safeError(
        `GitLab's rate limit for GITLAB_TOKEN is reached; ${when}`,
        'call again later with a narrower window; answer from logs and metrics meanwhile',
        token,
      );
    }
    return safeError(`GitLab API error ${error.status} for ${where}: ${message}`, 'try again later; other tools still work', token);
  }
}
