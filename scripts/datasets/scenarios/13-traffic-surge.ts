import { everydayNoise, preset } from '../fleet.js';
import { kubeEvents } from '../logs/noise.js';
import { evalPlacement, type ScenarioOutput } from '../scenario.js';
import { MINUTE } from '../time.js';
import { World } from '../world.js';

/**
 * Black Friday, 2024-11-29. Code freeze since Wednesday: no deploy for two days. At 17:00 a push
 * notification for the flash sale goes to two million users; gateway traffic quadruples within minutes,
 * catalog-service and search-service hit their autoscaling ceilings, CPU pins, latency and 503s climb.
 * A commit merged at 16:40 was never deployed: it cannot be the cause.
 */
export function trafficSurge(): ScenarioOutput {
  const place = evalPlacement('13-traffic-surge');
  const w = new World({
    name: 'traffic-surge',
    description: 'Flash-sale traffic surge beyond autoscaling limits; no recent deploys.',
    seed: '13-traffic-surge',
    date: '2024-11-29',
    start: '11:00',
    now: '17:25',
    deploymentIds: { kind: 'seq', prefix: 'dep-', first: 2210, width: 4 },
  });
  const at = (hhmm: string, day = 0) => w.at(hhmm, day);
  const push = at('17:00');

  const gateway = w.service(preset('api-gateway', { version: 'v1.47.2', rps: 420, accessPerMin: 2.5 }));
  const catalog = w.service(preset('catalog-service', { version: 'v2.31.0', rps: 230, cpu: 48 }));
  const search = w.service(preset('search-service', { version: 'v4.0.3', rps: 150, cpu: 52, rotateAt: at('14:00'), rotateGzip: true }));
  const cart = w.service(preset('cart-service', { version: 'v3.14.0', rps: 95 }));
  const users = w.service(preset('user-service', { version: 'v3.26.0', rps: 120 }));
  const kube = w.logSource('k8s-events');

  w.history(at('14:00', -2));
  w.git.commit({
    at: at('16:30', -2),
    author: 'Nora Lindqvist',
    message: 'chore: code freeze for Black Friday (deploys blocked until 2024-12-02)',
    files: ['.github/workflows/deploy.yml', 'docs/runbooks/black-friday.md'],
  });
  const lastFix = w.git.commit({
    at: at('14:10', -2),
    service: 'cart-service',
    message: 'fix(promotions): cap stacked discounts at 60%',
    files: ['services/cart-service/src/promotions/stacking.ts'],
  });
  const lastDeploy = w.deploy({
    at: at('15:10', -2),
    service: 'cart-service',
    version: 'v3.14.1',
    commits: [lastFix],
    by: 'argocd',
    description: lastFix.message,
  });
  const merged = w.git.commit({
    at: at('16:40'),
    author: 'Rafael Costa',
    service: 'search-service',
    message: 'feat(ranking): boost flash-sale items (merged, ships after the freeze)',
    files: ['services/search-service/src/main/java/com/shop/search/ranking/SaleBoost.java'],
  });

  // Traffic: 4x on the gateway within ~6 minutes, then a slow decay as the push wears off.
  const surge = (factor: number) => (m: number, v: number) => v * (1 + (factor - 1) * Math.min(1, m / 6) * Math.max(0.7, 1 - m / 120));
  const until = w.now + MINUTE;
  gateway.requests.shape(push, until, surge(4));
  catalog.requests.shape(push, until, surge(4.4));
  search.requests.shape(push, until, surge(3.6));
  cart.requests.shape(push, until, surge(3.2));
  users.requests.shape(push, until, surge(2.5));
  for (const svc of [catalog, search]) {
    svc.cpu.level(push + 2 * MINUTE, 96, { ramp: 5, jitter: 0.02 });
    svc.latency.scale(push + 3 * MINUTE, svc === search ? 9 : 14, { ramp: 6 });
    svc.errors.level(push + 6 * MINUTE, svc === search ? 4.1 : 6.8, { ramp: 4, jitter: 0.12 });
    svc.failuresLookLike(push, [503, 504]);
  }
  cart.cpu.level(push + 2 * MINUTE, 74, { ramp: 5 });
  gateway.errors.level(push + 6 * MINUTE, 3.9, { ramp: 4, jitter: 0.1 });
  gateway.latency.scale(push + 3 * MINUTE, 7, { ramp: 6 });
  gateway.failuresLookLike(push, [503, 504], ['/api/products/{id}', '/api/search']);
  const replicas = (name: string, base: number, max: number) =>
    w
      .series({ metric: 'replicas', tags: { service: name }, unit: 'count', base, jitter: 0, decimals: 0 })
      .shape(push, until, (m) => Math.min(max, base + Math.floor(m / 1.5)));
  replicas('catalog-service', 4, 12);
  replicas('search-service', 4, 10);
  w.series({
    metric: 'db_connections_active',
    tags: { service: 'catalog-service', db: 'catalog-db' },
    unit: 'count',
    base: 22,
    diurnal: 0.2,
    jitter: 0.1,
    decimals: 0,
  }).scale(push, 3.2, { ramp: 6 });

  for (const svc of [gateway, catalog, search, cart, users]) everydayNoise(svc);
  kubeEvents(kube, ['catalog-service', 'search-service', 'cart-service', 'user-service'], 3);
  cart.every(w.start, w.now, 2 / 60, () => ({
    level: 'warn',
    msg: 'promotion engine: campaign BF24-EARLY has no remaining budget, skipping',
  }));
  kube.every(push + 8 * MINUTE, w.now, 0.6, (r) => ({
    level: 'warn',
    msg: `HorizontalPodAutoscaler ${r.pick(['catalog-service', 'search-service'])}: desired replicas ${r.int(14, 22)} exceeds maxReplicas, capped (unable to scale above max)`,
  }));
  gateway.every(push + 5 * MINUTE, w.now, 6, (r) => ({
    level: 'warn',
    msg: 'upstream overloaded, shedding request',
    fields: { upstream: r.pick(['catalog-service', 'search-service']), queue_depth: r.int(200, 900), status: 503 },
  }));
  catalog.every(push + 5 * MINUTE, w.now, 4, (r) => ({
    level: 'warn',
    msg: 'request queue wait exceeded',
    fields: { queued_ms: r.int(800, 4000), inflight: r.int(480, 512), limit: 512 },
  }));
  search.every(push + 5 * MINUTE, w.now, 3, (r) => ({
    level: 'warn',
    logger: 'com.shop.search.web.LoadSheddingFilter',
    msg: `Rejecting request: ${r.int(190, 200)}/200 concurrent searches in flight`,
  }));

  return {
    ...place,
    files: w.finish(),
    evalCase: {
      title: 'Capacity: flash-sale traffic surge with no recent deploy',
      incident: 'Site is slow and product pages 503 since 17:00, did someone deploy?',
      dataset: place.dataset,
      since: '6h',
      alerts: [{ name: 'CatalogTrafficSurge', runbookUrl: 'https://runbooks.example.com/catalog-service/traffic-surge.md#scale-out' }],
      expect: {
        runbook: 'catalog-service/traffic-surge.md',
        suspect: { kind: ['capacity'] },
        rootCauseKeywords: ['traffic', 'load', 'capacity', 'surge'],
        mustNot: { suspectIds: [lastDeploy.id, lastDeploy.version, merged.sha, lastFix.sha], suspectKinds: ['deployment', 'commit'] },
      },
    },
  };
}
