/**
 * The API resources the server reads: one table shared by both backends, the fake API server and the ClusterRole in
 * docs/kubernetes.md, so a resource cannot be read without being documented.
 */
export interface ResourceInfo {
  /** The object kind in a dataset's List items (kubectl's `kind`). */
  kind: string;
  /** '' for the core group. */
  group: string;
  version: string;
  plural: string;
  namespaced: boolean;
  /** Why the server reads it (docs/kubernetes.md lists these). */
  purpose: string;
}

export const RESOURCES = {
  deployments: {
    kind: 'Deployment',
    group: 'apps',
    version: 'v1',
    plural: 'deployments',
    namespaced: true,
    purpose: 'rollout status, replicas, manual scaling',
  },
  replicasets: {
    kind: 'ReplicaSet',
    group: 'apps',
    version: 'v1',
    plural: 'replicasets',
    namespaced: true,
    purpose: 'Deployment revisions: images, change-cause, rollbacks',
  },
  statefulsets: {
    kind: 'StatefulSet',
    group: 'apps',
    version: 'v1',
    plural: 'statefulsets',
    namespaced: true,
    purpose: 'rollout status, replicas, manual scaling',
  },
  daemonsets: { kind: 'DaemonSet', group: 'apps', version: 'v1', plural: 'daemonsets', namespaced: true, purpose: 'rollout status' },
  controllerrevisions: {
    kind: 'ControllerRevision',
    group: 'apps',
    version: 'v1',
    plural: 'controllerrevisions',
    namespaced: true,
    purpose: 'StatefulSet/DaemonSet revisions',
  },
  pods: {
    kind: 'Pod',
    group: '',
    version: 'v1',
    plural: 'pods',
    namespaced: true,
    purpose: 'readiness, restarts, terminations (OOMKilled), waiting reasons, nodes',
  },
  events: {
    kind: 'Event',
    group: '',
    version: 'v1',
    plural: 'events',
    namespaced: true,
    purpose: 'Warning events, probe failures, scaling events (core/v1)',
  },
  eventsV1: {
    kind: 'Event',
    group: 'events.k8s.io',
    version: 'v1',
    plural: 'events',
    namespaced: true,
    purpose: 'the same events through events.k8s.io/v1',
  },
  configmaps: {
    kind: 'ConfigMap',
    group: '',
    version: 'v1',
    plural: 'configmaps',
    namespaced: true,
    purpose: 'edit times and keys (managedFields)',
  },
  secrets: {
    kind: 'Secret',
    group: '',
    version: 'v1',
    plural: 'secrets',
    namespaced: true,
    purpose: 'edit times only: listed as metadata (PartialObjectMetadataList), data never fetched',
  },
  horizontalpodautoscalers: {
    kind: 'HorizontalPodAutoscaler',
    group: 'autoscaling',
    version: 'v2',
    plural: 'horizontalpodautoscalers',
    namespaced: true,
    purpose: 'target and replica changes',
  },
  nodes: { kind: 'Node', group: '', version: 'v1', plural: 'nodes', namespaced: false, purpose: 'conditions, cordons, taints' },
} as const satisfies Record<string, ResourceInfo>;

export type ResourceName = keyof typeof RESOURCES;
export const RESOURCE_NAMES = Object.keys(RESOURCES) as ResourceName[];

/** The resource a dataset item belongs to, from its apiVersion and kind. */
export function resourceOfItem(apiVersion: string | undefined, kind: string | undefined): ResourceName | undefined {
  const group = apiVersion?.includes('/') ? apiVersion.split('/')[0] : '';
  for (const name of RESOURCE_NAMES) {
    const info: ResourceInfo = RESOURCES[name];
    if (info.kind === kind && info.group === group) return name;
  }
  // autoscaling/v1 and v2 are the same objects; a dataset may hold either.
  if (kind === 'HorizontalPodAutoscaler') return 'horizontalpodautoscalers';
  return undefined;
}
