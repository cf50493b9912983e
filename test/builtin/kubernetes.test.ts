import { describe, expect, test } from 'vitest';
import { buildChanges, type ChangeContext, scoreChanges } from '../../src/engines/builtin/changes.js';
import { describeChange } from '../../src/engines/builtin/describe.js';
import { evidenceFor } from '../../src/engines/builtin/evidence.js';
import type { ClusterState, KubeRollout, KubeWorkloadHealth } from '../../src/engines/builtin/kubernetes.js';
import { imageTag, quantityBytes } from '../../src/engines/builtin/kubernetes.js';
import { withClusterChanges } from '../../src/engines/builtin/kubernetes-changes.js';
import {
  applyClusterVerdicts,
  clusterSymptoms,
  mergeSymptoms,
  nodeCauses,
  rolloutVerdict,
  STATE_FACTOR,
} from '../../src/engines/builtin/kubernetes-verdicts.js';
import { MAX_SYMPTOMS } from '../../src/engines/builtin/symptoms.js';
import { novelSymptom } from './support/correlator-fixtures.js';
import { deployment } from './support/scenarios.js';

const rollout = (extra: Partial<KubeRollout> = {}): KubeRollout => ({
  namespace: 'shop',
  workload: 'orders',
  kind: 'Deployment',
  revision: 7,
  at: '2026-01-01T05:50:00Z',
  imagesBefore: ['registry/orders:v1.4.0'],
  imagesAfter: ['registry/orders:v1.5.0'],
  status: 'complete',
  callId: 'K1',
  ...extra,
});

const health = (extra: Partial<KubeWorkloadHealth> = {}): KubeWorkloadHealth => ({
  namespace: 'shop',
  workload: 'orders',
  ready: 4,
  desired: 4,
  restarts: 0,
  terminations: [],
  waiting: [],
  probeFailures: 0,
  evictions: 0,
  evictedFrom: [],
  callId: 'K3',
  ...extra,
});

const state = (extra: Partial<ClusterState> = {}): ClusterState => ({ rollouts: [], configChanges: [], health: [], nodes: [], ...extra });

const ctx: ChangeContext = {
  onset: new Date('2026-01-01T06:00:00Z'),
  primary: ['orders'],
  symptomServices: ['orders'],
  allServices: ['orders', 'cart'],
  symptomTokens: new Map(),
  deploymentsRecorded: true,
};

describe('quantities and image tags', () => {
  test('memory quantities in binary and decimal suffixes', () => {
    expect(quantityBytes('512Mi')).toBe(512 * 1024 ** 2);
    expect(quantityBytes('2Gi')).toBe(2 * 1024 ** 3);
    expect(quantityBytes('800M')).toBe(8e8);
    expect(quantityBytes('1073741824')).toBe(1073741824);
    expect(quantityBytes('lots')).toBeUndefined();
    expect(quantityBytes(undefined)).toBeUndefined();
  });

  test('the tag of an image reference, none for a digest', () => {
    expect(imageTag('registry.example:5000/team/orders:v1.5.0')).toBe('v1.5.0');
    expect(imageTag('orders')).toBeUndefined();
    expect(imageTag('registry/orders@sha256:abc')).toBeUndefined();
  });
});

describe('cluster changes as candidates', () => {
  test('a rollout nobody recorded is a deployment candidate named by workload and revision', () => {
    const { changes } = withClusterChanges([], state({ rollouts: [rollout()] }));
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({ kind: 'deployment', id: 'orders revision 7', version: 'v1.5.0', service: 'orders', applied: true });
    expect(changes[0]?.text.split('\n')[0]).toBe('rollout of orders (revision 7): registry/orders:v1.4.0 → registry/orders:v1.5.0');
  });

  test('a rollout of the version a recorded deployment shipped is that deployment: one candidate, not two', () => {
    const recorded = buildChanges(
      [{ value: { ...deployment('rel-9', 10, 'orders', [], 'release'), version: 'v1.5.0' }, callId: 'G1' }],
      [],
    );
    const { changes, rolloutOf } = withClusterChanges(
      recorded,
      state({ rollouts: [rollout({ status: 'failed', reason: 'ProgressDeadlineExceeded' })] }),
    );
    expect(changes.map((change) => change.id)).toEqual(['rel-9']);
    expect(changes[0]?.text).toContain('rollout failed: ProgressDeadlineExceeded');
    expect(rolloutOf.get('rel-9')?.revision).toBe(7);
  });

  test('an image tag carrying a shipped commit links too; another service or version does not', () => {
    const sha = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';
    const bySha = buildChanges(
      [{ value: { ...deployment('rel-10', 10, 'orders', [sha], null), version: '2026.01.01' }, callId: 'G1' }],
      [],
    );
    const tagged = rollout({ imagesAfter: ['registry/orders:main-a1b2c3d'] });
    expect(withClusterChanges(bySha, state({ rollouts: [tagged] })).changes).toHaveLength(1);
    const other = buildChanges([{ value: { ...deployment('rel-11', 10, 'cart', [], null), version: 'v1.5.0' }, callId: 'G1' }], []);
    expect(withClusterChanges(other, state({ rollouts: [rollout()] })).changes).toHaveLength(2);
    const older = buildChanges([{ value: { ...deployment('rel-12', 10, 'orders', [], null), version: 'v1.4.0' }, callId: 'G1' }], []);
    expect(withClusterChanges(older, state({ rollouts: [rollout()] })).changes).toHaveLength(2);
  });

  test('a rollback is named as one', () => {
    const { changes } = withClusterChanges([], state({ rollouts: [rollout({ rollbackOf: 5, imagesAfter: ['registry/orders:v1.3.0'] })] }));
    expect(changes[0]?.text).toMatch(/^rollback of orders to revision 5's template \(revision 7\)/);
  });

  test('a ConfigMap edit is a config change of the workloads mounting it, an HPA change infrastructure', () => {
    const { changes } = withClusterChanges(
      [],
      state({
        configChanges: [
          {
            kind: 'configmap',
            namespace: 'shop',
            name: 'orders-config',
            at: ctx.onset.toISOString(),
            manager: 'kubectl-edit',
            detail: 'keys TIMEOUT_MS',
            workloads: ['orders', 'cart'],
            callId: 'K2',
          },
          {
            kind: 'hpa',
            namespace: 'shop',
            name: 'orders',
            at: ctx.onset.toISOString(),
            detail: 'maxReplicas 14 → 4',
            workloads: ['orders'],
            fewer: true,
            callId: 'K2',
          },
        ],
      }),
    );
    expect(changes.map((change) => [change.kind, change.id, change.service])).toEqual([
      ['config', 'configmap shop/orders-config', 'orders'],
      ['infrastructure', 'hpa shop/orders', 'orders'],
    ]);
    expect(changes[0]?.alsoTouches).toEqual(['cart']);
    // Named in full, not cut to seven characters as a commit sha is.
    const [scored] = scoreChanges(changes.slice(0, 1), ctx);
    expect(scored && describeChange(scored)).toBe('config configmap shop/orders-config of orders');
  });

  test('a change read from the cluster is applied: not discounted as an undeployed commit', () => {
    const { changes } = withClusterChanges(
      [],
      state({
        configChanges: [
          {
            kind: 'configmap',
            namespace: 'shop',
            name: 'c',
            at: '2026-01-01T05:58:00Z',
            detail: 'keys A',
            workloads: ['orders'],
            callId: 'K2',
          },
        ],
      }),
    );
    const applied = scoreChanges(changes, ctx)[0]?.score ?? 0;
    const unapplied = scoreChanges([{ ...changes[0]!, applied: false }], ctx)[0]?.score ?? 0;
    expect(applied).toBeCloseTo(unapplied * 5, 6);
  });
});

describe('cluster symptoms', () => {
  test('each failure reason of a workload is a symptom with its time, weighted against the strongest log symptom', () => {
    const top = { ...novelSymptom('payment failed', ['orders']), score: 10 };
    const list = clusterSymptoms(
      state({
        health: [
          health({
            waiting: ['ImagePullBackOff'],
            waitingMessage: 'Back-off pulling image "x:1"',
            ready: 0,
            firstTrouble: '2026-01-01T05:51:00Z',
          }),
          health({ workload: 'cart', restarts: 6, terminations: [{ reason: 'OOMKilled', exitCode: 137 }], memoryLimit: '512Mi' }),
          health({ workload: 'auth', restarts: 3, waiting: ['CrashLoopBackOff'] }),
          health({ workload: 'search', evictions: 2, evictedFrom: ['node-a'] }),
          health({ workload: 'quiet' }),
        ],
      }),
      [top],
    );
    expect(list.map((entry) => [entry.services[0], entry.score])).toEqual([
      ['orders', 9],
      ['cart', 8],
      ['search', 7],
      ['auth', 7],
    ]);
    expect(list[0]).toMatchObject({
      signature: 'pods of shop/orders cannot start: ImagePullBackOff',
      firstSeen: '2026-01-01T05:51:00Z',
      callId: 'K3',
    });
    expect(list[1]?.signature).toBe('container of shop/cart OOMKilled (exit code 137), 6 restarts, memory limit 512Mi');
  });

  test('a probe failure is a symptom unless the pods cannot start at all; a healthy cluster adds none', () => {
    const probing = clusterSymptoms(
      state({ health: [health({ probeFailures: 40, probeMessage: 'HTTP probe failed with statuscode: 503' })] }),
      [],
    );
    expect(probing.map((entry) => entry.signature)).toEqual([
      'readiness probe failing on pods of shop/orders: HTTP probe failed with statuscode: 503',
    ]);
    expect(
      clusterSymptoms(state({ health: [health({ probeFailures: 4, waiting: ['ErrImagePull'] })] }), []).map((entry) => entry.signature),
    ).toEqual(['pods of shop/orders cannot start: ErrImagePull']);
    expect(clusterSymptoms(state({ health: [health()] }), [])).toEqual([]);
    expect(clusterSymptoms(undefined, [])).toEqual([]);
  });

  test('merging keeps room for the cluster symptoms beside a full list of log ones', () => {
    const logs = Array.from({ length: MAX_SYMPTOMS }, (_, index) => ({ ...novelSymptom(`error ${index}`, ['orders']), score: 10 - index }));
    const cluster = clusterSymptoms(state({ health: [health({ waiting: ['ImagePullBackOff'] })] }), logs);
    mergeSymptoms(logs, cluster);
    expect(logs).toHaveLength(MAX_SYMPTOMS + 1);
    expect(logs[2]?.signature).toContain('ImagePullBackOff');
    expect(logs.at(-1)?.signature).toBe(`error ${MAX_SYMPTOMS - 1}`);
  });
});

describe('verdicts from the cluster state', () => {
  test('a failed rollout, an unpullable image, and OOM kills after a lowered limit each condemn the rollout', () => {
    expect(
      rolloutVerdict(
        rollout({ status: 'failed', reason: 'ProgressDeadlineExceeded' }),
        health({ ready: 4, desired: 8, probeFailures: 9, probeMessage: 'HTTP probe failed with statuscode: 503' }),
      ),
    ).toBe(
      'the rollout of orders revision 7 failed (ProgressDeadlineExceeded): its new pods fail their readiness probe (HTTP probe failed with statuscode: 503), leaving 4 of 8 pods ready',
    );
    expect(rolloutVerdict(rollout(), health({ waiting: ['ImagePullBackOff'] }))).toBe(
      'the pods of orders revision 7 cannot start: ImagePullBackOff',
    );
    const lowered = rollout({ memoryLimitBefore: '2Gi', memoryLimitAfter: '512Mi' });
    const killed = health({ terminations: [{ reason: 'OOMKilled', exitCode: 137 }] });
    expect(rolloutVerdict(lowered, killed)).toContain('lowered the memory limit from 2Gi to 512Mi');
  });

  test('no verdict for a healthy rollout, OOM kills under an unchanged or raised limit, or a lowered limit without kills', () => {
    const killed = health({ terminations: [{ reason: 'OOMKilled', exitCode: 137 }] });
    expect(rolloutVerdict(rollout(), health())).toBeUndefined();
    expect(rolloutVerdict(rollout({ memoryLimitBefore: '1Gi', memoryLimitAfter: '1Gi' }), killed)).toBeUndefined();
    expect(rolloutVerdict(rollout({ memoryLimitBefore: '512Mi', memoryLimitAfter: '1Gi' }), killed)).toBeUndefined();
    expect(rolloutVerdict(rollout({ memoryLimitBefore: '2Gi', memoryLimitAfter: '512Mi' }), health())).toBeUndefined();
  });

  test('a condemned change is raised, linked by state, and that is evidence of its own', () => {
    const cluster = state({ rollouts: [rollout()], health: [health({ waiting: ['ImagePullBackOff'] })] });
    const changes = withClusterChanges([], cluster);
    const scored = scoreChanges(changes.changes, ctx);
    const before = scored[0]?.score ?? 0;
    const verdicts = applyClusterVerdicts(scored, cluster, changes, ['orders']);
    expect(scored[0]?.score).toBeCloseTo(before * STATE_FACTOR, 6);
    expect(scored[0]?.links).toContain('state');
    expect(verdicts.get('orders revision 7')).toContain('ImagePullBackOff');
    const hypothesis = { kind: 'deployment' as const, score: 1, ...(scored[0] ? { change: scored[0] } : {}) };
    expect(evidenceFor(hypothesis, { symptoms: [] }).kinds).toEqual(['state', 'time']);
  });

  test('a rollout after the onset is not condemned by the state it did not cause', () => {
    const cluster = state({ rollouts: [rollout({ at: '2026-01-01T06:30:00Z' })], health: [health({ waiting: ['ImagePullBackOff'] })] });
    const changes = withClusterChanges([], cluster);
    const scored = scoreChanges(changes.changes, ctx);
    expect(applyClusterVerdicts(scored, cluster, changes, ['orders']).size).toBe(0);
  });

  test("a rollout after the incident's onset is still judged by its own pods' trouble, up to a minute after it", () => {
    const verdictsFor = (rolloutAt: string) => {
      const cluster = state({
        rollouts: [rollout({ at: rolloutAt })],
        health: [health({ waiting: ['ImagePullBackOff'], firstTrouble: '2026-01-01T06:30:00Z' })],
      });
      const changes = withClusterChanges([], cluster);
      const scored = scoreChanges(changes.changes, ctx);
      return { verdicts: applyClusterVerdicts(scored, cluster, changes, ['orders']), entry: scored[0] };
    };
    const at = verdictsFor('2026-01-01T06:31:00Z');
    expect(at.verdicts.size).toBe(1);
    expect(at.entry).toMatchObject({ afterOnset: false, timeFactor: 1 });
    expect(at.entry?.links).toEqual(expect.arrayContaining(['time', 'state']));
    expect(verdictsFor('2026-01-01T06:31:01Z').verdicts.size).toBe(0);
  });

  test('a lowered replica ceiling condemns only when its workload shows the symptoms', () => {
    const hpa = {
      kind: 'hpa' as const,
      namespace: 'shop',
      name: 'orders',
      at: '2026-01-01T05:58:00Z',
      detail: 'maxReplicas 4',
      workloads: ['orders'],
      fewer: true,
      callId: 'K2',
    };
    const cluster = state({ configChanges: [hpa] });
    const changes = withClusterChanges([], cluster);
    expect(applyClusterVerdicts(scoreChanges(changes.changes, ctx), cluster, changes, ['orders']).size).toBe(1);
    expect(applyClusterVerdicts(scoreChanges(changes.changes, ctx), cluster, changes, ['cart']).size).toBe(0);
    const raised = state({ configChanges: [{ ...hpa, fewer: false }] });
    const raisedChanges = withClusterChanges([], raised);
    expect(applyClusterVerdicts(scoreChanges(raisedChanges.changes, ctx), raised, raisedChanges, ['orders']).size).toBe(0);
  });
});

describe('a node condition shared by the failing pods', () => {
  const pressure = {
    node: 'node-a',
    condition: 'MemoryPressure',
    since: '2026-01-01T05:55:00Z',
    workloads: ['orders', 'cart', 'auth'],
    callId: 'K4',
  };

  test('is an infrastructure cause at the failing workload, its strength growing with the workloads it hosts', () => {
    const cluster = state({
      nodes: [pressure],
      health: [health({ evictions: 3, evictedFrom: ['node-a'] }), health({ workload: 'cart', evictions: 1, evictedFrom: ['node-a'] })],
    });
    const symptoms = clusterSymptoms(cluster, []);
    const [cause] = nodeCauses(cluster, symptoms, ['orders']);
    expect(cause).toMatchObject({ service: 'orders', state: true, score: 0.7 });
    expect(cause?.cls.kind).toBe('infrastructure');
    expect(cause?.cls.title).toBe('node node-a under MemoryPressure since 05:55 UTC, shared by the failing pods of cart, orders');
    expect(cause?.symptomShare).toBe(1);
    expect(evidenceFor({ kind: 'infrastructure', score: 0.7, ...(cause ? { cls: cause } : {}) }, { symptoms }).kinds).toEqual([
      'log',
      'state',
    ]);
  });

  test('is no cause when none of its pods fail, or when the condition is not trouble', () => {
    expect(nodeCauses(state({ nodes: [pressure], health: [health({ workload: 'auth' })] }), [], ['search'])).toEqual([]);
    const ready = { ...pressure, condition: 'Ready' };
    expect(nodeCauses(state({ nodes: [ready], health: [health({ evictions: 1, evictedFrom: ['node-a'] })] }), [], ['orders'])).toEqual([]);
  });
});
