import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { gitHubToGitLabFixture } from '../fakes/gitlab/from-github.js';
import { type FakeGitLab, startFakeGitLab } from '../fakes/gitlab/server.js';
import { COMMITS, manyCommits, NOW, parityFixture, sha, writeDataset } from './github-helpers.js';
import { type Connected, call, connect } from './helpers.js';

/** The git server's four tools over the fake GitLab (its REST v4 wire format) against the dataset backend. */

const TOKEN = 'glpat-S3cretGitLabToken00000000';
const PROJECT = 'acme/shop';

function connectGitLab(url: string, dataDir: string, overrides: { token?: string; project?: string } = {}) {
  return connect({ dataDir, gitlab: { url, project: overrides.project ?? PROJECT, token: overrides.token ?? TOKEN } });
}

// biome-ignore lint/suspicious/noExplicitAny: structured tool output is compared loosely.
function comparable(list: any[]): any[] {
  // GitLab deployments carry no service or description of their own (docs/git.md): everything else must agree.
  return list.map(({ source: _source, service: _service, description: _description, ...rest }) => rest);
}

describe('GitLab backend answers as the dataset backend does for the same history', () => {
  let fake: FakeGitLab;
  let gitlab: Connected;
  let dataset: Connected;
  beforeAll(async () => {
    const dir = writeDataset();
    fake = await startFakeGitLab(gitHubToGitLabFixture(parityFixture(), PROJECT), { token: TOKEN });
    gitlab = await connectGitLab(fake.url, dir);
    dataset = await connect({ dataDir: dir });
  });
  afterAll(async () => {
    await gitlab.close();
    await dataset.close();
    await fake.close();
  });

  it('get_recent_commits and search_commits: same commits, files and services', async () => {
    for (const [tool, args] of [
      ['get_recent_commits', {}],
      ['get_recent_commits', { since: '3h' }],
      ['get_recent_commits', { since: '2024-05-01T08:15:00Z', until: '2024-05-01T09:30:00Z' }],
      ['search_commits', { query: 'retry' }],
    ] as const) {
      const a = await call(gitlab.client, tool, args);
      const b = await call(dataset.client, tool, args);
      expect(a.isError, a.text).toBe(false);
      expect(a.structured.commits).toEqual(b.structured.commits);
      expect(a.structured.total).toBeGreaterThan(0);
    }
  });

  it('get_deployments: same deployments, statuses, times, people and shipped commits', async () => {
    for (const args of [{}, { since: '3h' }, { environment: 'staging' }]) {
      const a = await call(gitlab.client, 'get_deployments', args);
      const b = await call(dataset.client, 'get_deployments', args);
      expect(a.isError, a.text).toBe(false);
      expect(comparable(a.structured.deployments)).toEqual(comparable(b.structured.deployments));
      expect(a.structured.deployments.length).toBeGreaterThan(0);
    }
  });

  it('get_commit: same commit and shipping deployments, and a diff stat counted from the diff', async () => {
    const a = await call(gitlab.client, 'get_commit', { sha: 'c3cc000' });
    const b = await call(dataset.client, 'get_commit', { sha: 'c3cc000' });
    expect(a.isError, a.text).toBe(false);
    const { diffStat, diffStatFilesTotal: _a, ...commit } = a.structured.commit;
    const { diffStat: _none, diffStatFilesTotal: _b, ...datasetCommit } = b.structured.commit;
    expect(commit).toEqual(datasetCommit);
    expect(diffStat[0]).toEqual({ file: 'services/checkout-api/src/b.ts', added: 3, removed: 1 });
    expect(comparable(a.structured.deployments)).toEqual(comparable(b.structured.deployments));
  });

  it('a repeated call is answered from 304s', async () => {
    await call(gitlab.client, 'get_recent_commits', { since: '3h' });
    const before = fake.requests.length;
    await call(gitlab.client, 'get_recent_commits', { since: '3h' });
    const repeated = fake.requests.slice(before);
    expect(repeated.length).toBeGreaterThan(0);
    expect(repeated.filter((r) => r.status !== 304)).toEqual([]);
  });
});

describe('GitLab backend: pagination, merge requests and errors', () => {
  const opened: { close(): Promise<void> }[] = [];
  afterEach(async () => {
    for (const o of opened.splice(0).reverse()) await o.close();
  });
  async function open(commits = COMMITS, edit?: (f: ReturnType<typeof gitHubToGitLabFixture>) => void, resetAt?: number) {
    const fixture = gitHubToGitLabFixture(parityFixture(commits, commits === COMMITS ? undefined : []), PROJECT);
    edit?.(fixture);
    const fake = await startFakeGitLab(fixture, { token: TOKEN, ...(resetAt ? { resetAt } : {}) });
    opened.push(fake);
    return { fake, dir: writeDataset(commits, []) };
  }
  async function once(url: string, dir: string, tool: string, args: Record<string, unknown>, overrides = {}) {
    const conn = await connectGitLab(url, dir, overrides);
    try {
      const r = await call(conn.client, tool, args);
      expect(r.text).not.toContain(TOKEN);
      return r;
    } finally {
      await conn.close();
    }
  }

  it('follows x-next-page across pages of 100', async () => {
    const { fake, dir } = await open(manyCommits(250));
    const r = await once(fake.url, dir, 'get_recent_commits', { since: '1d', limit: 10 });
    expect(r.structured.total).toBe(250);
    const pages = fake.requests
      .filter((q) => /\/repository\/commits\?/.test(q.url))
      .map((q) => new URL(q.url, fake.url).searchParams.get('page'));
    expect(pages).toEqual(['1', '2', '3']);
  });

  it('names commits by their merged merge request', async () => {
    const { fake, dir } = await open(COMMITS, (f) => {
      f.mergeRequests.push({
        iid: 31,
        title: 'Lower the DB pool',
        state: 'merged',
        labels: ['config'],
        merged_at: '2024-05-01T08:30:00Z',
        merge_commit_sha: sha('c2bb'),
        updated_at: '2024-05-01T08:31:00Z',
      });
    });
    const r = await once(fake.url, dir, 'get_recent_commits', {});
    expect(r.text).toContain('(PR #31 [config])');
  });

  it('a bad token names GITLAB_TOKEN', async () => {
    const { fake, dir } = await open();
    const r = await once(fake.url, dir, 'get_deployments', {}, { token: `${TOKEN}x` });
    expect(r.isError).toBe(true);
    expect(r.text).toContain('GitLab rejected GITLAB_TOKEN (401 Unauthorized)');
    expect(r.text).not.toContain(`${TOKEN}x`);
  });

  it('a project that does not exist names GITLAB_PROJECT', async () => {
    const { fake, dir } = await open();
    const r = await once(fake.url, dir, 'get_recent_commits', {}, { project: 'acme/nope' });
    expect(r.isError).toBe(true);
    expect(r.text).toContain('GitLab answered 404 for project acme/nope');
    expect(r.text).toContain('check GITLAB_PROJECT');
  });

  it('the rate limit running out mid-call says when it resets', async () => {
    const { fake, dir } = await open(manyCommits(250), undefined, Date.parse(NOW) / 1000 + 300);
    fake.setRemaining(1);
    const r = await once(fake.url, dir, 'get_recent_commits', { since: '1d' });
    expect(r.isError).toBe(true);
    expect(r.text).toContain("GitLab's rate limit for GITLAB_TOKEN is reached; it resets at 2024-05-01T12:05:00.000Z");
    expect(fake.requests.at(-1)?.status).toBe(429);
  });

  it('an unreachable host names GITLAB_URL', async () => {
    const { dir } = await open();
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    const r = await once(`http://127.0.0.1:${port}`, dir, 'get_recent_commits', {});
    expect(r.isError).toBe(true);
    expect(r.text).toContain(`cannot reach GitLab at http://127.0.0.1:${port} (ECONNREFUSED)`);
    expect(r.text).toContain('GITLAB_URL');
  });
});
