import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * What the fake GitHub serves, read from a folder of JSON files in the REST API's own response shapes (see
 * docs/git.md, "GitHub fixtures"): repository.json (GET /repos/{owner}/{repo}), commits.json (an array of
 * GET /repos/{owner}/{repo}/commits/{sha} answers, files and stats included), deployments.json (GET …/deployments),
 * deployment_statuses.json ({ "<deployment id>": GET …/deployments/{id}/statuses }), releases.json (GET …/releases),
 * tags.json (GET …/tags), pulls.json (GET …/pulls?state=all). Every file but repository.json is optional.
 */

export interface FixtureCommit {
  sha: string;
  commit: {
    author: { name: string; email?: string; date: string };
    committer: { name: string; email?: string; date: string };
    message: string;
  };
  author?: { login: string } | null;
  parents: { sha: string }[];
  files?: { filename: string; additions: number; deletions: number; changes?: number; status?: string }[];
  stats?: { additions: number; deletions: number; total: number };
  [key: string]: unknown;
}

export interface FixtureDeployment {
  id: number;
  sha: string;
  ref: string;
  environment: string;
  created_at: string;
  [key: string]: unknown;
}

export interface GitHubFixture {
  repository: Record<string, unknown>;
  /** Newest committer date first, as the list endpoint answers. */
  commits: FixtureCommit[];
  /** Newest first, as the list endpoint answers. */
  deployments: FixtureDeployment[];
  deploymentStatuses: Record<string, Record<string, unknown>[]>;
  releases: { tag_name: string; created_at: string; published_at?: string | null; [key: string]: unknown }[];
  /** Tag name → commit sha, from tags.json. */
  tags: Record<string, string>;
  pulls: { number: number; state: string; updated_at: string; created_at: string; [key: string]: unknown }[];
}

function read<T>(dir: string, file: string, fallback: T): T {
  const full = path.join(dir, file);
  if (!existsSync(full)) return fallback;
  return JSON.parse(readFileSync(full, 'utf8')) as T;
}

export function loadGitHubFixture(dir: string): GitHubFixture {
  if (!existsSync(path.join(dir, 'repository.json'))) throw new Error(`${dir} has no repository.json`);
  const commits = read<FixtureCommit[]>(dir, 'commits.json', []);
  commits.sort((a, b) => Date.parse(b.commit.committer.date) - Date.parse(a.commit.committer.date));
  const deployments = read<FixtureDeployment[]>(dir, 'deployments.json', []);
  deployments.sort((a, b) => Date.parse(b.created_at) - Date.parse(a.created_at) || b.id - a.id);
  const tags = read<{ name: string; commit: { sha: string } }[]>(dir, 'tags.json', []);
  return {
    repository: read(dir, 'repository.json', {}),
    commits,
    deployments,
    deploymentStatuses: read(dir, 'deployment_statuses.json', {}),
    releases: read<GitHubFixture['releases']>(dir, 'releases.json', []).sort((a, b) => Date.parse(b.created_at) - Date.parse(a.created_at)),
    tags: Object.fromEntries(tags.map((t) => [t.name, t.commit.sha])),
    pulls: read(dir, 'pulls.json', []),
  };
}

/** Writes a fixture in the layout loadGitHubFixture reads; files a fixture leaves empty are not written. */
export function writeGitHubFixture(dir: string, fixture: GitHubFixture): void {
  mkdirSync(dir, { recursive: true });
  const write = (file: string, value: unknown) => writeFileSync(path.join(dir, file), `${JSON.stringify(value, null, 2)}\n`);
  write('repository.json', fixture.repository);
  write('commits.json', fixture.commits);
  write('deployments.json', fixture.deployments);
  write('deployment_statuses.json', fixture.deploymentStatuses);
  if (fixture.releases.length > 0) write('releases.json', fixture.releases);
  const tags = Object.entries(fixture.tags);
  if (tags.length > 0)
    write(
      'tags.json',
      tags.map(([name, sha]) => ({ name, commit: { sha } })),
    );
  if (fixture.pulls.length > 0) write('pulls.json', fixture.pulls);
}
