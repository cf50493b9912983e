import path from 'node:path';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { dataSourceLine, datasetName } from '../shared/data-source.js';
import { resolveDataDir } from '../shared/dataset.js';
import type { GitBackend } from './backend.js';
import { DatasetBackend } from './backends/dataset.js';
import { GitHubBackend } from './backends/github/backend.js';
import { GitHubClient } from './backends/github/client.js';
import { RepoBackend } from './backends/repo.js';
import { compileTagPatterns, DEFAULT_DEPLOY_TAG_PATTERN } from './backends/repo-tags.js';
import { GitConfigError, type GitServerOptions, validateConfig } from './config.js';
import { createServiceMapper, DEFAULT_SERVICE_PATTERNS } from './service-map.js';
import { registerGitTools } from './tools/index.js';

export type { GitServerOptions } from './config.js';
export const SERVER_NAME = 'incidentpilot-git';
export const SERVER_VERSION = '0.1.0';

/** A real repository when repoPath is set, else the dataset folder's git/ files. Throws GitConfigError on bad options. */
export function createBackend(options: GitServerOptions = {}): GitBackend {
  validateConfig(options);
  const mapper = createServiceMapper(options.servicePaths ?? DEFAULT_SERVICE_PATTERNS);
  const nowDataDir = options.dataDir ? { nowDataDir: path.resolve(options.dataDir) } : {};
  if (options.github) {
    return new GitHubBackend({
      client: new GitHubClient(options.github),
      mapper,
      defaultService: options.defaultService ?? options.github.repository.split('/')[1] ?? options.github.repository,
      environment: options.environment ?? 'production',
      ...nowDataDir,
    });
  }
  if (options.gitlab)
    throw new GitConfigError('GITLAB_PROJECT: the GitLab backend is not available in this build; use GITHUB_REPOSITORY or GIT_REPO_PATH');
  if (options.repoPath) {
    const repoPath = path.resolve(options.repoPath);
    return new RepoBackend({
      repoPath,
      mapper,
      ref: options.ref ?? 'HEAD',
      tagPatterns: compileTagPatterns(options.deployTagPattern ?? DEFAULT_DEPLOY_TAG_PATTERN),
      defaultService: options.defaultService ?? path.basename(repoPath),
      environment: options.environment ?? 'production',
      ...(options.deploymentsFile ? { deploymentsFile: path.resolve(options.deploymentsFile) } : {}),
      ...nowDataDir,
    });
  }
  return new DatasetBackend({ dataDir: path.resolve(options.dataDir ?? resolveDataDir()), mapper });
}

export function createServer(options: GitServerOptions = {}): McpServer {
  const backend = createBackend(options);
  const server = new McpServer(
    { name: SERVER_NAME, version: SERVER_VERSION },
    {
      instructions:
        'Read-only change history: commits and deployments. Start with get_deployments and get_recent_commits over the incident window, then get_commit on suspects.\n' +
        dataSourceLine(
          liveVariable(options)
            ? { kind: 'live', detail: liveVariable(options) as string }
            : { kind: 'sample', dataset: datasetName(path.resolve(options.dataDir ?? resolveDataDir())), liveVariable: 'GIT_REPO_PATH' },
        ),
    },
  );
  registerGitTools(server, { backend });
  return server;
}

/** The variable that points the server at live history, when one does. */
function liveVariable(options: GitServerOptions): string | undefined {
  if (options.github) return 'GITHUB_REPOSITORY';
  if (options.gitlab) return 'GITLAB_PROJECT';
  return options.repoPath ? 'GIT_REPO_PATH' : undefined;
}
