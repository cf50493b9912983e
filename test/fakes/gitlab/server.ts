import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback GitLab REST API v4 written from docs.gitlab.com/api: one project's commits (list, one, diff, compare),
 * deployments, releases and merge requests under /api/v4/projects/:id (numeric id or URL-encoded path). It speaks the
 * documented wire format: offset pagination with `page`/`per_page` (default 20, max 100) and the `x-page`,
 * `x-per-page`, `x-next-page`, `x-prev-page`, `x-total`, `x-total-pages` and `Link` headers; `RateLimit-*` headers
 * and `429 Retry later` with `Retry-After` once the limit is spent; ETag with 304; 401 `{"message":"401
 * Unauthorized"}`; 404 `{"message":"404 Project Not Found"}` and `404 Commit Not Found`.
 */

export interface GitLabFixture {
  project: { id: number; path_with_namespace: string; [key: string]: unknown };
  /** GitLab commit objects, newest first. */
  commits: { id: string; committed_date: string; parent_ids: string[]; [key: string]: unknown }[];
  /** Per commit sha, its diff entries (new_path, diff, …). */
  diffs: Record<string, Record<string, unknown>[]>;
  deployments: { id: number; created_at: string; environment: { name: string }; [key: string]: unknown }[];
  releases: Record<string, unknown>[];
  mergeRequests: { updated_at: string; state: string; [key: string]: unknown }[];
}

export interface FakeGitLab {
  url: string;
  requests: { url: string; headers: http.IncomingHttpHeaders; status: number }[];
  /** Requests left before 429s (RateLimit-Remaining). */
  setRemaining(remaining: number): void;
  close(): Promise<void>;
}

const DEFAULT_PER_PAGE = 20;
const MAX_PER_PAGE = 100;
/** Compare walks parents from `to`; bounded like the real endpoint's timeout. */
const MAX_COMPARE_COMMITS = 1_000;

class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export async function startFakeGitLab(
  fixture: GitLabFixture,
  options: { token: string; rateLimit?: number; resetAt?: number },
): Promise<FakeGitLab> {
  const limit = options.rateLimit ?? 2_000;
  const reset = options.resetAt ?? Math.floor(Date.now() / 1000) + 60;
  const state = { remaining: limit };
  const requests: FakeGitLab['requests'] = [];
  const projectKeys = new Set([String(fixture.project.id), fixture.project.path_with_namespace]);

  const findCommit = (ref: string) => {
    const matches = fixture.commits.filter((c) => c.id.startsWith(ref.toLowerCase()));
    if (matches.length !== 1 || !matches[0]) throw new ApiError(404, '404 Commit Not Found');
    return matches[0];
  };

  const route = (rest: string[], q: URLSearchParams): unknown => {
    const [a, b, c, d] = rest;
    if (a === undefined) return fixture.project;
    if (a === 'repository' && b === 'commits' && c === undefined) {
      const since = q.get('since');
      const until = q.get('until');
      return fixture.commits.filter(
        (x) =>
          (!since || Date.parse(x.committed_date) >= Date.parse(since)) && (!until || Date.parse(x.committed_date) <= Date.parse(until)),
      );
    }
    if (a === 'repository' && b === 'commits' && c !== undefined && d === undefined) return findCommit(c);
    if (a === 'repository' && b === 'commits' && c !== undefined && d === 'diff') return fixture.diffs[findCommit(c).id] ?? [];
    if (a === 'repository' && b === 'compare') {
      const from = findCommit(q.get('from') ?? '');
      const to = findCommit(q.get('to') ?? '');
      const byId = new Map(fixture.commits.map((x) => [x.id, x]));
      const out: typeof fixture.commits = [];
      const queue = [to.id];
      const seen = new Set([from.id]);
      while (queue.length > 0 && out.length < MAX_COMPARE_COMMITS) {
        const id = queue.shift() as string;
        if (seen.has(id)) continue;
        seen.add(id);
        const commit = byId.get(id);
        if (!commit) continue;
        out.push(commit);
        queue.push(...commit.parent_ids);
      }
      return { commit: to, commits: out.reverse(), diffs: [], compare_timeout: false, compare_same_ref: from.id === to.id };
    }
    if (a === 'deployments') {
      const sorted = [...fixture.deployments].sort((x, y) => Date.parse(x.created_at) - Date.parse(y.created_at) || x.id - y.id);
      return q.get('sort') === 'desc' ? sorted.reverse() : sorted;
    }
    if (a === 'releases') return fixture.releases;
    if (a === 'merge_requests') {
      const after = q.get('updated_after');
      return fixture.mergeRequests
        .filter((m) => (q.get('state') ?? 'all') === 'all' || m.state === q.get('state'))
        .filter((m) => !after || Date.parse(m.updated_at) > Date.parse(after))
        .sort((x, y) => Date.parse(y.updated_at) - Date.parse(x.updated_at));
    }
    throw new ApiError(404, '404 Not Found');
  };

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
    const send = (status: number, headers: Record<string, string>, body?: string) => {
      requests.push({ url: req.url ?? '', headers: req.headers, status });
      res.writeHead(status, headers);
      res.end(body ?? '');
    };
    const rate = () => ({
      'ratelimit-limit': String(limit),
      'ratelimit-observed': String(limit - Math.max(0, state.remaining)),
      'ratelimit-remaining': String(Math.max(0, state.remaining)),
      'ratelimit-reset': String(reset),
      'ratelimit-resettime': new Date(reset * 1000).toUTCString(),
    });
    try {
      const bearer = /^bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1];
      const token = req.headers['private-token'] ?? bearer;
      if (token !== options.token) throw new ApiError(401, '401 Unauthorized');
      if (state.remaining <= 0) {
        return send(
          429,
          { ...rate(), 'retry-after': String(Math.max(0, reset - Math.floor(Date.now() / 1000))), 'content-type': 'text/plain' },
          'Retry later\n',
        );
      }
      // The raw path keeps %2F, so a URL-encoded project path stays one segment.
      const raw = (req.url ?? '/').split('?')[0] ?? '/';
      const parts = raw.split('/').filter(Boolean);
      if (parts[0] !== 'api' || parts[1] !== 'v4' || parts[2] !== 'projects' || !parts[3]) throw new ApiError(404, '404 Not Found');
      if (!projectKeys.has(decodeURIComponent(parts[3]))) throw new ApiError(404, '404 Project Not Found');
      const body = route(parts.slice(4).map(decodeURIComponent), url.searchParams);
      const headers: Record<string, string> = { ...rate(), 'content-type': 'application/json' };
      let payload = body;
      if (Array.isArray(body)) {
        const perPage = Math.min(
          MAX_PER_PAGE,
          Math.max(1, Number(url.searchParams.get('per_page') ?? DEFAULT_PER_PAGE) || DEFAULT_PER_PAGE),
        );
        const page = Math.max(1, Number(url.searchParams.get('page') ?? 1) || 1);
        const pages = Math.max(1, Math.ceil(body.length / perPage));
        payload = body.slice((page - 1) * perPage, page * perPage);
        const at = (n: number) => {
          const next = new URL(url);
          next.searchParams.set('page', String(n));
          next.searchParams.set('per_page', String(perPage));
          return `<${next.toString()}>`;
        };
        Object.assign(headers, {
          'x-page': String(page),
          'x-per-page': String(perPage),
          'x-next-page': page < pages ? String(page + 1) : '',
          'x-prev-page': page > 1 ? String(page - 1) : '',
          'x-total': String(body.length),
          'x-total-pages': String(pages),
          link: [page < pages ? `${at(page + 1)}; rel="next"` : '', `${at(1)}; rel="first"`, `${at(pages)}; rel="last"`]
            .filter(Boolean)
            .join(', '),
        });
      }
      const text = JSON.stringify(payload);
      const etag = `W/"${createHash('md5').update(text).digest('hex')}"`;
      headers.etag = etag;
      if (req.headers['if-none-match'] === etag) return send(304, { ...rate(), etag });
      state.remaining--;
      send(200, headers, text);
    } catch (error) {
      const status = error instanceof ApiError ? error.status : 500;
      send(status, { ...rate(), 'content-type': 'application/json' }, JSON.stringify({ message: (error as Error).message }));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    setRemaining: (remaining) => {
      state.remaining = remaining;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
