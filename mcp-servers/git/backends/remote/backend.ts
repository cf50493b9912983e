import { readDatasetMeta } from '../../../shared/dataset.js';
import type { TimeWindow } from '../../../shared/time.js';
import { inWindow } from '../../../shared/time.js';
import type { CommitDetail, GitBackend, GitCommit, GitDeployment, Listing, PullRequestRef } from '../../backend.js';
import { newestFirst, shipsCommit } from '../../backend.js';
import type { ServiceMapper } from '../../service-map.js';
import { assertSha } from '../git-exec.js';
import { MAX_DIFFSTAT_FILES } from '../repo.js';
import type { HostedGitApi } from './api.js';
import { RequestBudget } from './budget.js';
import {
  type ApiCommit,
  type ApiDeployment,
  type ApiRelease,
  commitTime,
  deploymentService,
  describePulls,
  namedService,
  releaseToDeployment,
  toCommit,
  toDeployment,
  toPullRef,
} from './map.js';

/** Commits whose files are fetched per listing (one request each, newest first); the rest list without files. */
export const MAX_COMMIT_DETAILS = 25;
/** Deployments resolved per listing (statuses and compare: two requests each), newest first. */
export const MAX_DEPLOYMENTS_RESOLVED = 10;
/** Commits of one deployment's range whose files are fetched to tell which touched its service. */
const MAX_RANGE_DETAILS = 30;
/** Commit details kept by sha: a commit never changes, so a repeated window costs no request. */
const MAX_CACHED_COMMITS = 2_000;
/** A deployment requested this long before the window may still have gone live inside it. */
const DEPLOY_START_SLACK_MS = 6 * 3_600_000;

export interface HostedBackendOptions {
  api: HostedGitApi;
  mapper: ServiceMapper;
  /** Service of deployments whose payload names none, and of releases. */
  defaultService: string;
  /** Environment reported for releases (they carry none). */
  environment: string;
  /** A dataset folder whose dataset.json `now` replaces the wall clock (an evaluation case). */
  nowDataDir?: string;
}

/** History from a forge's REST API (GitHub or GitLab): commits, deployments (or releases), merged pull requests. */
export class HostedBackend implements GitBackend {
  readonly label: string;
  private readonly details = new Map<string, ApiCommit>();
  private readonly compared = new Map<string, string[]>();

  constructor(private readonly options: HostedBackendOptions) {
    this.label = options.api.label;
  }

  private get api(): HostedGitApi {
    return this.options.api;
  }

  async now(): Promise<Date> {
    const meta = this.options.nowDataDir ? readDatasetMeta(this.options.nowDataDir) : undefined;
    return meta?.now ? new Date(meta.now) : new Date();
  }

  async services(): Promise<string[]> {
    const budget = new RequestBudget();
    const names = new Set<string>([this.options.defaultService]);
    const first = await this.api.listDeployments(budget, () => false);
    for (const d of first.items) names.add(deploymentService(d, this.options.defaultService));
    for (const c of this.details.values()) for (const s of this.options.mapper.servicesOfFiles(fileNames(c))) names.add(s);
    return [...names].sort();
  }

  async commits(window: TimeWindow): Promise<Listing<GitCommit>> {
    const budget = new RequestBudget();
    const listed = await this.api.listCommits(window, budget);
    const inside = listed.items.filter((c) => inWindow(commitTime(c), window));
    const notes: string[] = [];
    if (listed.cut) notes.push(budget.note(`${inside.length} commits read, older ones not`));
    let detailed = 0;
    for (const c of inside) {
      if (detailed >= MAX_COMMIT_DETAILS || budget.spent()) break;
      if (!this.details.has(c.sha)) await this.fetchDetail(c.sha, budget);
      detailed++;
    }
    if (inside.length > detailed)
      notes.push(
        `Files are listed for the newest ${detailed} of ${inside.length} commits only (MAX_COMMIT_DETAILS); get_commit shows any commit's files.`,
      );
    const pulls = await this.mergedPulls(window, budget);
    const items = inside.map((c) => {
      const detail = this.details.get(c.sha);
      return toCommit(c, detail ? fileNames(detail) : undefined, this.options.mapper, pulls.get(c.sha.toLowerCase()));
    });
    return { items: newestFirst(items), ...(notes.length > 0 ? { note: notes.join(' ') } : {}) };
  }

  async deployments(window: TimeWindow): Promise<Listing<GitDeployment>> {
    return this.deploymentsWith(window, new RequestBudget());
  }

  async getCommit(sha: string): Promise<CommitDetail> {
    const prefix = assertSha(sha);
    const budget = new RequestBudget();
    const detail = await this.fetchDetail(prefix, budget);
    const pulls = await this.mergedPulls({ since: new Date(commitTime(detail)) }, budget);
    const commit = toCommit(detail, fileNames(detail), this.options.mapper, pulls.get(detail.sha.toLowerCase()));
    const churn = (f: { additions?: number; deletions?: number }) => (f.additions ?? 0) + (f.deletions ?? 0);
    const files = [...(detail.files ?? [])].sort((a, b) => churn(b) - churn(a));
    const diffStat = files
      .slice(0, MAX_DIFFSTAT_FILES)
      .map((f) => ({ file: f.filename, added: f.additions ?? null, removed: f.deletions ?? null }));
    const shipped = await this.deploymentsWith({ since: new Date(commit.time) }, budget);
    return { commit, diffStat, diffStatFilesTotal: files.length, deployments: shipped.items.filter((d) => shipsCommit(d, commit.sha)) };
  }

  private async deploymentsWith(window: TimeWindow, budget: RequestBudget): Promise<Listing<GitDeployment>> {
    const oldest = window.since ? window.since.getTime() - DEPLOY_START_SLACK_MS : undefined;
    // One page past the window, so the oldest deployment inside it still finds its predecessor to compare with.
    let pastWindow = false;
    const listed = await this.api.listDeployments(budget, (page) => {
      const last = page.at(-1);
      if (pastWindow) return false;
      if (oldest !== undefined && last && Date.parse(last.created_at) < oldest) pastWindow = true;
      return true;
    });
    if (listed.items.length === 0 && !listed.cut) return this.releases(window, budget);
    const notes: string[] = [];
    if (listed.cut) notes.push(budget.note('older deployments were not read'));
    const candidates = listed.items.filter((d) => (window.until ? Date.parse(d.created_at) <= window.until.getTime() : true));
    const pulls = await this.mergedPulls(window, budget);
    const out: GitDeployment[] = [];
    let resolved = 0;
    for (const d of candidates) {
      if (oldest !== undefined && Date.parse(d.created_at) < oldest) break;
      if (resolved >= MAX_DEPLOYMENTS_RESOLVED || budget.spent()) {
        notes.push(`Only the newest ${resolved} deployments were resolved (MAX_DEPLOYMENTS_RESOLVED); narrow the window.`);
        break;
      }
      resolved++;
      const statuses = await this.api.deploymentStatuses(d, budget);
      const previous = listed.items.find(
        (p) =>
          p.environment === d.environment &&
          p.id !== d.id &&
          Date.parse(p.created_at) <= Date.parse(d.created_at) &&
          sameService(p, d, this.options.defaultService) &&
          p.sha !== d.sha,
      );
      const commits = await this.ofService(await this.shipped(previous?.sha, d.sha, budget), namedService(d), budget);
      const named = commits.flatMap((s) => pulls.get(s) ?? []);
      out.push(toDeployment(d, statuses, this.options.defaultService, commits, describePulls(unique(named), d.description)));
    }
    const items = newestFirst(out.filter((d) => inWindow(d.time, window)));
    return { items, ...(notes.length > 0 ? { note: notes.join(' ') } : {}) };
  }

  /** Releases stand in for deployments in a repository that records none (it ships by tagging). */
  private async releases(window: TimeWindow, budget: RequestBudget): Promise<Listing<GitDeployment>> {
    const listed = await this.api.listReleases(budget, (page: ApiRelease[]) => {
      const last = page.at(-1);
      return !(window.since && last && Date.parse(last.created_at) < window.since.getTime());
    });
    const published = listed.items.filter((r) => !r.draft);
    if (published.length === 0) return { items: [], note: `There are no deployments or releases in ${this.label}.` };
    const pulls = await this.mergedPulls(window, budget);
    const out: GitDeployment[] = [];
    for (const [index, r] of published.entries()) {
      if (!inWindow(Date.parse(r.published_at ?? r.created_at), window)) continue;
      if (out.length >= MAX_DEPLOYMENTS_RESOLVED || budget.spent()) break;
      const commits = await this.shipped(published[index + 1]?.tag_name, r.tag_name, budget);
      const named = commits.flatMap((s) => pulls.get(s) ?? []);
      out.push(
        releaseToDeployment(r, this.options.defaultService, this.options.environment, commits, describePulls(unique(named), r.name)),
      );
    }
    return {
      items: newestFirst(out),
      note: `${this.label} records no Deployments; its releases are listed as deployments to ${this.options.environment}.`,
    };
  }

  /** The commits `head` shipped after `base` (compare base...head), newest first; only head when there is no base. */
  private async shipped(base: string | undefined, head: string, budget: RequestBudget): Promise<string[]> {
    if (!base) return [head.toLowerCase()];
    const key = `${base}...${head}`;
    const cached = this.compared.get(key);
    if (cached) return cached;
    const answer = await this.api.compare(base, head, budget);
    if (!answer) return [head.toLowerCase()];
    const shas = answer.map((sha) => sha.toLowerCase()).reverse();
    this.compared.set(key, shas);
    return shas;
  }

  /**
   * In a monorepo a service's deployment ships only the commits of the range that touched it; compare lists every
   * commit since the previous deployment. Commits whose files are unknown (the budget ran out) stay listed: the
   * deployed commit itself always does.
   */
  private async ofService(shas: string[], service: string | undefined, budget: RequestBudget): Promise<string[]> {
    if (!service || shas.length <= 1) return shas;
    const kept: string[] = [];
    for (const [index, sha] of shas.entries()) {
      let detail = this.details.get(sha);
      if (!detail && index < MAX_RANGE_DETAILS && !budget.spent()) detail = await this.fetchDetail(sha, budget);
      if (index === 0 || !detail || this.options.mapper.servicesOfFiles(fileNames(detail)).includes(service)) kept.push(sha);
    }
    return kept;
  }

  private async fetchDetail(ref: string, budget: RequestBudget): Promise<ApiCommit> {
    const known = this.details.get(ref);
    if (known) return known;
    // getCommit always fetches, even on a spent budget: it is one request and the whole point of the call.
    if (budget.spent()) budget = new RequestBudget(1);
    const detail = await this.api.commit(ref, budget);
    this.details.set(detail.sha, detail);
    if (this.details.size > MAX_CACHED_COMMITS) {
      const first = this.details.keys().next().value;
      if (first !== undefined) this.details.delete(first);
    }
    return detail;
  }

  /** Merged pull requests updated since the window began, by merge commit sha. */
  private async mergedPulls(window: TimeWindow, budget: RequestBudget): Promise<Map<string, PullRequestRef>> {
    const pulls = await this.api.listMergedPulls(window.since, budget);
    const out = new Map<string, PullRequestRef>();
    for (const p of pulls) {
      const ref = toPullRef(p);
      if (ref && p.merge_commit_sha) out.set(p.merge_commit_sha.toLowerCase(), ref);
    }
    return out;
  }
}

function fileNames(c: ApiCommit): string[] {
  return (c.files ?? []).map((f) => f.filename);
}

function sameService(a: ApiDeployment, b: ApiDeployment, defaultService: string): boolean {
  return deploymentService(a, defaultService) === deploymentService(b, defaultService);
}

function unique(pulls: PullRequestRef[]): PullRequestRef[] {
  return [...new Map(pulls.map((p) => [p.number, p])).values()];
}
