import path from 'node:path';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { dataSourceLine, datasetName } from '../shared/data-source.js';
import { resolveDataDir } from '../shared/dataset.js';
import type { GitBackend } from './backend.js';
import { DatasetBackend } from './backends/dataset.js';
import { GitHubApi } from './backends/github/api.js';
import { GitHubClient } from './backends/github/client.js';
import { GitLabApi } from './backends/gitlab/api.js';
import { GitLabClient } from './backends/gitlab/client.js';
import { NoneBackend } from './backends/none.js';
import { HostedBackend } from './backends/remote/backend.js';
import { RepoBackend } from './backends/repo.js';
import { compileTagPatterns, DEFAULT_DEPLOY_TAG_PATTERN } from './backends/repo-tags.js';
import { type GitServerOptions, validateConfig } from './config.js';
import { createServiceMapper, DEFAULT_SERVICE_PATTERNS } from './service-map.js';
import { registerGitTools } from './tools/index.js';

export type { GitServerOptions } from './config.js';
export const SERVER_NAME = 'incidentpilot-git';
export const SERVER_VERSION = '0.1.0';

/** GitHub or GitLab when configured, a real repository when repoPath is set, nothing with noneReason, else the dataset folder's git/ files. Throws GitConfigError on bad options. */
export function createBackend(options: GitServerOptions = {}): GitBackend {
  validateConfig(options);
  if (options.noneReason) return new NoneBackend(options.noneReason);
  const mapper = createServiceMapper(options.servicePaths ?? DEFAULT_SERVICE_PATTERNS);
  const nowDataDir = options.dataDir ? { nowDataDir: path.resolve(options.dataDir) } : {};
  const api = options.github
    ? new GitHubApi(new GitHubClient(options.github))
    : options.gitlab
      ? new GitLabApi(new GitLabClient(options.gitlab))
      : undefined;
  if (api) {
    return new HostedBackend({
      api,
      mapper,
      defaultService: options.defaultService ?? api.name,
      environment: options.environment ?? 'production',
      ...nowDataDir,
    });
  }
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
            : backend instanceof NoneBackend
              ? { kind: 'none', detail: backend.label }
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
