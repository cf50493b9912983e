import type { Obj } from './kube-meta.js';
import type { Rng } from './prng.js';

/** What a scenario declares of a workload, and what the workload and pod writers need of the cluster they write into. */

/** The part of the cluster a workload's writers use; kube.ts's Cluster implements it. */
export interface ClusterWriter {
  readonly rng: Rng;
  readonly now: number;
  add(file: string, item: Obj): Obj;
  event(
    object: { kind: string; name: string; apiVersion?: string },
    namespace: string | undefined,
    type: 'Normal' | 'Warning',
    reason: string,
    message: string,
    first: number,
    last: number,
    count: number,
    component: string,
    host?: string,
  ): void;
}

export interface Revision {
  at: number;
  image: string;
  changeCause?: string;
  /** The container's memory limit in this revision, e.g. `1Gi`. */
  memoryLimit?: string;
  /** Replicas this revision's ReplicaSet has now (default: the Deployment's replicas for the newest, 0 for older). */
  replicas?: number;
  /** Ready pods of this revision (default: its replicas). */
  ready?: number;
}

export interface PodTrouble {
  /** The newest revision's pods restart after an OOM kill from this time, this many times each. */
  oomKilled?: { from: number; restarts: number };
  /** The newest revision's pods cannot pull their image. */
  imagePull?: { from: number; message: string };
  /** Readiness probe failing on the newest revision's pods from this time. */
  probe?: { from: number; message: string };
  /** The kubelet evicted this many of the newest revision's pods from `node` (they linger as Failed pods). */
  evicted?: { node: string; at: number; count: number };
}

export interface WorkloadSpec {
  name: string;
  namespace: string;
  replicas: number;
  revisions: Revision[];
  nodes: string[];
  configMaps?: string[];
  trouble?: PodTrouble;
  /** The rollout did not finish: Progressing=False with ProgressDeadlineExceeded at this time. */
  stuckAt?: number;
  /** `kubectl scale`: spec.replicas changed through the scale subresource at this time, from `from`. */
  scaled?: { at: number; from: number; manager?: string };
  /** `Recreate` stops every old pod before the new ones start (a queue consumer that must not run two versions). */
  strategy?: 'Recreate';
}
