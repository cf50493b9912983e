import type { CommitOut, DeploymentOut } from '../../../mcp-servers/git/schemas.js';
import { codeLinks } from './code-refs.js';
import type { Cited } from './facts.js';
import type { Symptom } from './symptoms.js';
import { pathTouchesService, tokens } from './text.js';

/** Anomaly onsets are bucketed; a change this close after the onset may still be its cause. */
export const ONSET_GRACE_MS = 5 * 60_000;
/** A change clearly after the onset cannot have caused it; it keeps a sliver so the report can still mention it. */
const AFTER_ONSET_FACTOR = 0.05;
const IN_GRACE_FACTOR = 0.6;
/** Time matters, but weakly: the closest change is often innocent and leaks take hours. */
const TIME_FLOOR = 0.45;
const TIME_SCALE_MS = 3 * 3_600_000;
/** How much a change that touches none of the affected services can still score. */
const SERVICE_FACTOR = { top: 1, primary: 0.75, symptomatic: 0.6, unknown: 0.45, other: 0.2 } as const;
/** Commits without a deployment usually never reached production when deployments are recorded at all. */
const UNDEPLOYED_FACTOR = 0.2;
/** A change whose services show none of the symptoms keeps this much: it may still have broken a caller. */
const COVERAGE_FLOOR = 0.4;
/** A change with no words in common with the symptoms still explains this much. */
const BASE_EXPLAIN = 0.25;
/** Overlap weight at which a change explains about 63% of what it could. */
const OVERLAP_SCALE = 1.2;
const CONFIG_FILE = /\.(ya?ml|json|toml|ini|env|properties|conf|cfg)$|(^|\/)(config|configs|settings|flags?)(\/|$)/i;

export interface Change {
  kind: 'deployment' | 'commit' | 'config' | 'infrastructure';
  id: string;
  version?: string;
  service: string | null;
  at: string;
  environment?: string;
  status?: string;
  /** What the change says about itself: description, messages, file paths. */
  text: string;
  files: string[];
  commits: CommitOut[];
  /** Commit shas the deployment says it shipped, found in the commit list or not. */
  declaredCommits: string[];
  callId: string;
  /** Strings that identify it in its call's output text, for quotes. */
  needles: string[];
  /** Seen happening in the logs (a flag flip, a reload): it is running, whatever the deployments say. */
  live?: boolean;
  /** Read from the running system's own state (a cluster's rollouts, ConfigMaps, autoscalers): it is applied. */
  applied?: boolean;
  /** Other services its text names (the workload a scaling line is about). */
  alsoTouches?: string[];
  /** Prior from how it was found, 0..1: a rare log event seen once before, or worded as a mere start, weighs less. */
  weight?: number;
}

export interface ScoredChange {
  change: Change;
  score: number;
  timeFactor: number;
  serviceFactor: number;
  overlap: number;
  overlapNorm: number;
  shared: string[];
  afterOnset: boolean;
  touches: string[];
  /** Share of the symptom weight on services the change touches, 0..1. */
  coverage: number;
  /**
   * What ties it to the symptoms: time (shortly before the onset), service (an affected one), text (shared words),
   * code (it touched code the errors ran through), state (the system's own state shows it failing: kubernetes-verdicts.ts).
   */
  links: ('time' | 'service' | 'text' | 'code' | 'state')[];
  /** How strongly the symptoms use each shared word, 0..1. */
  weights?: Map<string, number>;
  /** Of a multi-commit change, the commit that can produce the symptoms (culprit.ts), quoted and reverted. */
  causeCommit?: string;
}

/** A change this close before the onset is linked to it by time alone. */
const TIME_LINK_MS = 2 * 3_600_000;
/** Shared words worth a link: overlap past this is more than one common word. */
const TEXT_LINK = 0.2;
/**
 * A change that touched the code the errors ran through is not discounted for its age (a defect can wait weeks for
 * its trigger): its time factor is at least this, and its score is raised by CODE_FACTOR.
 */
const CODE_TIME_FACTOR = 0.8;
const CODE_FACTOR = 1.5;

function linksOf(lead: number, service: number, overlapNorm: number): ScoredChange['links'] {
  const links: ScoredChange['links'] = [];
  if (lead >= -ONSET_GRACE_MS && lead <= TIME_LINK_MS) links.push('time');
  if (service >= SERVICE_FACTOR.symptomatic) links.push('service');
  if (overlapNorm >= TEXT_LINK) links.push('text');
  return links;
}

export interface ChangeContext {
  onset: Date;
  primary: readonly string[];
  symptomServices: readonly string[];
  allServices: readonly string[];
  /** Symptom vocabulary: token → weight 0..1. */
  symptomTokens: ReadonlyMap<string, number>;
  deploymentsRecorded: boolean;
  /** Time scale of the decay before the onset; longer for a slow exhaustion, whose cause may be days old. */
  timeScaleMs?: number;
  /** Each symptom's weight and the services it belongs to (its emitters and the services its text names). */
  symptomOwners?: readonly { owners: readonly string[]; weight: number }[];
  /** Symptoms whose named code (frames, files, functions) links a change that touched it, whatever its age. */
  codeSymptoms?: readonly Symptom[];
}

function shaMatches(a: string, b: string): boolean {
  return a.startsWith(b) || b.startsWith(a);
}

/** Deployments with the text of the commits they shipped, plus commits that no deployment shipped. */
export function buildChanges(deployments: readonly Cited<DeploymentOut>[], commits: readonly Cited<CommitOut>[]): Change[] {
  const shipped = new Set<string>();
  const out: Change[] = [];
  for (const { value: deploy, callId } of deployments) {
    const included = commits.filter(({ value }) => deploy.commits.some((sha) => shaMatches(value.sha, sha))).map(({ value }) => value);
    for (const commit of included) shipped.add(commit.sha);
    const files = [...new Set(included.flatMap((commit) => commit.files))];
    out.push({
      kind: 'deployment',
      id: deploy.id,
      version: deploy.version,
      service: deploy.service,
      at: deploy.deployedAt,
      environment: deploy.environment,
      status: deploy.status,
      text: [deploy.description ?? '', ...included.map((commit) => commit.message), ...files].join('\n'),
      files,
      commits: included,
      declaredCommits: deploy.commits,
      callId,
      needles: [deploy.id, deploy.version],
    });
  }
  for (const { value: commit, callId } of commits) {
    if (shipped.has(commit.sha)) continue;
    const configOnly = commit.files.length > 0 && commit.files.every((file) => CONFIG_FILE.test(file));
    out.push({
      kind: configOnly ? 'config' : 'commit',
      id: commit.sha,
      service: commit.service,
      at: commit.date,
      text: [commit.message, ...commit.files].join('\n'),
      files: commit.files,
      commits: [commit],
      declaredCommits: [commit.sha],
      callId,
      needles: [commit.shortSha, commit.sha],
    });
  }
  return out;
}

/** The services a change touches: its own service, its commits' services, and services its files live under. */
export function servicesTouched(change: Change, allServices: readonly string[]): string[] {
  const touched = new Set<string>();
  if (change.service) touched.add(change.service);
  for (const commit of change.commits) if (commit.service) touched.add(commit.service);
  for (const service of change.alsoTouches ?? []) touched.add(service);
  for (const service of allServices) if (change.files.some((file) => pathTouchesService(file, service))) touched.add(service);
  return [...touched].sort();
}

export function timeFactor(changeAt: string, onset: Date, scaleMs = TIME_SCALE_MS): { factor: number; afterOnset: boolean } {
  const lead = onset.getTime() - Date.parse(changeAt);
  if (lead < -ONSET_GRACE_MS) return { factor: AFTER_ONSET_FACTOR, afterOnset: true };
  if (lead < 0) return { factor: IN_GRACE_FACTOR, afterOnset: false };
  return { factor: TIME_FLOOR + (1 - TIME_FLOOR) * Math.exp(-lead / scaleMs), afterOnset: false };
}

/**
 * How much of the trouble a change can account for: the same error on services it never touched (a shared DNS name,
 * a provider) says the cause lies elsewhere. Unknown when the change names no service or there are no symptoms.
 */
function coverageOf(touches: readonly string[], ctx: ChangeContext): number {
  const owners = ctx.symptomOwners ?? [];
  const total = owners.reduce((sum, entry) => sum + entry.weight, 0);
  if (touches.length === 0 || total <= 0) return 1;
  const covered = owners
    .filter((entry) => entry.owners.some((service) => touches.includes(service)))
    .reduce((sum, entry) => sum + entry.weight, 0);
  return covered / total;
}

function serviceFactor(touches: readonly string[], ctx: ChangeContext): number {
  if (touches.length === 0) return SERVICE_FACTOR.unknown;
  if (ctx.primary[0] !== undefined && touches.includes(ctx.primary[0])) return SERVICE_FACTOR.top;
  if (touches.some((service) => ctx.primary.includes(service))) return SERVICE_FACTOR.primary;
  if (touches.some((service) => ctx.symptomServices.includes(service))) return SERVICE_FACTOR.symptomatic;
  return SERVICE_FACTOR.other;
}

/** Environments that do not serve production traffic barely count; an aborted deploy shipped nothing. */
function rolloutFactor(change: Change, ctx: ChangeContext): number {
  let factor = 1;
  if (change.environment && /stag|dev|test|qa|sandbox|preview|canary/i.test(change.environment)) factor *= 0.2;
  if (change.status && /fail|abort|cancel/i.test(change.status)) factor *= 0.3;
  if (change.kind !== 'deployment' && !change.live && !change.applied && ctx.deploymentsRecorded) factor *= UNDEPLOYED_FACTOR;
  return factor * (change.weight ?? 1);
}

/**
 * Scores each change as the cause: time before onset (weak decay), whether it touches an affected service, and the
 * words it shares with the symptoms, each shared word discounted by how many changes use it (a rare shared word says more).
 */
export function scoreChanges(changes: readonly Change[], ctx: ChangeContext): ScoredChange[] {
  const serviceWords = new Set(ctx.allServices.flatMap((service) => [...tokens(service)]));
  const changeTokens = changes.map((change) => new Set([...tokens(change.text)].filter((token) => !serviceWords.has(token))));
  const df = new Map<string, number>();
  for (const set of changeTokens) for (const token of set) df.set(token, (df.get(token) ?? 0) + 1);
  const scored = changes.map((change, index) => {
    const own = changeTokens[index] ?? new Set<string>();
    const shared = [...own].filter((token) => ctx.symptomTokens.has(token)).sort();
    const overlap = shared.reduce((sum, token) => sum + (ctx.symptomTokens.get(token) ?? 0) / (df.get(token) ?? 1), 0);
    const overlapNorm = 1 - Math.exp(-overlap / OVERLAP_SCALE);
    const code = ctx.codeSymptoms ? codeLinks(change, ctx.codeSymptoms).length > 0 : false;
    const decayed = timeFactor(change.at, ctx.onset, ctx.timeScaleMs);
    const time = code && !decayed.afterOnset ? { ...decayed, factor: Math.max(decayed.factor, CODE_TIME_FACTOR) } : decayed;
    const touches = servicesTouched(change, ctx.allServices);
    const service = serviceFactor(touches, ctx);
    const coverage = coverageOf(touches, ctx);
    const score =
      time.factor *
      service *
      rolloutFactor(change, ctx) *
      (COVERAGE_FLOOR + (1 - COVERAGE_FLOOR) * coverage) *
      (BASE_EXPLAIN + (1 - BASE_EXPLAIN) * overlapNorm) *
      (code ? CODE_FACTOR : 1);
    return {
      coverage,
      change,
      score,
      timeFactor: time.factor,
      serviceFactor: service,
      overlap,
      overlapNorm,
      shared,
      afterOnset: time.afterOnset,
      touches,
      links: [...linksOf(ctx.onset.getTime() - Date.parse(change.at), service, overlapNorm), ...(code ? (['code'] as const) : [])],
      weights: new Map(shared.map((token) => [token, ctx.symptomTokens.get(token) ?? 0])),
    };
  });
  return scored.sort(
    (a, b) => b.score - a.score || Date.parse(b.change.at) - Date.parse(a.change.at) || a.change.id.localeCompare(b.change.id),
  );
}
