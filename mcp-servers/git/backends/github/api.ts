import type { TimeWindow } from '../../../shared/time.js';
import type { HostedGitApi, Listed } from '../remote/api.js';
import type { RequestBudget } from '../remote/budget.js';
import type { ApiCommit, ApiDeployment, ApiDeploymentStatus, ApiPull, ApiRelease } from '../remote/map.js';
import type { GitHubClient } from './client.js';

/** The GitHub REST API's endpoints behind the hosted backend; its answers are already in the shapes it reads. */
export class GitHubApi implements HostedGitApi {
  readonly label: string;
  readonly name: string;

  constructor(private readonly client: GitHubClient) {
    this.label = `GitHub ${client.options.repository}`;
    this.name = client.repo;
  }

  listCommits(window: TimeWindow, budget: RequestBudget): Promise<Listed<ApiCommit>> {
    const params = {
      ...(window.since ? { since: window.since.toISOString() } : {}),
      ...(window.until ? { until: window.until.toISOString() } : {}),
    };
    return this.client.list<ApiCommit>('/repos/{owner}/{repo}/commits', params, budget);
  }

  async commit(ref: string, budget: RequestBudget): Promise<ApiCommit> {
    return (await this.client.get<ApiCommit>('/repos/{owner}/{repo}/commits/{ref}', { ref }, budget)) as ApiCommit;
  }

  listDeployments(budget: RequestBudget, keepGoing: (page: ApiDeployment[]) => boolean): Promise<Listed<ApiDeployment>> {
    return this.client.list<ApiDeployment>('/repos/{owner}/{repo}/deployments', {}, budget, keepGoing);
  }

  async deploymentStatuses(deployment: ApiDeployment, budget: RequestBudget): Promise<ApiDeploymentStatus[]> {
    const route = '/repos/{owner}/{repo}/deployments/{deployment_id}/statuses';
    return (await this.client.get<ApiDeploymentStatus[]>(route, { deployment_id: deployment.id, per_page: 100 }, budget)) ?? [];
  }

  async compare(base: string, head: string, budget: RequestBudget): Promise<string[] | undefined> {
    const answer = await this.client.get<{ commits: ApiCommit[] }>(
      '/repos/{owner}/{repo}/compare/{basehead}',
      { basehead: `${base}...${head}` },
      budget,
    );
    return answer?.commits.map((c) => c.sha);
  }

  listReleases(budget: RequestBudget, keepGoing: (page: ApiRelease[]) => boolean): Promise<Listed<ApiRelease>> {
    return this.client.list<ApiRelease>('/repos/{owner}/{repo}/releases', {}, budget, keepGoing);
  }

  async listMergedPulls(since: Date | undefined, budget: RequestBudget): Promise<ApiPull[]> {
    const listed = await this.client.list<ApiPull>(
      '/repos/{owner}/{repo}/pulls',
      { state: 'closed', sort: 'updated', direction: 'desc' },
      budget,
      (page) => {
        const last = page.at(-1);
        return !(since && last && Date.parse(last.updated_at) < since.getTime());
      },
    );
    return listed.items;
  }
}
