import { isoS, meta, suffix } from './kube-meta.js';
import { evictedPod, pod } from './kube-pods.js';
import type { ClusterWriter, Revision, WorkloadSpec } from './kube-spec.js';
import { MINUTE, SECOND } from './time.js';

/** A workload's Deployment, ReplicaSets (one per revision) and pods, with the troubles its newest revision's pods show. */

/** A Deployment with one ReplicaSet per revision (the last is the newest), its pods, and the controller's events. */
export function addWorkload(c: ClusterWriter, spec: WorkloadSpec): { replicaSets: string[]; pods: string[] } {
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
    const rsName = `${name}-${suffix(c.rng, 10)}`;
    replicaSets.push(rsName);
    c.add('replicasets.json', {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: meta(rsName, namespace, rev.at, c.rng, {
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
      c.event(
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
    for (let i = 0; i < replicas; i++) pods.push(pod(c, spec, rev, rsName, isNew, i < ready));
    const evicted = isNew ? spec.trouble?.evicted : undefined;
    for (let i = 0; i < (evicted?.count ?? 0); i++) pods.push(evictedPod(c, spec, rev, rsName, evicted!));
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
  c.add('deployments.json', {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: meta(name, namespace, spec.revisions[0]!.at, c.rng, {
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
    c.event(
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
    c.event(
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
