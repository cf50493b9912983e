import path from 'node:path';
import {
  AppsV1Api,
  AutoscalingV2Api,
  CoreV1Api,
  EventsV1Api,
  KubeConfig,
  Observable,
  type ObservableMiddleware,
} from '@kubernetes/client-node';
import { ToolInputError } from '../../shared/tool-result.js';
import { KubeConfigError, type KubernetesConfig } from '../config.js';
import type { KubeObject } from '../kube-types.js';
import { RESOURCES, type ResourceName } from '../resources.js';
import { type ApiTarget, describeApiError } from './api-errors.js';
import { type KubeBackend, secretMetadataOnly } from './types.js';

/** Objects per list request: the API's recommended chunk size, so one response stays small. */
export const DEFAULT_PAGE_SIZE = 500;
/** Most pages read per resource and namespace: 20 × 500 objects is more than one analysis can use. */
export const MAX_PAGES = 20;

/**
 * Asks for Secrets as PartialObjectMetadataList (the API's metadata-only list), so their data never leaves the API
 * server; https://kubernetes.io/docs/reference/using-api/api-concepts/#receiving-resources-as-tables-or-metadata.
 */
export const METADATA_ONLY_ACCEPT = 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1';

type ListPage = { metadata?: { _continue?: string }; items: unknown[] };
type Lister = (namespace: string | undefined, page: { _continue?: string; limit: number }, options: object) => Promise<ListPage>;

/** The client's models carry Dates; the tools read the wire form (RFC 3339 strings), the same as a dataset's. */
export function toWire(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(toWire);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) if (item !== undefined) out[key] = toWire(item);
    return out;
  }
  return value;
}

function middleware(pre: (ctx: Parameters<ObservableMiddleware['pre']>[0]) => void): ObservableMiddleware {
  return {
    pre: (ctx) => {
      pre(ctx);
      return new Observable(Promise.resolve(ctx));
    },
    post: (rsp) => new Observable(Promise.resolve(rsp)),
  };
}

/** A live cluster through the official client (@kubernetes/client-node): list calls only, paged with `continue`. */
export class ApiBackend implements KubeBackend {
  readonly kind = 'api' as const;
  readonly label: string;
  private readonly listers: Record<ResourceName, Lister>;
  private readonly core: CoreV1Api;

  constructor(
    kubeConfig: KubeConfig,
    private readonly options: { timeoutMs: number; pageSize?: number; maxPages?: number },
  ) {
    const cluster = kubeConfig.getCurrentCluster();
    if (!cluster) throw new KubeConfigError('the kubeconfig has no current cluster: set KUBE_CONTEXT to one of its contexts');
    const context = kubeConfig.getCurrentContext() || undefined;
    this.target = { server: cluster.server, context };
    this.label = `cluster ${cluster.server}${context ? ` (context ${context})` : ''}`;
    const core = kubeConfig.makeApiClient(CoreV1Api);
    const apps = kubeConfig.makeApiClient(AppsV1Api);
    const autoscaling = kubeConfig.makeApiClient(AutoscalingV2Api);
    const events = kubeConfig.makeApiClient(EventsV1Api);
    this.core = core;
    // One entry per resource in RESOURCES: namespaced list, else the all-namespaces list.
    this.listers = {
      deployments: (ns, p, o) =>
        ns ? apps.listNamespacedDeployment({ namespace: ns, ...p }, o) : apps.listDeploymentForAllNamespaces(p, o),
      replicasets: (ns, p, o) =>
        ns ? apps.listNamespacedReplicaSet({ namespace: ns, ...p }, o) : apps.listReplicaSetForAllNamespaces(p, o),
      statefulsets: (ns, p, o) =>
        ns ? apps.listNamespacedStatefulSet({ namespace: ns, ...p }, o) : apps.listStatefulSetForAllNamespaces(p, o),
      daemonsets: (ns, p, o) => (ns ? apps.listNamespacedDaemonSet({ namespace: ns, ...p }, o) : apps.listDaemonSetForAllNamespaces(p, o)),
      controllerrevisions: (ns, p, o) =>
        ns ? apps.listNamespacedControllerRevision({ namespace: ns, ...p }, o) : apps.listControllerRevisionForAllNamespaces(p, o),
      pods: (ns, p, o) => (ns ? core.listNamespacedPod({ namespace: ns, ...p }, o) : core.listPodForAllNamespaces(p, o)),
      events: (ns, p, o) => (ns ? core.listNamespacedEvent({ namespace: ns, ...p }, o) : core.listEventForAllNamespaces(p, o)),
      eventsV1: (ns, p, o) => (ns ? events.listNamespacedEvent({ namespace: ns, ...p }, o) : events.listEventForAllNamespaces(p, o)),
      configmaps: (ns, p, o) => (ns ? core.listNamespacedConfigMap({ namespace: ns, ...p }, o) : core.listConfigMapForAllNamespaces(p, o)),
      secrets: (ns, p, o) => (ns ? core.listNamespacedSecret({ namespace: ns, ...p }, o) : core.listSecretForAllNamespaces(p, o)),
      horizontalpodautoscalers: (ns, p, o) =>
        ns
          ? autoscaling.listNamespacedHorizontalPodAutoscaler({ namespace: ns, ...p }, o)
          : autoscaling.listHorizontalPodAutoscalerForAllNamespaces(p, o),
      nodes: (_ns, p, o) => core.listNode(p, o),
    };
  }

  private readonly target: ApiTarget;

  /** KUBECONFIG (a path list, merged like kubectl's) and KUBE_CONTEXT, or the pod's service account. */
  static fromConfig(
    config: Extract<KubernetesConfig, { backend: 'api' }>,
    options: { pageSize?: number; maxPages?: number } = {},
  ): ApiBackend {
    const kc = new KubeConfig();
    try {
      if (config.inCluster) kc.loadFromCluster();
      else {
        const files = (config.kubeconfig ?? '').split(path.delimiter).filter(Boolean);
        files.forEach((file, index) => {
          if (index === 0) kc.loadFromFile(file);
          else {
            const more = new KubeConfig();
            more.loadFromFile(file);
            kc.mergeConfig(more, true);
          }
        });
      }
    } catch (error) {
      throw new KubeConfigError(
        `cannot load ${config.inCluster ? 'the in-cluster service account' : `KUBECONFIG ${config.kubeconfig}`}: ${(error as Error).message}`,
      );
    }
    if (config.context !== undefined) {
      const names = kc.getContexts().map((c) => c.name);
      if (!names.includes(config.context))
        throw new KubeConfigError(`KUBE_CONTEXT ${config.context} is not in the kubeconfig; its contexts: ${names.join(', ') || '(none)'}`);
      kc.setCurrentContext(config.context);
    }
    return new ApiBackend(kc, { timeoutMs: config.timeoutMs, ...options });
  }

  async now(): Promise<Date> {
    return new Date();
  }

  /** Per request: the time limit joined with the caller's cancel; Secrets asked for as metadata only. */
  private requestOptions(resource: ResourceName | 'namespaces', signal: AbortSignal | undefined) {
    const timeout = AbortSignal.timeout(this.options.timeoutMs);
    const combined = signal ? AbortSignal.any([timeout, signal]) : timeout;
    const set = middleware((ctx) => {
      ctx.setSignal(combined);
      if (resource === 'secrets') ctx.setHeaderParam('Accept', METADATA_ONLY_ACCEPT);
    });
    return { options: { middleware: [set], middlewareMergeStrategy: 'append' as const }, timeout };
  }

  private failure(error: unknown, timeout: AbortSignal, request: Parameters<typeof describeApiError>[1]): Error {
    if (timeout.aborted)
      return new ToolInputError(
        `the Kubernetes API server ${this.target.server} did not answer ${request.verb} ${request.resource} within ${this.options.timeoutMs} ms`,
        'try again, narrow the namespace, or raise KUBE_TIMEOUT_MS',
      );
    if ((error as { name?: unknown }).name === 'AbortError') return error as Error;
    return describeApiError(error, request, this.target);
  }

  async list(
    resource: ResourceName,
    namespace: string | undefined,
    signal?: AbortSignal,
  ): Promise<{ items: KubeObject[]; truncated: boolean }> {
    const ns = RESOURCES[resource].namespaced ? namespace : undefined;
    const items: KubeObject[] = [];
    let token: string | undefined;
    for (let page = 0; page < (this.options.maxPages ?? MAX_PAGES); page += 1) {
      const { options, timeout } = this.requestOptions(resource, signal);
      let answer: ListPage;
      try {
        answer = await this.listers[resource](
          ns,
          { limit: this.options.pageSize ?? DEFAULT_PAGE_SIZE, ...(token ? { _continue: token } : {}) },
          options,
        );
      } catch (error) {
        throw this.failure(error, timeout, { verb: 'list', resource, namespace: ns });
      }
      for (const item of answer.items) {
        const wire = toWire(item) as KubeObject;
        items.push(resource === 'secrets' ? secretMetadataOnly(wire) : wire);
      }
      token = answer.metadata?._continue || undefined;
      if (!token) return { items, truncated: false };
    }
    return { items, truncated: true };
  }

  async namespaceExists(namespace: string, signal?: AbortSignal): Promise<boolean | undefined> {
    const { options, timeout } = this.requestOptions('namespaces', signal);
    try {
      await this.core.readNamespace({ name: namespace }, options);
      return true;
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (code === 404) return false;
      // Reading namespaces is not among the permissions the server needs: without it the check is skipped.
      if (code === 403) return undefined;
      throw this.failure(error, timeout, { verb: 'get', resource: 'namespaces', namespace });
    }
  }
}
