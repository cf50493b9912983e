import type { GitDeployment } from '../backend.js';
import type { ServiceMapper } from '../service-map.js';
import { isFullSha, runGit } from './git-exec.js';

/** The newest release tags considered; older ones rarely matter to an incident and each costs a git call. */
export const MAX_RELEASE_TAGS = 2_000;
/** A first release (no previous tag) would otherwise ship the whole history. */
export const MAX_SHIPPED_COMMITS = 200;

/** Default: `v2.4.1`, `checkout-api/v2.4.1` and `checkout-api@2.4.1`. */
export const DEFAULT_DEPLOY_TAG_PATTERN = 'v*,*/v*,*@*';

export interface ReleaseTag {
  name: string;
  service: string;
  version: string;
  commit: string;
  time: number;
  tagger: string | null;
  subject: string | null;
  /** The same service's previous release tag's commit, if any: `git log prev..commit` is what this one shipped. */
  previousCommit: string | null;
}

/** Compiles comma-separated globs over the whole tag name (`*` matches any run of characters, `/` included). */
export function compileTagPatterns(spec: string): RegExp[] {
  const globs = spec
    .split(',')
    .map((g) => g.trim())
    .filter((g) => g.length > 0);
  if (globs.length === 0) throw new Error('GIT_DEPLOY_TAG_PATTERN is empty; e.g. v*,*/v*,*@*');
  return globs.map(
    (glob) =>
      new RegExp(
        `^${glob
          .replace(/[.+^${}()|[\]\\]/g, '\\$&')
          .replace(/\*/g, '.*')
          .replace(/\?/g, '.')}$`,
      ),
  );
}

/** `checkout-api/v2.4.1` and `checkout-api@2.4.1` name their service; a plain `v2.4.1` belongs to the default one. */
export function parseTagName(name: string, defaultService: string): { service: string; version: string } {
  const match = /^(.+)[/@]([^/@]+)$/.exec(name);
  if (!match?.[1] || !match[2]) return { service: defaultService, version: name };
  const service = match[1].split('/').filter(Boolean).pop() ?? defaultService;
  return { service, version: match[2] };
}

const TAG_FORMAT = [
  '%(refname:strip=2)',
  '%(objecttype)',
  '%(creatordate:iso-strict)',
  '%(objectname)',
  '%(*objecttype)',
  '%(*objectname)',
  '%(taggername)',
  '%(contents:subject)',
].join('%1f');

/** Release tags, oldest first, each linked to its service's previous release. */
export async function listReleaseTags(repoPath: string, patterns: readonly RegExp[], defaultService: string): Promise<ReleaseTag[]> {
  const { stdout } = await runGit(repoPath, [
    'for-each-ref',
    '--sort=-creatordate',
    `--count=${MAX_RELEASE_TAGS}`,
    `--format=${TAG_FORMAT}%1e`,
    'refs/tags/',
  ]);
  const tags: ReleaseTag[] = [];
  for (const record of stdout.split('\x1e')) {
    const [name = '', type = '', date = '', object = '', peeledType = '', peeled = '', tagger = '', subject = ''] = record
      .replace(/^\n/, '')
      .split('\x1f');
    if (!name || !patterns.some((p) => p.test(name))) continue;
    const annotated = type === 'tag';
    // Tags of trees or blobs are not releases.
    const commit = annotated ? (peeledType === 'commit' ? peeled : '') : type === 'commit' ? object : '';
    const time = Date.parse(date);
    if (!isFullSha(commit) || Number.isNaN(time)) continue;
    const { service, version } = parseTagName(name, defaultService);
    tags.push({
      name,
      service,
      version,
      commit,
      time,
      tagger: annotated && tagger ? tagger : null,
      subject: annotated && subject ? subject : null,
      previousCommit: null,
    });
  }
  tags.sort((a, b) => a.time - b.time || a.name.localeCompare(b.name));
  const lastCommitOf = new Map<string, string>();
  for (const tag of tags) {
    tag.previousCommit = lastCommitOf.get(tag.service) ?? null;
    lastCommitOf.set(tag.service, tag.commit);
  }
  return tags;
}

/** Tags whose release first shipped `sha`: they contain it and their service's previous release does not. */
export async function tagsShipping(repoPath: string, tags: readonly ReleaseTag[], sha: string): Promise<ReleaseTag[]> {
  const { stdout } = await runGit(repoPath, ['for-each-ref', `--contains=${sha}`, '--format=%(refname:strip=2)', 'refs/tags/']);
  const containing = new Set(stdout.split('\n').filter(Boolean));
  const containingCommits = new Set(tags.filter((t) => containing.has(t.name)).map((t) => t.commit));
  return tags.filter((t) => containing.has(t.name) && (t.previousCommit === null || !containingCommits.has(t.previousCommit)));
}

/**
 * Computes what a release shipped, once per pair of tags (tags are immutable in practice, so results are cached).
 * `git log prev..tag` alone is wrong in a monorepo: between two releases of one service every team's commits land,
 * and a release would claim (and be blamed for) another service's change. So the range is narrowed to the commits
 * whose files belong to the tag's service; a repository whose paths name no services (one service, plain `v*` tags)
 * keeps the whole range.
 */
export class ShippedCommits {
  private readonly cache = new Map<string, string[]>();

  constructor(
    private readonly repoPath: string,
    private readonly mapper: ServiceMapper,
  ) {}

  async of(tag: ReleaseTag): Promise<string[]> {
    const key = `${tag.service}:${tag.previousCommit ?? ''}..${tag.commit}`;
    const hit = this.cache.get(key);
    if (hit) return hit;
    const range = tag.previousCommit ? [tag.commit, `^${tag.previousCommit}`] : [tag.commit];
    const { stdout } = await runGit(this.repoPath, [
      'log',
      '--format=%x1e%H',
      '--name-only',
      `--max-count=${MAX_SHIPPED_COMMITS}`,
      '--end-of-options',
      ...range,
    ]);
    const commits = stdout
      .split('\x1e')
      .map((record) => record.split('\n').filter(Boolean))
      .filter(([sha]) => sha !== undefined && isFullSha(sha))
      .map(([sha = '', ...files]) => ({ sha, services: this.mapper.servicesOfFiles(files) }));
    const own = commits.filter((commit) => commit.services.includes(tag.service));
    const shas = (own.length > 0 ? own : commits).map((commit) => commit.sha);
    this.cache.set(key, shas);
    return shas;
  }
}

export function tagToDeployment(tag: ReleaseTag, commits: string[], environment: string): GitDeployment {
  return {
    id: tag.name,
    service: tag.service,
    version: tag.version,
    environment,
    status: 'released',
    deployedAt: new Date(tag.time).toISOString(),
    time: tag.time,
    deployedBy: tag.tagger,
    commits,
    description: tag.subject,
    source: `tag ${tag.name}`,
  };
}
