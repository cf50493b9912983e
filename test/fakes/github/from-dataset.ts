import type { FixtureCommit, FixtureDeployment, GitHubFixture } from './fixture.js';

/**
 * A GitHub fixture holding the same history as a dataset's git/commits.json and git/deployments.json, in the REST
 * API's response shapes, so a test can ask both backends the same question. History is linear in commit-date order;
 * each deployment points at its newest commit, goes live (status `success`) at `deployed_at`, and names its service
 * in `payload.service`. Deployment ids must be numeric, as GitHub's are.
 */

export interface DatasetCommit {
  sha: string;
  author: string;
  date: string;
  message: string;
  files?: string[];
}

export interface DatasetDeployment {
  id: string;
  service: string;
  version: string;
  environment: string;
  status: string;
  deployed_at: string;
  deployed_by?: string | null;
  commits?: string[];
  description?: string | null;
}

/** A merged pull request whose merge commit is `sha`. */
export interface DatasetPull {
  number: number;
  title: string;
  labels: string[];
  sha: string;
  mergedAt: string;
}

const API = 'https://api.github.com';
const STATE: Record<string, string> = { succeeded: 'success', failed: 'failure' };

export function datasetToGitHubFixture(
  repository: string,
  commits: DatasetCommit[],
  deployments: DatasetDeployment[],
  pulls: DatasetPull[] = [],
): GitHubFixture {
  const repoUrl = `${API}/repos/${repository}`;
  const oldestFirst = [...commits].sort((a, b) => Date.parse(a.date) - Date.parse(b.date));
  const apiCommits: FixtureCommit[] = oldestFirst.map((c, i) => {
    const previous = oldestFirst[i - 1];
    const person = {
      name: c.author,
      email: `${c.author.toLowerCase().replace(/[^a-z]+/g, '.')}@example.com`,
      date: new Date(c.date).toISOString().replace('.000Z', 'Z'),
    };
    return {
      sha: c.sha,
      node_id: `C_${c.sha.slice(0, 12)}`,
      commit: {
        author: person,
        committer: person,
        message: c.message,
        tree: { sha: c.sha, url: `${repoUrl}/git/trees/${c.sha}` },
        url: `${repoUrl}/git/commits/${c.sha}`,
        comment_count: 0,
      },
      url: `${repoUrl}/commits/${c.sha}`,
      html_url: `https://github.com/${repository}/commit/${c.sha}`,
      author: null,
      committer: null,
      parents: previous ? [{ sha: previous.sha, url: `${repoUrl}/commits/${previous.sha}` }] : [],
      stats: { additions: (c.files ?? []).length * 3, deletions: (c.files ?? []).length, total: (c.files ?? []).length * 4 },
      files: (c.files ?? []).map((filename) => ({ filename, status: 'modified', additions: 3, deletions: 1, changes: 4 })),
    };
  });
  const statuses: Record<string, Record<string, unknown>[]> = {};
  const apiDeployments: FixtureDeployment[] = deployments.map((d) => {
    // A deployment without a commit list shipped whatever was newest when it went out.
    const listed = (d.commits ?? []).map((s) => oldestFirst.findIndex((c) => c.sha.startsWith(s)));
    const fallback = oldestFirst.findLastIndex((c) => Date.parse(c.date) <= Date.parse(d.deployed_at));
    const newest = listed.length > 0 ? Math.max(...listed) : fallback;
    const sha = oldestFirst[newest]?.sha ?? '';
    const live = new Date(Date.parse(d.deployed_at)).toISOString();
    const created = new Date(Date.parse(d.deployed_at) - 60_000).toISOString();
    const creator = d.deployed_by ? { login: d.deployed_by, id: 1, type: 'User' } : null;
    statuses[d.id] = [
      {
        id: Number(d.id) * 10 + 2,
        state: STATE[d.status] ?? d.status,
        creator,
        description: '',
        environment: d.environment,
        created_at: live,
        updated_at: live,
      },
      {
        id: Number(d.id) * 10 + 1,
        state: 'in_progress',
        creator,
        description: '',
        environment: d.environment,
        created_at: created,
        updated_at: created,
      },
    ];
    return {
      url: `${repoUrl}/deployments/${d.id}`,
      id: Number(d.id),
      node_id: `DE_${d.id}`,
      sha,
      ref: d.version,
      task: 'deploy',
      payload: { service: d.service },
      original_environment: d.environment,
      environment: d.environment,
      description: d.description ?? null,
      creator,
      created_at: created,
      updated_at: live,
      statuses_url: `${repoUrl}/deployments/${d.id}/statuses`,
      repository_url: repoUrl,
      transient_environment: false,
      production_environment: d.environment === 'production',
    };
  });
  apiDeployments.sort((a, b) => Date.parse(b.created_at) - Date.parse(a.created_at));
  const [owner, name] = repository.split('/');
  return {
    repository: { id: 1, name, full_name: repository, owner: { login: owner }, private: true, default_branch: 'main', url: repoUrl },
    commits: apiCommits.reverse(),
    deployments: apiDeployments,
    deploymentStatuses: statuses,
    releases: [],
    tags: {},
    pulls: pulls.map((p) => {
      const merged = new Date(Date.parse(p.mergedAt)).toISOString().replace('.000Z', 'Z');
      return {
        url: `${repoUrl}/pulls/${p.number}`,
        id: p.number * 1000,
        number: p.number,
        state: 'closed',
        title: p.title,
        user: null,
        labels: p.labels.map((name, i) => ({ id: p.number * 10 + i, name, color: 'ededed', default: false })),
        created_at: merged,
        updated_at: merged,
        closed_at: merged,
        merged_at: merged,
        merge_commit_sha: p.sha,
        base: { ref: 'main' },
      };
    }),
  };
}
