import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CommitListOutput, DeploymentListOutput, GetCommitOutput } from '../../mcp-servers/git/schemas.js';
import { type Connected, call, connect, FIXTURE_DATASET } from './helpers.js';

describe('git server on a dataset', () => {
  let conn: Connected;
  beforeAll(async () => {
    conn = await connect({ dataDir: FIXTURE_DATASET });
  });
  afterAll(async () => {
    await conn.close();
  });

  it('lists the four read-only tools with described inputs', async () => {
    const { tools } = await conn.client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(['get_commit', 'get_deployments', 'get_recent_commits', 'search_commits']);
    for (const tool of tools) {
      expect(tool.annotations?.readOnlyHint).toBe(true);
      expect(tool.outputSchema).toBeDefined();
      const properties = (tool.inputSchema.properties ?? {}) as Record<string, { description?: string }>;
      expect(Object.keys(properties).length).toBeGreaterThan(0);
      for (const [field, schema] of Object.entries(properties)) expect(schema.description, `${tool.name}.${field}`).toBeTruthy();
    }
    const search = tools.find((t) => t.name === 'search_commits');
    expect(search?.inputSchema.required).toEqual(['query']);
  });

  it('get_recent_commits returns the window newest first, deriving services from paths', async () => {
    const r = await call(conn.client, 'get_recent_commits', { since: '4h' });
    expect(r.isError).toBe(false);
    const out = CommitListOutput.parse(r.structured);
    // now = 12:00Z, so 4h reaches back to 08:00Z: Dan's 10:20+02:00 (08:20Z) is in, Alice's April commit is out.
    expect(out.commits.map((c) => c.shortSha)).toEqual(['4444ddd', '3333ccc', 'abcd111', 'abcd222', '2222bbb']);
    expect(out.total).toBe(5);
    expect(out.truncated).toBe(false);
    const bySha = new Map(out.commits.map((c) => [c.shortSha, c]));
    expect(bySha.get('abcd111')?.service).toBe('checkout-api');
    expect(bySha.get('2222bbb')?.service).toBe('web');
    expect(bySha.get('3333ccc')?.service).toBeNull();
    expect(bySha.get('4444ddd')?.service).toBe('checkout-api');
    expect(bySha.get('abcd222')?.services).toEqual(['checkout-api', 'payments']);
    expect(bySha.get('abcd222')?.date).toBe('2024-05-01T08:20:00.000Z');
    expect(r.text).toContain('5 matched');
    expect(r.text).toContain('Reduce DB connection pool size to 5');
  });

  it('get_recent_commits filters by service (case-insensitive, multi-service commits included) and honours limit', async () => {
    const r = await call(conn.client, 'get_recent_commits', { service: 'Payments' });
    const out = CommitListOutput.parse(r.structured);
    expect(out.commits.map((c) => c.shortSha)).toEqual(['abcd222', '1111aaa']);
    const limited = CommitListOutput.parse((await call(conn.client, 'get_recent_commits', { limit: 2 })).structured);
    expect(limited.commits).toHaveLength(2);
    expect(limited.total).toBe(6);
    expect(limited.truncated).toBe(true);
    const text = (await call(conn.client, 'get_recent_commits', { limit: 2 })).text;
    expect(text).toMatch(/4 more matched/);
  });

  it('get_recent_commits honours an ISO until', async () => {
    const r = await call(conn.client, 'get_recent_commits', { since: '2024-05-01T00:00:00Z', until: '2024-05-01T09:00:00Z' });
    expect(CommitListOutput.parse(r.structured).commits.map((c) => c.shortSha)).toEqual(['abcd222', '2222bbb']);
  });

  it('get_deployments lists deployments newest first with shipped commits expanded to full shas', async () => {
    const r = await call(conn.client, 'get_deployments', {});
    expect(r.isError).toBe(false);
    const out = DeploymentListOutput.parse(r.structured);
    expect(out.deployments.map((d) => d.id)).toEqual(['dep-101', 'dep-102', 'dep-103', 'dep-100']);
    const dep101 = out.deployments[0];
    expect(dep101?.commits).toEqual(['abcd1111000000000000000000000000000c0003', 'abcd2222000000000000000000000000000c0004']);
    expect(dep101?.deployedAt).toBe('2024-05-01T10:30:00.000Z');
    expect(dep101?.deployedBy).toBe('Carol Diaz');
    expect(out.deployments[2]?.status).toBe('rolled_back');
    expect(r.text).toContain('checkout-api v2.4.1 → production');
  });

  it('get_deployments filters by service, environment and window', async () => {
    const prod = DeploymentListOutput.parse(
      (await call(conn.client, 'get_deployments', { service: 'checkout-api', environment: 'Production' })).structured,
    );
    expect(prod.deployments.map((d) => d.id)).toEqual(['dep-101']);
    const recent = DeploymentListOutput.parse((await call(conn.client, 'get_deployments', { since: '2h', until: '1h' })).structured);
    expect(recent.deployments.map((d) => d.id)).toEqual(['dep-101', 'dep-102']);
    const none = await call(conn.client, 'get_deployments', { environment: 'qa' });
    expect(DeploymentListOutput.parse(none.structured).total).toBe(0);
    expect(none.text).toContain('Environments in this window: production, staging');
  });

  it('search_commits matches message, file paths and author case-insensitively', async () => {
    const byMessage = CommitListOutput.parse((await call(conn.client, 'search_commits', { query: 'POOL SIZE' })).structured);
    expect(byMessage.commits.map((c) => c.shortSha)).toEqual(['abcd111']);
    const byFile = CommitListOutput.parse((await call(conn.client, 'search_commits', { query: 'db.ts' })).structured);
    expect(byFile.commits.map((c) => c.shortSha)).toEqual(['abcd222']);
    const byAuthor = CommitListOutput.parse((await call(conn.client, 'search_commits', { query: 'alice' })).structured);
    expect(byAuthor.commits.map((c) => c.shortSha)).toEqual(['4444ddd', '1111aaa']);
    const windowed = CommitListOutput.parse(
      (await call(conn.client, 'search_commits', { query: 'alice', since: '2d', until: '12h' })).structured,
    );
    expect(windowed.commits.map((c) => c.shortSha)).toEqual(['1111aaa']);
    const nothing = await call(conn.client, 'search_commits', { query: 'kubernetes' });
    expect(nothing.isError).toBe(false);
    expect(nothing.text).toContain('0 matched');
  });

  it('get_commit resolves a unique prefix and lists the deployments that shipped it', async () => {
    const r = await call(conn.client, 'get_commit', { sha: 'ABCD1111' });
    expect(r.isError).toBe(false);
    const out = GetCommitOutput.parse(r.structured);
    expect(out.commit.sha).toBe('abcd1111000000000000000000000000000c0003');
    expect(out.commit.files).toEqual(['services/checkout-api/config/db.yaml']);
    expect(out.commit.diffStat).toBeNull();
    expect(out.deployments.map((d) => d.id).sort()).toEqual(['dep-101', 'dep-102']);
    expect(r.text).toContain('Saves memory on the small instances.');
    expect(r.text).toContain('Shipped by 2 deployment(s)');
  });

  it('get_commit says when no deployment shipped a commit', async () => {
    const r = await call(conn.client, 'get_commit', { sha: '3333cccc0000000000000000000000000000c005' });
    expect(GetCommitOutput.parse(r.structured).deployments).toEqual([]);
    expect(r.text).toContain('no known deployment');
  });
});
