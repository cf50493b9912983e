import { everydayNoise, preset } from '../fleet.js';
import { slowQuery } from '../logs/noise.js';
import { javaStack } from '../logs/stacks.js';
import { evalPlacement, type ScenarioOutput } from '../scenario.js';
import { MINUTE } from '../time.js';
import { World } from '../world.js';

/**
 * Tuesday 2024-06-11. order-service v7.4.0 (10:05) runs a migration that drops "unused" legacy indexes,
 * among them idx_orders_customer_id. Order-history lookups become sequential scans; as the morning traffic
 * rises the database CPU saturates, queries take seconds and hit the statement timeout (~10:30 visible).
 * notification-worker v1.16.0 at 10:24 is closer to when it got visible, and innocent.
 */
export function droppedIndex(): ScenarioOutput {
  const place = evalPlacement('06-dropped-index');
  const w = new World({
    name: 'dropped-index',
    description: 'order-service migration dropped idx_orders_customer_id: slow queries and DB saturation.',
    seed: '06-dropped-index',
    date: '2024-06-11',
    start: '06:00',
    now: '11:40',
    deploymentIds: { kind: 'seq', prefix: 'dep-', first: 7702, width: 4 },
  });
  const at = (hhmm: string, day = 0) => w.at(hhmm, day);
  const deployAt = at('10:05');
  // Damage grows as the buffer cache stops hiding the scans and traffic climbs.
  const load = (t: number) => Math.min(1, Math.max(0, (t - deployAt - 2 * MINUTE) / (28 * MINUTE)));

  const gateway = w.service(preset('api-gateway', { version: 'v1.36.2', rps: 300 }));
  const orders = w.service(preset('order-service', { version: 'v7.3.2', format: 'log4j', rotateAt: at('09:00') }));
  const users = w.service(preset('user-service', { version: 'v3.14.0' }));
  const notifier = w.service(preset('notification-worker', { version: 'v1.15.3' }));
  const catalog = w.service(preset('catalog-service', { version: 'v2.24.0', accessPerMin: 1.5 }));
  const db = w.logSource('orders-db');

  w.history();
  const migration = w.git.commit({
    at: at('16:55', -1),
    author: 'Chen Wei',
    service: 'order-service',
    message: 'chore(db): drop unused legacy order indexes\n\npg_stat_user_indexes shows idx_scan=0 on the replica for these three.',
    files: [
      'migrations/order-service/V2024_06_10_1__drop_legacy_order_indexes.sql',
      'services/order-service/src/main/resources/db/migration.yaml',
    ],
  });
  const status = w.git.commit({
    at: at('09:12'),
    service: 'order-service',
    message: 'feat(fulfillment): expose carrier ETA on order status',
    files: ['services/order-service/src/main/java/com/shop/orders/fulfillment/FulfillmentService.java'],
  });
  const template = w.git.commit({
    at: at('09:40'),
    service: 'notification-worker',
    message: 'feat(sms): delivery-window reminder template',
    files: ['services/notification-worker/src/sms/templates.ts'],
  });
  w.deploy({
    at: at('09:20'),
    service: 'order-service',
    version: 'v7.4.0',
    commits: [migration, status],
    environment: 'staging',
    by: 'github-actions',
  });
  const release = w.deploy({
    at: deployAt,
    service: 'order-service',
    version: 'v7.4.0',
    commits: [migration, status],
    by: 'github-actions',
    description: 'order-service 7.4.0 (includes DB migration V2024_06_10_1)',
  });
  const herring = w.deploy({
    at: at('10:24'),
    service: 'notification-worker',
    version: 'v1.16.0',
    commits: [template],
    by: 'argocd',
    description: template.message,
  });

  const grow = (peak: number) => (m: number, v: number) => v + (peak - v) * load(deployAt + m * MINUTE) ** 1.5;
  const until = w.now + MINUTE;
  w.series({
    metric: 'db_query_latency_ms',
    tags: { service: 'order-service', db: 'orders-db' },
    unit: 'ms',
    base: 7,
    jitter: 0.15,
    diurnal: 0.1,
    decimals: 1,
  }).shape(deployAt, until, grow(1900));
  w.series({
    metric: 'cpu_usage',
    tags: { service: 'orders-db', host: 'orders-db-1' },
    unit: '%',
    base: 34,
    diurnal: 0.2,
    jitter: 0.05,
    decimals: 1,
    max: 100,
  }).shape(deployAt, until, grow(96));
  w.series({
    metric: 'db_connections_active',
    tags: { service: 'order-service', db: 'orders-db' },
    unit: 'count',
    base: 18,
    diurnal: 0.2,
    jitter: 0.1,
    decimals: 0,
    max: 100,
  }).shape(deployAt, until, grow(97));
  orders.latency.shape(deployAt, until, grow(4100));
  orders.errors.shape(deployAt, until, (m, v) => v + 11 * Math.max(0, load(deployAt + m * MINUTE) - 0.55) * 2.2);
  orders.failuresLookLike(deployAt, [500, 504], ['/api/orders?customerId={id}', '/api/orders/{id}']);
  gateway.errors.shape(deployAt, until, (m, v) => v + 1.6 * Math.max(0, load(deployAt + m * MINUTE) - 0.55) * 2.2);

  for (const svc of [gateway, users, notifier, catalog]) everydayNoise(svc);
  slowQuery(orders, 2, 'select o.* from orders o where o.status=? order by o.created_at desc limit ?', [450, 980]);
  orders.every(
    deployAt,
    w.now,
    (t) => 10 * load(t) ** 1.5,
    (r, t) => ({
      level: 'warn',
      logger: 'org.hibernate.SQL_SLOW',
      msg: `SlowQuery: ${Math.round(300 + 3500 * load(t) * r.float(0.6, 1.2))} milliseconds. SQL: 'select o.id, o.status, o.total_cents, o.created_at from orders o where o.customer_id=? order by o.created_at desc limit ?'`,
    }),
  );
  orders.every(
    deployAt + 20 * MINUTE,
    w.now,
    (t) => 5 * Math.max(0, load(t) - 0.6),
    (r) => ({
      level: 'error',
      logger: 'com.shop.orders.history.HistoryController',
      msg: `Order history lookup failed for customer=${r.int(100000, 999999)}`,
      stack: javaStack(
        r,
        'org.springframework.dao.QueryTimeoutException: could not execute query',
        ['com.shop.orders.history.HistoryRepository.findByCustomer(HistoryRepository.java:39)'],
        {
          exception: 'org.postgresql.util.PSQLException: ERROR: canceling statement due to statement timeout',
          frames: ['org.postgresql.core.v3.QueryExecutorImpl.receiveErrorResponse(QueryExecutorImpl.java:2725)'],
        },
      ),
    }),
  );
  orders.log(deployAt + 25_000, {
    level: 'info',
    logger: 'org.flywaydb.core.internal.command.DbMigrate',
    msg: 'Migrating schema "public" to version "2024.06.10.1 - drop legacy order indexes"',
  });
  orders.log(deployAt + 26_000, {
    level: 'info',
    logger: 'org.flywaydb.core.internal.command.DbMigrate',
    msg: 'Successfully applied 1 migration to schema "public", now at version v2024.06.10.1 (execution time 00:00.412s)',
  });
  db.every(w.start, w.now, 3 / 60, (r) => ({
    level: 'info',
    msg: `checkpoint complete: wrote ${r.int(800, 4000)} buffers (${r.float(0.5, 3).toFixed(1)}%); write=${r.float(20, 90).toFixed(3)} s`,
  }));
  db.every(w.start, w.now, 1 / 60, (r) => ({
    level: 'info',
    msg: `automatic vacuum of table "orders.public.order_events": index scans: 1, pages: ${r.int(0, 40)} removed`,
  }));
  db.log(deployAt + 25_500, { level: 'info', msg: 'statement: DROP INDEX CONCURRENTLY IF EXISTS idx_orders_customer_id' });
  db.every(
    deployAt,
    w.now,
    (t) => 6 * load(t) ** 1.5,
    (r, t) => ({
      level: 'warn',
      msg: `duration: ${(400 + 3600 * load(t) * r.float(0.6, 1.2)).toFixed(3)} ms  statement: SELECT o.id, o.status, o.total_cents, o.created_at FROM orders o WHERE o.customer_id = $1 ORDER BY o.created_at DESC LIMIT 20`,
    }),
  );
  db.every(
    deployAt + 20 * MINUTE,
    w.now,
    (t) => 3 * Math.max(0, load(t) - 0.6),
    () => ({ level: 'error', msg: 'canceling statement due to statement timeout' }),
  );

  return {
    ...place,
    files: w.finish(),
    evalCase: {
      title: 'Dropped index: order-service migration makes order history slow',
      incident: 'Order history pages are timing out and the orders DB is pegged at ~100% CPU',
      dataset: place.dataset,
      since: '4h',
      expect: {
        suspect: { kind: ['deployment', 'commit'], id: [release.id, release.version, migration.sha], service: ['order-service'] },
        rootCauseKeywords: ['index', 'migration', 'slow query'],
        mustNot: { suspectIds: [herring.id, herring.version] },
      },
    },
  };
}
