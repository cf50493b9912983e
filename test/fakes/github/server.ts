import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { type GitHubFixture, loadGitHubFixture } from './fixture.js';

/**
 * A loopback GitHub REST API (api.github.com, or GHES's /api/v3 root) written from docs.github.com/rest: the repository,
 * commits (list, one, compare), deployments and their statuses, releases and pulls of ONE repository. It speaks the
 * documented wire format: `page`/`per_page` (default 30, max 100) with a `Link` header (next, prev, first, last),
 * `x-ratelimit-*` headers on every answer, 403 "API rate limit exceeded" once the primary limit is spent, 403/429
 * secondary limits with `retry-after`, `ETag` with 304 for a matching `If-None-Match` (not counted against the limit),
 * 401 "Bad credentials", 404 "Not Found" for another repository, 422 for a sha that names no commit.
 */

export interface FakeGitHubOptions {
  /** `owner/name`; other repositories answer 404. */
  repository: string;
  /** Requests must carry `Authorization: token <t>` or `Bearer <t>`. */
  token: string;
  /** Primary rate limit per hour (x-ratelimit-limit); default 5000. */
  rateLimit?: number;
  /** When the window resets (epoch seconds); default an hour from start. */
  rateLimitReset?: number;
}

export interface FakeGitHub {
  url: string;
  /** Every request as received: method, path with query, headers. */
  requests: { method: string; url: string; headers: http.IncomingHttpHeaders; status: number }[];
  /** Requests that count against the primary limit so far. */
  used(): number;
  /** Sets the primary limit's remaining count (e.g. 2: the third request is refused). */
  setRemaining(remaining: number): void;
  /** The next `count` requests are refused by a secondary rate limit: 403 or 429 with retry-after seconds. */
  failSecondary(status: 403 | 429, retryAfterSeconds: number, count?: number): void;
  close(): Promise<void>;
}

const DOCS = 'https://docs.github.com/rest';
const DEFAULT_PER_PAGE = 30;
const MAX_PER_PAGE = 100;
/** Compare walks parents from head; the real API lists at most 250 commits without pagination. */
const MAX_COMPARE_COMMITS = 250;

class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly docs = DOCS,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export async function startFakeGitHub(fixtureOrDir: GitHubFixture | string, options: FakeGitHubOptions): Promise<FakeGitHub> {
  const fixture = typeof fixtureOrDir === 'string' ? loadGitHubFixture(fixtureOrDir) : fixtureOrDir;
  const limit = options.rateLimit ?? 5_000;
  const reset = options.rateLimitReset ?? Math.floor(Date.now() / 1000) + 3_600;
  const state = { remaining: limit, secondary: { status: 0, retryAfter: 0, count: 0 } };
  const requests: FakeGitHub['requests'] = [];
  const [owner, repo] = options.repository.split('/') as [string, string];

  const rateHeaders = (): Record<string, string> => ({
    'x-ratelimit-limit': String(limit),
    'x-ratelimit-remaining': String(Math.max(0, state.remaining)),
    'x-ratelimit-used': String(limit - Math.max(0, state.remaining)),
    'x-ratelimit-reset': String(reset),
    'x-ratelimit-resource': 'core',
  });

  const route = (pathname: string, query: URLSearchParams, base: URL): { body: unknown; link?: string } => {
    const parts = pathname.split('/').filter(Boolean).map(decodeURIComponent);
    if (parts[0] !== 'repos' || parts.length < 3) throw new ApiError(404, 'Not Found');
    if (parts[1]?.toLowerCase() !== owner.toLowerCase() || parts[2]?.toLowerCase() !== repo.toLowerCase()) {
      throw new ApiError(404, 'Not Found', 'https://docs.github.com/rest/repos/repos#get-a-repository');
    }
    const rest = parts.slice(3);
    if (rest.length === 0) return { body: fixture.repository };
    const [resource, id, sub] = rest;
    if (resource === 'commits' && id === undefined) {
      const since = query.get('since');
      const until = query.get('until');
      const listed = fixture.commits
        .filter(
          (c) =>
            (!since || Date.parse(c.commit.committer.date) >= Date.parse(since)) &&
            (!until || Date.parse(c.commit.committer.date) <= Date.parse(until)),
        )
        .map(({ files: _files, stats: _stats, ...summary }) => summary);
      return paginate(listed, query, base);
    }
    if (resource === 'commits' && id !== undefined && sub === undefined) return { body: findCommit(fixture, id) };
    if (resource === 'compare' && id !== undefined) return { body: compare(fixture, id) };
    if (resource === 'deployments' && id === undefined) {
      const env = query.get('environment');
      return paginate(
        fixture.deployments.filter((d) => !env || d.environment === env),
        query,
        base,
      );
    }
    if (resource === 'deployments' && id !== undefined && sub === 'statuses') {
      if (!fixture.deployments.some((d) => String(d.id) === id)) throw new ApiError(404, 'Not Found');
      return paginate(fixture.deploymentStatuses[id] ?? [], query, base);
    }
    if (resource === 'releases' && id === undefined) return paginate(fixture.releases, query, base);
    if (resource === 'pulls' && id === undefined) {
      const wanted = query.get('state') ?? 'open';
      const pulls = fixture.pulls.filter((p) => wanted === 'all' || p.state === wanted);
      const direction = query.get('direction') ?? (query.get('sort') ? 'desc' : 'asc');
      const key = query.get('sort') === 'updated' ? 'updated_at' : 'created_at';
      const sorted = [...pulls].sort((a, b) => String(a[key]).localeCompare(String(b[key])) * (direction === 'desc' ? -1 : 1));
      return paginate(sorted, query, base);
    }
    throw new ApiError(404, 'Not Found');
  };

  const server = http.createServer((req, res) => {
    const base = new URL(req.url ?? '/', `http://${req.headers.host}`);
    const send = (status: number, headers: Record<string, string>, body?: unknown) => {
      requests.push({ method: req.method ?? 'GET', url: req.url ?? '', headers: req.headers, status });
      const text = body === undefined ? '' : JSON.stringify(body);
      res.writeHead(status, { ...headers, ...(text ? { 'content-type': 'application/json; charset=utf-8' } : {}) });
      res.end(text);
    };
    const fail = (error: ApiError) =>
      send(
        error.status,
        { ...rateHeaders(), ...error.headers },
        { message: error.message, documentation_url: error.docs, status: String(error.status) },
      );
    try {
      const auth = req.headers.authorization ?? '';
      const match = /^(?:token|bearer)\s+(.+)$/i.exec(auth);
      if (!match || match[1] !== options.token) throw new ApiError(401, 'Bad credentials');
      if (req.method !== 'GET') throw new ApiError(404, 'Not Found');
      if (state.secondary.count > 0) {
        state.secondary.count--;
        throw new ApiError(
          state.secondary.status,
          'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
          'https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api#about-secondary-rate-limits',
          { 'retry-after': String(state.secondary.retryAfter) },
        );
      }
      if (state.remaining <= 0) {
        throw new ApiError(
          403,
          'API rate limit exceeded for user ID 1. If you reach out to GitHub Support for help, please include the request ID.',
          'https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api',
        );
      }
      const { body, link } = route(base.pathname, base.searchParams, base);
      const etag = `W/"${createHash('sha256').update(JSON.stringify(body)).digest('hex').slice(0, 32)}"`;
      const headers: Record<string, string> = { etag, ...(link ? { link } : {}) };
      // A 304 for an authorised conditional request does not count against the primary limit.
      if (req.headers['if-none-match'] === etag) return send(304, { ...rateHeaders(), ...headers });
      state.remaining--;
      send(200, { ...rateHeaders(), ...headers }, body);
    } catch (error) {
      if (error instanceof ApiError) return fail(error);
      send(500, {}, { message: String(error) });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    used: () => limit - state.remaining,
    setRemaining: (remaining) => {
      state.remaining = remaining;
    },
    failSecondary: (status, retryAfter, count = 1) => {
      state.secondary = { status, retryAfter, count };
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** `page`/`per_page` over a list, with the Link header GitHub sends (rel next/last/first/prev, absent on one page). */
function paginate<T>(items: T[], query: URLSearchParams, base: URL): { body: T[]; link?: string } {
  const perPage = Math.min(MAX_PER_PAGE, Math.max(1, Number(query.get('per_page') ?? DEFAULT_PER_PAGE) || DEFAULT_PER_PAGE));
  const page = Math.max(1, Number(query.get('page') ?? 1) || 1);
  const last = Math.max(1, Math.ceil(items.length / perPage));
  const body = items.slice((page - 1) * perPage, page * perPage);
  const at = (n: number) => {
    const url = new URL(base);
    url.searchParams.set('per_page', String(perPage));
    url.searchParams.set('page', String(n));
    return `<${url.toString()}>`;
  };
  const rels: string[] = [];
  if (page > 1) rels.push(`${at(page - 1)}; rel="prev"`);
  if (page < last) rels.push(`${at(page + 1)}; rel="next"`, `${at(last)}; rel="last"`);
  if (page > 1) rels.push(`${at(1)}; rel="first"`);
  return rels.length > 0 ? { body, link: rels.join(', ') } : { body };
}

function findCommit(fixture: GitHubFixture, ref: string) {
  const wanted = ref.toLowerCase();
  const tag = fixture.releases.find((r) => r.tag_name === ref);
  const sha = tag ? fixture.tags[tag.tag_name] : undefined;
  const matches = fixture.commits.filter((c) => (sha ? c.sha === sha : c.sha.startsWith(wanted)));
  if (matches.length !== 1 || !matches[0])
    throw new ApiError(422, `No commit found for SHA: ${ref}`, 'https://docs.github.com/rest/commits/commits#get-a-commit');
  return matches[0];
}

/** `base...head`: the commits reachable from head and not from base, oldest first, as the compare endpoint lists them. */
function compare(fixture: GitHubFixture, basehead: string) {
  const [baseRef, headRef] = basehead.split('...');
  if (!baseRef || !headRef) throw new ApiError(404, 'Not Found');
  const base = findCommit(fixture, baseRef);
  const head = findCommit(fixture, headRef);
  const bySha = new Map(fixture.commits.map((c) => [c.sha, c]));
  const out: typeof fixture.commits = [];
  const queue = [head.sha];
  const seen = new Set<string>([base.sha]);
  while (queue.length > 0 && out.length < MAX_COMPARE_COMMITS) {
    const sha = queue.shift() as string;
    if (seen.has(sha)) continue;
    seen.add(sha);
    const commit = bySha.get(sha);
    if (!commit) continue;
    out.push(commit);
    for (const parent of commit.parents) queue.push(parent.sha);
  }
  const commits = out.reverse().map(({ files: _files, stats: _stats, ...summary }) => summary);
  return { status: 'ahead', ahead_by: commits.length, behind_by: 0, total_commits: commits.length, commits, files: [] };
}
