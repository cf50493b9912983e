import type { GitCommit, GitDeployment, PullRequestRef } from '../../backend.js';
import type { ServiceMapper } from '../../service-map.js';

/** The fields of GitHub's REST answers the hosted backend reads (docs.github.com/rest); GitLab's adapter converts to them. */

export interface ApiCommit {
  sha: string;
  commit: { author?: { name?: string; date?: string } | null; committer?: { name?: string; date?: string } | null; message: string };
  author?: { login?: string } | null;
  files?: { filename: string; additions?: number; deletions?: number }[];
}

export interface ApiDeployment {
  id: number;
  sha: string;
  ref: string;
  task?: string;
  payload?: unknown;
  environment: string;
  description?: string | null;
  creator?: { login?: string } | null;
  created_at: string;
}

export interface ApiDeploymentStatus {
  state: string;
  created_at: string;
  creator?: { login?: string } | null;
  description?: string | null;
}

export interface ApiRelease {
  tag_name: string;
  name?: string | null;
  draft?: boolean;
  prerelease?: boolean;
  created_at: string;
  published_at?: string | null;
  author?: { login?: string } | null;
}

export interface ApiPull {
  number: number;
  title: string;
  labels?: { name?: string }[];
  merged_at?: string | null;
  merge_commit_sha?: string | null;
  updated_at: string;
}

/** The time a commit landed: the committer date, as the local-clone backend uses. */
export function commitTime(c: ApiCommit): number {
  return Date.parse(c.commit.committer?.date ?? c.commit.author?.date ?? '');
}

export function toCommit(c: ApiCommit, files: string[] | undefined, mapper: ServiceMapper, pull: PullRequestRef | undefined): GitCommit {
  const time = commitTime(c);
  const list = files ?? [];
  const services = mapper.servicesOfFiles(list);
  return {
    sha: c.sha.toLowerCase(),
    author: c.commit.author?.name ?? c.author?.login ?? 'unknown',
    date: new Date(time).toISOString(),
    time,
    message: c.commit.message,
    files: list,
    service: services[0] ?? null,
    services,
    ...(pull ? { pullRequest: pull } : {}),
  };
}

export function toPullRef(p: ApiPull): PullRequestRef | undefined {
  if (!p.merged_at) return undefined;
  return { number: p.number, title: p.title, labels: (p.labels ?? []).flatMap((l) => (l.name ? [l.name] : [])), mergedAt: p.merged_at };
}

/**
 * GitHub's deployment states in the words the other backends use: a successful rollout `succeeded`, `failure` and
 * `error` `failed`, the rest as they are. `inactive` is what GitHub sets on the previous deployment when a newer one
 * succeeds, so the state before it decides.
 */
export function deploymentState(statuses: ApiDeploymentStatus[]): { status: string; at: ApiDeploymentStatus | undefined } {
  const decisive = statuses.find((s) => s.state !== 'inactive');
  const words: Record<string, string> = { success: 'succeeded', failure: 'failed', error: 'failed' };
  if (!decisive) return { status: statuses.length > 0 ? 'inactive' : 'pending', at: undefined };
  return { status: words[decisive.state] ?? decisive.state, at: decisive };
}

/** The service a deployment names in its payload (`{"service": "checkout-api"}`), the convention the docs describe. */
function payloadField(payload: unknown, field: string): string | undefined {
  let value = payload;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      return undefined;
    }
  }
  const found = value && typeof value === 'object' ? (value as Record<string, unknown>)[field] : undefined;
  return typeof found === 'string' && found.trim() ? found.trim() : undefined;
}

export function deploymentService(d: ApiDeployment, defaultService: string): string {
  return namedService(d) ?? defaultService;
}

/** The service a deployment's payload names, when it names one (a monorepo deploying one service of many). */
export function namedService(d: ApiDeployment): string | undefined {
  return payloadField(d.payload, 'service');
}

export function toDeployment(
  d: ApiDeployment,
  statuses: ApiDeploymentStatus[],
  defaultService: string,
  commits: string[],
  description: string | null,
): GitDeployment {
  const { status, at } = deploymentState(statuses);
  // When the rollout reached its state (went live, or failed); while it is still queued, when it was requested.
  const time = Date.parse(at ? at.created_at : d.created_at);
  return {
    id: String(d.id),
    service: deploymentService(d, defaultService),
    version: payloadField(d.payload, 'version') ?? d.ref,
    environment: d.environment,
    status,
    deployedAt: new Date(time).toISOString(),
    time,
    deployedBy: d.creator?.login ?? null,
    commits,
    description,
    source: `GitHub deployment ${d.id}`,
  };
}

export function releaseToDeployment(
  r: ApiRelease,
  defaultService: string,
  environment: string,
  commits: string[],
  description: string | null,
): GitDeployment {
  const time = Date.parse(r.published_at ?? r.created_at);
  return {
    id: r.tag_name,
    service: defaultService,
    version: r.tag_name,
    environment,
    status: r.prerelease ? 'prerelease' : 'published',
    deployedAt: new Date(time).toISOString(),
    time,
    deployedBy: r.author?.login ?? null,
    commits,
    description,
    source: `GitHub release ${r.tag_name}`,
  };
}

/** "#412 Raise pool size [config, risky]; #415 …": a deployment's commits named by the pull requests that merged them. */
export function describePulls(pulls: PullRequestRef[], own: string | null | undefined): string | null {
  const named = pulls.map((p) => `#${p.number} ${p.title}${p.labels.length > 0 ? ` [${p.labels.join(', ')}]` : ''}`);
  const parts = [own?.trim() || '', named.length > 0 ? `PRs: ${named.join('; ')}` : ''].filter(Boolean);
  return parts.length > 0 ? parts.join(' — ') : null;
}
