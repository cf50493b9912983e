import { Octokit } from '@octokit/rest';
import { ToolInputError } from '../../../shared/tool-result.js';
import { describeReset, networkCause, type RequestBudget, safeError, scrubSecret } from '../remote/budget.js';

/** Conditional-request cache entries kept (URL → ETag and body); older ones are dropped first. */
const MAX_ETAG_ENTRIES = 500;
/** A secondary limit asking for at most this wait is waited out once; longer ones become a tool error. */
const MAX_RETRY_WAIT_S = 2;
/** Items per page: the API's maximum, so a window costs the fewest requests. */
export const PER_PAGE = 100;

export interface GitHubClientOptions {
  /** `owner/name` */
  repository: string;
  token: string;
  /** https://api.github.com, or https://HOST/api/v3 for GitHub Enterprise Server. */
  apiUrl: string;
}

interface Cached {
  etag: string;
  response: { data: unknown; headers: Record<string, unknown>; status: number; url: string };
}

/**
 * Octokit bound to one repository, with what the REST API asks of a polite client: conditional requests (a 304
 * costs no rate limit), a wait-once for short secondary limits, and every failure turned into a ToolInputError that
 * names the variable to fix and never carries the token.
 */
export class GitHubClient {
  readonly owner: string;
  readonly repo: string;
  private readonly octokit: Octokit;
  private readonly etags = new Map<string, Cached>();

  constructor(readonly options: GitHubClientOptions) {
    const [owner, repo] = options.repository.split('/') as [string, string];
    this.owner = owner;
    this.repo = repo;
    const token = options.token;
    // A 304 is the conditional cache working, not a failure worth a stderr line.
    const log = (message: string) => {
      if (!/ - 304 with id /.test(message)) console.error(`github: ${scrubSecret(message, token)}`);
    };
    this.octokit = new Octokit({
      auth: token,
      baseUrl: options.apiUrl.replace(/\/+$/, ''),
      userAgent: 'incidentpilot-git',
      log: { debug: () => {}, info: () => {}, warn: log, error: log },
    });
    this.octokit.hook.wrap('request', async (request, endpoint) => {
      const url = this.octokit.request.endpoint(endpoint).url;
      const cached = this.etags.get(url);
      // Wrapped hooks share one options object (a new one passed to `request` is ignored), so the header goes on it.
      if (cached) endpoint.headers['if-none-match'] = cached.etag;
      const send = async () => request(endpoint);
      try {
        return await this.remember(url, await this.retryOnce(send));
      } catch (error) {
        if ((error as { status?: number }).status === 304 && cached) return cached.response as Awaited<ReturnType<typeof request>>;
        throw this.translate(error);
      }
    });
  }

  /** One GET; `budget.take()` has to allow it. */
  async get<T>(route: string, params: Record<string, unknown>, budget: RequestBudget): Promise<T | undefined> {
    if (!budget.take()) return undefined;
    const response = await this.octokit.request(`GET ${route}`, { owner: this.owner, repo: this.repo, ...params });
    return response.data as T;
  }

  /**
   * Pages of a list endpoint (following the Link header) until `keepGoing` says stop, the list ends, or the budget is
   * spent. Returns the items and whether the budget cut it short.
   */
  async list<T>(
    route: string,
    params: Record<string, unknown>,
    budget: RequestBudget,
    keepGoing: (page: T[]) => boolean = () => true,
  ): Promise<{ items: T[]; cut: boolean }> {
    const items: T[] = [];
    const pages = this.octokit.paginate
      .iterator(`GET ${route}`, { owner: this.owner, repo: this.repo, per_page: PER_PAGE, ...params })
      [Symbol.asyncIterator]();
    // The budget bounds this loop: each page is one claimed request.
    while (true) {
      if (!budget.take()) return { items, cut: true };
      const next = await pages.next();
      if (next.done) return { items, cut: false };
      const page = next.value.data as unknown as T[];
      items.push(...page);
      if (!keepGoing(page) || !/rel="next"/.test(String(next.value.headers.link ?? ''))) return { items, cut: false };
    }
  }

  /** Fails with a sentence when the repository cannot be read (wrong name, token without access). */
  async checkRepository(budget: RequestBudget): Promise<void> {
    await this.get('/repos/{owner}/{repo}', {}, budget);
  }

  private remember<R extends { headers: Record<string, unknown>; data: unknown; status: number; url: string }>(
    url: string,
    response: R,
  ): R {
    const etag = response.headers.etag;
    if (typeof etag === 'string') {
      this.etags.delete(url);
      this.etags.set(url, { etag, response });
      if (this.etags.size > MAX_ETAG_ENTRIES) {
        const oldest = this.etags.keys().next().value;
        if (oldest !== undefined) this.etags.delete(oldest);
      }
    }
    return response;
  }

  private async retryOnce<R>(send: () => Promise<R>): Promise<R> {
    try {
      return await send();
    } catch (error) {
      const wait = retryAfterSeconds(error);
      if (wait === undefined || wait > MAX_RETRY_WAIT_S || rateRemaining(error) === 0) throw error;
      await new Promise((resolve) => setTimeout(resolve, wait * 1000));
      return await send();
    }
  }

  private translate(error: unknown): unknown {
    if (error instanceof ToolInputError) return error;
    const token = this.options.token;
    const status = (error as { status?: number }).status;
    const message = scrubSecret((error as Error).message ?? String(error), token);
    const where = `${this.options.repository} at ${this.options.apiUrl}`;
    const cause = networkCause(error);
    // Octokit reports a request that got no answer at all as status 500 without a response.
    const noAnswer = status === undefined || (status === 500 && (error as { response?: unknown }).response === undefined);
    if (cause || noAnswer) {
      return safeError(
        `cannot reach the GitHub API at ${this.options.apiUrl} (${cause ?? message})`,
        'check GITHUB_API_URL (GitHub Enterprise Server: https://HOST/api/v3) and the network; other tools still work',
        token,
      );
    }
    if (status === 401) {
      return safeError(
        `GitHub rejected GITHUB_TOKEN (401 ${message}): it is wrong, expired or revoked`,
        'set GITHUB_TOKEN to a valid token with read access to contents, deployments and pull requests',
        token,
      );
    }
    const reset = rateReset(error);
    if ((status === 403 || status === 429) && rateRemaining(error) === 0) {
      return safeError(
        `GitHub's rate limit for GITHUB_TOKEN is used up; it resets at ${reset !== undefined ? describeReset(reset) : 'an unknown time'}`,
        'wait for the reset, or use a token of its own for the bot; answer from logs and metrics meanwhile',
        token,
      );
    }
    const wait = retryAfterSeconds(error);
    if ((status === 403 || status === 429) && (wait !== undefined || /secondary rate limit/i.test(message))) {
      return safeError(
        `GitHub's secondary rate limit stopped the call${wait !== undefined ? `; retry after ${wait} s` : '; wait at least a minute'}`,
        'call again later with a narrower window',
        token,
      );
    }
    if (status === 404) {
      return safeError(
        `GitHub answered 404 for ${where}: the repository does not exist or GITHUB_TOKEN cannot see it`,
        'check GITHUB_REPOSITORY (owner/name) and that the token has access to it',
        token,
      );
    }
    if (status === 422) return safeError(`GitHub: ${message}`, 'give a sha that exists in the repository', token);
    return safeError(`GitHub API error ${status} for ${where}: ${message}`, 'try again later; other tools still work', token);
  }
}

function header(error: unknown, name: string): string | undefined {
  const value = (error as { response?: { headers?: Record<string, unknown> } }).response?.headers?.[name];
  return value === undefined || value === null ? undefined : String(value);
}

function retryAfterSeconds(error: unknown): number | undefined {
  const value = header(error, 'retry-after');
  const seconds = value === undefined ? Number.NaN : Number(value);
  return Number.isFinite(seconds) ? seconds : undefined;
}

function rateRemaining(error: unknown): number | undefined {
  const value = header(error, 'x-ratelimit-remaining');
  return value === undefined ? undefined : Number(value);
}

function rateReset(error: unknown): number | undefined {
  const value = header(error, 'x-ratelimit-reset');
  return value === undefined ? undefined : Number(value);
}
