import type { TimeWindow } from '../../../shared/time.js';
import type { HostedGitApi, Listed } from '../remote/api.js';
import type { RequestBudget } from '../remote/budget.js';
import type { ApiCommit, ApiDeployment, ApiDeploymentStatus, ApiPull, ApiRelease } from '../remote/map.js';
import type { GitLabClient } from './client.js';

/** The fields of GitLab's REST v4 answers (docs.gitlab.com/api) the adapter reads. */
interface GlCommit {
  id: string;
  message: string;
  author_name?: string;
  authored_date?: string;
  committer_name?: string;
  committed_date?: string;
}
interface GlDiff {
  new_path: string;
  diff?: string;
}
interface GlDeployment {
  id: number;
  ref: string;
  sha: string;
  status: string;
  created_at: string;
  updated_at?: string;
  finished_at?: string | null;
  user?: { username?: string } | null;
  environment?: { name?: string } | null;
}
interface GlRelease {
  tag_name: string;
  name?: string | null;
  created_at: string;
  released_at?: string | null;
  upcoming_release?: boolean;
  author?: { username?: string } | null;
}
interface GlMergeRequest {
  iid: number;
  title: string;
  labels?: string[];
  merged_at?: string | null;
  merge_commit_sha?: string | null;
  squash_commit_sha?: string | null;
  updated_at: string;
}

/** GitLab's deployment states in GitHub's words, which map.ts turns into the tools' (`success` → `succeeded`). */
const STATES: Record<string, string> = {
  success: 'success',
  failed: 'failure',
  running: 'in_progress',
  created: 'queued',
  canceled: 'canceled',
  blocked: 'pending',
};

function toApiCommit(c: GlCommit, diffs?: GlDiff[]): ApiCommit {
  return {
    sha: c.id,
    commit: {
      author: { name: c.author_name ?? 'unknown', date: c.authored_date ?? c.committed_date ?? '' },
      committer: { name: c.committer_name ?? c.author_name ?? 'unknown', date: c.committed_date ?? c.authored_date ?? '' },
      message: c.message,
    },
    ...(diffs ? { files: diffs.map((d) => ({ filename: d.new_path, ...lineCounts(d.diff) })) } : {}),
  };
}

/** Lines added and removed, counted from the unified diff GitLab returns (it gives no per-file numbers). */
function lineCounts(diff: string | undefined): { additions: number; deletions: number } {
  let additions = 0;
  let deletions = 0;
  for (const line of (diff ?? '').split('\n')) {
    if (line.startsWith('+') && !line.startsWith('+++')) additions++;
    else if (line.startsWith('-') && !line.startsWith('---')) deletions++;
  }
  return { additions, deletions };
}

/** GitLab's REST v4 behind the hosted backend: deployments carry their own status, merge requests stand for PRs. */
export class GitLabApi implements HostedGitApi {
  readonly label: string;
  readonly name: string;
  private readonly states = new Map<number, ApiDeploymentStatus>();

  constructor(private readonly client: GitLabClient) {
    this.label = `GitLab ${client.source.project}`;
    this.name = client.source.project.split('/').at(-1) ?? client.source.project;
  }

  async listCommits(window: TimeWindow, budget: RequestBudget): Promise<Listed<ApiCommit>> {
    const listed = await this.client.list<GlCommit>(
      '/repository/commits',
      { since: window.since?.toISOString(), until: window.until?.toISOString() },
      budget,
    );
    return { items: listed.items.map((c) => toApiCommit(c)), cut: listed.cut };
  }

  async commit(ref: string, budget: RequestBudget): Promise<ApiCommit> {
    const commit = (await this.client.get<GlCommit>(`/repository/commits/${encodeURIComponent(ref)}`, {}, budget)) as GlCommit;
    const diffs = await this.client.list<GlDiff>(`/repository/commits/${commit.id}/diff`, {}, budget);
    return toApiCommit(commit, diffs.items);
  }

  async listDeployments(budget: RequestBudget, keepGoing: (page: ApiDeployment[]) => boolean): Promise<Listed<ApiDeployment>> {
    const listed = await this.client.list<GlDeployment>('/deployments', { order_by: 'created_at', sort: 'desc' }, budget, (page) =>
      keepGoing(page.map((d) => this.toDeployment(d))),
    );
    return { items: listed.items.map((d) => this.toDeployment(d)), cut: listed.cut };
  }

  async deploymentStatuses(deployment: ApiDeployment): Promise<ApiDeploymentStatus[]> {
    const state = this.states.get(deployment.id);
    return state ? [state] : [];
  }

  async compare(base: string, head: string, budget: RequestBudget): Promise<string[] | undefined> {
    const answer = await this.client.get<{ commits: GlCommit[] }>('/repository/compare', { from: base, to: head }, budget);
    return answer?.commits.map((c) => c.id);
  }

  async listReleases(budget: RequestBudget, keepGoing: (page: ApiRelease[]) => boolean): Promise<Listed<ApiRelease>> {
    const map = (r: GlRelease): ApiRelease => ({
      tag_name: r.tag_name,
      name: r.name ?? null,
      draft: r.upcoming_release === true,
      created_at: r.created_at,
      published_at: r.released_at ?? r.created_at,
      author: r.author?.username ? { login: r.author.username } : null,
    });
    const listed = await this.client.list<GlRelease>('/releases', { order_by: 'released_at', sort: 'desc' }, budget, (page) =>
      keepGoing(page.map(map)),
    );
    return { items: listed.items.map(map), cut: listed.cut };
  }

  async listMergedPulls(since: Date | undefined, budget: RequestBudget): Promise<ApiPull[]> {
    const params = { state: 'merged', order_by: 'updated_at', sort: 'desc', updated_after: since?.toISOString() };
    const listed = await this.client.list<GlMergeRequest>('/merge_requests', params, budget);
    return listed.items.map((m) => ({
      number: m.iid,
      title: m.title,
      labels: (m.labels ?? []).map((name) => ({ name })),
      merged_at: m.merged_at ?? null,
      merge_commit_sha: m.merge_commit_sha ?? m.squash_commit_sha ?? null,
      updated_at: m.updated_at,
    }));
  }

  private toDeployment(d: GlDeployment): ApiDeployment {
    // GitLab has no status history: the deployment's own status, at the time it finished (or last changed).
    this.states.set(d.id, {
      state: STATES[d.status] ?? d.status,
      created_at: d.finished_at ?? d.updated_at ?? d.created_at,
      creator: null,
    });
    return {
      id: d.id,
      sha: d.sha,
      ref: d.ref,
      environment: d.environment?.name ?? 'unknown',
      created_at: d.created_at,
      description: null,
      creator: d.user?.username ? { login: d.user.username } : null,
    };
  }
}
