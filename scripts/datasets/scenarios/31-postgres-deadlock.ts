import { clientClosed } from '../logs/noise.js';
import { evalPlacement, type ScenarioOutput } from '../scenario.js';
import { MINUTE } from '../time.js';
import { World } from '../world.js';
import { app, bystander } from './kit.js';

/**
 * 2025-06-03, a warehouse platform. stock-svc v11.2.0 (08:44) batches reservations and updates stock rows in
 * basket order instead of by sku; concurrent reservations now lock rows in opposite orders and PostgreSQL kills one
 * of each pair: `ERROR:  deadlock detected` in the database's log, with DETAIL lines. stock-svc answers 500 and its
 * pods fail readiness (Kubernetes events: Unhealthy, BackOff). The cluster's routine events and pick-api's 08:15
 * deploy are noise.
 */
export function postgresDeadlock(): ScenarioOutput {
  const place = evalPlacement('31-postgres-deadlock');
  const w = new World({
    name: 'postgres-deadlock',
    description: 'A lock-order change causes deadlocks, seen in PostgreSQL logs and Kubernetes events.',
    seed: '31-postgres-deadlock',
    date: '2025-06-03',
    start: '03:30',
    now: '09:15',
    deploymentIds: { kind: 'seq', prefix: 'wh-', first: 301, width: 4 },
  });
  const at = (hhmm: string) => w.at(hhmm);
  const ship = at('08:44');

  const stock = w.service(app('stock-svc', 'java', 'log4j', { version: 'v11.1.3', rps: 90, p95: 70, pkg: 'com.wh.stock' }));
  const pick = w.service(app('pick-api', 'go', 'logfmt', { version: 'v3.3.0', rps: 60, p95: 110 }));
  const db = w.logSource('stock-db', 'postgres');
  const events = w.logSource('k8s-events', 'kube-events');

  bystander(w, 'dock-scheduler', 'python', 'json', 'v4.4.0');
  bystander(w, 'label-printer', 'node', 'pino', 'v1.0.9');
  w.history();
  const pickFix = w.git.commit({
    at: at('07:50'),
    service: 'pick-api',
    message: 'fix(pick): sort pick lists by aisle',
    files: ['pick-api/internal/picklist/sort.go'],
  });
  w.deploy({ at: at('08:15'), service: 'pick-api', version: 'v3.3.1', commits: [pickFix], by: 'argo' });
  const batch = w.git.commit({
    at: at('08:05'),
    service: 'stock-svc',
    author: 'Ines Duarte',
    message: 'perf(reservation): batch stock row updates per basket in one transaction',
    files: ['stock-svc/src/main/java/com/wh/stock/reservation/ReservationBatcher.java'],
  });
  const release = w.deploy({ at: ship, service: 'stock-svc', version: 'v11.2.0', commits: [batch], by: 'argo' });

  const fail = ship + 2 * MINUTE;
  const exporter = { job: 'postgres', instance: 'stock-db-0:9187', datname: 'stock' };
  w.series({
    metric: 'pg_stat_activity_count',
    tags: { ...exporter, state: 'active' },
    unit: 'connections',
    base: 14,
    jitter: 0.1,
    diurnal: 0.2,
    decimals: 0,
  }).level(fail, 38, { ramp: 2 });
  w.series({
    metric: 'pg_locks_count',
    tags: { ...exporter, mode: 'rowexclusivelock' },
    unit: 'locks',
    base: 30,
    jitter: 0.15,
    decimals: 0,
  }).level(fail, 140, { ramp: 2 });
  stock.errors.level(fail, 9, { ramp: 2 });
  stock.latency.scale(fail, 2.2, { ramp: 2 });
  stock.failuresLookLike(fail, [500], ['/v1/stock']);
  db.every(fail, w.now, 10, (r) => {
    const a = r.int(20000, 39999);
    const b = a + r.int(1, 40);
    return {
      level: 'error',
      msg: 'deadlock detected',
      fields: {
        detail: `Process ${a} waits for ShareLock on transaction ${r.int(4_000_000, 4_999_999)}; blocked by process ${b}.`,
        statement: 'UPDATE stock_rows SET reserved = reserved + $1 WHERE sku = $2',
      },
    };
  });
  stock.every(fail, w.now, 10, (r) => ({
    level: 'error',
    logger: 'com.wh.stock.reservation.ReservationService',
    msg: `reservation failed for basket ${r.int(100000, 999999)}: org.postgresql.util.PSQLException: ERROR: deadlock detected`,
  }));
  events.every(fail + 4 * MINUTE, w.now, 0.6, (r) => ({
    level: 'warn',
    msg: 'Readiness probe failed: HTTP probe failed with statuscode: 503',
    fields: { reason: 'Unhealthy', kind: 'Pod', namespace: 'wh', object: `stock-svc-6f7d9c${r.int(100, 999)}-${r.hex(5)}` },
  }));

  db.every(w.start, w.now, 1, (r) => ({ level: 'info', msg: `checkpoint complete: wrote ${r.int(200, 3000)} buffers` }));
  db.every(w.start, w.now, 0.05, () => ({ level: 'error', msg: 'canceling statement due to user request' }));
  events.every(w.start, w.now, 0.15, (r) => {
    const workload = r.pick(['pick-api', 'stock-svc', 'label-printer']);
    const pod = `${workload}-${r.hex(9)}-${r.hex(5)}`;
    return r.weighted([
      [
        {
          level: 'info',
          msg: `Successfully assigned wh/${pod} to node-${r.int(1, 9)}`,
          fields: { reason: 'Scheduled', kind: 'Pod', namespace: 'wh', object: pod },
        },
        3,
      ],
      [{ level: 'info', msg: 'Started container app', fields: { reason: 'Started', kind: 'Pod', namespace: 'wh', object: pod } }, 3],
      [
        {
          level: 'warn',
          msg: 'Liveness probe failed: context deadline exceeded',
          fields: { reason: 'Unhealthy', kind: 'Pod', namespace: 'wh', object: pod },
        },
        1,
      ],
    ] as const);
  });
  clientClosed(pick, 2);

  return {
    ...place,
    files: w.finish(),
    evalCase: {
      title: 'Deadlocks after a lock-order change, in PostgreSQL logs and Kubernetes events',
      incident: 'stock reservations failing since ~08:45, pods flapping readiness',
      dataset: place.dataset,
      since: '5h',
      expect: {
        suspect: { kind: ['deployment', 'commit'], id: [release.id, release.version, batch.sha] },
        rootCauseKeywords: ['deadlock', 'batch'],
        mustNot: { suspectIds: ['v3.3.1'] },
        service: ['stock-svc'],
      },
    },
  };
}
