import { describe, expect, test } from 'vitest';
import type { ConfigChangeOut, WorkloadHealthOut } from '../../mcp-servers/kubernetes/schemas.js';
import { configChangesOf } from '../../src/engines/builtin/kubernetes-gather.js';

const edit: ConfigChangeOut = {
  time: '2026-03-05T18:20:00.000Z',
  namespace: 'travel',
  kind: 'HorizontalPodAutoscaler',
  name: 'search-api',
  change: 'hpa_edited',
  manager: 'kubectl-patch',
  keys: [],
  mountedBy: ['Deployment/search-api'],
  replicas: null,
  detail: 'HPA travel/search-api for Deployment/search-api edited by kubectl-patch: now min 3, max 4, target cpu 70%',
};
const resize = (time: string): ConfigChangeOut => ({
  ...edit,
  time,
  change: 'autoscaled',
  manager: 'horizontal-pod-autoscaler',
  replicas: { before: null, after: 4 },
  detail: 'HPA travel/search-api scaled Deployment/search-api to 4 (min 3, max 4, now 4 running)',
});
const health = (desired: number | null): WorkloadHealthOut => ({
  namespace: 'travel',
  workload: 'search-api',
  kind: 'Deployment',
  desired,
  ready: 4,
  pods: 4,
  status: 'healthy',
  problems: [],
  nodes: [],
  containers: [],
});

describe('config, autoscaler and scale changes from the cluster', () => {
  test("an autoscaler's resize up to 10 minutes after its bounds were edited is that edit's effect, later a change of its own", () => {
    const within = configChangesOf([edit, resize('2026-03-05T18:30:00.000Z')], [health(4)], 'K2');
    expect(within.map((change) => [change.kind, change.name])).toEqual([['hpa', 'search-api']]);
    const after = configChangesOf([edit, resize('2026-03-05T18:30:01.000Z')], [health(4)], 'K2');
    expect(after).toHaveLength(2);
    const before = configChangesOf([edit, resize('2026-03-05T18:19:59.000Z')], [health(4)], 'K2');
    expect(before).toHaveLength(2);
  });

  test('an edited autoscaler leaves fewer replicas when its workload wants its ceiling or more', () => {
    const [pinned] = configChangesOf([edit], [health(4)], 'K2');
    expect(pinned).toMatchObject({ kind: 'hpa', workloads: ['search-api'], fewer: true, callId: 'K2' });
    expect(pinned?.detail).toContain('its workload runs at that ceiling');
    expect(configChangesOf([edit], [health(3)], 'K2')[0]?.fewer).toBeUndefined();
    expect(configChangesOf([edit], [health(null)], 'K2')[0]?.fewer).toBeUndefined();
  });

  test('a scale is of the workload itself and leaves fewer replicas only when it went down', () => {
    const scale = (before: number | null, after: number): ConfigChangeOut => ({
      ...edit,
      kind: 'Deployment',
      change: 'scaled',
      manager: 'kubectl',
      mountedBy: [],
      replicas: { before, after },
      detail: `Deployment travel/search-api scaled to ${after} by kubectl (scale subresource)`,
    });
    expect(configChangesOf([scale(6, 2)], [], 'K2')[0]).toMatchObject({ kind: 'scale', workloads: ['search-api'], fewer: true });
    expect(configChangesOf([scale(2, 6)], [], 'K2')[0]?.fewer).toBeUndefined();
    expect(configChangesOf([scale(null, 2)], [], 'K2')[0]?.fewer).toBeUndefined();
  });

  test('a ConfigMap edit belongs to the workloads that mount it', () => {
    const cm: ConfigChangeOut = {
      ...edit,
      kind: 'ConfigMap',
      name: 'checkout-config',
      change: 'edited',
      manager: 'kubectl-edit',
      keys: ['PAYMENT_TIMEOUT_MS'],
      mountedBy: ['Deployment/checkout-api', 'Deployment/checkout-worker'],
    };
    expect(configChangesOf([cm], [], 'K2')[0]).toMatchObject({ kind: 'configmap', workloads: ['checkout-api', 'checkout-worker'] });
  });
});
