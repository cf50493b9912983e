import { everydayNoise, preset } from '../fleet.js';
import { javaStack } from '../logs/stacks.js';
import { evalPlacement, type ScenarioOutput } from '../scenario.js';
import { MINUTE } from '../time.js';
import { World } from '../world.js';

/**
 * Tuesday 2024-10-08. The warehouse-management system (wms.internal.example) slows from ~90 ms to ~1.9 s
 * from 13:25. inventory-service calls it synchronously from its 64-thread reservation executor; threads
 * block, the 500-slot queue fills and from 13:31 tasks are rejected (RejectedExecutionException).
 * inventory-service v5.20.1 (13:11, a metrics library bump) is the latest change and innocent.
 */
export function threadPool(): ScenarioOutput {
  const place = evalPlacement('10-thread-pool');
  const w = new World({
    name: 'thread-pool',
    description: 'Slow WMS saturates inventory-service reservation executor: RejectedExecutionException.',
    seed: '10-thread-pool',
    date: '2024-10-08',
    start: '08:00',
    now: '14:15',
    deploymentIds: { kind: 'seq', prefix: 'dep-', first: 9120, width: 4 },
  });
  const at = (hhmm: string, day = 0) => w.at(hhmm, day);
  const slow = at('13:25');
  const saturated = at('13:31');

  const gateway = w.service(preset('api-gateway', { version: 'v1.44.0', rps: 290, accessPerMin: 2.5 }));
  const inventory = w.service(
    preset('inventory-service', { version: 'v5.20.0', format: 'plain', rotateAt: at('11:00'), rotateGzip: true, rps: 75 }),
  );
  const checkout = w.service(
    preset('order-service', {
      name: 'checkout-api',
      pkg: 'com.shop.checkout',
      format: 'log4j',
      version: 'v2.9.0',
      components: ['checkout', 'reservations'],
      endpoints: [
        { method: 'POST', path: '/api/checkout', weight: 3, cost: 1.6 },
        { method: 'GET', path: '/api/cart/{id}', weight: 6, cost: 0.5 },
      ],
    }),
  );
  const orders = w.service(preset('order-service', { version: 'v7.9.2', format: 'plain', accessPerMin: 1.5 }));
  const users = w.service(preset('user-service', { version: 'v3.20.0' }));

  w.history();
  const bump = w.git.commit({
    at: at('12:20'),
    author: 'dependabot[bot]',
    service: 'inventory-service',
    message: 'chore(deps): bump micrometer-registry-prometheus from 1.13.4 to 1.13.5 in /services/inventory-service',
    files: ['services/inventory-service/pom.xml'],
  });
  const copy = w.git.commit({
    at: at('11:02'),
    service: 'checkout-api',
    message: 'fix(checkout): clearer out-of-stock message',
    files: ['services/checkout-api/src/main/resources/messages_en.properties'],
  });
  const checkoutDeploy = w.deploy({
    at: at('12:40'),
    service: 'checkout-api',
    version: 'v2.9.1',
    commits: [copy],
    by: 'argocd',
    description: copy.message,
  });
  w.deploy({ at: at('12:48'), service: 'inventory-service', version: 'v5.20.1', commits: [bump], environment: 'staging', by: 'argocd' });
  const herring = w.deploy({
    at: at('13:11'),
    service: 'inventory-service',
    version: 'v5.20.1',
    commits: [bump],
    by: 'argocd',
    description: bump.message,
  });

  const pool = { service: 'inventory-service', pool: 'reservation-executor' };
  w.series({
    metric: 'upstream_latency_ms',
    tags: { service: 'inventory-service', upstream: 'wms.internal.example' },
    unit: 'ms',
    base: 92,
    diurnal: 0.1,
    jitter: 0.1,
    decimals: 0,
  }).level(slow, 1900, { ramp: 5, jitter: 0.08 });
  w.series({
    metric: 'executor_active_threads',
    tags: pool,
    unit: 'count',
    base: 11,
    diurnal: 0.2,
    jitter: 0.15,
    decimals: 0,
    max: 64,
  }).level(slow, 64, { ramp: 5, jitter: 0 });
  w.series({ metric: 'executor_queue_size', tags: pool, unit: 'count', base: 0.4, jitter: 1, decimals: 0, max: 500 }).level(
    slow + 4 * MINUTE,
    500,
    { ramp: 2, jitter: 0 },
  );
  w.series({ metric: 'executor_rejected_tasks', tags: pool, unit: 'count/min', base: 0, jitter: 0, decimals: 0 }).level(saturated, 190, {
    ramp: 1,
    jitter: 0.15,
  });
  inventory.latency.level(slow + MINUTE, 2400, { ramp: 5, jitter: 0.06 });
  inventory.errors.level(saturated, 24, { ramp: 1, jitter: 0.06 });
  inventory.failuresLookLike(saturated, [503], ['/internal/reservations', '/internal/stock/{sku}']);
  checkout.errors.level(saturated + MINUTE, 7.5, { ramp: 2, jitter: 0.08 });
  checkout.latency.level(slow + 2 * MINUTE, 2900, { ramp: 5, jitter: 0.06 });
  checkout.failuresLookLike(saturated, [503, 500], ['/api/checkout']);
  gateway.errors.level(saturated + MINUTE, 1.1, { ramp: 2, jitter: 0.1 });

  for (const svc of [gateway, inventory, checkout, orders, users]) everydayNoise(svc);
  inventory.every(w.start, w.now, 1 / 60, (r) => ({
    level: 'warn',
    msg: `WMS stock snapshot for warehouse=${r.pick(['AMS-1', 'FRA-2', 'MAD-1'])} is ${r.int(16, 40)} minutes old, using cached levels`,
  }));
  inventory.every(slow, w.now, 4, (r) => ({
    level: 'warn',
    msg: `WMS call POST /api/v3/reservations took ${r.int(1400, 2900)}ms (budget 500ms)`,
  }));
  let completed = 1_843_312;
  inventory.every(saturated, w.now, 9, (r) => {
    completed += r.int(20, 80);
    return {
      level: 'error',
      msg: 'Stock reservation rejected',
      stack: javaStack(
        r,
        `java.util.concurrent.RejectedExecutionException: Task java.util.concurrent.FutureTask@${r.hex(8)}[Not completed, task = com.shop.inventory.reservations.ReserveStockTask@${r.hex(7)}] rejected from java.util.concurrent.ThreadPoolExecutor@6a1b2c3d[Running, pool size = 64, active threads = 64, queued tasks = 500, completed tasks = ${completed}]`,
        [
          'java.base/java.util.concurrent.ThreadPoolExecutor$AbortPolicy.rejectedExecution(ThreadPoolExecutor.java:2081)',
          'java.base/java.util.concurrent.ThreadPoolExecutor.execute(ThreadPoolExecutor.java:1374)',
          'com.shop.inventory.reservations.ReservationService.reserve(ReservationService.java:77)',
        ],
      ),
    };
  });
  inventory.cron(1, 0, (r, t) =>
    t >= slow + 3 * MINUTE
      ? { level: 'warn', msg: `reservation-executor saturated: active=64/64 queue=${t >= slow + 5 * MINUTE ? 500 : r.int(120, 480)}/500` }
      : { level: 'debug', msg: `reservation-executor stats: active=${r.int(4, 18)}/64 queue=0/500` },
  );
  checkout.every(saturated + MINUTE, w.now, 3, (r) => ({
    level: 'error',
    logger: 'com.shop.checkout.reservations.InventoryClient',
    msg: `Stock reservation failed for order ORD-${r.int(1_000_000, 9_999_999)}: 503 Service Unavailable from inventory-service`,
  }));

  return {
    ...place,
    files: w.finish(),
    evalCase: {
      title: 'Thread pool saturation in inventory-service behind a slow WMS',
      incident: 'Checkout errors "could not reserve stock" since ~13:30',
      dataset: place.dataset,
      since: '3h',
      alerts: [{ name: 'InventoryReservationsFailing', runbookUrl: 'https://wiki.example.com/display/OPS/Inventory+reservations' }],
      expect: {
        runbook: 'none',
        suspect: { kind: ['dependency', 'capacity'] },
        rootCauseKeywords: ['thread pool', 'RejectedExecution', 'executor'],
        mustNot: {
          suspectIds: [herring.id, herring.version, bump.sha, checkoutDeploy.id, checkoutDeploy.version],
          suspectKinds: ['deployment', 'commit'],
        },
      },
    },
  };
}
