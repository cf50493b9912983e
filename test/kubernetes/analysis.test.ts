import { describe, expect, it } from 'vitest';
import { configChanges } from '../../mcp-servers/kubernetes/analysis/config-changes.js';
import { mergeEvents } from '../../mcp-servers/kubernetes/analysis/events.js';
import { rolloutsOf } from '../../mcp-servers/kubernetes/analysis/rollouts.js';
import { diffTemplates } from '../../mcp-servers/kubernetes/analysis/template-diff.js';
import type { KubeObject, PodTemplate } from '../../mcp-servers/kubernetes/kube-types.js';

const template = (image: string, memory = '256Mi', env: { name: string; value: string }[] = []): PodTemplate => ({
  spec: { containers: [{ name: 'app', image, env, resources: { limits: { memory } } }] },
});
const owner = (kind: string, name: string) => [{ kind, name, controller: true }];

function revision(
  name: string,
  number: number,
  created: string,
  tpl: PodTemplate,
  kind: 'ReplicaSet' | 'ControllerRevision' = 'ReplicaSet',
): KubeObject {
  const ownerKind = kind === 'ReplicaSet' ? 'Deployment' : 'DaemonSet';
  return kind === 'ReplicaSet'
    ? {
        metadata: {
          name,
          namespace: 'ns',
          creationTimestamp: created,
          annotations: { 'deployment.kubernetes.io/revision': String(number) },
          ownerReferences: owner(ownerKind, 'app'),
        },
        spec: { template: tpl },
      }
    : {
        metadata: { name, namespace: 'ns', creationTimestamp: created, ownerReferences: owner(ownerKind, 'app') },
        revision: number,
        data: { spec: { template: tpl } },
      };
}

describe('rollouts', () => {
  const deployment: KubeObject = {
    metadata: { name: 'app', namespace: 'ns', generation: 3 },
    spec: { replicas: 2 },
    status: {
      observedGeneration: 3,
      replicas: 2,
      updatedReplicas: 2,
      availableReplicas: 2,
      readyReplicas: 2,
      conditions: [{ type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable' }],
    },
  };
  const ref = { namespace: 'ns', kind: 'Deployment' as const, name: 'app', labels: {} };

  it('a template equal to an older revision, in a new ReplicaSet, is a rollback to that revision', () => {
    const replicaSets = [
      revision('a', 1, '2026-03-10T08:00:00Z', template('app:1')),
      revision('b', 2, '2026-03-10T09:00:00Z', template('app:2')),
      revision('c', 3, '2026-03-10T10:00:00Z', template('app:1')),
    ];
    const out = rolloutsOf(deployment, ref, { replicaSets, controllerRevisions: [] });
    expect(out.map((r) => [r.revision, r.rollback, r.rollbackTo, r.status])).toEqual([
      [1, false, null, 'superseded'],
      [2, false, null, 'superseded'],
      [3, true, 1, 'complete'],
    ]);
  });

  it('the same image twice in a row is no rollback; a re-used ReplicaSet (created before the one it follows) is', () => {
    const same = rolloutsOf(deployment, ref, {
      replicaSets: [
        revision('a', 1, '2026-03-10T08:00:00Z', template('app:1')),
        revision('b', 2, '2026-03-10T09:00:00Z', template('app:1', '512Mi')),
      ],
      controllerRevisions: [],
    });
    expect(same[1]).toMatchObject({
      rollback: false,
      changes: [{ container: 'app', field: 'limits.memory', before: '256Mi', after: '512Mi' }],
    });
    const reused = rolloutsOf(deployment, ref, {
      replicaSets: [
        revision('a', 3, '2026-03-10T08:00:00Z', template('app:1')),
        revision('b', 2, '2026-03-10T09:00:00Z', template('app:2')),
      ],
      controllerRevisions: [],
    });
    expect(reused[1]).toMatchObject({ revision: 3, rollback: true });
  });

  it('a Deployment not yet settled (observedGeneration behind) is progressing, one past its deadline failed', () => {
    const tpl = [revision('a', 1, '2026-03-10T08:00:00Z', template('app:1'))];
    const behind = { ...deployment, status: { ...deployment.status, observedGeneration: 2 } };
    expect(rolloutsOf(behind, ref, { replicaSets: tpl, controllerRevisions: [] })[0]?.status).toBe('progressing');
    const failed = {
      ...deployment,
      status: { ...deployment.status, conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }] },
    };
    expect(rolloutsOf(failed, ref, { replicaSets: tpl, controllerRevisions: [] })[0]).toMatchObject({
      status: 'failed',
      statusReason: 'ProgressDeadlineExceeded',
    });
  });

  it('DaemonSet revisions come from ControllerRevisions; complete once every scheduled pod is updated and available', () => {
    const ds = (updated: number): KubeObject => ({
      metadata: { name: 'app', namespace: 'ns' },
      status: { desiredNumberScheduled: 3, numberReady: 3, updatedNumberScheduled: updated, numberAvailable: 3 },
    });
    const controllerRevisions = [
      revision('x', 1, '2026-03-10T08:00:00Z', template('agent:1'), 'ControllerRevision'),
      revision('y', 2, '2026-03-10T09:00:00Z', template('agent:2'), 'ControllerRevision'),
    ];
    const dsRef = { namespace: 'ns', kind: 'DaemonSet' as const, name: 'app', labels: {} };
    expect(rolloutsOf(ds(3), dsRef, { replicaSets: [], controllerRevisions })[1]).toMatchObject({
      status: 'complete',
      imagesBefore: ['agent:1'],
      imagesAfter: ['agent:2'],
      current: true,
    });
    expect(rolloutsOf(ds(2), dsRef, { replicaSets: [], controllerRevisions })[1]?.status).toBe('progressing');
  });
});

describe('template changes', () => {
  it('names env variables but never their values', () => {
    const changes = diffTemplates(
      template('a', '1Gi', [{ name: 'PASSWORD', value: 'old-secret' }]),
      template('a', '1Gi', [
        { name: 'PASSWORD', value: 'new-secret' },
        { name: 'NEW', value: 'x' },
      ]),
    );
    expect(changes).toEqual([
      { container: 'app', field: 'env PASSWORD', before: 'set', after: 'changed' },
      { container: 'app', field: 'env NEW', before: 'unset', after: 'set' },
    ]);
    expect(JSON.stringify(changes)).not.toContain('secret');
  });
});

describe('config changes', () => {
  const window = { since: Date.parse('2026-03-10T10:00:00Z'), until: Date.parse('2026-03-10T12:00:00Z') };
  const configMap = (
    created: string,
    entries: { manager: string; time: string; fieldsV1: Record<string, unknown>; subresource?: string }[],
  ): KubeObject => ({
    metadata: { name: 'cm', namespace: 'ns', creationTimestamp: created, managedFields: entries },
  });
  const none = { secrets: [], hpas: [], workloads: [], events: [] };

  it('a ConfigMap created in the window is one "created", not also an edit at the same time', () => {
    const cm = configMap('2026-03-10T11:00:00Z', [
      { manager: 'helm', time: '2026-03-10T11:00:00Z', fieldsV1: { 'f:data': { 'f:A': {} } } },
    ]);
    expect(configChanges({ ...none, configMaps: [cm] }, window).map((c) => c.change)).toEqual(['created']);
  });

  it('a metadata-only write (labels) is not a config change; an edit on the window edge is', () => {
    const cm = configMap('2026-03-01T00:00:00Z', [
      { manager: 'kubectl-label', time: '2026-03-10T11:00:00Z', fieldsV1: { 'f:metadata': { 'f:labels': {} } } },
      { manager: 'kubectl-edit', time: '2026-03-10T10:00:00Z', fieldsV1: { 'f:data': { 'f:B': {} } } },
      { manager: 'kubectl-edit-early', time: '2026-03-10T09:59:59Z', fieldsV1: { 'f:data': { 'f:C': {} } } },
    ]);
    expect(configChanges({ ...none, configMaps: [cm] }, window).map((c) => c.manager)).toEqual(['kubectl-edit']);
  });

  it("the controller's scale writes (HPA) are not manual scaling; without a ScalingReplicaSet event the count before is unknown", () => {
    const deployment: KubeObject = {
      metadata: {
        name: 'app',
        namespace: 'ns',
        managedFields: [
          { manager: 'kube-controller-manager', operation: 'Update', subresource: 'scale', time: '2026-03-10T11:00:00Z', fieldsV1: {} },
          { manager: 'kubectl', operation: 'Update', time: '2026-03-10T11:30:00Z', fieldsV1: { 'f:spec': { 'f:replicas': {} } } },
        ],
      },
      spec: { replicas: 1 },
    };
    const out = configChanges({ ...none, configMaps: [], workloads: [{ object: deployment, kind: 'Deployment' }] }, window);
    expect(out).toEqual([expect.objectContaining({ change: 'scaled', manager: 'kubectl', replicas: { before: null, after: 1 } })]);
  });
});

describe('events', () => {
  it('one event seen through both APIs (same uid) counts once; series counts win over the deprecated count', () => {
    const core: KubeObject = {
      metadata: { uid: 'u1' },
      involvedObject: { kind: 'Pod', namespace: 'ns', name: 'p' },
      reason: 'BackOff',
      type: 'Warning',
      count: 2,
      lastTimestamp: '2026-03-10T11:00:00Z',
    };
    const v1: KubeObject = {
      apiVersion: 'events.k8s.io/v1',
      metadata: { uid: 'u1' },
      regarding: { kind: 'Pod', namespace: 'ns', name: 'p' },
      reason: 'BackOff',
      type: 'Warning',
      deprecatedCount: 2,
      series: { count: 5, lastObservedTime: '2026-03-10T11:30:00Z' },
    };
    const merged = mergeEvents([core], [v1]);
    expect(merged).toHaveLength(1);
    expect(merged[0]).toMatchObject({ count: 5, last: Date.parse('2026-03-10T11:30:00Z') });
  });
});
