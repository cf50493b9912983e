import type { GitHubFixture } from '../github/fixture.js';
import type { GitLabFixture } from './server.js';

/** GitHub's deployment states in GitLab's words. */
const STATUS: Record<string, string> = {
  success: 'success',
  failure: 'failed',
  error: 'failed',
  in_progress: 'running',
  queued: 'created',
};

/**
 * The same history in GitLab's REST v4 shapes, so one dataset can be served by both fakes and a test can ask the
 * GitHub, GitLab and dataset backends the same question.
 */
export function gitHubToGitLabFixture(gh: GitHubFixture, path: string): GitLabFixture {
  const diffs: GitLabFixture['diffs'] = {};
  const commits = gh.commits.map((c) => {
    diffs[c.sha] = (c.files ?? []).map((f) => ({
      old_path: f.filename,
      new_path: f.filename,
      a_mode: '100644',
      b_mode: '100644',
      new_file: false,
      renamed_file: false,
      deleted_file: false,
      diff: `@@ -1,1 +1,${f.additions} @@\n${'-old\n'.repeat(f.deletions)}${'+new\n'.repeat(f.additions)}`,
    }));
    return {
      id: c.sha,
      short_id: c.sha.slice(0, 8),
      title: c.commit.message.split('\n')[0],
      message: c.commit.message,
      author_name: c.commit.author.name,
      author_email: c.commit.author.email ?? '',
      authored_date: c.commit.author.date,
      committer_name: c.commit.committer.name,
      committer_email: c.commit.committer.email ?? '',
      committed_date: c.commit.committer.date,
      created_at: c.commit.committer.date,
      parent_ids: c.parents.map((p) => p.sha),
      web_url: `https://gitlab.example.com/${path}/-/commit/${c.sha}`,
    };
  });
  const deployments = gh.deployments.map((d) => {
    const latest = gh.deploymentStatuses[String(d.id)]?.[0] as { state?: string; created_at?: string } | undefined;
    const creator = d.creator as { login?: string } | null | undefined;
    return {
      id: d.id,
      iid: d.id,
      ref: d.ref,
      sha: d.sha,
      created_at: d.created_at,
      updated_at: latest?.created_at ?? d.created_at,
      finished_at: latest?.created_at ?? null,
      status: STATUS[latest?.state ?? ''] ?? 'created',
      user: creator?.login ? { id: 1, username: creator.login, name: creator.login } : null,
      environment: { id: 1, name: d.environment },
    };
  });
  const mergeRequests = gh.pulls.map((p) => ({
    id: p.number * 1000,
    iid: p.number,
    title: p.title,
    state: p.merged_at ? 'merged' : 'closed',
    labels: ((p.labels ?? []) as { name: string }[]).map((l) => l.name),
    merged_at: p.merged_at ?? null,
    merge_commit_sha: p.merge_commit_sha ?? null,
    squash_commit_sha: null,
    created_at: p.created_at,
    updated_at: p.updated_at,
  }));
  return {
    project: { id: 42, path_with_namespace: path, name: path.split('/').at(-1) },
    commits,
    diffs,
    deployments,
    releases: [],
    mergeRequests,
  };
}
