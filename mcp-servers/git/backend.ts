import path from 'node:path';
import type { TimeWindow } from '../shared/time.js';

/** A commit as every backend yields it; `services` lists each service it touched, busiest first. */
export interface GitCommit {
  sha: string;
  author: string;
  /** ISO-8601 UTC; the committer date in a real repository (when the change landed). */
  date: string;
  time: number;
  message: string;
  files: string[];
  service: string | null;
  services: string[];
  /** The merged pull/merge request whose merge commit this is (hosted backends only). */
  pullRequest?: PullRequestRef;
}

export interface PullRequestRef {
  number: number;
  title: string;
  labels: string[];
  /** ISO-8601 UTC */
  mergedAt: string;
}

export interface GitDeployment {
  id: string;
  service: string;
  version: string;
  environment: string;
  status: string;
  deployedAt: string;
  time: number;
  deployedBy: string | null;
  commits: string[];
  description: string | null;
  /** Where it came from, e.g. `tag checkout-api/v2.4.1` or `deployments.json`. */
  source: string;
}

export interface DiffStatEntry {
  file: string;
  /** null for binary files, where git counts no lines. */
  added: number | null;
  removed: number | null;
}

export interface CommitDetail {
  commit: GitCommit;
  /** null when the backend holds no diff (a dataset file). */
  diffStat: DiffStatEntry[] | null;
  /** Files the full diff stat held; `diffStat` shows at most MAX_DIFFSTAT_FILES of them. */
  diffStatFilesTotal: number | null;
  deployments: GitDeployment[];
}

/** A list plus, when the source is absent, a plain sentence saying so (absence is not an error). */
export interface Listing<T> {
  items: T[];
  note?: string;
}

/**
 * What the tools need from a source of history. Implementations throw ToolInputError for anything the caller
 * can fix (unknown sha, corrupt file) and return a `note` when there is simply no data.
 */
export interface GitBackend {
  /** e.g. `dataset /data/checkout-outage` or `repository /src/shop`, for tool texts. */
  readonly label: string;
  /** True for the backend with no history configured: service filters are not checked against known names. */
  readonly unconfigured?: boolean;
  /** The instant relative windows (`2h`) count back from. */
  now(): Promise<Date>;
  /** Every service name the backend can attribute commits or deployments to. */
  services(): Promise<string[]>;
  /** Commits inside the window, newest first. */
  commits(window: TimeWindow): Promise<Listing<GitCommit>>;
  /** Deployments inside the window, newest first. */
  deployments(window: TimeWindow): Promise<Listing<GitDeployment>>;
  getCommit(sha: string): Promise<CommitDetail>;
}

export function newestFirst<T extends { time: number }>(items: T[]): T[] {
  return [...items].sort((a, b) => b.time - a.time);
}

/** A deployment's commit list may hold abbreviations; an entry matches a full sha it is a prefix of. */
export function shipsCommit(deployment: GitDeployment, fullSha: string): boolean {
  const sha = fullSha.toLowerCase();
  return deployment.commits.some((entry) => entry.length >= 4 && sha.startsWith(entry.toLowerCase()));
}

/** Paths in tool text are shown relative to the working directory when inside it: shorter, and no home folder. */
export function displayPath(p: string): string {
  const relative = path.relative(process.cwd(), p);
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : p;
}
