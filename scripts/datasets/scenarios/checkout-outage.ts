import { everydayNoise, preset } from '../fleet.js';
import { chronicError, deprecation, flakyRetry } from '../logs/noise.js';
import { javaStack, nodeStack, SPRING_WEB_FRAMES } from '../logs/stacks.js';
import { sampleRunbooks } from '../runbooks.js';
import { type ScenarioOutput, samplePlacement } from '../scenario.js';
import { MINUTE } from '../time.js';
import { World } from '../world.js';

/**
 * Tuesday 2024-03-12. checkout-api v2.4.1 ships at 14:25 with a per-line-item stock check that calls
 * inventory-service while holding the order transaction's DB connection; a same-day HOTFIX had raised the
 * pool from 30 to 35. Connections pile up until the pool is exhausted at 14:45: error rate 0.1 % → 15.5 %,
 * p95 180 ms → 4.5 s. An innocent notification-worker deploy lands at 14:38, closer to the onset.
 */
export function checkoutOutage(): ScenarioOutput {
  const place = samplePlacement('checkout-outage', '01-checkout-outage');
  const w = new World({
    name: 'checkout-outage',
    description: 'Checkout failures after checkout-api v2.4.1: DB connection pool exhaustion (replay of 2024-03-12).',
    seed: 'checkout-outage',
    date: '2024-03-12',
    start: '06:00',
    now: '15:05',
    deploymentIds: { kind: 'seq', prefix: 'dep-', first: 1318, width: 4 },
  });
  const at = (hhmm: string, day = 0) => w.at(hhmm, day);

  const gateway = w.service(
    preset('api-gateway', {
      version: 'v1.31.2',
      rps: 310,
      accessPerMin: 4,
      endpoints: [
        { method: 'GET', path: '/api/products/{id}', weight: 30, cost: 0.7, upstream: 'catalog-service' },
        { method: 'GET', path: '/api/cart/{id}', weight: 12, upstream: 'checkout-api' },
        { method: 'POST', path: '/api/cart/{id}/items', weight: 6, upstream: 'checkout-api' },
        { method: 'POST', path: '/api/checkout', weight: 4, cost: 2, upstream: 'checkout-api' },
        { method: 'GET', path: '/api/users/me', weight: 14, cost: 0.5, upstream: 'user-service' },
        { method: 'GET', path: '/api/inventory/{sku}/availability', weight: 8, cost: 0.5, upstream: 'inventory-service' },
      ],
    }),
  );
  const checkout = w.service(
    preset('order-service', {
      name: 'checkout-api',
      format: 'plain',
      pkg: 'com.shop.checkout',
      rotateAt: at('10:00'),
      rotateGzip: true,
      rps: 42,
      p95: 180,
      cpu: 41,
      accessPerMin: 3,
      components: ['checkout', 'cart', 'pricing', 'orders'],
      version: 'v2.4.0',
      endpoints: [
        { method: 'POST', path: '/api/checkout', weight: 3, cost: 1.6 },
        { method: 'POST', path: '/api/checkout/quote', weight: 2, cost: 1.1 },
        { method: 'GET', path: '/api/cart/{id}', weight: 6, cost: 0.5 },
        { method: 'POST', path: '/api/cart/{id}/items', weight: 4, cost: 0.8 },
        { method: 'DELETE', path: '/api/cart/{id}/items/{sku}', weight: 1, cost: 0.7 },
      ],
    }),
  );
  const inventory = w.service(preset('inventory-service', { version: 'v5.12.3', rotateAt: at('09:30'), rps: 65 }));
  const payment = w.service(preset('payment-service', { version: 'v4.7.1', file: 'payment-service.jsonl' }));
  const users = w.service(preset('user-service', { version: 'v3.9.1', rps: 95, accessPerMin: 2 }));
  const notifier = w.service(preset('notification-worker', { version: 'v1.11.4' }));

  // --- git: routine week, then the day's changes -------------------------------------------------
  w.history();
  const culprit = w.git.commit({
    at: at('16:42', -1),
    author: 'Daniel Okafor',
    service: 'checkout-api',
    message:
      'feat(checkout): verify stock for every line item before placing the order\n\nCalls inventory-service per item inside placeOrder() so oversold items are rejected before payment.',
    files: [
      'services/checkout-api/src/main/java/com/shop/checkout/service/CheckoutService.java',
      'services/checkout-api/src/main/java/com/shop/checkout/inventory/InventoryClient.java',
      'services/checkout-api/src/test/java/com/shop/checkout/service/CheckoutServiceTest.java',
    ],
  });
  const bump = w.git.commit({
    at: at('09:48'),
    author: 'dependabot[bot]',
    service: 'checkout-api',
    message: 'chore(deps): bump logback-classic from 1.4.14 to 1.5.3 in /services/checkout-api',
    files: ['services/checkout-api/pom.xml'],
  });
  const hotfix = w.git.commit({
    at: at('13:57'),
    author: 'Marta Kowalska',
    service: 'checkout-api',
    message: 'HOTFIX: raise checkout-api DB pool from 30 to 35 for spring promo',
    files: ['services/checkout-api/config/application-prod.yaml'],
  });
  const usersFix = w.git.commit({
    at: at('10:31'),
    service: 'user-service',
    message: 'fix(sessions): extend refresh-token grace period to 90s',
    files: ['services/user-service/app/sessions/service.py', 'services/user-service/tests/test_sessions.py'],
  });
  const template = w.git.commit({
    at: at('13:31'),
    author: 'Sofia Alvarez',
    service: 'notification-worker',
    message: 'feat(email): order-shipped template with tracking link',
    files: ['services/notification-worker/src/templates/orderShipped.ts', 'services/notification-worker/templates/order-shipped.mjml'],
  });
  w.deploy({ at: at('11:02'), service: 'user-service', version: 'v3.9.2', commits: [usersFix], environment: 'staging', by: 'argocd' });
  const usersDeploy = w.deploy({
    at: at('11:20'),
    service: 'user-service',
    version: 'v3.9.2',
    commits: [usersFix],
    by: 'argocd',
    description: usersFix.message,
  });
  w.deploy({
    at: at('14:05'),
    service: 'checkout-api',
    version: 'v2.4.1',
    commits: [culprit, bump, hotfix],
    environment: 'staging',
    by: 'Daniel Okafor',
  });
  const release = w.deploy({
    at: at('14:25'),
    service: 'checkout-api',
    version: 'v2.4.1',
    commits: [culprit, bump, hotfix],
    by: 'Daniel Okafor',
    description: 'Release v2.4.1: per-item stock verification at checkout; DB pool 30 -> 35',
  });
  w.deploy({
    at: at('13:52'),
    service: 'notification-worker',
    version: 'v1.12.0',
    commits: [template],
    environment: 'staging',
    by: 'argocd',
  });
  const herring = w.deploy({
    at: at('14:38'),
    service: 'notification-worker',
    version: 'v1.12.0',
    commits: [template],
    by: 'argocd',
    description: template.message,
  });

  // --- metrics: the story ---------------------------------------------------------------------------
  const pool = w.series({
    metric: 'db_connections_active',
    tags: { service: 'checkout-api', pool: 'HikariPool-1' },
    unit: 'count',
    base: 9,
    diurnal: 0.3,
    jitter: 0.12,
    decimals: 0,
    max: 35,
  });
  pool.level(at('14:26'), 24, { ramp: 14, jitter: 0.1 }).level(at('14:41'), 35, { ramp: 3, jitter: 0 });
  const poolWait = w.series({
    metric: 'db_pool_wait_ms',
    tags: { service: 'checkout-api', pool: 'HikariPool-1' },
    unit: 'ms',
    base: 1.2,
    jitter: 0.4,
    decimals: 1,
  });
  poolWait.level(at('14:34'), 160, { ramp: 7, jitter: 0.3 }).level(at('14:43'), 2900, { ramp: 2, jitter: 0.02 });
  w.series({ metric: 'heap_used_mb', tags: { service: 'checkout-api' }, unit: 'MB', base: 640, jitter: 0.06, drift: 0.01, decimals: 0 });
  checkout.latency.level(at('14:31'), 260, { ramp: 10, jitter: 0.1 }).level(at('14:43'), 4500, { ramp: 3, jitter: 0.05 });
  checkout.errors.level(at('14:45'), 15.5, { ramp: 2, jitter: 0.04 });
  checkout.requests.scale(at('14:45'), 1.12, { ramp: 3 });
  checkout.failuresLookLike(at('14:44'), [503, 503, 500], ['/api/checkout', '/api/checkout/quote', '/api/cart/{id}/items']);
  inventory.requests.scale(at('14:25'), 2.6, { ramp: 6 });
  inventory.latency.level(at('14:25'), 55, { ramp: 6, jitter: 0.08 });
  inventory.cpu.scale(at('14:25'), 1.5, { ramp: 6 });
  payment.requests.scale(at('14:45'), 0.82, { ramp: 3 });
  gateway.errors.level(at('14:45'), 2.7, { ramp: 2, jitter: 0.08 });
  gateway.latency.level(at('14:44'), 880, { ramp: 3, jitter: 0.08 });
  gateway.failuresLookLike(at('14:44'), [504, 504, 502], ['/api/checkout', '/api/cart/{id}/items']);
  const upstreams = { 'checkout-api': 170, 'user-service': 55, 'inventory-service': 38, 'catalog-service': 62 } as const;
  for (const [name, base] of Object.entries(upstreams)) {
    const s = w.series({
      metric: 'upstream_latency_ms',
      tags: { service: 'api-gateway', upstream: name },
      unit: 'ms',
      base,
      diurnal: 0.08,
      jitter: 0.08,
      decimals: 0,
    });
    if (name === 'checkout-api') s.level(at('14:43'), 4300, { ramp: 3, jitter: 0.05 });
    if (name === 'inventory-service') s.level(at('14:25'), 52, { ramp: 6 });
  }
  notifier.errors.level(at('14:39'), 0.6, { ramp: 1, until: at('14:52'), recover: 5 });

  // --- logs: everyday noise, and the old warnings and errors the on-call has learned to ignore -----
  for (const svc of [gateway, checkout, inventory, payment, users, notifier]) everydayNoise(svc);
  gateway.every(0, w.now, 3 / 60, (r) => ({
    level: 'warn',
    msg: 'rate limit exceeded',
    fields: { client: r.pick(['partner-feed', 'price-scraper-7']), limit: 50 },
  }));
  deprecation(checkout, 5, 'Deprecated endpoint POST /v1/cart/merge called by client=ios-app/5.2.1; use POST /api/cart/{id}/merge');
  chronicError(checkout, 1, (r) => ({
    level: 'error',
    msg: `Failed to render invoice PDF for order=ORD-${r.int(1_000_000, 9_999_999)}`,
    stack: javaStack(
      r,
      'java.lang.NullPointerException: Cannot invoke "com.shop.checkout.orders.Address.getCountryCode()" because "billing" is null',
      [
        'com.shop.checkout.orders.InvoiceRenderer.renderHeader(InvoiceRenderer.java:77)',
        'com.shop.checkout.orders.OrderEventsListener.onOrderPlaced(OrderEventsListener.java:58)',
      ],
    ),
  }));
  // Hikari's housekeeper reports pool stats; before v2.4.1 the pool has 30 connections, after it 35.
  checkout.cron(5, 2, (r, t) => {
    const total = t < at('14:25') ? 30 : 35;
    const active = Math.min(total, Math.round(pool.valueAt(t)));
    const waiting = active >= total ? r.int(60, 140) : active > 28 ? r.int(0, 6) : 0;
    return {
      level: 'debug',
      msg: `HikariPool-1 - Pool stats (total=${total}, active=${active}, idle=${total - active}, waiting=${waiting})`,
    };
  });
  checkout.log(at('14:25:27'), { level: 'info', msg: 'HikariPool-1 - Starting...' });
  checkout.log(at('14:25:28'), { level: 'info', msg: 'HikariPool-1 - Start completed.' });
  inventory.every(0, w.now, 6 / 60, (r) => ({
    level: 'warn',
    logger: 'com.shop.inventory.stock.StockService',
    msg: `Optimistic lock conflict on stock row sku=SKU-${r.int(100000, 999999)}, retrying (attempt 1)`,
  }));
  flakyRetry(payment, 'api.payprovider.example', 1);
  chronicError(payment, 3, (r) => ({
    level: 'error',
    msg: 'webhook signature verification failed',
    fields: { provider: 'payprovider', event_id: `evt_${r.hex(24)}`, reason: 'timestamp outside tolerance' },
    stack: nodeStack('Error: No signatures found matching the expected signature for payload', [
      'verifySignature (/app/dist/webhooks/verify.js:41:11)',
    ]),
  }));

  // --- logs: the incident ---------------------------------------------------------------------------
  // The new template's optional field is missing for some carriers: a new warning right after the 14:38 deploy, harmless.
  notifier.every(at('14:39'), w.now, 0.5, (r) => ({
    level: 'warn',
    msg: 'template order-shipped: optional variable carrier_logo_url missing, rendering without it',
    fields: { order_id: `ORD-${r.int(1_000_000, 9_999_999)}` },
  }));
  checkout.every(
    at('14:33'),
    at('14:45'),
    (t) => ((t - at('14:33')) / (12 * MINUTE)) * 2,
    (r) => ({
      level: 'warn',
      msg: `Slow transaction CheckoutService.placeOrder took ${r.int(2050, 2900)}ms (threshold 2000ms), items=${r.int(3, 14)}`,
    }),
  );
  checkout.every(at('14:45'), w.now, 6, (r) => {
    const ms = r.int(3000, 3004);
    return {
      level: 'error',
      msg: `HikariPool-1 - Connection is not available, request timed out after ${ms}ms.`,
      stack: javaStack(
        r,
        'org.springframework.transaction.CannotCreateTransactionException: Could not open JPA EntityManager for transaction',
        [
          'org.springframework.orm.jpa.JpaTransactionManager.doBegin(JpaTransactionManager.java:466)',
          'com.shop.checkout.service.CheckoutService$$SpringCGLIB$$0.placeOrder(<generated>)',
          'com.shop.checkout.web.CheckoutController.checkout(CheckoutController.java:54)',
          ...SPRING_WEB_FRAMES,
        ],
        {
          exception: `java.sql.SQLTransientConnectionException: HikariPool-1 - Connection is not available, request timed out after ${ms}ms.`,
          frames: [
            'com.zaxxer.hikari.pool.HikariPool.createTimeoutException(HikariPool.java:696)',
            'com.zaxxer.hikari.pool.HikariPool.getConnection(HikariPool.java:181)',
            'com.zaxxer.hikari.HikariDataSource.getConnection(HikariDataSource.java:100)',
          ],
        },
      ),
    };
  });
  checkout.every(at('14:45'), w.now, 2, (r) => ({
    level: 'warn',
    msg: `Connection pool exhausted: 35/35 active, ${r.int(80, 140)} waiting`,
  }));
  checkout.every(at('14:45'), w.now, 3, (r) => ({
    level: 'error',
    msg: `Order placement failed for cart=${r.uuid()}: could not acquire DB connection, responding 503`,
  }));
  gateway.every(at('14:45'), w.now, 4, (r) => ({
    level: 'error',
    msg: 'upstream timeout',
    fields: { upstream: 'checkout-api', path: '/api/checkout', status: 504, duration_ms: r.int(5001, 5012) },
  }));

  const files = w.finish();
  return {
    datasetDir: place.datasetDir,
    caseDir: place.caseDir,
    files: {
      ...files,
      runbooks: sampleRunbooks(['checkout-api/db-connection-pool-exhausted.md', 'checkout-api/payment-provider-timeouts.md']),
    },
    evalCase: {
      title: 'Checkout outage after checkout-api v2.4.1 (DB connection pool exhaustion)',
      incident: 'Checkout is failing for a lot of users since ~14:45 UTC, customers see 5xx on /api/checkout',
      dataset: place.dataset,
      since: '6h',
      expect: {
        runbook: 'checkout-api/db-connection-pool-exhausted.md',
        suspect: { kind: ['deployment', 'commit'], id: [release.id, release.version, culprit.sha], service: ['checkout-api'] },
        rootCauseKeywords: ['connection pool', 'pool exhausted', 'HikariPool'],
        mustNot: { suspectIds: [herring.id, herring.version, usersDeploy.id, usersDeploy.version] },
        minConfidence: 'medium',
      },
    },
  };
}
