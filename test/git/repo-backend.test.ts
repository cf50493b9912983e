import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CommitListOutput, DeploymentListOutput, GetCommitOutput } from '../../mcp-servers/git/schemas.js';
import { type Connected, call, connect, FIXTURE_DATASET, TempRepo, tempDir } from './helpers.js';

/** A small monorepo: two services under services/, an app under apps/, plain and service-qualified release tags. */
function buildShop() {
  const repo = new TempRepo('shop');
  const c1 = repo.commit('Initial services', '2024-05-01T08:00:00Z', {
    'services/checkout-api/src/app.ts': 'export const app = 1;\n',
    'services/payments/src/pay.ts': 'export const pay = 1;\n',
    'README.md': '# shop\n',
  });
  repo.tagAnnotated('v1.0.0', '2024-05-01T08:30:00Z', 'First release');
  const c2 = repo.commit(
    'Reduce DB pool size to 5\n\nSaves memory.',
    '2024-05-01T09:00:00Z',
    { 'services/checkout-api/config/db.yaml': 'pool: 5\n' },
    'Carol Diaz',
  );
  const c3 = repo.commit('Payments timeout', '2024-05-01T09:10:00Z', {
    'services/payments/src/pay.ts': 'export const pay = 2;\nexport const timeout = 5;\n',
    'apps/admin/x.ts': 'x\n',
  });
  repo.tagAnnotated('checkout-api/v2.4.1', '2024-05-01T09:30:00Z', 'Checkout release');
  repo.tagLight('nightly-2024', '2024-05-01T09:40:00Z');
  repo.write('web/logo.png', '');
  writeFileSync(path.join(repo.dir, 'web/logo.png'), Buffer.from([0, 1, 2, 0, 255, 0, 3]));
  const c4 = repo.commit('Add logo', '2024-05-01T10:00:00Z', { 'docs/x.md': 'one\ntwo\nthree\n' });
  repo.tagLight('payments@1.2.0', '2024-05-01T10:05:00Z');
  const c5 = repo.commit('Admin fix', '2024-05-01T10:30:00Z', { 'apps/admin/y.ts': 'y\n' });
  repo.tagAnnotated('checkout-api/v2.4.2', '2024-05-01T11:00:00Z', 'Checkout patch');
  const bulk: Record<string, string> = {};
  for (let i = 0; i < 120; i += 1) bulk[`vendor/lib/f${String(i).padStart(3, '0')}.js`] = `module.exports = ${i};\n`.repeat((i % 7) + 1);
  const c6 = repo.commit('Vendor bulk update', '2024-05-01T11:30:00Z', bulk);
  return { repo, c1, c2, c3, c4, c5, c6 };
}

describe('git server on a real repository', () => {
  let shop: ReturnType<typeof buildShop>;
  let conn: Connected;
  beforeAll(async () => {
    shop = buildShop();
    conn = await connect({ repoPath: shop.repo.dir, servicePaths: 'services/*/**,apps/*/**', dataDir: FIXTURE_DATASET });
  });
  afterAll(async () => {
    await conn.close();
  });

  it('reads commits from git log, newest first, with files and mapped services', async () => {
    const r = await call(conn.client, 'get_recent_commits', { since: '2024-05-01T08:00:00Z', until: '2024-05-01T10:30:00Z' });
    expect(r.isError).toBe(false);
    const out = CommitListOutput.parse(r.structured);
    expect(out.commits.map((c) => c.sha)).toEqual([shop.c5, shop.c4, shop.c3, shop.c2, shop.c1]);
    const c3 = out.commits[2];
    expect(c3?.files.sort()).toEqual(['apps/admin/x.ts', 'services/payments/src/pay.ts']);
    // One file each: the tie goes to the first file git lists (alphabetical).
    expect(c3?.services).toEqual(['admin', 'payments']);
    expect(out.commits[0]?.service).toBe('admin');
    expect(out.commits[3]).toMatchObject({
      author: 'Carol Diaz',
      date: '2024-05-01T09:00:00.000Z',
      message: 'Reduce DB pool size to 5\n\nSaves memory.',
    });
    expect(out.commits[3]?.service).toBe('checkout-api');
    expect(r.text).toContain('Carol Diaz: Reduce DB pool size to 5');
  });

  it("anchors relative windows on DATA_DIR's dataset.json now", async () => {
    // The fixture dataset's now is 12:00Z, so 3h reaches back to 09:00Z.
    const out = CommitListOutput.parse((await call(conn.client, 'get_recent_commits', { since: '3h' })).structured);
    expect(out.commits.map((c) => c.sha)).toEqual([shop.c6, shop.c5, shop.c4, shop.c3, shop.c2]);
  });

  it('filters by a mapped service and names known services on a miss', async () => {
    const out = CommitListOutput.parse((await call(conn.client, 'get_recent_commits', { service: 'admin' })).structured);
    expect(out.commits.map((c) => c.sha)).toEqual([shop.c5, shop.c3]);
    const miss = await call(conn.client, 'get_recent_commits', { service: 'billing' });
    expect(miss.isError).toBe(true);
    expect(miss.text).toContain('known: admin, checkout-api, docs, payments, shop, vendor, web');
  });

  it('search_commits searches messages, files and authors', async () => {
    const byFile = CommitListOutput.parse((await call(conn.client, 'search_commits', { query: 'db.yaml' })).structured);
    expect(byFile.commits.map((c) => c.sha)).toEqual([shop.c2]);
    const byAuthor = CommitListOutput.parse((await call(conn.client, 'search_commits', { query: 'carol' })).structured);
    expect(byAuthor.commits.map((c) => c.sha)).toEqual([shop.c2]);
  });

  it('turns release tags into deployments with the commits each shipped', async () => {
    const r = await call(conn.client, 'get_deployments', {});
    expect(r.isError).toBe(false);
    const out = DeploymentListOutput.parse(r.structured);
    expect(out.deployments.map((d) => d.id)).toEqual(['checkout-api/v2.4.2', 'payments@1.2.0', 'checkout-api/v2.4.1', 'v1.0.0']);
    const [v242, pay120, v241, v100] = out.deployments;
    expect(v242).toMatchObject({
      service: 'checkout-api',
      version: 'v2.4.2',
      deployedAt: '2024-05-01T11:00:00.000Z',
      deployedBy: 'Release Bot',
    });
    expect(v242?.commits).toEqual([shop.c5, shop.c4]);
    expect(v242?.description).toBe('Checkout patch');
    // A lightweight tag carries no tagger: its date is the commit's.
    expect(pay120).toMatchObject({
      service: 'payments',
      version: '1.2.0',
      deployedAt: '2024-05-01T10:00:00.000Z',
      deployedBy: null,
      description: null,
    });
    // In a monorepo a release ships its own service's commits, not every team's work since its previous tag.
    expect(pay120?.commits).toEqual([shop.c3, shop.c1]);
    expect(v241?.commits).toEqual([shop.c2, shop.c1]);
    expect(v100).toMatchObject({ service: 'shop', version: 'v1.0.0', environment: 'production' });
    expect(v100?.commits).toEqual([shop.c1]);
    expect(r.text).not.toContain('nightly');
  });

  it('filters tag deployments by service and window', async () => {
    const out = DeploymentListOutput.parse(
      (
        await call(conn.client, 'get_deployments', {
          service: 'checkout-api',
          since: '2024-05-01T09:00:00Z',
          until: '2024-05-01T10:00:00Z',
        })
      ).structured,
    );
    expect(out.deployments.map((d) => d.id)).toEqual(['checkout-api/v2.4.1']);
  });

  it('get_commit gives files, a diff stat and the releases that first shipped it', async () => {
    const r = await call(conn.client, 'get_commit', { sha: shop.c2.slice(0, 10) });
    expect(r.isError).toBe(false);
    const out = GetCommitOutput.parse(r.structured);
    expect(out.commit.sha).toBe(shop.c2);
    expect(out.commit.diffStat).toEqual([{ file: 'services/checkout-api/config/db.yaml', added: 1, removed: 0 }]);
    // payments@1.2.0 contains this checkout-api commit but did not ship it.
    expect(out.deployments.map((d) => d.id)).toEqual(['checkout-api/v2.4.1']);
    expect(r.text).toContain('Saves memory.');
    expect(r.text).toContain('+1 -0  services/checkout-api/config/db.yaml');
  });

  it('get_commit reports binary files without line counts', async () => {
    const out = GetCommitOutput.parse((await call(conn.client, 'get_commit', { sha: shop.c4 })).structured);
    expect(out.commit.diffStat).toEqual([
      { file: 'docs/x.md', added: 3, removed: 0 },
      { file: 'web/logo.png', added: null, removed: null },
    ]);
    // No service's path claims docs/ or web/, so the release whose range holds only such commits keeps them all.
    expect(out.deployments.map((d) => d.id)).toEqual(['checkout-api/v2.4.2']);
  });

  it('bounds the diff stat and the file list of a huge commit', async () => {
    const r = await call(conn.client, 'get_commit', { sha: shop.c6 });
    const out = GetCommitOutput.parse(r.structured);
    expect(out.commit.diffStat).toHaveLength(100);
    expect(out.commit.diffStatFilesTotal).toBe(120);
    expect(out.commit.files).toHaveLength(50);
    expect(out.commit.filesTotal).toBe(120);
    // Largest changes first: files with 7 lines lead.
    expect(out.commit.diffStat?.[0]?.added).toBe(7);
    expect(r.text).toContain('20 more matched');
    expect(out.deployments).toEqual([]);
  });

  it('says a sha does not exist, and refuses malformed shas and injection attempts', async () => {
    const missing = await call(conn.client, 'get_commit', { sha: 'deadbeefdeadbeefdeadbeefdeadbeefdeadbeef' });
    expect(missing.isError).toBe(true);
    expect(missing.text).toContain(`no commit deadbeefdeadbeefdeadbeefdeadbeefdeadbeef in repository ${shop.repo.dir}`);
    // A blob is an object but not a commit.
    const blob = shop.repo.git(['rev-parse', `${shop.c1}:README.md`], '2024-05-01T00:00:00Z').trim();
    const notCommit = await call(conn.client, 'get_commit', { sha: blob });
    expect(notCommit.isError).toBe(true);
    expect(notCommit.text).toContain(`no commit ${blob}`);
    const target = path.join(tempDir('ip-git-inject-'), 'pwned');
    for (const sha of [`--output=${target}`, 'HEAD;rm -rf /', '$(touch /tmp/x)', 'HEAD', `${shop.c2.slice(0, 8)} --all`, 'abc']) {
      const r = await call(conn.client, 'get_commit', { sha });
      expect(r.isError, sha).toBe(true);
      expect(r.text, sha).toContain('is malformed');
    }
    expect(existsSync(target)).toBe(false);
  });
});

describe('real repository edge cases', () => {
  it('merges a deployments file with the tags; a file entry overrides the tag with the same id', async () => {
    const shop = buildShop();
    const file = path.join(tempDir('ip-git-deploys-'), 'deployments.json');
    writeFileSync(
      file,
      JSON.stringify([
        {
          id: 'dep-7',
          service: 'checkout-api',
          version: 'v2.4.1',
          environment: 'staging',
          status: 'succeeded',
          deployed_at: '2024-05-01T09:20:00Z',
          commits: [shop.c2.slice(0, 8)],
        },
        {
          id: 'checkout-api/v2.4.2',
          service: 'checkout-api',
          version: 'v2.4.2',
          environment: 'production',
          status: 'failed',
          deployed_at: '2024-05-01T11:05:00Z',
        },
      ]),
    );
    const conn = await connect({ repoPath: shop.repo.dir, deploymentsFile: file, defaultService: 'storefront' });
    try {
      const out = DeploymentListOutput.parse((await call(conn.client, 'get_deployments', {})).structured);
      expect(out.deployments.map((d) => `${d.id}:${d.status}`)).toEqual([
        'checkout-api/v2.4.2:failed',
        'payments@1.2.0:released',
        'checkout-api/v2.4.1:released',
        'dep-7:succeeded',
        'v1.0.0:released',
      ]);
      expect(out.deployments[4]?.service).toBe('storefront');
      const staging = DeploymentListOutput.parse((await call(conn.client, 'get_deployments', { environment: 'staging' })).structured);
      expect(staging.deployments.map((d) => d.id)).toEqual(['dep-7']);
      const shipped = GetCommitOutput.parse((await call(conn.client, 'get_commit', { sha: shop.c2 })).structured);
      expect(shipped.deployments.map((d) => d.id).sort()).toEqual(['checkout-api/v2.4.1', 'dep-7']);
    } finally {
      await conn.close();
    }
  });

  it('lists every commit matching an ambiguous prefix', async () => {
    const repo = new TempRepo('many');
    // fast-import writes a thousand commits in one process; with 65,536 four-digit prefixes two are bound to collide.
    const COMMITS = 1000;
    const stream: string[] = [];
    for (let i = 1; i <= COMMITS; i += 1) {
      const message = `change ${i}`;
      stream.push(
        'commit refs/heads/main',
        `mark :${i}`,
        `committer Bot <bot@example.com> ${1714550400 + i * 60} +0000`,
        `data ${message.length}`,
        message,
      );
      if (i > 1) stream.push(`from :${i - 1}`);
      stream.push('');
    }
    execFileSync('git', ['fast-import', '--quiet'], { cwd: repo.dir, input: `${stream.join('\n')}\n` });
    const shas = execFileSync('git', ['log', '--format=%H', 'main'], { cwd: repo.dir, encoding: 'utf8' }).trim().split('\n');
    const byPrefix = new Map<string, string[]>();
    for (const sha of shas) byPrefix.set(sha.slice(0, 4), [...(byPrefix.get(sha.slice(0, 4)) ?? []), sha]);
    const [prefix, colliding] = [...byPrefix.entries()].find(([, list]) => list.length > 1) ?? ['', []];
    expect(colliding.length).toBeGreaterThan(1);
    const conn = await connect({ repoPath: repo.dir, ref: 'main' });
    try {
      const r = await call(conn.client, 'get_commit', { sha: prefix });
      expect(r.isError).toBe(true);
      expect(r.text).toContain(`sha prefix "${prefix}" is ambiguous: ${colliding.length} commits match`);
      for (const sha of colliding) expect(r.text).toContain(sha.slice(0, 12));
      const one = await call(conn.client, 'get_commit', { sha: colliding[0]?.slice(0, 12) });
      expect(one.isError).toBe(false);
      expect(one.structured.commit.sha).toBe(colliding[0]);
    } finally {
      await conn.close();
    }
  });

  it('a path that is not a git repository is named in the error', async () => {
    const notRepo = tempDir('ip-git-notrepo-');
    const conn = await connect({ repoPath: notRepo });
    try {
      const r = await call(conn.client, 'get_recent_commits', {});
      expect(r.isError).toBe(true);
      expect(r.text).toContain(`GIT_REPO_PATH ${notRepo} is not a git repository`);
      const gone = await connect({ repoPath: path.join(notRepo, 'missing') });
      const g = await call(gone.client, 'get_deployments', {});
      expect(g.isError).toBe(true);
      expect(g.text).toContain(`${path.join(notRepo, 'missing')} does not exist`);
      await gone.close();
    } finally {
      await conn.close();
    }
  });

  it('a repository without commits says so plainly', async () => {
    const repo = new TempRepo('empty');
    const conn = await connect({ repoPath: repo.dir });
    try {
      const r = await call(conn.client, 'get_recent_commits', {});
      expect(r.isError).toBe(false);
      expect(r.text).toContain('There are no commits in repository');
      const d = await call(conn.client, 'get_deployments', {});
      expect(d.isError).toBe(false);
      expect(d.structured.total).toBe(0);
    } finally {
      await conn.close();
    }
  });

  it('without a service mapping, files outside services/ belong to their top folder', async () => {
    const shop = buildShop();
    const conn = await connect({ repoPath: shop.repo.dir });
    try {
      const out = GetCommitOutput.parse((await call(conn.client, 'get_commit', { sha: shop.c3 })).structured);
      expect(out.commit.services).toEqual(['apps', 'payments']);
    } finally {
      await conn.close();
    }
  });
});
