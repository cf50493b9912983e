import { existsSync } from 'node:fs';
import path from 'node:path';
import { resolveDataDir } from '../shared/dataset.js';
import { type LiveSwitch, liveElsewhere, noneReason } from '../shared/live-switches.js';
import { isValidRefName } from './backends/git-exec.js';
import { compileTagPatterns, DEFAULT_DEPLOY_TAG_PATTERN } from './backends/repo-tags.js';
import { type GitHubSource, type GitLabSource, remoteSourcesFromEnv } from './remote-config.js';
import { createServiceMapper, DEFAULT_SERVICE_PATTERNS } from './service-map.js';

/** Everything createServer needs; index.ts builds it from the environment, tests pass it directly. */
export interface GitServerOptions {
  /** Dataset folder (dataset mode), or in repository mode the folder whose dataset.json `now` anchors windows. */
  dataDir?: string;
  /** A local clone: when set, history comes from git instead of the dataset files. */
  repoPath?: string;
  /** Comma-separated globs whose `*` segment names the service, e.g. `services/*\/**,apps/*\/**`. */
  servicePaths?: string;
  /** Comma-separated globs over tag names that mark releases. */
  deployTagPattern?: string;
  /** Service of plain tags such as `v2.4.1`; default: the repository folder's name. */
  defaultService?: string;
  /** A deployments JSON file (dataset format) merged with the release tags. */
  deploymentsFile?: string;
  /** The branch or ref whose history is read; default HEAD. */
  ref?: string;
  /** Environment reported for tag-derived deployments; default production. */
  environment?: string;
  /** History from the GitHub REST API instead of a clone (GITHUB_REPOSITORY, GITHUB_TOKEN, GITHUB_API_URL). */
  github?: GitHubSource;
  /** History from the GitLab REST API instead of a clone (GITLAB_URL, GITLAB_PROJECT, GITLAB_TOKEN). */
  gitlab?: GitLabSource;
  /** No history of its own while another server reads live systems (and no DATA_DIR): the tools answer with this. */
  noneReason?: string;
}

/** This server's own live switches: a clone, a GitHub repository or a GitLab project. */
export const GIT_SWITCHES: readonly LiveSwitch[] = ['GIT_REPO_PATH', 'GITHUB_REPOSITORY', 'GITLAB_PROJECT'];

export class GitConfigError extends Error {}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

/**
 * Reads the GIT_* variables; an unset or empty variable means "use the default". With no history of its own, the
 * dataset's, unless another server reads live systems without an explicit DATA_DIR (then noneReason).
 */
export function configFromEnv(env: NodeJS.ProcessEnv = process.env): GitServerOptions {
  const repo = nonEmpty(env.GIT_REPO_PATH);
  const options: GitServerOptions = {
    servicePaths: nonEmpty(env.GIT_SERVICE_PATHS),
    deployTagPattern: nonEmpty(env.GIT_DEPLOY_TAG_PATTERN),
    defaultService: nonEmpty(env.GIT_DEFAULT_SERVICE),
    ref: nonEmpty(env.GIT_REF),
    environment: nonEmpty(env.GIT_DEPLOY_ENVIRONMENT),
  };
  const deploymentsFile = nonEmpty(env.GIT_DEPLOYMENTS_FILE);
  if (deploymentsFile) options.deploymentsFile = path.resolve(deploymentsFile);
  let remote: ReturnType<typeof remoteSourcesFromEnv>;
  try {
    remote = remoteSourcesFromEnv(env);
  } catch (error) {
    throw new GitConfigError((error as Error).message);
  }
  Object.assign(options, remote);
  if (remote.github || remote.gitlab) {
    if (repo) options.repoPath = path.resolve(repo);
    if (nonEmpty(env.DATA_DIR)) options.dataDir = resolveDataDir(env);
  } else if (repo) {
    options.repoPath = path.resolve(repo);
    // Only an explicit DATA_DIR anchors a real repository's windows; the sample dataset's `now` must not.
    if (nonEmpty(env.DATA_DIR)) options.dataDir = resolveDataDir(env);
  } else {
    const other = liveElsewhere(env, GIT_SWITCHES);
    if (other) options.noneReason = noneReason('git history', GIT_SWITCHES, other);
    else options.dataDir = resolveDataDir(env);
  }
  return options;
}

/** Checks every option that can be wrong before the server starts, with one sentence per mistake. */
export function validateConfig(options: GitServerOptions): void {
  const hosted = options.github ? 'GITHUB_REPOSITORY' : options.gitlab ? 'GITLAB_PROJECT' : undefined;
  if (options.github && options.gitlab) {
    throw new GitConfigError('both GITHUB_REPOSITORY and GITLAB_PROJECT are set: the git server reads one history; unset one of them');
  }
  if (hosted && options.repoPath) {
    throw new GitConfigError(`both GIT_REPO_PATH and ${hosted} are set: the git server reads one history; unset one of them`);
  }
  if (hosted && options.deploymentsFile) {
    throw new GitConfigError(`GIT_DEPLOYMENTS_FILE is only read with GIT_REPO_PATH; ${hosted} takes deployments from the API`);
  }
  try {
    createServiceMapper(options.servicePaths ?? DEFAULT_SERVICE_PATTERNS);
  } catch (error) {
    throw new GitConfigError(`GIT_SERVICE_PATHS: ${(error as Error).message}`);
  }
  try {
    compileTagPatterns(options.deployTagPattern ?? DEFAULT_DEPLOY_TAG_PATTERN);
  } catch (error) {
    throw new GitConfigError((error as Error).message);
  }
  if (options.ref !== undefined && !isValidRefName(options.ref)) {
    throw new GitConfigError(`GIT_REF "${options.ref}" is not a plain branch or tag name (letters, digits, . _ / -; not starting with -)`);
  }
  if (options.deploymentsFile !== undefined && !existsSync(options.deploymentsFile)) {
    throw new GitConfigError(`GIT_DEPLOYMENTS_FILE ${options.deploymentsFile} does not exist`);
  }
  if (options.deploymentsFile !== undefined && !options.repoPath) {
    throw new GitConfigError(
      'GIT_DEPLOYMENTS_FILE is only read with GIT_REPO_PATH; in dataset mode put deployments in DATA_DIR/git/deployments.json',
    );
  }
}
