/**
 * What the cluster says, as the correlator uses it: rollouts, config and scale changes, workload health and node
 * conditions, each citing the call it came from. kubernetes-gather.ts fills it from the kubernetes server's tools;
 * kubernetes-changes.ts and kubernetes-verdicts.ts turn it into change candidates, symptoms and causes.
 */

export interface KubeRollout {
  namespace: string;
  workload: string;
  /** Deployment, StatefulSet or DaemonSet. */
  kind: string;
  revision: number;
  /** When the revision was created (its ReplicaSet's or ControllerRevision's creation). */
  at: string;
  imagesBefore: string[];
  imagesAfter: string[];
  changeCause?: string;
  status: 'progressing' | 'complete' | 'failed';
  /** Why it failed or stalls (`ProgressDeadlineExceeded`). */
  reason?: string;
  /** An older template came back as this revision. */
  rollbackOf?: number;
  memoryLimitBefore?: string;
  memoryLimitAfter?: string;
  callId: string;
}

export interface KubeConfigChange {
  /** configmap, secret (metadata only), hpa (target or bounds), scale (replicas set by hand or by the autoscaler). */
  kind: 'configmap' | 'secret' | 'hpa' | 'scale';
  namespace: string;
  name: string;
  at: string;
  /** Who wrote it (the managedFields manager: kubectl-edit, helm, horizontal-pod-autoscaler…). */
  manager?: string;
  /** What changed, in words: keys written, the new bounds, replicas before → after. */
  detail: string;
  /** Workloads that mount the ConfigMap/Secret, or the HPA's or scale's target. */
  workloads: string[];
  /** A scale or HPA change that left the workload fewer replicas (or a lower ceiling) than before. */
  fewer?: boolean;
  callId: string;
}

export interface KubeTermination {
  reason: string;
  exitCode?: number;
  at?: string;
}

export interface KubeWorkloadHealth {
  namespace: string;
  workload: string;
  ready: number;
  desired: number;
  restarts: number;
  terminations: KubeTermination[];
  /** Waiting reasons of its containers: CrashLoopBackOff, ImagePullBackOff, ErrImagePull, CreateContainerConfigError. */
  waiting: string[];
  /** The waiting message that says why (the image reference that could not be pulled). */
  waitingMessage?: string;
  probeFailures: number;
  probeMessage?: string;
  /** Pods the kubelet evicted, and on which nodes. */
  evictions: number;
  evictedFrom: string[];
  memoryLimit?: string;
  /** The first sign of trouble in the window (a termination, a warning event). */
  firstTrouble?: string;
  callId: string;
}

export interface KubeNodeIssue {
  node: string;
  /** NotReady, MemoryPressure, DiskPressure, PIDPressure, or a cordon. */
  condition: string;
  since?: string;
  /** Workloads whose pods ran there. */
  workloads: string[];
  callId: string;
}

export interface ClusterState {
  rollouts: KubeRollout[];
  configChanges: KubeConfigChange[];
  health: KubeWorkloadHealth[];
  nodes: KubeNodeIssue[];
}

/** Termination and waiting reasons that mean a container cannot run at all, not a slow or erroring one. */
export const CANNOT_START = /^(ImagePullBackOff|ErrImagePull|InvalidImageName|CreateContainerConfigError|CreateContainerError)$/;
export const OOM = /^OOMKilled$/;

/** `512Mi`, `2Gi`, `1G`, `800M`, `1073741824` in bytes; undefined when not a quantity. */
export function quantityBytes(text: string | undefined): number | undefined {
  if (!text) return undefined;
  const match = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|K|M|G|T)?$/.exec(text.trim());
  if (!match) return undefined;
  const factor: Record<string, number> = {
    '': 1,
    Ki: 1024,
    Mi: 1024 ** 2,
    Gi: 1024 ** 3,
    Ti: 1024 ** 4,
    k: 1e3,
    K: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
  };
  return Number(match[1]) * (factor[match[2] ?? ''] ?? 1);
}

/** The tag of an image reference (`registry/app:v1.2.3` → `v1.2.3`; a digest reference has none). */
export function imageTag(image: string): string | undefined {
  const last = image.split('/').pop() ?? image;
  if (last.includes('@')) return undefined;
  const colon = last.lastIndexOf(':');
  return colon >= 0 ? last.slice(colon + 1) : undefined;
}
