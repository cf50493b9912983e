import path from 'node:path';
import { z } from 'zod';
import { readDatasetMeta, resolveNow } from '../../shared/dataset.js';
import type { TimeWindow } from '../../shared/time.js';
import { inWindow } from '../../shared/time.js';
import { ToolInputError } from '../../shared/tool-result.js';
import type { CommitDetail, GitBackend, GitCommit, GitDeployment, Listing } from '../backend.js';
import { displayPath, newestFirst, shipsCommit } from '../backend.js';
import type { ServiceMapper } from '../service-map.js';
import { CachedJsonFile, DeploymentsFile, IsoTime, toDeployment } from './files.js';
import { assertSha } from './git-exec.js';
import { resolveShaPrefix } from './sha-prefix.js';

const CommitFileEntry = z.object({
  sha: z.string().regex(/^[0-9a-fA-F]{4,64}$/, 'expected a hex commit sha'),
  author: z.string(),
  date: IsoTime,
  message: z.string(),
  files: z.array(z.string()).optional(),
  service: z.string().nullish(),
});
const CommitsFile = z.array(CommitFileEntry);

export interface DatasetBackendOptions {
  dataDir: string;
  mapper: ServiceMapper;
}

/** History from a dataset folder: git/commits.json and git/deployments.json, both optional. */
export class DatasetBackend implements GitBackend {
  readonly label: string;
  private readonly commitsFile: CachedJsonFile<z.infer<typeof CommitsFile>>;
  private readonly deploymentsFile: CachedJsonFile<z.infer<typeof DeploymentsFile>>;

  constructor(private readonly options: DatasetBackendOptions) {
    this.label = `dataset ${displayPath(options.dataDir)}`;
    this.commitsFile = new CachedJsonFile(path.join(options.dataDir, 'git', 'commits.json'), CommitsFile);
    this.deploymentsFile = new CachedJsonFile(path.join(options.dataDir, 'git', 'deployments.json'), DeploymentsFile);
  }

  async now(): Promise<Date> {
    const meta = readDatasetMeta(this.options.dataDir);
    if (meta?.now) return resolveNow(meta, undefined);
    // A corrupt file must not break tools that do not read it; the tool that does will report it.
    const newest = [() => this.allCommits().items, () => this.allDeployments().items]
      .flatMap((load) => {
        try {
          return load().map((item) => item.time);
        } catch {
          return [];
        }
      })
      .reduce<number | undefined>((max, t) => (max === undefined || t > max ? t : max), undefined);
    return resolveNow(meta, newest);
  }

  async services(): Promise<string[]> {
    const names = new Set<string>();
    for (const commit of this.allCommits().items) for (const s of commit.services) names.add(s);
    for (const deployment of this.allDeployments().items) names.add(deployment.service);
    return [...names].sort();
  }

  async commits(window: TimeWindow): Promise<Listing<GitCommit>> {
    const all = this.allCommits();
    return { ...all, items: all.items.filter((c) => inWindow(c.time, window)) };
  }

  async deployments(window: TimeWindow): Promise<Listing<GitDeployment>> {
    const all = this.allDeployments();
    return { ...all, items: all.items.filter((d) => inWindow(d.time, window)) };
  }

  async getCommit(sha: string): Promise<CommitDetail> {
    const prefix = assertSha(sha);
    const { items, note } = this.allCommits();
    if (note) throw new ToolInputError(note);
    const commit = resolveShaPrefix(prefix, items, `no commit matches sha "${prefix}" in ${this.label} (${items.length} commits known)`);
    const deployments = this.allDeployments().items.filter((d) => shipsCommit(d, commit.sha));
    return { commit, diffStat: null, diffStatFilesTotal: null, deployments };
  }

  private allCommits(): Listing<GitCommit> {
    const entries = this.commitsFile.read();
    if (!entries) return { items: [], note: `There are no commits in ${this.label}: it has no git/commits.json.` };
    const commits = entries.map((entry): GitCommit => {
      const files = entry.files ?? [];
      // An explicit service is the dataset author's word; paths only guess.
      const services = entry.service ? [entry.service] : this.options.mapper.servicesOfFiles(files);
      const service = services[0] ?? null;
      const time = Date.parse(entry.date);
      return {
        sha: entry.sha.toLowerCase(),
        author: entry.author,
        date: new Date(time).toISOString(),
        time,
        message: entry.message,
        files,
        service,
        services,
      };
    });
    return { items: newestFirst(commits) };
  }

  private allDeployments(): Listing<GitDeployment> {
    const entries = this.deploymentsFile.read();
    if (!entries) return { items: [], note: `There are no deployments in ${this.label}: it has no git/deployments.json.` };
    const known = this.safeCommitShas();
    const deployments = entries.map((entry) => {
      const deployment = toDeployment(entry, 'git/deployments.json');
      // Expand abbreviations the dataset can resolve, so callers can pass them straight to get_commit.
      deployment.commits = deployment.commits.map((short) => {
        const matches = known.filter((full) => full.startsWith(short.toLowerCase()));
        return matches.length === 1 && matches[0] ? matches[0] : short;
      });
      return deployment;
    });
    return { items: newestFirst(deployments) };
  }

  private safeCommitShas(): string[] {
    try {
      return this.allCommits().items.map((c) => c.sha);
    } catch {
      return [];
    }
  }
}
