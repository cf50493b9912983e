import type { GitCommit, GitDeployment } from './backend.js';
import { firstLine } from './backends/sha-prefix.js';
import type { CommitOut, DeploymentOut } from './schemas.js';

/** A commit in structured output lists this many files; `filesTotal` says how many it changed. */
export const MAX_FILES_PER_COMMIT = 50;
/** A commit line in text names this many files; the model can call get_commit for the rest. */
const FILES_PER_LINE = 5;
/** A deployment line lists this many of its shipped shas. */
const SHAS_PER_LINE = 10;

export function shortSha(sha: string): string {
  return sha.slice(0, 7);
}

export function commitOut(commit: GitCommit): CommitOut {
  return {
    sha: commit.sha,
    shortSha: shortSha(commit.sha),
    author: commit.author,
    date: commit.date,
    message: commit.message,
    files: commit.files.slice(0, MAX_FILES_PER_COMMIT),
    service: commit.service,
    filesTotal: commit.files.length,
    services: commit.services,
    ...(commit.pullRequest ? { pullRequest: commit.pullRequest } : {}),
  };
}

export function deploymentOut(d: GitDeployment): DeploymentOut {
  return {
    id: d.id,
    service: d.service,
    version: d.version,
    environment: d.environment,
    status: d.status,
    deployedAt: d.deployedAt,
    deployedBy: d.deployedBy,
    commits: d.commits,
    description: d.description,
    source: d.source,
  };
}

export function commitLine(commit: GitCommit): string {
  const files = commit.files.slice(0, FILES_PER_LINE).join(', ');
  const more = commit.files.length > FILES_PER_LINE ? ` +${commit.files.length - FILES_PER_LINE} more` : '';
  const service = commit.services.length > 1 ? commit.services.join('+') : (commit.service ?? '-');
  const pull = commit.pullRequest
    ? ` (PR #${commit.pullRequest.number}${commit.pullRequest.labels.length > 0 ? ` [${commit.pullRequest.labels.join(', ')}]` : ''})`
    : '';
  return `${shortSha(commit.sha)} ${commit.date} [${service}] ${commit.author}: ${firstLine(commit.message)}${pull}${files ? ` (files: ${files}${more})` : ''}`;
}

export function deploymentLine(d: GitDeployment): string {
  const shas = d.commits.slice(0, SHAS_PER_LINE).map(shortSha).join(' ');
  const moreShas = d.commits.length > SHAS_PER_LINE ? ` +${d.commits.length - SHAS_PER_LINE} more` : '';
  const parts = [
    `${d.deployedAt} ${d.service} ${d.version} → ${d.environment} [${d.status}] id=${d.id}`,
    d.deployedBy ? `by ${d.deployedBy}` : '',
    `commits (${d.commits.length}): ${shas || 'none listed'}${moreShas}`,
    d.description ? `“${firstLine(d.description)}”` : '',
  ];
  return parts.filter(Boolean).join('; ');
}
