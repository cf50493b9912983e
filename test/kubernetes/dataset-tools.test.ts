import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connected } from '../support/in-process.js';
import { call, connect, datasetBackend, structured, TOOLS, text, WINDOW } from './helpers.js';

let conn: Connected;
beforeAll(async () => {
  conn = await connect(datasetBackend());
});
afterAll(async () => {
  await conn.close();
});

describe('kubernetes tools over the dataset backend', () => {
  it('lists the five tools, each read-only with an output schema', async () => {
    const { tools } = await conn.client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual([...TOOLS]);
    for (const tool of tools) {
      expect(tool.annotations?.readOnlyHint, tool.name).toBe(true);
      expect(tool.outputSchema, tool.name).toBeDefined();
      for (const [field, schema] of Object.entries(tool.inputSchema.properties ?? {}))
        expect((schema as { description?: string }).description, `${tool.name}.${field}`).toBeTruthy();
    }
  });

  it('get_rollouts: images before → after, a lowered memory limit, a rollback named as such, a failed rollout', async () => {
    const out = structured(await call(conn.client, 'get_rollouts', WINDOW));
    const byName = (w: string, rev: number) =>
      out.rollouts.find((r: { workload: string; revision: number }) => r.workload === w && r.revision === rev);
    expect(out.rollouts.map((r: { workload: string; revision: number }) => `${r.workload}@${r.revision}`)).toEqual([
      'frontend@2',
      'payments@3',
      'checkout@2',
      'payments@2',
      'cart-db@2',
    ]);
    expect(byName('checkout', 2)).toMatchObject({
      imagesBefore: ['registry.example.com/shop/checkout:1.4.0'],
      imagesAfter: ['registry.example.com/shop/checkout:1.5.0'],
      changeCause: 'deploy checkout 1.5.0 (pipeline #812)',
      current: true,
      status: 'progressing',
      rollback: false,
      time: '2026-03-10T10:30:00.000Z',
    });
    expect(byName('checkout', 2).changes).toContainEqual({
      container: 'checkout',
      field: 'limits.memory',
      before: '512Mi',
      after: '256Mi',
    });
    // The rollback re-used revision 1's ReplicaSet: its time is the re-use, not the ReplicaSet's creation days ago.
    expect(byName('payments', 3)).toMatchObject({
      rollback: true,
      rollbackTo: 1,
      time: '2026-03-10T11:00:00.000Z',
      imagesBefore: ['registry.example.com/shop/payments:2.1.0'],
      imagesAfter: ['registry.example.com/shop/payments:2.0.3'],
      status: 'complete',
    });
    expect(byName('payments', 2)).toMatchObject({
      rollback: false,
      status: 'superseded',
      imagesBefore: ['registry.example.com/shop/payments:2.0.3'],
    });
    expect(byName('frontend', 2)).toMatchObject({ status: 'failed', statusReason: 'ProgressDeadlineExceeded' });
    expect(byName('cart-db', 2)).toMatchObject({
      kind: 'StatefulSet',
      source: 'ControllerRevision/cart-db-6f7b8c9d5',
      imagesAfter: ['postgres:16.2'],
    });
    const lines = text(await call(conn.client, 'get_rollouts', WINDOW));
    expect(lines).toContain('payments rev 3 ROLLBACK to rev 1');
    expect(lines).toContain('FAILED (ProgressDeadlineExceeded)');
  });

  it('get_rollouts: the window bounds revisions on both sides', async () => {
    const narrow = structured(await call(conn.client, 'get_rollouts', { since: '2026-03-10T10:30:00Z', until: '2026-03-10T11:00:00Z' }));
    expect(narrow.rollouts.map((r: { workload: string }) => r.workload)).toEqual(['payments', 'checkout']);
    const before = structured(await call(conn.client, 'get_rollouts', { since: '2026-03-10T10:30:01Z', until: '2026-03-10T10:59:59Z' }));
    expect(before.rollouts).toEqual([]);
  });

  it('get_config_changes: ConfigMap keys and mounts, Secret without keys, HPA edit and scaling, manual scale-down 4 → 2', async () => {
    const out = structured(await call(conn.client, 'get_config_changes', WINDOW));
    expect(out.changes.map((c: { kind: string; name: string; change: string }) => `${c.change} ${c.kind}/${c.name}`)).toEqual([
      'hpa_edited HorizontalPodAutoscaler/checkout',
      'edited Secret/checkout-db',
      'edited ConfigMap/checkout-config',
      'scaled Deployment/payments',
      'autoscaled HorizontalPodAutoscaler/checkout',
    ]);
    const [hpa, secret, configMap, scale] = out.changes;
    expect(configMap).toMatchObject({
      keys: ['POOL_SIZE'],
      mountedBy: ['Deployment/checkout'],
      manager: 'kubectl-edit',
      time: '2026-03-10T11:40:00.000Z',
    });
    expect(secret).toMatchObject({ keys: [], mountedBy: ['Deployment/checkout'] });
    expect(scale).toMatchObject({ replicas: { before: 4, after: 2 }, manager: 'kubectl' });
    expect(hpa.detail).toContain('max 3');
    // The unused ConfigMap was last written on day 1: outside the window.
    expect(JSON.stringify(out)).not.toContain('unused-config');
  });

  it('get_config_changes: a workload filter keeps what it mounts and its own scaling', async () => {
    const out = structured(await call(conn.client, 'get_config_changes', { ...WINDOW, workload: 'payments' }));
    expect(out.changes.map((c: { change: string }) => c.change)).toEqual(['scaled']);
  });

  it('get_workload_health: OOMKilled with exit 137 and the memory limit, crash loop, failed probes, image pull failure', async () => {
    const out = structured(await call(conn.client, 'get_workload_health', WINDOW));
    const [checkout, frontend] = out.workloads;
    expect(checkout).toMatchObject({ workload: 'checkout', status: 'degraded', ready: 1, desired: 3, nodes: ['node-a', 'node-b'] });
    expect(checkout.problems).toEqual(expect.arrayContaining(['OOMKilled', 'CrashLoopBackOff', 'ProbeFailures', 'NotReady']));
    expect(checkout.containers[0]).toMatchObject({
      name: 'checkout',
      memoryLimit: '256Mi',
      restarts: 7,
      restartsInWindow: 7,
      lastTermination: { reason: 'OOMKilled', exitCode: 137, time: '2026-03-10T11:55:00.000Z', pod: 'checkout-7d4f5b6c88-bbbbb' },
      waiting: { reason: 'CrashLoopBackOff', pods: 2 },
      probeFailures: 3,
    });
    expect(frontend).toMatchObject({ workload: 'frontend', problems: ['ImagePullBackOff'] });
    expect(
      out.workloads
        .filter((w: { status: string }) => w.status === 'healthy')
        .map((w: { workload: string }) => w.workload)
        .sort(),
    ).toEqual(['batch-runner', 'cart-db', 'payments']);
    const unhealthy = structured(await call(conn.client, 'get_workload_health', { ...WINDOW, unhealthyOnly: true }));
    expect(unhealthy.workloads.map((w: { workload: string }) => w.workload)).toEqual(['checkout', 'frontend']);
  });

  it('get_workload_health: restarts whose termination falls before the window are not counted in it', async () => {
    const out = structured(
      await call(conn.client, 'get_workload_health', { since: '2026-03-10T11:53:00Z', until: WINDOW.until, workload: 'checkout' }),
    );
    expect(out.workloads[0].containers[0]).toMatchObject({ restarts: 7, restartsInWindow: 3 });
  });

  it('get_events: grouped with counts and first/last times, from both event APIs, Warnings first', async () => {
    const out = structured(await call(conn.client, 'get_events', WINDOW));
    expect(out.groups[0]).toMatchObject({
      type: 'Warning',
      reason: 'BackOff',
      count: 9,
      workload: 'Deployment/checkout',
      firstTime: '2026-03-10T11:05:00.000Z',
      lastTime: '2026-03-10T11:58:00.000Z',
    });
    expect(out.groups).toContainEqual(
      expect.objectContaining({ reason: 'EvictionThresholdMet', count: 4, object: { kind: 'Node', namespace: null, name: 'node-a' } }),
    );
    expect(out.groups[out.groups.length - 1]).toMatchObject({ type: 'Normal', reason: 'ScalingReplicaSet' });
    // The 03:00 BackOff lies before the window.
    expect(out.groups.find((g: { count: number; reason: string }) => g.reason === 'BackOff' && g.count === 2)).toBeUndefined();
    const warnings = structured(await call(conn.client, 'get_events', { ...WINDOW, type: 'warning' }));
    expect(warnings.groups.every((g: { type: string }) => g.type === 'Warning')).toBe(true);
    const unhealthy = structured(await call(conn.client, 'get_events', { ...WINDOW, reason: 'unhealthy' }));
    expect(unhealthy.groups.map((g: { reason: string }) => g.reason)).toEqual(['Unhealthy']);
  });

  it('get_node_health: memory pressure since 11:35, a cordoned NotReady node, and the workloads on each', async () => {
    const out = structured(await call(conn.client, 'get_node_health', WINDOW));
    expect(out.nodes.map((n: { name: string }) => n.name)).toEqual(['node-c', 'node-a', 'node-b']);
    expect(out.nodes[0]).toMatchObject({ problems: ['NotReady', 'Cordoned'], unschedulable: true, ready: false, pods: 0 });
    expect(out.nodes[1]).toMatchObject({
      problems: ['MemoryPressure'],
      workloads: ['shop/Deployment/checkout', 'shop/Deployment/frontend'],
    });
    expect(out.nodes[1].conditions).toContainEqual({
      type: 'MemoryPressure',
      status: 'True',
      reason: 'KubeletHasInsufficientMemory',
      since: '2026-03-10T11:35:00.000Z',
    });
    const forPayments = structured(await call(conn.client, 'get_node_health', { ...WINDOW, workload: 'payments' }));
    expect(forPayments.nodes.map((n: { name: string }) => n.name)).toEqual(['node-b']);
    const troubled = structured(await call(conn.client, 'get_node_health', { ...WINDOW, troubledOnly: true }));
    expect(troubled.nodes.map((n: { name: string }) => n.name)).toEqual(['node-c', 'node-a']);
  });

  it('filters by service through the app.kubernetes.io/name label and by namespace', async () => {
    const bySvc = structured(await call(conn.client, 'get_workload_health', { ...WINDOW, service: 'cart-db' }));
    expect(bySvc.workloads.map((w: { workload: string }) => w.workload)).toEqual(['cart-db']);
    const ops = structured(await call(conn.client, 'get_workload_health', { ...WINDOW, namespace: 'ops' }));
    expect(ops.workloads.map((w: { workload: string }) => w.workload)).toEqual(['batch-runner']);
    expect(ops.namespaces).toEqual(['ops']);
  });
});

describe('kubernetes tools: bad input is a tool error with a hint', () => {
  it('an unknown workload names the closest ones', async () => {
    const result = await call(conn.client, 'get_rollouts', { workload: 'checkot' });
    expect(result.isError).toBe(true);
    expect(text(result)).toMatch(/unknown workload checkot; known: checkout/);
    expect(text(result)).toContain('Hint:');
  });

  it('an unknown namespace', async () => {
    const result = await call(conn.client, 'get_events', { namespace: 'nope' });
    expect(result.isError).toBe(true);
    expect(text(result)).toContain('unknown namespace nope');
  });

  it('a namespace outside KUBE_NAMESPACES', async () => {
    const limited = await connect(datasetBackend(), ['shop']);
    try {
      const result = await call(limited.client, 'get_events', { namespace: 'ops' });
      expect(result.isError).toBe(true);
      expect(text(result)).toContain('namespace ops is not among KUBE_NAMESPACES (shop)');
      // Without a namespace, KUBE_NAMESPACES bounds what is read.
      const all = structured(await call(limited.client, 'get_workload_health', WINDOW));
      expect(all.workloads.map((w: { namespace: string }) => w.namespace)).not.toContain('ops');
      expect(all.namespaces).toEqual(['shop']);
    } finally {
      await limited.close();
    }
  });

  it('a bad time and an empty window', async () => {
    expect(text(await call(conn.client, 'get_rollouts', { since: 'yesterday-ish' }))).toContain('is not a time');
    const empty = await call(conn.client, 'get_rollouts', { since: '2026-03-10T11:00:00Z', until: '2026-03-10T11:00:00Z' });
    expect(empty.isError).toBe(true);
    expect(text(empty)).toContain('is empty');
  });
});
