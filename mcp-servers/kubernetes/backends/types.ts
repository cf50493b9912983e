import type { KubeObject } from '../kube-types.js';
import type { ResourceName } from '../resources.js';

/** Where the cluster state comes from: a dataset folder or a live API server; the tools are the same over both. */
export interface KubeBackend {
  readonly kind: 'dataset' | 'api';
  /** For answers and errors: the dataset folder or the API server URL. */
  readonly label: string;
  /** "Now": the dataset's (replays) or the wall clock. */
  now(): Promise<Date>;
  /**
   * Every object of a resource in one namespace, or in all namespaces when `namespace` is undefined (or the resource
   * is cluster-scoped). Secrets come back with metadata only. `truncated` when a bound stopped the listing.
   */
  list(resource: ResourceName, namespace: string | undefined, signal?: AbortSignal): Promise<{ items: KubeObject[]; truncated: boolean }>;
  /** true/false when known; undefined when the credentials may not read namespaces (the check is skipped). */
  namespaceExists(namespace: string, signal?: AbortSignal): Promise<boolean | undefined>;
}

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/**
 * A Secret reduced to what the server may see: metadata without the last-applied annotation (kubectl apply copies the
 * whole Secret, data included, into it). Applied the moment an object arrives, from either backend.
 */
export function secretMetadataOnly(secret: KubeObject): KubeObject {
  const { [LAST_APPLIED]: _dropped, ...annotations } = secret.metadata?.annotations ?? {};
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { ...secret.metadata, annotations },
  };
}
