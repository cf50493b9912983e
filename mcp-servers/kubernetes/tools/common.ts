import { z } from 'zod';
import { closestNames } from '../../metrics/analysis/naming.js';
import { parseDuration, parseWindow } from '../../shared/time.js';
import { DEFAULT_LIMIT, MAX_LIMIT, ToolInputError } from '../../shared/tool-result.js';
import { matchesFilter, OwnerIndex, refOf, type WorkloadFilter, type WorkloadRef } from '../analysis/workloads.js';
import { KubeApiError } from '../backends/api-errors.js';
import type { KubeBackend } from '../backends/types.js';
import type { KubeObject } from '../kube-types.js';
import type { ResourceName } from '../resources.js';

/** What every tool needs: the backend (none when nothing is configured) and the namespaces the operator allowed. */
export interface KubeToolContext {
  backend: KubeBackend | undefined;
  /** KUBE_NAMESPACES; undefined: all the credentials may list. */
  namespaces?: string[] | undefined;
  /** Why there is no backend, for the empty answers. */
  noneReason?: string;
}

/** Without `since`, windows reach this far back from now: an incident and the change before it. */
export const DEFAULT_LOOKBACK = '6h';

export const commonInput = {
  since: z
    .string()
    .optional()
    .describe(
      `start of the window: ISO-8601 (2024-05-01T14:30:00Z) or a duration back from now (30m, 2h, 1d); default ${DEFAULT_LOOKBACK}`,
    ),
  until: z.string().optional().describe('end of the window: ISO-8601 or a duration back from now; default now'),
  namespace: z.string().optional().describe('only this namespace; default: every namespace allowed (KUBE_NAMESPACES, else all listable)'),
  workload: z.string().optional().describe('only this workload (Deployment/StatefulSet/DaemonSet name); case-insensitive'),
  service: z
    .string()
    .optional()
    .describe('only workloads of this service: the name or its app.kubernetes.io/name, app.kubernetes.io/instance or app label'),
  limit: z.number().int().min(1).max(MAX_LIMIT).optional().describe(`most items returned (default ${DEFAULT_LIMIT}, max ${MAX_LIMIT})`),
};

export interface CommonArgs {
  since?: string | undefined;
  until?: string | undefined;
  namespace?: string | undefined;
  workload?: string | undefined;
  service?: string | undefined;
  limit?: number | undefined;
}

export interface Window {
  since: number;
  until: number;
}

export function inWindow(time: number | undefined, window: Window): boolean {
  return time !== undefined && time >= window.since && time <= window.until;
}

export async function resolveWindow(args: CommonArgs, backend: KubeBackend | undefined): Promise<Window> {
  const now = backend ? await backend.now() : new Date();
  const parsed = parseWindow({ since: args.since ?? DEFAULT_LOOKBACK, until: args.until }, now);
  const until = (parsed.until ?? now).getTime();
  const since = parsed.since?.getTime() ?? until - (parseDuration(DEFAULT_LOOKBACK) ?? 0);
  if (since >= until)
    throw new ToolInputError(
      `the window ${new Date(since).toISOString()} … ${new Date(until).toISOString()} is empty; since must be before until`,
    );
  return { since, until };
}

export function windowOut(window: Window): { start: string; end: string } {
  return { start: new Date(window.since).toISOString(), end: new Date(window.until).toISOString() };
}

/**
 * One tool call's view of the cluster: each resource listed once per call over the namespaces in scope, so tools that
 * join pods, ReplicaSets and events do not list the same thing twice.
 */
export class ClusterView {
  private readonly cache = new Map<ResourceName, Promise<KubeObject[]>>();
  readonly truncated = new Set<ResourceName>();

  constructor(
    private readonly backend: KubeBackend,
    /** undefined: all namespaces. */
    readonly namespaces: readonly string[] | undefined,
    private readonly signal?: AbortSignal,
  ) {}

  list(resource: ResourceName): Promise<KubeObject[]> {
    let pending = this.cache.get(resource);
    if (!pending) {
      pending = this.load(resource);
      this.cache.set(resource, pending);
    }
    return pending;
  }

  private async load(resource: ResourceName): Promise<KubeObject[]> {
    const scopes = resource === 'nodes' || this.namespaces === undefined ? [undefined] : this.namespaces;
    const out: KubeObject[] = [];
    for (const namespace of scopes) {
      const { items, truncated } = await this.backend.list(resource, namespace, this.signal);
      if (truncated) this.truncated.add(resource);
      out.push(...items);
    }
    return out;
  }

  async owners(): Promise<OwnerIndex> {
    return new OwnerIndex(await this.list('replicasets'));
  }

  /** The Deployments, StatefulSets and DaemonSets in scope. */
  async workloads(): Promise<{ object: KubeObject; ref: WorkloadRef }[]> {
    const [deployments, statefulSets, daemonSets] = await Promise.all([
      this.list('deployments'),
      this.list('statefulsets'),
      this.list('daemonsets'),
    ]);
    return [
      ...deployments.map((object) => ({ object, ref: refOf(object, 'Deployment') })),
      ...statefulSets.map((object) => ({ object, ref: refOf(object, 'StatefulSet') })),
      ...daemonSets.map((object) => ({ object, ref: refOf(object, 'DaemonSet') })),
    ];
  }

  /** What a call left out: a bounded listing, or an optional resource the credentials may not list. */
  readonly skipped: string[] = [];

  /**
   * A resource the answer can do without (Secrets, the one rule an operator may well leave out of the role; events.k8s.io
   * events, which core/v1 events mirror): a missing permission leaves it empty and is said in the note instead of
   * failing the whole call.
   */
  async listOptional(resource: ResourceName): Promise<KubeObject[]> {
    try {
      return await this.list(resource);
    } catch (error) {
      if (!(error instanceof KubeApiError) || error.status !== 403) throw error;
      this.skipped.push(`${resource} left out: ${error.message}`);
      return [];
    }
  }

  note(): string | undefined {
    const notes = [...this.skipped];
    if (this.truncated.size > 0) notes.push(`the listing of ${[...this.truncated].join(', ')} stopped at its bound; narrow the namespace`);
    return notes.length > 0 ? notes.join('; ') : undefined;
  }
}

/**
 * The namespaces a call reads: the one asked for (which must be allowed and exist), else KUBE_NAMESPACES, else all.
 */
export async function resolveScope(ctx: KubeToolContext, args: CommonArgs, signal?: AbortSignal): Promise<readonly string[] | undefined> {
  if (args.namespace === undefined) return ctx.namespaces;
  const wanted = args.namespace.trim();
  if (ctx.namespaces && !ctx.namespaces.includes(wanted)) {
    throw new ToolInputError(
      `namespace ${wanted} is not among KUBE_NAMESPACES (${ctx.namespaces.join(', ')})`,
      'pass one of those namespaces, or leave namespace out',
    );
  }
  if (ctx.backend && (await ctx.backend.namespaceExists(wanted, signal)) === false) {
    throw new ToolInputError(
      `unknown namespace ${wanted}`,
      'leave namespace out to search every namespace, or check the name (kubectl get namespaces)',
    );
  }
  return [wanted];
}

/** A workload/service filter that matches nothing is a mistake worth a hint, not an empty answer. */
export async function assertKnownWorkload(view: ClusterView, filter: WorkloadFilter): Promise<void> {
  if (filter.workload === undefined && filter.service === undefined) return;
  const refs = (await view.workloads()).map((w) => w.ref);
  const owners = await view.owners();
  for (const pod of await view.list('pods')) refs.push(owners.workloadOf(pod));
  if (refs.some((ref) => matchesFilter(ref, filter))) return;
  const which = filter.workload !== undefined ? `workload ${filter.workload}` : `service ${filter.service}`;
  throw new ToolInputError(
    `unknown ${which}${filter.namespace ? ` in namespace ${filter.namespace}` : ''}; known: ${closestNames(
      filter.workload ?? filter.service ?? '',
      refs.filter((r) => r.kind !== 'Pod').map((r) => r.name),
    )}`,
    'pass one of the known workloads, or leave the filter out',
  );
}

export function limitOf(args: CommonArgs): number {
  return Math.min(args.limit ?? DEFAULT_LIMIT, MAX_LIMIT);
}

export function backendName(ctx: KubeToolContext): 'dataset' | 'api' | 'none' {
  return ctx.backend?.kind ?? 'none';
}

/** The answer when no cluster is configured: not an error, so no report counts Kubernetes as a missing source. */
export function noneNote(ctx: KubeToolContext): string {
  return ctx.noneReason ?? 'no Kubernetes configured';
}

export function shortTime(time: number | string | null): string {
  if (time === null) return '?';
  return new Date(time).toISOString().replace('.000Z', 'Z');
}
