import { statSync } from 'node:fs';
import path from 'node:path';
import { readDatasetMeta } from '../../shared/dataset.js';
import type { TimeWindow } from '../../shared/time.js';
import { inWindow } from '../../shared/time.js';
import { ToolInputError } from '../../shared/tool-result.js';
import type { CommitDetail, GitBackend, GitCommit, GitDeployment, Listing } from '../backend.js';
import { displayPath, newestFirst, shipsCommit } from '../backend.js';
import type { ServiceMapper } from '../service-map.js';
import { CachedJsonFile, DeploymentsFile, toDeployment } from './files.js';
import { assertSha, GitError, isFullSha, runGit } from './git-exec.js';
import { LOG_FORMAT, parseLog, parseNumstat, type RawCommit, SAFE_DIFF_ARGS } from './repo-log.js';
import { listReleaseTags, type ReleaseTag, ShippedCommits, tagsShipping, tagToDeployment } from './repo-tags.js';
import { ambiguousShaError, MAX_SHA_CANDIDATES } from './sha-prefix.js';

/** One `git log` reads at most this many commits; a window of a busy monorepo's year would otherwise be unbounded. */
export const MAX_LOG_COMMITS = 5_000;
/** get_commit shows the diff stat of this many files (largest changes first); vendored updates touch thousands. */
export const MAX_DIFFSTAT_FILES = 100;
/** Objects `rev-parse --disambiguate` may list for one prefix before we stop reading. */
const MAX_DISAMBIGUATION_OBJECTS = 1_000;
/** Tools never show more than MAX_LIMIT items, so shipped commits are computed only for this many deployments. */
const MAX_DEPLOYMENTS_RESOLVED = 500;
/** Parallel `git log prev..tag` calls: enough to overlap process start-up without swamping two cores. */
const SHIPPED_CONCURRENCY = 4;

export interface RepoBackendOptions {
  repoPath: string;
  mapper: ServiceMapper;
  /** The history to read, usually HEAD. */
  ref: string;
  tagPatterns: RegExp[];
  defaultService: string;
  environment: string;
  deploymentsFile?: string;
  /** A dataset folder whose dataset.json `now` replaces the wall clock (a replay against a real repository). */
  nowDataDir?: string;
}

/** Fails with a sentence naming the path when it is not a readable git repository. */
export async function checkRepository(repoPath: string): Promise<void> {
  let isDir = false;
  try {
    isDir = statSync(repoPath).isDirectory();
  } catch {
    throw new ToolInputError(`GIT_REPO_PATH ${repoPath} does not exist`, 'set GIT_REPO_PATH to a local clone');
  }
  if (!isDir) throw new ToolInputError(`GIT_REPO_PATH ${repoPath} is not a directory`, 'set GIT_REPO_PATH to a local clone');
  try {
    await runGit(repoPath, ['rev-parse', '--git-dir']);
  } catch (error) {
    const detail = error instanceof GitError ? error.message : String(error);
    throw new ToolInputError(`GIT_REPO_PATH ${repoPath} is not a git repository (${detail})`, 'set GIT_REPO_PATH to a local clone');
  }
}

/** History from a local clone through read-only git commands. */
export class RepoBackend implements GitBackend {
  readonly label: string;
  private checked: Promise<void> | undefined;
  private readonly shipped: ShippedCommits;
  private readonly deploymentsFile: CachedJsonFile<ReturnType<typeof DeploymentsFile.parse>> | undefined;

  constructor(private readonly options: RepoBackendOptions) {
    this.label = `repository ${displayPath(options.repoPath)}`;
    this.shipped = new ShippedCommits(options.repoPath, options.mapper);
    this.deploymentsFile = options.deploymentsFile ? new CachedJsonFile(options.deploymentsFile, DeploymentsFile) : undefined;
  }

  async now(): Promise<Date> {
    const meta = this.options.nowDataDir ? readDatasetMeta(this.options.nowDataDir) : undefined;
    return meta?.now ? new Date(meta.now) : new Date();
  }

  async services(): Promise<string[]> {
    await this.ready();
    const names = new Set<string>([this.options.defaultService]);
    for (const tag of await this.tags()) names.add(tag.service);
    for (const d of this.fileDeployments()) names.add(d.service);
    const head = await this.resolveRef();
    if (head) for (const dir of await this.serviceDirectories(head)) names.add(dir);
    return [...names].sort();
  }

  async commits(window: TimeWindow): Promise<Listing<GitCommit>> {
    await this.ready();
    const head = await this.resolveRef();
    if (!head) return { items: [], note: `There are no commits in ${this.label}: ${this.options.ref} does not name a commit yet.` };
    const args = ['log', ...SAFE_DIFF_ARGS, '--name-only', `--max-count=${MAX_LOG_COMMITS}`, `--format=${LOG_FORMAT}`];
    // Whole seconds, widened by one: git's date filter is coarse and the exact window is applied below.
    if (window.since) args.push(`--since=@${Math.floor(window.since.getTime() / 1000) - 1}`);
    if (window.until) args.push(`--until=@${Math.ceil(window.until.getTime() / 1000) + 1}`);
    args.push('--end-of-options', head);
    const { stdout } = await runGit(this.options.repoPath, args);
    const raw = parseLog(stdout);
    const items = raw.map((c) => this.toCommit(c, c.tail)).filter((c) => inWindow(c.time, window));
    const listing: Listing<GitCommit> = { items: newestFirst(items) };
    if (raw.length >= MAX_LOG_COMMITS)
      listing.note = `Only the newest ${MAX_LOG_COMMITS} commits of ${this.options.ref} were read; narrow the window.`;
    return listing;
  }

  async deployments(window: TimeWindow): Promise<Listing<GitDeployment>> {
    await this.ready();
    const tags = (await this.tags()).filter((t) => inWindow(t.time, window));
    const fromFile = this.fileDeployments().filter((d) => inWindow(d.time, window));
    const merged = this.merge(
      tags.map((t) => ({ tag: t, deployment: tagToDeployment(t, [], this.options.environment) })),
      fromFile,
    );
    await this.fillShippedCommits(merged.slice(0, MAX_DEPLOYMENTS_RESOLVED));
    return { items: merged.map((m) => m.deployment) };
  }

  async getCommit(sha: string): Promise<CommitDetail> {
    const prefix = assertSha(sha);
    await this.ready();
    const full = await this.resolveCommit(prefix);
    const { stdout } = await runGit(this.options.repoPath, [
      'log',
      '-1',
      ...SAFE_DIFF_ARGS,
      '--numstat',
      `--format=${LOG_FORMAT}`,
      '--end-of-options',
      full,
    ]);
    const raw = parseLog(stdout)[0];
    if (!raw) throw new ToolInputError(`no commit ${prefix} in ${this.label}`);
    const stat = parseNumstat(raw.tail);
    const commit = this.toCommit(
      raw,
      stat.map((s) => s.file),
    );
    const churn = (s: { added: number | null; removed: number | null }) => (s.added ?? 0) + (s.removed ?? 0);
    const diffStat = [...stat].sort((a, b) => churn(b) - churn(a)).slice(0, MAX_DIFFSTAT_FILES);

    const tags = await this.tags();
    const shipping = await tagsShipping(this.options.repoPath, tags, full);
    const merged = this.merge(
      shipping.map((t) => ({ tag: t, deployment: tagToDeployment(t, [], this.options.environment) })),
      this.fileDeployments().filter((d) => shipsCommit(d, full)),
    );
    await this.fillShippedCommits(merged);
    // A tag of another service can contain the commit without having shipped it (see ShippedCommits).
    const shipped = merged.filter((m) => !m.tag || m.deployment.commits.includes(full));
    return { commit, diffStat, diffStatFilesTotal: stat.length, deployments: shipped.map((m) => m.deployment) };
  }

  private ready(): Promise<void> {
    this.checked ??= checkRepository(this.options.repoPath);
    // A failed check is retried next call: the clone may have been created meanwhile.
    return this.checked.catch((error) => {
      this.checked = undefined;
      throw error;
    });
  }

  private async resolveRef(): Promise<string | null> {
    const { stdout } = await runGit(
      this.options.repoPath,
      ['rev-parse', '--verify', '--quiet', '--end-of-options', `${this.options.ref}^{commit}`],
      {
        okExitCodes: [1],
      },
    );
    const sha = stdout.trim();
    return isFullSha(sha) ? sha : null;
  }

  /** Resolves a validated hex prefix to one commit, or explains that none or several match. */
  private async resolveCommit(prefix: string): Promise<string> {
    const notFound = new ToolInputError(`no commit ${prefix} in ${this.label}`, 'find the sha with search_commits or get_recent_commits');
    const { stdout } = await runGit(this.options.repoPath, ['rev-parse', `--disambiguate=${prefix}`], { okExitCodes: [1, 128] });
    const objects = stdout.split('\n').filter(isFullSha).slice(0, MAX_DISAMBIGUATION_OBJECTS);
    if (objects.length === 0) throw notFound;
    const check = await runGit(this.options.repoPath, ['cat-file', '--batch-check'], { input: `${objects.join('\n')}\n` });
    const commits = check.stdout
      .split('\n')
      .map((line) => line.split(' '))
      .filter((parts) => parts[1] === 'commit' && isFullSha(parts[0] ?? ''))
      .map((parts) => parts[0] as string);
    if (commits.length === 1 && commits[0]) return commits[0];
    if (commits.length === 0) throw notFound;
    const shown = commits.slice(0, MAX_SHA_CANDIDATES);
    const log = await runGit(this.options.repoPath, [
      'log',
      '--no-walk=unsorted',
      '--format=%H%x1f%cI%x1f%s',
      '--end-of-options',
      ...shown,
    ]);
    const candidates = log.stdout
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [sha = '', date = '', message = ''] = line.split('\x1f');
        return { sha, date, message };
      });
    const padded = [...candidates, ...commits.slice(shown.length).map((sha) => ({ sha, date: '', message: '' }))];
    throw ambiguousShaError(prefix, padded);
  }

  private toCommit(raw: RawCommit, files: string[]): GitCommit {
    const services = this.options.mapper.servicesOfFiles(files);
    return {
      sha: raw.sha,
      author: raw.author,
      date: raw.date,
      time: raw.time,
      message: raw.message,
      files,
      service: services[0] ?? null,
      services,
    };
  }

  private tags(): Promise<ReleaseTag[]> {
    return listReleaseTags(this.options.repoPath, this.options.tagPatterns, this.options.defaultService);
  }

  private fileDeployments(): GitDeployment[] {
    const entries = this.deploymentsFile?.read();
    return entries ? entries.map((e) => toDeployment(e, path.basename(this.options.deploymentsFile ?? ''))) : [];
  }

  /** Tag and file deployments newest first; a file entry with a tag's id replaces it (it knows more). */
  private merge(tagged: { tag: ReleaseTag; deployment: GitDeployment }[], fromFile: GitDeployment[]) {
    const fileIds = new Set(fromFile.map((d) => d.id));
    const all: { tag?: ReleaseTag; deployment: GitDeployment }[] = [
      ...tagged.filter((t) => !fileIds.has(t.deployment.id)),
      ...fromFile.map((deployment) => ({ deployment })),
    ];
    return all.sort((a, b) => b.deployment.time - a.deployment.time);
  }

  private async fillShippedCommits(entries: { tag?: ReleaseTag; deployment: GitDeployment }[]): Promise<void> {
    const pending = entries.filter((e) => e.tag);
    for (let i = 0; i < pending.length; i += SHIPPED_CONCURRENCY) {
      await Promise.all(
        pending.slice(i, i + SHIPPED_CONCURRENCY).map(async (e) => {
          if (e.tag) e.deployment.commits = await this.shipped.of(e.tag);
        }),
      );
    }
  }

  /** Directories that name services at `head`: those under each pattern's literal prefix, and top-level folders. */
  private async serviceDirectories(head: string): Promise<string[]> {
    const names: string[] = [];
    const prefixes = new Set<string>();
    for (const pattern of this.options.mapper.patterns) {
      const segments = pattern.split('/');
      const star = segments.indexOf('*');
      const literal = segments.slice(0, star);
      if (star <= 0 || literal.some((s) => /[*?]/.test(s))) continue;
      prefixes.add(literal[0] ?? '');
      const { stdout } = await runGit(this.options.repoPath, ['ls-tree', '-d', '--name-only', '-z', head, '--', `${literal.join('/')}/`]);
      names.push(
        ...stdout
          .split('\0')
          .filter(Boolean)
          .map((p) => p.split('/').pop() ?? ''),
      );
    }
    const { stdout } = await runGit(this.options.repoPath, ['ls-tree', '-d', '--name-only', '-z', head]);
    names.push(...stdout.split('\0').filter((p) => p && !prefixes.has(p) && !p.startsWith('.')));
    return names.filter(Boolean);
  }
}
