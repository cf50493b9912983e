import { cacheStats, chronicError, healthChecks } from '../logs/noise.js';
import { evalPlacement, type ScenarioOutput } from '../scenario.js';
import { MINUTE } from '../time.js';
import { World } from '../world.js';
import { app, bystander, latencyAs, outcomeSplit } from './kit.js';

/**
 * 2026-02-10, a grocery delivery shop on Kubernetes with Prometheus recording rules. orders-svc v8.14.0 (13:40)
 * stacks coupons on a new path that dereferences a missing coupon; 5xx climb to ~12% while total traffic stays
 * flat. Its metrics exist only as recording rules (`service_name:http_server_requests:rate5m{code=…}`), so the 5xx
 * slice rising must read as errors of orders-svc, not as a traffic surge of a service called "service_name".
 * basket-api's deploy at 12:20 and the courier-svc warnings are noise.
 */
export function outcomeLabels(): ScenarioOutput {
  const place = evalPlacement('28-outcome-labels');
  const w = new World({
    name: 'outcome-labels',
    description: 'A bad deploy seen only through recording rules split by status code.',
    seed: '28-outcome-labels',
    date: '2026-02-10',
    start: '08:30',
    now: '14:25',
    deploymentIds: { kind: 'seq', prefix: 'deploy-', first: 5512, width: 4 },
  });
  const at = (hhmm: string) => w.at(hhmm);
  const ship = at('13:40');

  const orders = w.service(app('orders-svc', 'python', 'json', { version: 'v8.13.2', rps: 140, p95: 180, golden: false }));
  const basket = w.service(app('basket-api', 'node', 'pino', { version: 'v3.2.0', rps: 210, p95: 60, golden: false }));
  const courier = w.service(app('courier-svc', 'go', 'logfmt', { version: 'v1.18.4', rps: 35, p95: 250 }));

  for (const [svc, name] of [
    [orders, 'orders-svc'],
    [basket, 'basket-api'],
  ] as const) {
    outcomeSplit(w, svc, {
      metric: 'service_name:http_server_requests:rate5m',
      labels: { service_name: name, namespace: 'shop' },
      ok: { code: '200' },
      error: { code: '500' },
      unit: 'req/s',
    });
    latencyAs(w, svc, 'service_name:http_server_requests_latency_seconds:p99', { service_name: name, namespace: 'shop' });
  }

  bystander(w, 'promo-engine', 'java', 'log4j', 'v2.8.1');
  bystander(w, 'delivery-slots', 'go', 'klog', 'v1.4.0');
  bystander(w, 'substitutions', 'node', 'pino', 'v0.9.3');
  w.history();
  const basketFix = w.git.commit({
    at: at('11:50'),
    service: 'basket-api',
    message: 'fix(basket): keep substitutions when a product goes out of stock',
    files: ['basket-api/src/substitutions.ts'],
  });
  const basketDeploy = w.deploy({ at: at('12:20'), service: 'basket-api', version: 'v3.2.1', commits: [basketFix], by: 'argo-cd' });
  const coupon = w.git.commit({
    at: at('12:55'),
    service: 'orders-svc',
    author: 'Priya Raman',
    message: 'feat(pricing): stack loyalty coupon on top of basket discount',
    files: ['orders-svc/app/pricing/coupons.py', 'orders-svc/app/pricing/discounts.py'],
  });
  const release = w.deploy({ at: ship, service: 'orders-svc', version: 'v8.14.0', commits: [coupon], by: 'argo-cd' });

  orders.errors.level(ship + 2 * MINUTE, 12, { ramp: 2 });
  orders.failuresLookLike(ship + 2 * MINUTE, [500], ['/v1/orders']);
  orders.latency.scale(ship + 2 * MINUTE, 1.3, { ramp: 2 });
  orders.every(ship + 2 * MINUTE, w.now, 14, (r) => ({
    level: 'error',
    logger: 'app.pricing.coupons',
    msg: `unhandled exception in POST /v1/orders: AttributeError: 'NoneType' object has no attribute 'percent_off' (order #${r.int(100000, 999999)})`,
  }));

  chronicError(courier, 2, (r) => ({ level: 'warn', msg: `gps ping from courier c-${r.int(1000, 9999)} older than 90s, ignored` }));
  healthChecks(basket, 2);
  cacheStats(basket, 'catalog', 10, 0.93);
  basket.every(w.start, w.now, 0.3, (r) => ({ level: 'error', msg: `price feed returned stale price for sku ${r.int(10000, 99999)}` }));

  return {
    ...place,
    files: w.finish(),
    evalCase: {
      title: 'Outcome labels on recording rules: 5xx of orders-svc, not a surge',
      incident: 'Orders failing since ~13:45, looks like a traffic spike on the orders endpoint?',
      dataset: place.dataset,
      since: '6h',
      expect: {
        suspect: { kind: ['deployment', 'commit'], id: [release.id, release.version, coupon.sha] },
        rootCauseKeywords: ['coupon', 'percent_off', 'NoneType'],
        mustNot: { suspectIds: [basketDeploy.id, basketDeploy.version], suspectKinds: ['capacity'] },
        service: ['orders-svc'],
      },
    },
  };
}
