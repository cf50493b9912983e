import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { MAX_REQUESTS_PER_CALL } from '../../mcp-servers/git/backends/remote/budget.js';
import { type FakeGitHub, startFakeGitHub } from '../fakes/github/server.js';
import { COMMITS, manyCommits, NOW, parityFixture, REPOSITORY, sha, TOKEN, writeDataset } from './github-helpers.js';
import { type Connected, call, connect } from './helpers.js';

/** The git server's four tools over the fake GitHub (driven by Octokit, unchanged) against the dataset backend. */

async function connectGitHub(fake: FakeGitHub, dataDir: string, overrides: { token?: string; repository?: string; apiUrl?: string } = {}) {
  return connect({
    dataDir,
    github: { repository: overrides.repository ?? REPOSITORY, token: overrides.token ?? TOKEN, apiUrl: overrides.apiUrl ?? fake.url },
  });
}

// biome-ignore lint/suspicious/noExplicitAny: structured tool output is compared loosely.
function withoutSource(list: any[]): any[] {
  return list.map(({ source: _source, ...rest }) => rest);
}

describe('GitHub backend answers as the dataset backend does for the same history', () => {
  let fake: FakeGitHub;
  let github: Connected;
  let dataset: Connected;
  beforeAll(async () => {
    const dir = writeDataset();
    fake = await startFakeGitHub(parityFixture(), { repository: REPOSITORY, token: TOKEN });
    github = await connectGitHub(fake, dir);
    dataset = await connect({ dataDir: dir });
  });
  afterAll(async () => {
    await github.close();
    await dataset.close();
    await fake.close();
  });

  it('get_recent_commits: same commits, files and services', async () => {
    for (const args of [{}, { since: '3h' }, { since: '2024-05-01T08:15:00Z', until: '2024-05-01T09:30:00Z' }, { service: 'payments' }]) {
      const a = await call(github.client, 'get_recent_commits', args);
      const b = await call(dataset.client, 'get_recent_commits', args);
      expect(a.isError, a.text).toBe(false);
      expect(a.structured.commits).toEqual(b.structured.commits);
      expect(a.structured.total).toBe(b.structured.total);
    }
  });

  it('get_deployments: same deployments, statuses, times, people and shipped commits', async () => {
    for (const args of [{}, { since: '3h' }, { environment: 'staging' }, { service: 'checkout-api' }]) {
      const a = await call(github.client, 'get_deployments', args);
      const b = await call(dataset.client, 'get_deployments', args);
      expect(a.isError, a.text).toBe(false);
      expect(withoutSource(a.structured.deployments)).toEqual(withoutSource(b.structured.deployments));
      expect(a.structured.deployments.length).toBeGreaterThan(0);
    }
    const all = await call(github.client, 'get_deployments', {});
    expect(all.structured.deployments.find((d: { id: string }) => d.id === '103').status).toBe('failed');
    expect(all.structured.deployments[0].source).toBe('GitHub deployment 103');
  });

  it('search_commits: same matches', async () => {
    for (const query of ['retry', 'db.yaml', 'carol']) {
      const a = await call(github.client, 'search_commits', { query });
      const b = await call(dataset.client, 'search_commits', { query });
      expect(a.structured.commits).toEqual(b.structured.commits);
      expect(a.structured.total).toBeGreaterThan(0);
    }
  });

  it('get_commit: same commit and shipping deployments, plus a diff stat only the API has', async () => {
    const a = await call(github.client, 'get_commit', { sha: 'c3cc000' });
    const b = await call(dataset.client, 'get_commit', { sha: 'c3cc000' });
    expect(a.isError, a.text).toBe(false);
    const { diffStat, diffStatFilesTotal, ...commit } = a.structured.commit;
    const { diffStat: none, diffStatFilesTotal: _t, ...datasetCommit } = b.structured.commit;
    expect(commit).toEqual(datasetCommit);
    expect(none).toBeNull();
    expect(diffStatFilesTotal).toBe(3);
    expect(diffStat[0]).toEqual({ file: 'services/checkout-api/src/b.ts', added: 3, removed: 1 });
    expect(withoutSource(a.structured.deployments)).toEqual(withoutSource(b.structured.deployments));
    expect(a.structured.deployments.map((d: { id: string }) => d.id).sort()).toEqual(['102', '104']);
  });

  it('a repeated call is answered from 304s, which cost no rate limit', async () => {
    await call(github.client, 'get_deployments', { since: '3h' });
    const usedBefore = fake.used();
    const before = fake.requests.length;
    const again = await call(github.client, 'get_deployments', { since: '3h' });
    expect(again.isError).toBe(false);
    const repeated = fake.requests.slice(before);
    expect(repeated.length).toBeGreaterThan(0);
    expect(
      repeated.map((r) => `${r.status} ${typeof r.headers['if-none-match']} ${r.url}`).filter((r) => !r.startsWith('304 string')),
    ).toEqual([]);
    expect(fake.used()).toBe(usedBefore);
  });
});

describe('GitHub backend: pagination, budgets and pull requests', () => {
  const opened: { close(): Promise<void> }[] = [];
  afterEach(async () => {
    for (const o of opened.splice(0).reverse()) await o.close();
  });
  async function open(commits = COMMITS, fixtureEdit?: (f: ReturnType<typeof parityFixture>) => void) {
    const fixture = parityFixture(commits, commits === COMMITS ? undefined : []);
    fixtureEdit?.(fixture);
    const fake = await startFakeGitHub(fixture, { repository: REPOSITORY, token: TOKEN });
    const conn = await connectGitHub(fake, writeDataset(commits, []));
    opened.push(fake, conn);
    return { fake, conn };
  }

  it('follows Link headers across pages of 100 and reads every commit in the window', async () => {
    const { fake, conn } = await open(manyCommits(250));
    const r = await call(conn.client, 'get_recent_commits', { since: '1d', limit: 100 });
    expect(r.isError, r.text).toBe(false);
    expect(r.structured.total).toBe(250);
    const listPages = fake.requests.filter((q) => /\/commits\?/.test(q.url));
    expect(listPages.map((q) => new URL(q.url, fake.url).searchParams.get('page') ?? '1')).toEqual(['1', '2', '3']);
    expect(listPages.every((q) => new URL(q.url, fake.url).searchParams.get('per_page') === '100')).toBe(true);
  });

  it('fetches files for the newest 25 commits only and says so', async () => {
    const { fake, conn } = await open(manyCommits(30));
    const r = await call(conn.client, 'get_recent_commits', { since: '1d' });
    expect(r.structured.note).toContain('newest 25 of 30');
    expect(fake.requests.filter((q) => /\/commits\/[0-9a-f]{40}/.test(q.url))).toHaveLength(25);
    expect(r.structured.commits[0].files).toHaveLength(1);
  });

  it('stops at the per-call request budget and tells the caller to narrow the window', async () => {
    const { fake, conn } = await open(manyCommits(MAX_REQUESTS_PER_CALL * 100 + 50));
    const r = await call(conn.client, 'get_recent_commits', { since: '7d' });
    expect(r.isError, r.text).toBe(false);
    expect(r.structured.note).toContain('MAX_REQUESTS_PER_CALL');
    expect(r.structured.total).toBe(MAX_REQUESTS_PER_CALL * 100);
    expect(fake.requests.length).toBeLessThanOrEqual(MAX_REQUESTS_PER_CALL + 2);
  });

  it("a service's deployment ships only the commits of the range that touched that service", async () => {
    const commits = [
      { sha: sha('a1'), author: 'A', date: '2024-05-01T08:00:00Z', message: 'checkout one', files: ['services/checkout-api/a.ts'] },
      { sha: sha('b2'), author: 'B', date: '2024-05-01T08:10:00Z', message: 'payments only', files: ['services/payments/p.ts'] },
      { sha: sha('a3'), author: 'A', date: '2024-05-01T08:20:00Z', message: 'checkout two', files: ['services/checkout-api/b.ts'] },
    ];
    const deployments = [
      {
        id: '201',
        service: 'checkout-api',
        version: 'v1',
        environment: 'production',
        status: 'succeeded',
        deployed_at: '2024-05-01T08:05:00Z',
        commits: [sha('a1')],
      },
      {
        id: '202',
        service: 'checkout-api',
        version: 'v2',
        environment: 'production',
        status: 'succeeded',
        deployed_at: '2024-05-01T08:25:00Z',
        commits: [sha('a3')],
      },
    ];
    const fake = await startFakeGitHub(parityFixture(commits, deployments), { repository: REPOSITORY, token: TOKEN });
    const conn = await connectGitHub(fake, writeDataset(commits, deployments));
    opened.push(fake, conn);
    const r = await call(conn.client, 'get_deployments', {});
    expect(r.structured.deployments.map((d: { id: string; commits: string[] }) => [d.id, d.commits])).toEqual([
      ['202', [sha('a3')]],
      ['201', [sha('a1')]],
    ]);
  });

  it("names a commit and a deployment's commits by the merged pull request", async () => {
    const { conn } = await open(COMMITS, (f) => {
      f.pulls.push(
        {
          number: 7,
          state: 'closed',
          title: 'Lower the DB pool',
          labels: [{ name: 'config' }],
          merged_at: '2024-05-01T08:30:00Z',
          merge_commit_sha: sha('c2bb'),
          created_at: '2024-05-01T07:00:00Z',
          updated_at: '2024-05-01T08:31:00Z',
        },
        {
          number: 8,
          state: 'closed',
          title: 'Abandoned',
          labels: [],
          merged_at: null,
          merge_commit_sha: sha('c3cc'),
          created_at: '2024-05-01T07:00:00Z',
          updated_at: '2024-05-01T08:32:00Z',
        },
      );
    });
    const commits = await call(conn.client, 'get_recent_commits', {});
    const c2 = commits.structured.commits.find((c: { sha: string }) => c.sha === sha('c2bb'));
    expect(c2.pullRequest).toEqual({ number: 7, title: 'Lower the DB pool', labels: ['config'], mergedAt: '2024-05-01T08:30:00Z' });
    expect(commits.text).toContain('(PR #7 [config])');
    const c3 = commits.structured.commits.find((c: { sha: string }) => c.sha === sha('c3cc'));
    expect(c3.pullRequest).toBeUndefined();
    const deployments = await call(conn.client, 'get_deployments', {});
    const d102 = deployments.structured.deployments.find((d: { id: string }) => d.id === '102');
    expect(d102.description).toBe('pool size — PRs: #7 Lower the DB pool [config]');
  });

  it('lists releases as deployments when the repository records no Deployments', async () => {
    const { conn } = await open(COMMITS, (f) => {
      f.deployments.length = 0;
      f.releases.push(
        {
          tag_name: 'v1.1.0',
          name: 'Pool change',
          created_at: '2024-05-01T09:10:00Z',
          published_at: '2024-05-01T09:12:00Z',
          author: { login: 'carol' },
        },
        { tag_name: 'v1.0.0', name: null, created_at: '2024-05-01T08:10:00Z', published_at: '2024-05-01T08:10:00Z' },
        { tag_name: 'v0.9.0', name: 'draft', draft: true, created_at: '2024-05-01T08:05:00Z', published_at: null },
      );
      f.tags['v1.1.0'] = sha('c3cc');
      f.tags['v1.0.0'] = sha('c1aa');
    });
    const r = await call(conn.client, 'get_deployments', {});
    expect(r.isError, r.text).toBe(false);
    expect(r.structured.note).toContain('releases are listed as deployments');
    expect(r.structured.deployments.map((d: { id: string }) => d.id)).toEqual(['v1.1.0', 'v1.0.0']);
    expect(r.structured.deployments[0]).toMatchObject({
      service: 'shop',
      status: 'published',
      deployedAt: '2024-05-01T09:12:00.000Z',
      deployedBy: 'carol',
      commits: [sha('c3cc'), sha('c2bb')],
    });
  });
});

describe('GitHub backend: errors are tool errors with hints, and never show the token', () => {
  let fake: FakeGitHub;
  let dir: string;
  const errors: string[] = [];
  beforeAll(async () => {
    dir = writeDataset();
    fake = await startFakeGitHub(parityFixture(manyCommits(250), []), {
      repository: REPOSITORY,
      token: TOKEN,
      rateLimitReset: Date.parse(NOW) / 1000 + 600,
    });
    vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
      errors.push(args.map(String).join(' '));
    });
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    await fake.close();
    expect(errors.join('\n')).not.toContain(TOKEN);
  });

  async function once(overrides: Parameters<typeof connectGitHub>[2], tool: string, args: Record<string, unknown>) {
    const conn = await connectGitHub(fake, dir, overrides);
    try {
      const r = await call(conn.client, tool, args);
      expect(r.text).not.toContain(TOKEN);
      expect(r.text).not.toContain(TOKEN.slice(4, 20));
      return r;
    } finally {
      await conn.close();
    }
  }

  it('a bad or expired token names GITHUB_TOKEN', async () => {
    const r = await once({ token: `${TOKEN}x` }, 'get_recent_commits', {});
    expect(r.isError).toBe(true);
    expect(r.text).toContain('GitHub rejected GITHUB_TOKEN (401 Bad credentials');
    expect(r.text).toContain('Hint:');
    expect(r.text).not.toContain(`${TOKEN}x`);
  });

  it('a repository that does not exist names GITHUB_REPOSITORY', async () => {
    const r = await once({ repository: 'acme/nope' }, 'get_deployments', {});
    expect(r.isError).toBe(true);
    expect(r.text).toContain('GitHub answered 404 for acme/nope');
    expect(r.text).toContain('check GITHUB_REPOSITORY');
  });

  it('an unreachable host names GITHUB_API_URL', async () => {
    const closed = await closedPort();
    const r = await once({ apiUrl: `http://127.0.0.1:${closed}` }, 'get_recent_commits', {});
    expect(r.isError).toBe(true);
    expect(r.text).toContain(`cannot reach the GitHub API at http://127.0.0.1:${closed} (ECONNREFUSED)`);
    expect(r.text).toContain('GITHUB_API_URL');
  });

  it('the rate limit running out mid-call says when it resets', async () => {
    fake.setRemaining(2);
    const r = await once({}, 'get_recent_commits', { since: '1d' });
    fake.setRemaining(5_000);
    expect(r.isError).toBe(true);
    expect(r.text).toContain("GitHub's rate limit for GITHUB_TOKEN is used up; it resets at 2024-05-01T12:10:00.000Z");
    expect(fake.requests.at(-1)?.status).toBe(403);
  });

  it('a short secondary limit (429, retry-after 1) is waited out once', async () => {
    fake.failSecondary(429, 1, 1);
    const before = fake.requests.length;
    const r = await once({}, 'get_commit', { sha: sha('c3cc').slice(0, 8) === '' ? '' : manyCommitsSha() });
    expect(r.isError, r.text).toBe(false);
    expect(fake.requests.slice(before, before + 2).map((q) => q.status)).toEqual([429, 200]);
  });

  it('a long secondary limit (403, retry-after 60) is a tool error naming the wait', async () => {
    fake.failSecondary(403, 60, 1);
    const r = await once({}, 'get_commit', { sha: manyCommitsSha() });
    expect(r.isError).toBe(true);
    expect(r.text).toContain("GitHub's secondary rate limit stopped the call; retry after 60 s");
  });

  it('a sha GitHub does not know is a tool error', async () => {
    const r = await once({}, 'get_commit', { sha: 'deadbeef' });
    expect(r.isError).toBe(true);
    expect(r.text).toContain('No commit found for SHA: deadbeef');
  });
});

function manyCommitsSha(): string {
  return manyCommits(1)[0]?.sha ?? '';
}

/** A loopback port nothing listens on: bound once, then closed. */
async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
