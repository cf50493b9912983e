import { chronicError, clientClosed, gcPauses } from '../logs/noise.js';
import { javaStack } from '../logs/stacks.js';
import { evalPlacement, type ScenarioOutput } from '../scenario.js';
import { MINUTE } from '../time.js';
import { World } from '../world.js';
import { app } from './kit.js';

/**
 * 2025-02-04, a collaborative docs editor. At 10:10 the flag collab.per-block-acl-check goes from 0 % to 100 %:
 * collab-api now asks acl-service about every block instead of every document, eight times the calls with flat
 * incoming traffic. acl-service's connection pool runs dry and collab-api's edits fail. No deploy explains it: the
 * closest one (billing, 10:05) is unrelated, acl-service's own 08:30 deploy is innocent.
 */
export function flagFanout(): ScenarioOutput {
  const place = evalPlacement('18-flag-fanout');
  const w = new World({
    name: 'flag-fanout',
    description: 'A feature flag multiplies calls to a dependency, which saturates.',
    seed: '18-flag-fanout',
    date: '2025-02-04',
    start: '04:30',
    now: '10:35',
    deploymentIds: { kind: 'seq', prefix: 'deploy-', first: 5120, width: 5 },
  });
  const at = (hhmm: string, day = 0) => w.at(hhmm, day);
  const flip = at('10:10');

  const edge = w.service(
    app('web-edge', 'go', 'nginx', {
      version: 'v1.26.1',
      rps: 260,
      accessPerMin: 5,
      endpoints: [
        { method: 'POST', path: '/api/docs/{id}/ops', weight: 6, upstream: 'collab-api' },
        { method: 'GET', path: '/api/docs/{id}', weight: 4, upstream: 'collab-api' },
        { method: 'POST', path: '/api/billing/usage', weight: 1, upstream: 'billing' },
      ],
    }),
  );
  const collab = w.service(app('collab-api', 'go', 'klog', { version: 'v9.2.0', rps: 220, p95: 60, accessPerMin: 2 }));
  const acl = w.service(
    app('acl-service', 'java', 'journald', { version: 'v4.4.1', rps: 400, p95: 12, hostname: 'acl-2', accessPerMin: 0.5 }),
  );
  const billing = w.service(app('billing', 'node', 'pino', { version: 'v6.0.9', rps: 15, p95: 210 }));
  const search = w.service(app('doc-search', 'python', 'json', { version: 'v2.7.3', rps: 60, p95: 95 }));

  w.history();
  const aclChange = w.git.commit({
    at: at('07:50'),
    service: 'acl-service',
    message: 'refactor(acl): extract group expansion into GroupResolver',
    files: ['acl-service/src/main/java/io/acl/groups/GroupResolver.java'],
  });
  const aclDeploy = w.deploy({ at: at('08:30'), service: 'acl-service', version: 'v4.5.0', commits: [aclChange], by: 'jenkins' });
  const billingChange = w.git.commit({
    at: at('09:40'),
    service: 'billing',
    message: 'feat(invoices): show seat count on invoice PDF',
    files: ['billing/src/invoices/pdf.ts'],
  });
  const billingDeploy = w.deploy({ at: at('10:05'), service: 'billing', version: 'v6.1.0', commits: [billingChange], by: 'jenkins' });

  w.series({
    metric: 'rpc_client_calls_per_sec',
    tags: { service: 'collab-api', target: 'acl-service' },
    unit: 'req/s',
    base: 380,
    diurnal: 0.25,
    jitter: 0.04,
    decimals: 0,
  }).scale(flip + MINUTE, 8, { ramp: 2 });
  w.series({
    metric: 'db_pool_active_connections',
    tags: { service: 'acl-service', pool: 'HikariPool-1' },
    unit: 'count',
    base: 9,
    jitter: 0.1,
    decimals: 0,
    max: 40,
  }).level(flip + 2 * MINUTE, 40, { ramp: 2, jitter: 0 });
  acl.requests.scale(flip + MINUTE, 7.5, { ramp: 2 });
  acl.latency.level(flip + 2 * MINUTE, 3000, { ramp: 3, jitter: 0.05 });
  acl.cpu.level(flip + 2 * MINUTE, 88, { ramp: 3 });
  acl.errors.level(flip + 3 * MINUTE, 14, { ramp: 3 });
  collab.errors.level(flip + 3 * MINUTE, 21, { ramp: 3 });
  collab.latency.level(flip + 2 * MINUTE, 5200, { ramp: 3 });
  edge.errors.level(flip + 3 * MINUTE, 12, { ramp: 3 });
  edge.failuresLookLike(flip, [502, 504], ['/api/docs/{id}/ops']);

  for (const svc of [collab, billing, search])
    chronicError(svc, 0.6, () => ({ level: 'error', msg: 'failed to push usage metrics: context deadline exceeded' }));
  gcPauses(acl, 6, 4096);
  clientClosed(billing, 2);
  edge.every(w.start, w.now, 0.2, () => ({
    level: 'warn',
    msg: 'an upstream response is buffered to a temporary file /var/cache/nginx/proxy_temp/3/01/0000004213 while reading upstream',
  }));
  collab.every(w.start, w.now, 6 / 60, (r) => ({ level: 'warn', msg: `websocket ping timeout for session s-${r.hex(8)}, closing` }));
  search.every(w.start, w.now, 4 / 60, (r) => ({
    level: 'warn',
    logger: 'search.indexer',
    msg: `document ${r.int(100000, 999999)} too large to index fully, truncated`,
  }));
  collab.log(flip, { level: 'info', msg: 'feature flag collab.per-block-acl-check updated: 0% -> 100% (by dana.k via flagd)' });
  acl.every(flip + 2 * MINUTE, w.now, 12, (r) => ({
    level: 'error',
    logger: 'io.acl.api.AclController',
    msg: `ACL check failed for doc ${r.int(100000, 999999)}`,
    stack: javaStack(
      r,
      'org.springframework.jdbc.CannotGetJdbcConnectionException: Failed to obtain JDBC Connection',
      ['io.acl.store.AclRepository.permissionsFor(AclRepository.java:57)'],
      {
        exception: 'java.sql.SQLTransientConnectionException: HikariPool-1 - Connection is not available, request timed out after 3000ms.',
        frames: ['com.zaxxer.hikari.pool.HikariPool.getConnection(HikariPool.java:181)'],
      },
    ),
  }));
  collab.every(flip + 2 * MINUTE, w.now, 30, (r) => ({
    level: 'error',
    msg: `acl check failed for block b-${r.hex(6)}: deadline exceeded calling acl-service`,
    fields: { doc: r.int(100000, 999999) },
  }));

  return {
    ...place,
    files: w.finish(),
    evalCase: {
      title: 'Feature flag fan-out: per-block ACL checks saturate acl-service',
      incident: 'Doc edits failing since ~10:12, acl-service looks overloaded; billing deployed at 10:05, related?',
      dataset: place.dataset,
      since: '6h',
      expect: {
        suspect: { kind: ['config'], id: ['collab.per-block-acl-check'], service: ['collab-api'] },
        rootCauseKeywords: ['per-block-acl-check', 'flag'],
        mustNot: {
          suspectIds: [billingDeploy.id, billingDeploy.version, aclDeploy.id, aclDeploy.version, aclChange.sha],
          suspectKinds: ['deployment', 'commit'],
        },
        service: ['collab-api'],
      },
    },
  };
}
