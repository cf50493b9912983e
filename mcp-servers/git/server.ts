import path from 'node:path';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { dataSourceLine, datasetName } from '../shared/data-source.js';
import { resolveDataDir } from '../shared/dataset.js';
import type { GitBackend } from './backend.js';
import { DatasetBackend } from './backends/dataset.js';
import { RepoBackend } from './backends/repo.js';
import { compileTagPatterns, DEFAULT_DEPLOY_TAG_PATTERN } from './backends/repo-tags.js';
import { type GitServerOptions, validateConfig } from './config.js';
import { createServiceMapper, DEFAULT_SERVICE_PATTERNS } from './service-map.js';
import { registerGitTools } from './tools/index.js';

export type { GitServerOptions } from './config.js';
export const SERVER_NAME = 'incidentpilot-git';
export const SERVER_VERSION = '0.1.0';

/** A real repository when repoPath is set, else the dataset folder's git/ files. Throws GitConfigError on bad options. */
export function createBackend(options: GitServerOptions = {}): GitBackend {
  validateConfig(options);
  const mapper = createServiceMapper(options.servicePaths ?? DEFAULT_SERVICE_PATTERNS);
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
      ...(options.dataDir ? { nowDataDir: path.resolve(options.dataDir) } : {}),
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
          options.repoPath
            ? { kind: 'live', detail: 'GIT_REPO_PATH' }
            : { kind: 'sample', dataset: datasetName(path.resolve(options.dataDir ?? resolveDataDir())), liveVariable: 'GIT_REPO_PATH' },
        ),
    },
  );
  registerGitTools(server, { backend });
  return server;
}
