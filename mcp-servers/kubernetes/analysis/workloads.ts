import type { Container, KubeObject, PodTemplate } from '../kube-types.js';
import type { WorkloadKind } from '../schemas.js';

/** A workload as the tools name it; `labels` let a `service` filter match app labels as well as the name. */
export interface WorkloadRef {
  namespace: string;
  kind: WorkloadKind;
  name: string;
  labels: Record<string, string>;
}

/** The labels that usually carry the service's name (Kubernetes' recommended labels and the older `app`). */
const SERVICE_LABELS = ['app.kubernetes.io/name', 'app.kubernetes.io/instance', 'app', 'service', 'k8s-app'] as const;

export interface WorkloadFilter {
  namespace?: string | undefined;
  workload?: string | undefined;
  service?: string | undefined;
}

export function workloadKey(ref: { namespace: string; kind: string; name: string }): string {
  return `${ref.namespace}/${ref.kind}/${ref.name}`;
}

export function matchesFilter(ref: WorkloadRef, filter: WorkloadFilter): boolean {
  if (filter.namespace !== undefined && ref.namespace !== filter.namespace) return false;
  if (filter.workload !== undefined && ref.name.toLowerCase() !== filter.workload.toLowerCase()) return false;
  if (filter.service !== undefined) {
    const wanted = filter.service.toLowerCase();
    const names = [ref.name, ...SERVICE_LABELS.map((label) => ref.labels[label])].filter((v): v is string => v !== undefined);
    if (!names.some((name) => name.toLowerCase() === wanted)) return false;
  }
  return true;
}

export function refOf(object: KubeObject, kind: WorkloadKind): WorkloadRef {
  return {
    namespace: object.metadata?.namespace ?? '',
    kind,
    name: object.metadata?.name ?? '',
    labels: { ...(object.spec?.template?.metadata?.labels ?? {}), ...(object.metadata?.labels ?? {}) },
  };
}

function controllerOf(object: KubeObject): { kind: string; name: string } | undefined {
  const owners = object.metadata?.ownerReferences ?? [];
  return owners.find((owner) => owner.controller) ?? owners[0];
}

/** Finds which workload a pod belongs to: ReplicaSet → Deployment, StatefulSet, DaemonSet, Job; else the pod. */
export class OwnerIndex {
  private readonly replicaSets = new Map<string, KubeObject>();

  constructor(replicaSets: readonly KubeObject[]) {
    for (const rs of replicaSets) this.replicaSets.set(`${rs.metadata?.namespace}/${rs.metadata?.name}`, rs);
  }

  workloadOf(object: KubeObject): WorkloadRef {
    const namespace = object.metadata?.namespace ?? '';
    const labels = object.metadata?.labels ?? {};
    const owner = controllerOf(object);
    if (owner?.kind === 'ReplicaSet') {
      const rs = this.replicaSets.get(`${namespace}/${owner.name}`);
      const deployment = rs ? controllerOf(rs) : undefined;
      if (deployment?.kind === 'Deployment') return { namespace, kind: 'Deployment', name: deployment.name, labels };
      // A ReplicaSet whose Deployment is unknown (not listed): the pod-template-hash suffix names the Deployment.
      const hash = labels['pod-template-hash'];
      if (!rs && hash && owner.name.endsWith(`-${hash}`))
        return { namespace, kind: 'Deployment', name: owner.name.slice(0, -hash.length - 1), labels };
    }
    if (owner?.kind === 'StatefulSet' || owner?.kind === 'DaemonSet' || owner?.kind === 'Job')
      return { namespace, kind: owner.kind, name: owner.name, labels };
    return { namespace, kind: 'Pod', name: object.metadata?.name ?? '', labels };
  }

  /** The workload an event's object belongs to (a pod, a ReplicaSet, or the workload itself). */
  workloadOfObject(
    kind: string | undefined,
    namespace: string | undefined,
    name: string | undefined,
    pods: Map<string, KubeObject>,
  ): WorkloadRef | undefined {
    if (!kind || !name || !namespace) return undefined;
    if (kind === 'Pod') {
      const pod = pods.get(`${namespace}/${name}`);
      return pod ? this.workloadOf(pod) : undefined;
    }
    if (kind === 'ReplicaSet') {
      const rs = this.replicaSets.get(`${namespace}/${name}`);
      const owner = rs ? controllerOf(rs) : undefined;
      return owner?.kind === 'Deployment'
        ? { namespace, kind: 'Deployment', name: owner.name, labels: rs?.metadata?.labels ?? {} }
        : undefined;
    }
    if (kind === 'Deployment' || kind === 'StatefulSet' || kind === 'DaemonSet' || kind === 'Job')
      return { namespace, kind, name, labels: {} };
    return undefined;
  }
}

export function containersOf(template: PodTemplate | undefined): Container[] {
  return template?.spec?.containers ?? [];
}

/** ConfigMap and Secret names a pod template uses: volumes (plain and projected), envFrom and env valueFrom. */
export function mountsOf(template: PodTemplate | undefined): { configMaps: Set<string>; secrets: Set<string> } {
  const configMaps = new Set<string>();
  const secrets = new Set<string>();
  const add = (set: Set<string>, name: string | undefined) => {
    if (name) set.add(name);
  };
  for (const volume of template?.spec?.volumes ?? []) {
    add(configMaps, volume.configMap?.name);
    add(secrets, volume.secret?.secretName);
    for (const source of volume.projected?.sources ?? []) {
      add(configMaps, source.configMap?.name);
      add(secrets, source.secret?.name);
    }
  }
  for (const container of [...(template?.spec?.containers ?? []), ...(template?.spec?.initContainers ?? [])]) {
    for (const from of container.envFrom ?? []) {
      add(configMaps, from.configMapRef?.name);
      add(secrets, from.secretRef?.name);
    }
    for (const env of container.env ?? []) {
      add(configMaps, env.valueFrom?.configMapKeyRef?.name);
      add(secrets, env.valueFrom?.secretKeyRef?.name);
    }
  }
  return { configMaps, secrets };
}

export function timeOf(text: string | undefined): number | undefined {
  if (!text) return undefined;
  const time = Date.parse(text);
  return Number.isFinite(time) ? time : undefined;
}

export function isoOf(time: number | undefined): string | null {
  return time === undefined ? null : new Date(time).toISOString();
}
