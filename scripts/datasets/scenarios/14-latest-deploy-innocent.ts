import { everydayNoise, preset } from '../fleet.js';
import { javaStack } from '../logs/stacks.js';
import { evalPlacement, type ScenarioOutput } from '../scenario.js';
import { MINUTE } from '../time.js';
import { World } from '../world.js';

/**
 * Tuesday 2024-12-10. product-service v4.1.0 shipped at 09:30 with a new PriceSyncJob whose cron was meant
 * for 01:00 but reads "0 0 13 * * *" (UTC). At 13:00 it starts a full price rewrite holding row locks on the
 * prices table: lock waits, "Lock wait timeout exceeded", product pages and cart pricing fail. The most
 * recent deploy, cart-service v9.0.4 at 12:52, is innocent; the culprit shipped three and a half hours before.
 */
export function latestDeployInnocent(): ScenarioOutput {
  const place = evalPlacement('14-latest-deploy-innocent');
  const w = new World({
    name: 'latest-deploy-innocent',
    description: 'A scheduled job shipped in an earlier deploy locks the prices table at 13:00; the latest deploy is innocent.',
    seed: '14-latest-deploy-innocent',
    date: '2024-12-10',
    start: '07:00',
    now: '13:25',
    deploymentIds: { kind: 'seq', prefix: 'dep-', first: 6650, width: 4 },
  });
  const at = (hhmm: string, day = 0) => w.at(hhmm, day);
  const jobAt = at('13:00');

  const gateway = w.service(preset('api-gateway', { version: 'v1.49.0', rps: 260, accessPerMin: 2.5 }));
  const product = w.service({
    name: 'product-service',
    lang: 'java',
    format: 'log4j',
    pkg: 'com.shop.product',
    rps: 110,
    p95: 120,
    errorPct: 0.08,
    cpu: 36,
    accessPerMin: 2.5,
    rotateAt: at('10:00'),
    rotateGzip: true,
    components: ['pricing', 'catalog', 'erp-sync'],
    version: 'v4.0.7',
    endpoints: [
      { method: 'GET', path: '/api/products/{id}', weight: 6 },
      { method: 'GET', path: '/api/products/{id}/price', weight: 4, cost: 0.6 },
      { method: 'POST', path: '/api/prices/batch', weight: 2, cost: 1.8 },
    ],
  });
  const cart = w.service(preset('cart-service', { version: 'v9.0.3', file: 'cart-service.jsonl' }));
  const search = w.service(preset('search-service', { version: 'v4.2.0', accessPerMin: 1.5 }));
  const users = w.service(preset('user-service', { version: 'v3.29.2' }));

  w.history();
  const job = w.git.commit({
    at: at('17:45', -1),
    author: 'Tom Becker',
    service: 'product-service',
    message: 'feat(erp-sync): nightly full price sync from ERP',
    files: [
      'services/product-service/src/main/java/com/shop/product/erpsync/PriceSyncJob.java',
      'services/product-service/src/main/java/com/shop/product/pricing/PriceRepository.java',
      'services/product-service/config/application-prod.yaml',
    ],
  });
  const i18n = w.git.commit({
    at: at('08:50'),
    service: 'product-service',
    message: 'fix(catalog): fall back to English when a translation is missing',
    files: ['services/product-service/src/main/java/com/shop/product/catalog/LocalizedText.java'],
  });
  const cartChange = w.git.commit({
    at: at('12:15'),
    author: 'Aisha Bello',
    service: 'cart-service',
    message: 'fix(cart): debounce quantity updates from the mini-cart',
    files: ['services/cart-service/src/cart/quantity.ts', 'services/cart-service/test/cart.test.ts'],
  });
  w.deploy({
    at: at('09:02'),
    service: 'product-service',
    version: 'v4.1.0',
    commits: [job, i18n],
    environment: 'staging',
    by: 'github-actions',
  });
  const release = w.deploy({
    at: at('09:30'),
    service: 'product-service',
    version: 'v4.1.0',
    commits: [job, i18n],
    by: 'github-actions',
    description: 'product-service 4.1.0: ERP price sync job, translation fallback',
  });
  w.deploy({ at: at('12:31'), service: 'cart-service', version: 'v9.0.4', commits: [cartChange], environment: 'staging', by: 'argocd' });
  const latest = w.deploy({
    at: at('12:52'),
    service: 'cart-service',
    version: 'v9.0.4',
    commits: [cartChange],
    by: 'argocd',
    description: cartChange.message,
  });

  w.series({
    metric: 'db_lock_wait_ms',
    tags: { service: 'product-service', db: 'catalog-mysql' },
    unit: 'ms',
    base: 3,
    jitter: 0.4,
    decimals: 0,
  }).level(jobAt, 4800, { ramp: 3, jitter: 0.06 });
  w.series({
    metric: 'db_connections_active',
    tags: { service: 'product-service', db: 'catalog-mysql' },
    unit: 'count',
    base: 14,
    diurnal: 0.2,
    jitter: 0.1,
    decimals: 0,
    max: 60,
  }).level(jobAt, 60, { ramp: 4, jitter: 0 });
  w.series({
    metric: 'db_rows_updated',
    tags: { service: 'product-service', db: 'catalog-mysql' },
    unit: 'rows/s',
    base: 35,
    jitter: 0.2,
    decimals: 0,
  }).level(jobAt, 2600, { ramp: 1, jitter: 0.1 });
  product.latency.level(jobAt + MINUTE, 5100, { ramp: 3, jitter: 0.05 });
  product.errors.level(jobAt + 2 * MINUTE, 12, { ramp: 3, jitter: 0.07 });
  product.failuresLookLike(jobAt, [500, 503], ['/api/products/{id}/price', '/api/prices/batch']);
  cart.errors.level(jobAt + 3 * MINUTE, 5.2, { ramp: 3, jitter: 0.1 });
  cart.latency.level(jobAt + 2 * MINUTE, 2300, { ramp: 3 });
  gateway.errors.level(jobAt + 3 * MINUTE, 2.2, { ramp: 3, jitter: 0.1 });

  for (const svc of [gateway, product, cart, search, users]) everydayNoise(svc);
  product.every(w.start, w.now, 1 / 60, (r) => ({
    level: 'warn',
    logger: 'com.shop.product.erpsync.ErpClient',
    msg: `ERP price feed delta for supplier S-${r.int(100, 999)} contained ${r.int(1, 9)} unknown SKUs, skipped`,
  }));
  product.every(w.start, w.now, 0.5 / 60, (r) => ({
    level: 'error',
    logger: 'com.shop.product.media.ImageProxy',
    msg: `Image fetch failed for product ${r.int(10000, 99999)}: 404 from cdn-origin, serving placeholder`,
  }));
  product.log(jobAt + 300, {
    level: 'info',
    logger: 'com.shop.product.erpsync.PriceSyncJob',
    msg: 'PriceSyncJob started (full sync, 412318 price rows, batch size 5000, single transaction per supplier)',
  });
  product.every(jobAt, w.now, 0.5, (r) => ({
    level: 'info',
    logger: 'com.shop.product.erpsync.PriceSyncJob',
    msg: `PriceSyncJob progress: supplier S-${r.int(100, 999)} ${r.int(5000, 60000)} rows updated`,
  }));
  product.every(jobAt + 2 * MINUTE, w.now, 7, (r) => ({
    level: 'error',
    logger: 'com.shop.product.pricing.PriceController',
    msg: `Price lookup failed for product ${r.int(10000, 99999)}`,
    stack: javaStack(
      r,
      'org.springframework.dao.CannotAcquireLockException: could not execute statement; SQL [n/a]',
      [
        'com.shop.product.pricing.PriceRepository.lockForUpdate(PriceRepository.java:88)',
        'com.shop.product.pricing.PriceService.currentPrice(PriceService.java:41)',
      ],
      {
        exception: 'java.sql.SQLTransactionRollbackException: Lock wait timeout exceeded; try restarting transaction',
        frames: ['com.mysql.cj.jdbc.exceptions.SQLError.createSQLException(SQLError.java:123)'],
      },
    ),
  }));
  cart.every(jobAt + 3 * MINUTE, w.now, 3, (r) => ({
    level: 'error',
    msg: 'failed to refresh line prices',
    fields: { cart_id: r.uuid(), upstream: 'product-service', status: r.pick([500, 503]), took_ms: r.int(3000, 6000) },
  }));

  return {
    ...place,
    files: w.finish(),
    evalCase: {
      title: 'The latest deploy is innocent: an earlier release scheduled a locking price-sync job at 13:00',
      incident: 'Product prices fail to load and carts are slow since 13:00; cart-service just deployed, is it that?',
      dataset: place.dataset,
      since: '6h',
      expect: {
        suspect: { kind: ['deployment', 'commit'], id: [release.id, release.version, job.sha], service: ['product-service'] },
        rootCauseKeywords: ['lock', 'price sync', 'PriceSync'],
        mustNot: { suspectIds: [latest.id, latest.version, cartChange.sha] },
      },
    },
  };
}
