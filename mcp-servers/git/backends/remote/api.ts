import type { TimeWindow } from '../../../shared/time.js';
import type { RequestBudget } from './budget.js';
import type { ApiCommit, ApiDeployment, ApiDeploymentStatus, ApiPull, ApiRelease } from './map.js';

/** A page list that may have stopped early because the request budget ran out. */
export interface Listed<T> {
  items: T[];
  cut: boolean;
}

/**
 * What the hosted backend needs from one forge's REST API, in GitHub's shapes (map.ts): GitHub answers in them,
 * GitLab's adapter converts. Every method spends requests from the call's budget.
 */
export interface HostedGitApi {
  /** e.g. `GitHub acme/shop` */
  readonly label: string;
  /** The repository's own name, the default service. */
  readonly name: string;
  /** Commits in the window, newest first, without files. */
  listCommits(window: TimeWindow, budget: RequestBudget): Promise<Listed<ApiCommit>>;
  /** One commit with its files; `ref` is a sha, a unique prefix or a tag. */
  commit(ref: string, budget: RequestBudget): Promise<ApiCommit>;
  /** Deployments newest first, page by page until `keepGoing` says stop. */
  listDeployments(budget: RequestBudget, keepGoing: (page: ApiDeployment[]) => boolean): Promise<Listed<ApiDeployment>>;
  /** A deployment's statuses, newest first. */
  deploymentStatuses(deployment: ApiDeployment, budget: RequestBudget): Promise<ApiDeploymentStatus[]>;
  /** The shas `head` has and `base` lacks, oldest first; undefined when the budget is spent. */
  compare(base: string, head: string, budget: RequestBudget): Promise<string[] | undefined>;
  /** Releases newest first. */
  listReleases(budget: RequestBudget, keepGoing: (page: ApiRelease[]) => boolean): Promise<Listed<ApiRelease>>;
  /** Merged pull/merge requests updated since `since`, newest update first. */
  listMergedPulls(since: Date | undefined, budget: RequestBudget): Promise<ApiPull[]>;
}
