import { isoS, meta, type Obj, suffix } from './kube-meta.js';
import type { ClusterWriter, PodTrouble, Revision, WorkloadSpec } from './kube-spec.js';
import { MINUTE, SECOND } from './time.js';

/** A workload's pods as the kubelet reports them: running, OOM-killed and restarting, unable to pull, evicted. */

export function pod(c: ClusterWriter, spec: WorkloadSpec, rev: Revision, rsName: string, isNew: boolean, ready: boolean): string {
  const name = `${rsName}-${suffix(c.rng, 5)}`;
  const node = spec.nodes[c.rng.int(0, spec.nodes.length - 1)]!;
  const started = rev.at + c.rng.int(5, 40) * SECOND;
  const trouble = isNew ? spec.trouble : undefined;
  const oom = trouble?.oomKilled;
  const pull = trouble?.imagePull;
  const probe = trouble?.probe;
  let state: Obj = { running: { startedAt: isoS(started) } };
  let lastState: Obj = {};
  let restartCount = 0;
  let imageID = `docker-pullable://${rev.image.split(':')[0]}@sha256:${c.rng.hex(64)}`;
  if (oom) {
    restartCount = oom.restarts + c.rng.int(0, 2);
    const killed = c.now - c.rng.int(1, 6) * MINUTE;
    lastState = {
      terminated: {
        exitCode: 137,
        reason: 'OOMKilled',
        startedAt: isoS(killed - c.rng.int(3, 9) * MINUTE),
        finishedAt: isoS(killed),
        containerID: `containerd://${c.rng.hex(64)}`,
      },
    };
    state = ready
      ? { running: { startedAt: isoS(killed + 10 * SECOND) } }
      : {
          waiting: {
            reason: 'CrashLoopBackOff',
            message: `back-off 5m0s restarting failed container=${spec.name} pod=${name}_${spec.namespace}(${c.rng.uuid()})`,
          },
        };
    c.event(
      { kind: 'Pod', name },
      spec.namespace,
      'Warning',
      'BackOff',
      'Back-off restarting failed container',
      oom.from + c.rng.int(1, 4) * MINUTE,
      killed,
      restartCount * 3,
      'kubelet',
      node,
    );
  }
  if (pull) {
    imageID = '';
    state = { waiting: { reason: 'ImagePullBackOff', message: `Back-off pulling image "${rev.image}"` } };
    c.event(
      { kind: 'Pod', name },
      spec.namespace,
      'Warning',
      'Failed',
      `Failed to pull image "${rev.image}": ${pull.message}`,
      pull.from + c.rng.int(5, 60) * SECOND,
      c.now - c.rng.int(1, 5) * MINUTE,
      c.rng.int(8, 14),
      'kubelet',
      node,
    );
    c.event(
      { kind: 'Pod', name },
      spec.namespace,
      'Normal',
      'BackOff',
      `Back-off pulling image "${rev.image}"`,
      pull.from + 90 * SECOND,
      c.now - MINUTE,
      c.rng.int(60, 120),
      'kubelet',
      node,
    );
  }
  if (probe) {
    c.event(
      { kind: 'Pod', name },
      spec.namespace,
      'Warning',
      'Unhealthy',
      `Readiness probe failed: ${probe.message}`,
      probe.from + c.rng.int(0, 90) * SECOND,
      c.now - c.rng.int(0, 3) * MINUTE,
      c.rng.int(40, 200),
      'kubelet',
      node,
    );
  }
  c.add('pods.json', {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: meta(name, spec.namespace, rev.at, c.rng, {
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
      hostIP: `10.0.${c.rng.int(1, 250)}.${c.rng.int(1, 250)}`,
      podIP: `10.42.${c.rng.int(1, 250)}.${c.rng.int(1, 250)}`,
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
          ...(pull ? {} : { containerID: `containerd://${c.rng.hex(64)}` }),
        },
      ],
    },
  });
  return name;
}

export function evictedPod(
  c: ClusterWriter,
  spec: WorkloadSpec,
  rev: Revision,
  rsName: string,
  evicted: NonNullable<PodTrouble['evicted']>,
): string {
  const name = `${rsName}-${suffix(c.rng, 5)}`;
  const at = evicted.at + c.rng.int(0, 240) * SECOND;
  const message = `The node was low on resource: memory. Threshold quantity: 100Mi, available: ${c.rng.int(60000, 99000)}Ki. Container ${spec.name} was using ${c.rng.int(700, 900)}Mi, request is 256Mi, has larger consumption of memory.`;
  c.event({ kind: 'Pod', name }, spec.namespace, 'Warning', 'Evicted', message, at, at, 1, 'kubelet', evicted.node);
  c.add('pods.json', {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: meta(name, spec.namespace, rev.at, c.rng, {
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
