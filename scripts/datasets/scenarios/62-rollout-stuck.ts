import { Cluster, steadyWorkload } from '../kube.js';
import { chronicError, clientClosed } from '../logs/noise.js';
import { evalPlacement, type ScenarioOutput } from '../scenario.js';
import { MINUTE } from '../time.js';
import { World } from '../world.js';
import { app, bystander } from './kit.js';

/**
 * A rolling update stuck half-way (the pattern of Kubernetes' own "failed deployment" documentation: the new pods never
 * become ready and the rollout exceeds progressDeadlineSeconds). 2026-04-09, a food-delivery platform: orders-api
 * v3.14.0 ships at 11:00; its new pods fail their readiness probe (a new health check waits on a queue the cluster
 * cannot reach), so the controller stops with half the replicas old and half new-but-unready. The old pods carry
 * the whole load and shed it. The CD system records the deploy as a success; inventory-api's 11:08 release is closer
 * to the onset and is the red herring. The logs say only that orders-api is overloaded.
 */
export function rolloutStuck(): ScenarioOutput {
  const place = evalPlacement('62-rollout-stuck');
  const w = new World({
    name: 'rollout-stuck',
    description: 'A rollout stuck at half with ProgressDeadlineExceeded; the CD system says success.',
    seed: '62-rollout-stuck',
    date: '2026-04-09',
    start: '06:30',
    now: '11:40',
    deploymentIds: { kind: 'seq', prefix: 'cd-', first: 90311, width: 5 },
  });
  const at = (hhmm: string) => w.at(hhmm);
  const ship = at('11:00');
  const onset = at('11:04');

  const orders = w.service(app('orders-api', 'go', 'klog', { version: 'v3.13.2', rps: 520, p95: 60, cpu: 45, accessPerMin: 2 }));
  const inventory = w.service(app('inventory-api', 'java', 'log4j', { version: 'v7.7.0', rps: 260, p95: 80 }));
  const gateway = w.service(
    app('api-gateway', 'go', 'nginx', {
      version: 'v1.26.1',
      rps: 900,
      accessPerMin: 6,
      endpoints: [
        { method: 'POST', path: '/v2/orders', weight: 5, upstream: 'orders-api' },
        { method: 'GET', path: '/v2/inventory/{id}', weight: 4, upstream: 'inventory-api' },
      ],
    }),
  );
  bystander(w, 'courier-dispatch', 'python', 'json', 'v9.3.0');

  w.history();
  const health = w.git.commit({
    at: at('10:15'),
    service: 'orders-api',
    message: 'feat(orders): deep health check covers the payments queue',
    files: ['orders-api/internal/health/deep.go', 'orders-api/internal/health/deep_test.go'],
  });
  const release = w.deploy({ at: ship, service: 'orders-api', version: 'v3.14.0', commits: [health], by: 'argocd' });
  const inv = w.git.commit({
    at: at('10:40'),
    service: 'inventory-api',
    message: 'fix(stock): round reserved quantities for weighted items',
    files: ['inventory-api/src/main/java/io/inventory/Reservations.java'],
  });
  const invDeploy = w.deploy({ at: at('11:08'), service: 'inventory-api', version: 'v7.8.0', commits: [inv], by: 'argocd' });

  orders.cpu.level(onset, 94, { ramp: 3, jitter: 0.02 });
  orders.latency.level(onset + MINUTE, 900, { ramp: 4 });
  orders.errors.level(onset + 2 * MINUTE, 9, { ramp: 3 });
  orders.failuresLookLike(onset, [503], ['/v1/orders']);
  gateway.errors.level(onset + 2 * MINUTE, 5, { ramp: 3 });
  gateway.failuresLookLike(onset, [503], ['/v2/orders']);
  orders.every(onset + MINUTE, w.now, 18, (r) => ({
    level: 'error',
    msg: `load shedding: ${r.int(240, 256)}/256 requests in flight, rejecting with 503`,
  }));

  chronicError(inventory, 1, () => ({
    level: 'error',
    logger: 'io.inventory.sync.ErpClient',
    msg: 'ERP sync batch rejected: lock timeout',
  }));
  chronicError(orders, 0.7, () => ({ level: 'error', msg: 'tracing exporter: failed to export spans: deadline exceeded' }));
  clientClosed(gateway, 3);
  inventory.every(w.start, w.now, 5 / 60, (r) => ({
    level: 'warn',
    logger: 'io.inventory.cache.Warmup',
    msg: `cache warmup skipped ${r.int(2, 30)} SKUs`,
  }));

  const k = new Cluster(w.rng.fork('kube'), w.now);
  const nodes = ['gke-prod-pool-1-8f2c-k3l9', 'gke-prod-pool-1-8f2c-p0qz', 'gke-prod-pool-1-8f2c-v7xd', 'gke-prod-pool-1-8f2c-x2mn'];
  for (const node of nodes) k.node(node, { zone: 'europe-west1-b' });
  k.workload({
    name: 'orders-api',
    namespace: 'delivery',
    replicas: 8,
    nodes,
    stuckAt: ship + 10 * MINUTE,
    trouble: { probe: { from: ship + 30_000, message: 'HTTP probe failed with statuscode: 503' } },
    revisions: [
      { at: at('09:00') - 8 * 24 * 60 * MINUTE, image: 'eu.gcr.io/delivery/orders-api:v3.13.1', replicas: 0 },
      { at: at('14:00') - 3 * 24 * 60 * MINUTE, image: 'eu.gcr.io/delivery/orders-api:v3.13.2', replicas: 4 },
      { at: ship, image: 'eu.gcr.io/delivery/orders-api:v3.14.0', replicas: 4, ready: 0 },
    ],
  });
  k.workload({
    name: 'inventory-api',
    namespace: 'delivery',
    replicas: 4,
    nodes,
    revisions: [
      { at: at('08:00') - 6 * 24 * 60 * MINUTE, image: 'eu.gcr.io/delivery/inventory-api:v7.7.0' },
      { at: at('11:08'), image: 'eu.gcr.io/delivery/inventory-api:v7.8.0' },
    ],
  });
  steadyWorkload(k, {
    name: 'api-gateway',
    namespace: 'delivery',
    images: ['eu.gcr.io/delivery/api-gateway:v1.26.0', 'eu.gcr.io/delivery/api-gateway:v1.26.1'],
    at: at('05:00') - 2 * 24 * 60 * MINUTE,
    nodes,
    replicas: 6,
  });
  steadyWorkload(k, {
    name: 'courier-dispatch',
    namespace: 'delivery',
    images: ['eu.gcr.io/delivery/courier-dispatch:v9.2.4', 'eu.gcr.io/delivery/courier-dispatch:v9.3.0'],
    at: at('06:00') - 5 * 24 * 60 * MINUTE,
    nodes,
  });

  const files = w.finish();
  return {
    ...place,
    files: { ...files, kubernetes: k.files() },
    evalCase: {
      title: 'Rollout stuck at half: new pods never ready, ProgressDeadlineExceeded',
      incident: 'Orders returning 503 since ~11:05. inventory-api deployed at 11:08, could that be it?',
      dataset: place.dataset,
      since: '5h',
      expect: {
        suspect: { kind: ['deployment'], id: [release.id, release.version], service: ['orders-api'] },
        rootCauseKeywords: ['ProgressDeadlineExceeded', 'readiness', 'rollout'],
        mustNot: { suspectIds: [invDeploy.id, invDeploy.version, inv.sha] },
        service: ['orders-api'],
      },
    },
  };
}
