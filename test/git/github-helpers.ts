import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type DatasetCommit, type DatasetDeployment, datasetToGitHubFixture } from '../fakes/github/from-dataset.js';
import { tempDir } from './helpers.js';

export const TOKEN = 'ghp_s3cretTOKENvalue000000000000000000';
export const REPOSITORY = 'acme/shop';

/** A 40-hex sha from a short readable stem, so tests can name commits. */
export function sha(stem: string): string {
  return stem.padEnd(40, '0');
}

/** One history, two services, four deployments whose commit lists are exactly what compare gives on GitHub. */
export const COMMITS: DatasetCommit[] = [
  {
    sha: sha('c1aa'),
    author: 'Ann Lee',
    date: '2024-05-01T08:00:00Z',
    message: 'checkout: add cart endpoint',
    files: ['services/checkout-api/src/a.ts'],
  },
  {
    sha: sha('c2bb'),
    author: 'Bob Ng',
    date: '2024-05-01T08:30:00Z',
    message: 'checkout: lower db pool size to 5',
    files: ['services/checkout-api/config/db.yaml'],
  },
  {
    sha: sha('c3cc'),
    author: 'Carol Diaz',
    date: '2024-05-01T09:00:00Z',
    message: 'shared retry helper\n\nUsed by checkout and payments.',
    files: ['services/checkout-api/src/b.ts', 'services/payments/src/x.ts', 'services/checkout-api/src/c.ts'],
  },
  {
    sha: sha('c4dd'),
    author: 'Dan Wu',
    date: '2024-05-01T09:40:00Z',
    message: 'payments: retry budget 3 → 10',
    files: ['services/payments/src/retry.ts'],
  },
  { sha: sha('c5ee'), author: 'Eve Ito', date: '2024-05-01T10:10:00Z', message: 'docs: readme', files: ['README.md'] },
];

export const DEPLOYMENTS: DatasetDeployment[] = [
  {
    id: '101',
    service: 'checkout-api',
    version: 'v1.0.0',
    environment: 'production',
    status: 'succeeded',
    deployed_at: '2024-05-01T08:10:00Z',
    deployed_by: 'ci-bot',
    commits: [sha('c1aa')],
    description: 'first cut',
  },
  {
    id: '104',
    service: 'checkout-api',
    version: 'v1.1.0',
    environment: 'staging',
    status: 'succeeded',
    deployed_at: '2024-05-01T09:05:00Z',
    deployed_by: 'ci-bot',
    commits: [sha('c3cc')],
  },
  {
    id: '102',
    service: 'checkout-api',
    version: 'v1.1.0',
    environment: 'production',
    status: 'succeeded',
    deployed_at: '2024-05-01T09:10:00Z',
    deployed_by: 'Carol Diaz',
    commits: [sha('c3cc'), sha('c2bb')],
    description: 'pool size',
  },
  {
    id: '103',
    service: 'payments',
    version: 'v2.0.0',
    environment: 'production',
    status: 'failed',
    deployed_at: '2024-05-01T09:50:00Z',
    deployed_by: null,
    commits: [sha('c4dd')],
  },
];

export const NOW = '2024-05-01T12:00:00Z';

/** The same history as a dataset folder (git/commits.json, git/deployments.json, dataset.json `now`). */
export function writeDataset(commits: DatasetCommit[] = COMMITS, deployments: DatasetDeployment[] = DEPLOYMENTS): string {
  const dir = tempDir('ip-gh-dataset-');
  mkdirSync(path.join(dir, 'git'));
  writeFileSync(path.join(dir, 'dataset.json'), JSON.stringify({ name: 'gh-parity', now: NOW }));
  writeFileSync(path.join(dir, 'git', 'commits.json'), JSON.stringify(commits));
  writeFileSync(path.join(dir, 'git', 'deployments.json'), JSON.stringify(deployments));
  return dir;
}

export function parityFixture(commits: DatasetCommit[] = COMMITS, deployments: DatasetDeployment[] = DEPLOYMENTS) {
  return datasetToGitHubFixture(REPOSITORY, commits, deployments);
}

/** `count` one-file commits a minute apart, newest at 11:59, for pagination and budget tests. */
export function manyCommits(count: number): DatasetCommit[] {
  const end = Date.parse('2024-05-01T11:59:00Z');
  return Array.from({ length: count }, (_, i) => ({
    sha: (i + 1).toString(16).padStart(8, '0').padEnd(40, 'f'),
    author: 'Bulk Author',
    date: new Date(end - i * 60_000).toISOString(),
    message: `change ${i}`,
    files: [`services/svc${i % 3}/f${i}.ts`],
  }));
}
