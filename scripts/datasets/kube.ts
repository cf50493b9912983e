import type { Rng } from './prng.js';
import { iso, MINUTE, SECOND } from './time.js';

/**
 * Cluster state for a dataset's `kubernetes/` folder: Deployments, ReplicaSets, Pods, Events, ConfigMaps, Nodes and
 * HPAs in the shapes the Kubernetes API returns them (apps/v1, v1, autoscaling/v2), so the kubernetes server's dataset
 * mode reads them as it would read a real cluster's list responses.
 */

type Obj = Record<string, unknown>;
/** The alphabet of the controller's pod-template hashes and generated name suffixes (k8s.io/apimachinery rand). */
const NAME_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

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

const meta = (name: string, namespace: string | undefined, created: number, rng: Rng, extra: Obj = {}): Obj => ({
  name,
  ...(namespace ? { namespace } : {}),
  uid: rng.uuid(),
  resourceVersion: String(rng.int(1_000_000, 99_999_999)),
  creationTimestamp: isoS(created),
  ...extra,
});

function isoS(ms: number): string {
  return iso(Math.floor(ms / SECOND) * SECOND).replace('.000Z', 'Z');
}

function suffix(rng: Rng, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += NAME_ALPHABET[rng.int(0, NAME_ALPHABET.length - 1)];
  return out;
}

export class Cluster {
  private readonly lists = new Map<string, Obj[]>();

  constructor(
    private readonly rng: Rng,
    private readonly now: number,
  ) {}

  private add(file: string, item: Obj): Obj {
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
    const { name, namespace } = spec;
    const labels = { 'app.kubernetes.io/name': name };
    const newest = spec.revisions.length;
    const replicaSets: string[] = [];
    const pods: string[] = [];
    const template = (rev: Revision) => ({
      metadata: { labels },
      spec: {
        containers: [
          {
            name,
            image: rev.image,
            ports: [{ containerPort: 8080, protocol: 'TCP' }],
            resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { memory: rev.memoryLimit ?? '1Gi' } },
            readinessProbe: { httpGet: { path: '/healthz', port: 8080 }, periodSeconds: 10, failureThreshold: 3 },
            ...(spec.configMaps?.length ? { envFrom: spec.configMaps.map((cm) => ({ configMapRef: { name: cm } })) } : {}),
          },
        ],
        ...(spec.configMaps?.length ? { volumes: spec.configMaps.map((cm) => ({ name: cm, configMap: { name: cm } })) } : {}),
      },
    });
    spec.revisions.forEach((rev, index) => {
      const revision = index + 1;
      const isNew = revision === newest;
      const replicas = rev.replicas ?? (isNew ? spec.replicas : 0);
      const ready = rev.ready ?? replicas;
      const rsName = `${name}-${suffix(this.rng, 10)}`;
      replicaSets.push(rsName);
      this.add('replicasets.json', {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        metadata: meta(rsName, namespace, rev.at, this.rng, {
          labels: { ...labels, 'pod-template-hash': rsName.slice(name.length + 1) },
          annotations: {
            'deployment.kubernetes.io/desired-replicas': String(spec.replicas),
            'deployment.kubernetes.io/max-replicas': String(spec.replicas + Math.ceil(spec.replicas / 4)),
            'deployment.kubernetes.io/revision': String(revision),
            ...(rev.changeCause ? { 'kubernetes.io/change-cause': rev.changeCause } : {}),
          },
          ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name, uid: 'owner', controller: true, blockOwnerDeletion: true }],
        }),
        spec: { replicas, selector: { matchLabels: labels }, template: template(rev) },
        status: { replicas, fullyLabeledReplicas: replicas, readyReplicas: ready, availableReplicas: ready, observedGeneration: revision },
      });
      if (index > 0) {
        this.event(
          { kind: 'Deployment', name, apiVersion: 'apps/v1' },
          namespace,
          'Normal',
          'ScalingReplicaSet',
          `Scaled up replica set ${rsName} to ${Math.max(1, Math.ceil(spec.replicas / 4))}`,
          rev.at,
          rev.at,
          1,
          'deployment-controller',
        );
      }
      for (let i = 0; i < replicas; i++) pods.push(this.pod(spec, rev, rsName, isNew, i < ready));
      const evicted = isNew ? spec.trouble?.evicted : undefined;
      for (let i = 0; i < (evicted?.count ?? 0); i++) pods.push(this.evictedPod(spec, rev, rsName, evicted!));
    });
    const last = spec.revisions[newest - 1]!;
    const ready = last.ready ?? last.replicas ?? spec.replicas;
    const updated = last.replicas ?? spec.replicas;
    const oldReady = spec.revisions.slice(0, -1).reduce((sum, rev) => sum + (rev.ready ?? rev.replicas ?? 0), 0);
    const depManaged = [
      {
        manager: 'helm',
        operation: 'Update',
        apiVersion: 'apps/v1',
        time: isoS(last.at),
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:spec': { 'f:template': {} } },
      },
      ...(spec.scaled
        ? [
            {
              manager: spec.scaled.manager ?? 'kubectl',
              operation: 'Update',
              apiVersion: 'apps/v1',
              time: isoS(spec.scaled.at),
              fieldsType: 'FieldsV1',
              fieldsV1: { 'f:spec': { 'f:replicas': {} } },
              subresource: 'scale',
            },
          ]
        : []),
    ];
    const stuck = spec.stuckAt;
    this.add('deployments.json', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: meta(name, namespace, spec.revisions[0]!.at, this.rng, {
        generation: newest + (spec.scaled ? 1 : 0),
        labels,
        annotations: {
          'deployment.kubernetes.io/revision': String(newest),
          ...(last.changeCause ? { 'kubernetes.io/change-cause': last.changeCause } : {}),
        },
        managedFields: depManaged,
      }),
      spec: {
        replicas: spec.replicas,
        selector: { matchLabels: labels },
        template: template(last),
        strategy: spec.strategy
          ? { type: spec.strategy }
          : { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } },
        revisionHistoryLimit: 10,
        progressDeadlineSeconds: 600,
      },
      status: {
        observedGeneration: newest + (spec.scaled ? 1 : 0),
        replicas: updated + spec.revisions.slice(0, -1).reduce((sum, rev) => sum + (rev.replicas ?? 0), 0),
        updatedReplicas: updated,
        readyReplicas: ready + oldReady,
        availableReplicas: ready + oldReady,
        ...(ready + oldReady < spec.replicas ? { unavailableReplicas: spec.replicas - ready - oldReady } : {}),
        conditions: [
          {
            type: 'Available',
            status: ready + oldReady >= spec.replicas - Math.floor(spec.replicas / 4) ? 'True' : 'False',
            lastUpdateTime: isoS(last.at),
            lastTransitionTime: isoS(last.at),
            reason:
              ready + oldReady >= spec.replicas - Math.floor(spec.replicas / 4) ? 'MinimumReplicasAvailable' : 'MinimumReplicasUnavailable',
            message:
              ready + oldReady >= spec.replicas - Math.floor(spec.replicas / 4)
                ? 'Deployment has minimum availability.'
                : 'Deployment does not have minimum availability.',
          },
          stuck !== undefined
            ? {
                type: 'Progressing',
                status: 'False',
                lastUpdateTime: isoS(stuck),
                lastTransitionTime: isoS(stuck),
                reason: 'ProgressDeadlineExceeded',
                message: `ReplicaSet "${replicaSets[newest - 1]}" has timed out progressing.`,
              }
            : {
                type: 'Progressing',
                status: 'True',
                lastUpdateTime: isoS(last.at + 2 * MINUTE),
                lastTransitionTime: isoS(last.at),
                reason: 'NewReplicaSetAvailable',
                message: `ReplicaSet "${replicaSets[newest - 1]}" has successfully progressed.`,
              },
        ],
      },
    });
    if (stuck !== undefined) {
      this.event(
        { kind: 'Deployment', name, apiVersion: 'apps/v1' },
        namespace,
        'Warning',
        'ProgressDeadlineExceeded',
        `Deployment "${name}" has timed out progressing.`,
        stuck,
        stuck,
        1,
        'deployment-controller',
      );
    }
    if (spec.scaled) {
      this.event(
        { kind: 'Deployment', name, apiVersion: 'apps/v1' },
        namespace,
        'Normal',
        'ScalingReplicaSet',
        `Scaled down replica set ${replicaSets[newest - 1]} to ${spec.replicas} from ${spec.scaled.from}`,
        spec.scaled.at + 2 * SECOND,
        spec.scaled.at + 2 * SECOND,
        1,
        'deployment-controller',
      );
    }
    return { replicaSets, pods };
  }

  private pod(spec: WorkloadSpec, rev: Revision, rsName: string, isNew: boolean, ready: boolean): string {
    const name = `${rsName}-${suffix(this.rng, 5)}`;
    const node = spec.nodes[this.rng.int(0, spec.nodes.length - 1)]!;
    const started = rev.at + this.rng.int(5, 40) * SECOND;
    const trouble = isNew ? spec.trouble : undefined;
    const oom = trouble?.oomKilled;
    const pull = trouble?.imagePull;
    const probe = trouble?.probe;
    let state: Obj = { running: { startedAt: isoS(started) } };
    let lastState: Obj = {};
    let restartCount = 0;
    let imageID = `docker-pullable://${rev.image.split(':')[0]}@sha256:${this.rng.hex(64)}`;
    if (oom) {
      restartCount = oom.restarts + this.rng.int(0, 2);
      const killed = this.now - this.rng.int(1, 6) * MINUTE;
      lastState = {
        terminated: {
          exitCode: 137,
          reason: 'OOMKilled',
          startedAt: isoS(killed - this.rng.int(3, 9) * MINUTE),
          finishedAt: isoS(killed),
          containerID: `containerd://${this.rng.hex(64)}`,
        },
      };
      state = ready
        ? { running: { startedAt: isoS(killed + 10 * SECOND) } }
        : {
            waiting: {
              reason: 'CrashLoopBackOff',
              message: `back-off 5m0s restarting failed container=${spec.name} pod=${name}_${spec.namespace}(${this.rng.uuid()})`,
            },
          };
      this.event(
        { kind: 'Pod', name },
        spec.namespace,
        'Warning',
        'BackOff',
        'Back-off restarting failed container',
        oom.from + this.rng.int(1, 4) * MINUTE,
        killed,
        restartCount * 3,
        'kubelet',
        node,
      );
    }
    if (pull) {
      imageID = '';
      state = { waiting: { reason: 'ImagePullBackOff', message: `Back-off pulling image "${rev.image}"` } };
      this.event(
        { kind: 'Pod', name },
        spec.namespace,
        'Warning',
        'Failed',
        `Failed to pull image "${rev.image}": ${pull.message}`,
        pull.from + this.rng.int(5, 60) * SECOND,
        this.now - this.rng.int(1, 5) * MINUTE,
        this.rng.int(8, 14),
        'kubelet',
        node,
      );
      this.event(
        { kind: 'Pod', name },
        spec.namespace,
        'Normal',
        'BackOff',
        `Back-off pulling image "${rev.image}"`,
        pull.from + 90 * SECOND,
        this.now - MINUTE,
        this.rng.int(60, 120),
        'kubelet',
        node,
      );
    }
    if (probe) {
      this.event(
        { kind: 'Pod', name },
        spec.namespace,
        'Warning',
        'Unhealthy',
        `Readiness probe failed: ${probe.message}`,
        probe.from + this.rng.int(0, 90) * SECOND,
        this.now - this.rng.int(0, 3) * MINUTE,
        this.rng.int(40, 200),
        'kubelet',
        node,
      );
    }
    this.add('pods.json', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: meta(name, spec.namespace, rev.at, this.rng, {
        generateName: `${rsName}-`,
        labels: { 'app.kubernetes.io/name': spec.name, 'pod-template-hash': rsName.slice(spec.name.length + 1) },
        ownerReferences: [
          { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: rsName, uid: 'owner', controller: true, blockOwnerDeletion: true },
        ],
      }),
      spec: {
        nodeName: node,
        containers: [
          {
            name: spec.name,
            image: rev.image,
            resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { memory: rev.memoryLimit ?? '1Gi' } },
          },
        ],
        restartPolicy: 'Always',
      },
      status: {
        phase: pull ? 'Pending' : 'Running',
        conditions: [
          { type: 'PodScheduled', status: 'True', lastTransitionTime: isoS(rev.at) },
          { type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: isoS(started) },
        ],
        hostIP: `10.0.${this.rng.int(1, 250)}.${this.rng.int(1, 250)}`,
        podIP: `10.42.${this.rng.int(1, 250)}.${this.rng.int(1, 250)}`,
        startTime: isoS(rev.at),
        qosClass: 'Burstable',
        containerStatuses: [
          {
            name: spec.name,
            state,
            lastState,
            ready,
            restartCount,
            image: rev.image,
            imageID,
            started: !pull && ready,
            ...(pull ? {} : { containerID: `containerd://${this.rng.hex(64)}` }),
          },
        ],
      },
    });
    return name;
  }

  private evictedPod(spec: WorkloadSpec, rev: Revision, rsName: string, evicted: NonNullable<PodTrouble['evicted']>): string {
    const name = `${rsName}-${suffix(this.rng, 5)}`;
    const at = evicted.at + this.rng.int(0, 240) * SECOND;
    const message = `The node was low on resource: memory. Threshold quantity: 100Mi, available: ${this.rng.int(60000, 99000)}Ki. Container ${spec.name} was using ${this.rng.int(700, 900)}Mi, request is 256Mi, has larger consumption of memory.`;
    this.event({ kind: 'Pod', name }, spec.namespace, 'Warning', 'Evicted', message, at, at, 1, 'kubelet', evicted.node);
    this.add('pods.json', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: meta(name, spec.namespace, rev.at, this.rng, {
        generateName: `${rsName}-`,
        labels: { 'app.kubernetes.io/name': spec.name, 'pod-template-hash': rsName.slice(spec.name.length + 1) },
        ownerReferences: [
          { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: rsName, uid: 'owner', controller: true, blockOwnerDeletion: true },
        ],
      }),
      spec: { nodeName: evicted.node, containers: [{ name: spec.name, image: rev.image }], restartPolicy: 'Always' },
      status: {
        phase: 'Failed',
        reason: 'Evicted',
        message,
        conditions: [
          {
            type: 'DisruptionTarget',
            status: 'True',
            reason: 'TerminationByKubelet',
            message: 'The node was low on resource: memory.',
            lastTransitionTime: isoS(at),
          },
        ],
        startTime: isoS(rev.at),
        containerStatuses: [
          {
            name: spec.name,
            state: { terminated: { exitCode: 137, reason: 'ContainerStatusUnknown', startedAt: isoS(rev.at), finishedAt: isoS(at) } },
            lastState: {},
            ready: false,
            restartCount: 0,
            image: rev.image,
            imageID: '',
            started: false,
          },
        ],
      },
    });
    return name;
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
