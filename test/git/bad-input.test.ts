import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitConfigError } from '../../mcp-servers/git/config.js';
import { DeploymentListOutput } from '../../mcp-servers/git/schemas.js';
import { createServer } from '../../mcp-servers/git/server.js';
import { type Connected, call, connect, FIXTURE_DATASET, tempDir } from './helpers.js';

describe('git server rejects bad input with a clear error', () => {
  let conn: Connected;
  beforeAll(async () => {
    conn = await connect({ dataDir: FIXTURE_DATASET });
  });
  afterAll(async () => {
    await conn.close();
  });

  it('an unknown service names the known ones', async () => {
    for (const tool of ['get_recent_commits', 'get_deployments']) {
      const r = await call(conn.client, tool, { service: 'billing' });
      expect(r.isError).toBe(true);
      expect(r.text).toContain('unknown service "billing"; known: checkout-api, payments, web');
    }
  });

  it('a malformed time names the field and the accepted forms', async () => {
    const r = await call(conn.client, 'get_recent_commits', { since: 'yesterday-ish' });
    expect(r.isError).toBe(true);
    expect(r.text).toMatch(/since "yesterday-ish" is not a time/);
    expect(r.text).toContain('30m');
  });

  it('since after until is refused', async () => {
    const r = await call(conn.client, 'get_deployments', { since: '1h', until: '3h' });
    expect(r.isError).toBe(true);
    expect(r.text).toContain('is after until');
  });

  it('an empty or blank query is refused with a hint', async () => {
    for (const query of ['', '   ']) {
      const r = await call(conn.client, 'search_commits', { query });
      expect(r.isError).toBe(true);
      expect(r.text).toContain('query is empty');
      expect(r.text).toContain('Hint:');
    }
    const missing = await call(conn.client, 'search_commits', {});
    expect(missing.isError).toBe(true);
    expect(missing.text).toMatch(/query/);
  });

  it('a limit above the maximum is refused', async () => {
    const r = await call(conn.client, 'get_recent_commits', { limit: 10_000 });
    expect(r.isError).toBe(true);
    expect(r.text).toMatch(/limit/);
  });

  it('an ambiguous sha prefix lists the candidates', async () => {
    const r = await call(conn.client, 'get_commit', { sha: 'abcd' });
    expect(r.isError).toBe(true);
    expect(r.text).toContain('sha prefix "abcd" is ambiguous: 2 commits match');
    expect(r.text).toContain('abcd11110000');
    expect(r.text).toContain('abcd22220000');
    expect(r.text).toContain('Reduce DB connection pool size');
  });

  it('an unknown sha says so', async () => {
    const r = await call(conn.client, 'get_commit', { sha: 'feedface' });
    expect(r.isError).toBe(true);
    expect(r.text).toContain('no commit matches sha "feedface"');
  });

  it('malformed shas, including injection attempts, are refused before any lookup', async () => {
    for (const sha of ['abc', 'xyz12345', '--output=/tmp/x', 'HEAD;rm -rf /', 'HEAD', '../../etc/passwd', '']) {
      const r = await call(conn.client, 'get_commit', { sha });
      expect(r.isError, sha).toBe(true);
      expect(r.text, sha).toContain('is malformed');
    }
  });
});

describe('git server on broken or partial datasets', () => {
  it('a corrupt commits.json names the file, line and column; deployments still work', async () => {
    const dir = tempDir('ip-git-corrupt-');
    mkdirSync(path.join(dir, 'git'));
    writeFileSync(path.join(dir, 'git', 'commits.json'), '[\n  { "sha": "abcd1234",\n    "author": "x" "date": 1 }\n]\n');
    writeFileSync(
      path.join(dir, 'git', 'deployments.json'),
      JSON.stringify([
        { id: 'd1', service: 'api', version: '1', environment: 'production', status: 'succeeded', deployed_at: '2024-05-01T10:00:00Z' },
      ]),
    );
    const conn = await connect({ dataDir: dir });
    try {
      const r = await call(conn.client, 'get_recent_commits', {});
      expect(r.isError).toBe(true);
      expect(r.text).toContain(path.join(dir, 'git', 'commits.json'));
      expect(r.text).toMatch(/line 3, column \d+/);
      const d = await call(conn.client, 'get_deployments', {});
      expect(d.isError).toBe(false);
      expect(DeploymentListOutput.parse(d.structured).deployments.map((x) => x.id)).toEqual(['d1']);
    } finally {
      await conn.close();
    }
  });

  it('a commits.json that breaks the format names the file and the field', async () => {
    const dir = tempDir('ip-git-badshape-');
    mkdirSync(path.join(dir, 'git'));
    writeFileSync(
      path.join(dir, 'git', 'commits.json'),
      JSON.stringify([{ sha: 'not-hex!', author: 'a', date: '2024-05-01T00:00:00Z', message: 'm' }]),
    );
    const conn = await connect({ dataDir: dir });
    try {
      const r = await call(conn.client, 'search_commits', { query: 'm' });
      expect(r.isError).toBe(true);
      expect(r.text).toContain('commits.json does not match the dataset format at 0.sha');
    } finally {
      await conn.close();
    }
  });

  it('a dataset without git files says plainly there is nothing, without failing', async () => {
    const dir = tempDir('ip-git-empty-');
    const conn = await connect({ dataDir: dir });
    try {
      const commits = await call(conn.client, 'get_recent_commits', { since: '2h' });
      expect(commits.isError).toBe(false);
      expect(commits.text).toContain('There are no commits in dataset');
      expect(commits.structured.commits).toEqual([]);
      const deployments = await call(conn.client, 'get_deployments', {});
      expect(deployments.isError).toBe(false);
      expect(deployments.text).toContain('There are no deployments in dataset');
      const one = await call(conn.client, 'get_commit', { sha: 'abcd1234' });
      expect(one.isError).toBe(true);
      expect(one.text).toContain('no commits');
    } finally {
      await conn.close();
    }
  });

  it('invalid configuration is refused when the server is created', () => {
    expect(() => createServer({ dataDir: FIXTURE_DATASET, servicePaths: 'services/app/**' })).toThrow(GitConfigError);
    expect(() => createServer({ repoPath: FIXTURE_DATASET, ref: '--output=/tmp/x' })).toThrow(/GIT_REF/);
    expect(() => createServer({ repoPath: FIXTURE_DATASET, deployTagPattern: ' , ' })).toThrow(/GIT_DEPLOY_TAG_PATTERN/);
  });
});
