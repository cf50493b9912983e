import { isoS, meta, type Obj } from './kube-meta.js';
import type { ClusterWriter, WorkloadSpec } from './kube-spec.js';
import { addWorkload } from './kube-workload.js';
import type { Rng } from './prng.js';
import { MINUTE, SECOND } from './time.js';

/**
 * Cluster state for a dataset's `kubernetes/` folder: Deployments, ReplicaSets, Pods, Events, ConfigMaps, Nodes and
 * HPAs in the shapes the Kubernetes API returns them (apps/v1, v1, autoscaling/v2), so the kubernetes server's dataset
 * mode reads them as it would read a real cluster's list responses.
 */

export type { PodTrouble, Revision, WorkloadSpec } from './kube-spec.js';

export class Cluster implements ClusterWriter {
  private readonly lists = new Map<string, Obj[]>();

  constructor(
    readonly rng: Rng,
    readonly now: number,
  ) {}

  add(file: string, item: Obj): Obj {
    const list = this.lists.get(file) ?? [];
    list.push(item);
    this.lists.set(file, list);
    return item;
  }

  node(name: string, opts: { memoryPressureAt?: number; zone?: string } = {}): void {
    const created = this.now - 40 * 24 * 60 * MINUTE;
    const heartbeat = isoS(this.now - 20 * SECOND);
    const pressure = opts.memoryPressureAt;
    const condition = (type: string, bad: boolean, reason: string, message: string, since: number) => ({
      type,
      status: type === 'Ready' ? 'True' : bad ? 'True' : 'False',
      lastHeartbeatTime: heartbeat,
      lastTransitionTime: isoS(since),
      reason,
      message,
    });
    this.add('nodes.json', {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: meta(name, undefined, created, this.rng, {
        labels: { 'kubernetes.io/hostname': name, 'topology.kubernetes.io/zone': opts.zone ?? 'eu-west-1a' },
      }),
      spec: { podCIDR: `10.42.${this.rng.int(0, 250)}.0/24`, providerID: `aws:///eu-west-1a/i-0${this.rng.hex(16)}` },
      status: {
        capacity: { cpu: '8', memory: '32780604Ki', pods: '110' },
        allocatable: { cpu: '7910m', memory: '31629628Ki', pods: '110' },
        conditions: [
          pressure !== undefined
            ? condition('MemoryPressure', true, 'KubeletHasInsufficientMemory', 'kubelet has insufficient memory available', pressure)
            : condition('MemoryPressure', false, 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available', created),
          condition('DiskPressure', false, 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure', created),
          condition('PIDPressure', false, 'KubeletHasSufficientPID', 'kubelet has sufficient PID available', created),
          condition('Ready', false, 'KubeletReady', 'kubelet is posting ready status', created),
        ],
        nodeInfo: { kubeletVersion: 'v1.29.4', containerRuntimeVersion: 'containerd://1.7.15', osImage: 'Bottlerocket OS 1.19.2' },
      },
    });
    if (pressure !== undefined) {
      this.event(
        { kind: 'Node', name },
        undefined,
        'Normal',
        'NodeHasInsufficientMemory',
        `Node ${name} status is now: NodeHasInsufficientMemory`,
        pressure,
        pressure,
        1,
        'kubelet',
        name,
      );
    }
  }

  configMap(name: string, namespace: string, data: Record<string, string>, edits: { at: number; manager: string }[]): void {
    const created = Math.min(...edits.map((edit) => edit.at), this.now) - 30 * 24 * 60 * MINUTE;
    this.add('configmaps.json', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: meta(name, namespace, created, this.rng, {
        managedFields: [
          {
            manager: 'helm',
            operation: 'Update',
            apiVersion: 'v1',
            time: isoS(created),
            fieldsType: 'FieldsV1',
            fieldsV1: { 'f:data': {} },
          },
          ...edits.map((edit) => ({
            manager: edit.manager,
            operation: 'Update',
            apiVersion: 'v1',
            time: isoS(edit.at),
            fieldsType: 'FieldsV1',
            fieldsV1: { 'f:data': Object.fromEntries(Object.keys(data).map((key) => [`f:${key}`, {}])) },
          })),
        ],
      }),
      data,
    });
  }

  hpa(
    target: string,
    namespace: string,
    spec: { min: number; max: number; current: number; desired: number; changedAt?: number; manager?: string },
  ): void {
    const created = this.now - 60 * 24 * 60 * MINUTE;
    this.add('horizontalpodautoscalers.json', {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: meta(target, namespace, created, this.rng, {
        managedFields: [
          {
            manager: 'helm',
            operation: 'Update',
            apiVersion: 'autoscaling/v2',
            time: isoS(created),
            fieldsType: 'FieldsV1',
            fieldsV1: { 'f:spec': {} },
          },
          ...(spec.changedAt !== undefined
            ? [
                {
                  manager: spec.manager ?? 'kubectl-patch',
                  operation: 'Update',
                  apiVersion: 'autoscaling/v2',
                  time: isoS(spec.changedAt),
                  fieldsType: 'FieldsV1',
                  fieldsV1: { 'f:spec': { 'f:maxReplicas': {} } },
                },
              ]
            : []),
        ],
      }),
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: target },
        minReplicas: spec.min,
        maxReplicas: spec.max,
        metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
      },
      status: {
        currentReplicas: spec.current,
        desiredReplicas: spec.desired,
        ...(spec.changedAt !== undefined ? { lastScaleTime: isoS(spec.changedAt + 15 * SECOND) } : {}),
        conditions: [
          {
            type: 'ScalingLimited',
            status: spec.desired >= spec.max ? 'True' : 'False',
            reason: spec.desired >= spec.max ? 'TooManyReplicas' : 'DesiredWithinRange',
            message:
              spec.desired >= spec.max
                ? 'the desired replica count is more than the maximum replica count'
                : 'the desired count is within the acceptable range',
            lastTransitionTime: isoS(spec.changedAt ?? created),
          },
        ],
      },
    });
  }

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
  ): void {
    const ns = namespace ?? 'default';
    this.add('events.json', {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: meta(`${object.name}.${this.rng.hex(16)}`, ns, first, this.rng),
      involvedObject: { kind: object.kind, namespace: namespace ?? '', name: object.name, apiVersion: object.apiVersion ?? 'v1' },
      reason,
      message,
      source: { component, ...(host ? { host } : {}) },
      firstTimestamp: isoS(first),
      lastTimestamp: isoS(last),
      count,
      type,
      eventTime: null,
      reportingComponent: component,
      reportingInstance: host ?? '',
    });
  }

  /** A Deployment with one ReplicaSet per revision (the last is the newest), its pods, and the controller's events. */
  workload(spec: WorkloadSpec): { replicaSets: string[]; pods: string[] } {
    return addWorkload(this, spec);
  }

  /** Every resource as the API lists it: `{apiVersion: v1, kind: List, items}`, one file per resource. */
  files(): { file: string; list: Obj }[] {
    return [...this.lists.entries()].map(([file, items]) => ({
      file,
      list: { apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: '' }, items },
    }));
  }
}

/** A workload that has nothing to do with the incident: an older rollout, all pods ready, spread over the nodes. */
export function steadyWorkload(
  cluster: Cluster,
  spec: { name: string; namespace: string; images: [string, string]; at: number; nodes: string[]; replicas?: number },
): void {
  const [previous, current] = spec.images;
  cluster.workload({
    name: spec.name,
    namespace: spec.namespace,
    replicas: spec.replicas ?? 3,
    nodes: spec.nodes,
    revisions: [
      { at: spec.at - 9 * 24 * 60 * MINUTE, image: previous },
      { at: spec.at, image: current },
    ],
  });
}
