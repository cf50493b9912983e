import { everydayNoise, preset } from '../fleet.js';
import { flakyRetry, kubeEvents } from '../logs/noise.js';
import { nodeStack } from '../logs/stacks.js';
import { evalPlacement, type ScenarioOutput } from '../scenario.js';
import { World } from '../world.js';

/**
 * Tuesday 2024-08-20. At 16:58 the internal DNS record of the session Redis (redis-sessions.prod.internal)
 * disappears (an infrastructure change outside the deploy pipeline). Every service that validates sessions
 * fails to resolve it: Node "getaddrinfo ENOTFOUND", Go "no such host", Python "Name or service not known".
 * cart-service v3.9.0 deployed 12 minutes earlier and its logs show the errors too: innocent.
 */
export function dnsFailure(): ScenarioOutput {
  const place = evalPlacement('08-dns-failure');
  const w = new World({
    name: 'dns-failure',
    description: 'DNS record for the session Redis vanished: ENOTFOUND / no such host across services.',
    seed: '08-dns-failure',
    date: '2024-08-20',
    start: '11:00',
    now: '17:25',
    deploymentIds: { kind: 'dated', prefix: 'rollout-' },
  });
  const at = (hhmm: string, day = 0) => w.at(hhmm, day);
  const onset = at('16:58');
  const host = 'redis-sessions.prod.internal';

  const gateway = w.service(preset('api-gateway', { version: 'v1.40.3', rps: 260, accessPerMin: 2.5 }));
  const cart = w.service(preset('cart-service', { version: 'v3.8.4', file: 'cart-service.jsonl', rps: 75 }));
  const users = w.service(preset('user-service', { version: 'v3.17.0' }));
  const catalog = w.service(preset('catalog-service', { version: 'v2.27.1', accessPerMin: 1.5 }));
  const search = w.service(preset('search-service', { version: 'v3.9.4', accessPerMin: 1.5 }));
  const coredns = w.logSource('coredns');
  const kube = w.logSource('k8s-events');

  w.history();
  const cartFeat = w.git.commit({
    at: at('15:10'),
    author: 'Liam O’Connell',
    service: 'cart-service',
    message: 'feat(cart): persist saved-for-later items in session store',
    files: ['services/cart-service/src/session/savedForLater.ts', 'services/cart-service/src/session/store.ts'],
  });
  w.deploy({ at: at('16:05'), service: 'cart-service', version: 'v3.9.0', commits: [cartFeat], environment: 'staging', by: 'argocd' });
  const herring = w.deploy({
    at: at('16:46'),
    service: 'cart-service',
    version: 'v3.9.0',
    commits: [cartFeat],
    by: 'argocd',
    description: cartFeat.message,
  });

  w.series({ metric: 'dns_nxdomain_responses', tags: { service: 'coredns' }, unit: 'req/s', base: 0.6, jitter: 0.3, decimals: 2 }).level(
    onset,
    48,
    { ramp: 1, jitter: 0.08 },
  );
  w.series({
    metric: 'dns_requests',
    tags: { service: 'coredns' },
    unit: 'req/s',
    base: 410,
    diurnal: 0.2,
    jitter: 0.05,
    decimals: 0,
  }).scale(onset, 1.35, { ramp: 1 });
  w.series({
    metric: 'redis_connected_clients',
    tags: { service: 'redis-sessions' },
    unit: 'count',
    base: 212,
    jitter: 0.03,
    decimals: 0,
  }).level(onset, 24, { ramp: 6, jitter: 0.1 });
  cart.errors.level(onset, 27, { ramp: 1, jitter: 0.05 });
  users.errors.level(onset, 12, { ramp: 1, jitter: 0.08 });
  gateway.errors.level(onset, 8.3, { ramp: 1, jitter: 0.06 });
  cart.failuresLookLike(onset, [500, 503]);
  users.failuresLookLike(onset, [500]);
  gateway.failuresLookLike(onset, [500, 502], ['/api/cart/{id}', '/api/users/me']);

  for (const svc of [gateway, cart, users, catalog, search]) everydayNoise(svc);
  flakyRetry(cart, host, 1);
  kubeEvents(kube, ['cart-service', 'user-service', 'catalog-service', 'search-service'], 2);
  coredns.every(w.start, w.now, 1.5 / 60, (r) => ({
    level: 'info',
    msg: `[INFO] plugin/reload: Running configuration SHA512 = ${r.hex(16)}`,
  }));
  coredns.every(w.start, w.now, 2 / 60, (r) => ({
    level: 'error',
    msg: `[ERROR] plugin/errors: 2 telemetry.vendor.example. AAAA: read udp 10.42.0.${r.int(2, 9)}:${r.int(30000, 60000)}->10.0.0.2:53: i/o timeout`,
  }));
  coredns.every(onset, w.now, 6, (r) => ({
    level: 'info',
    msg: `[INFO] 10.42.${r.int(0, 9)}.${r.int(2, 250)}:${r.int(30000, 60000)} - ${r.int(1, 65000)} "A IN ${host}. udp 48 false 512" NXDOMAIN qr,aa,rd 139 0.000${r.int(100, 900)}s`,
  }));
  cart.every(onset, w.now, 8, (r) => ({
    level: 'error',
    msg: 'session lookup failed',
    fields: { cart_id: r.uuid() },
    stack: nodeStack(`Error: getaddrinfo ENOTFOUND ${host}`, ['GetAddrInfoReqWrap.onlookup [as oncomplete] (node:dns:107:26)']),
  }));
  cart.every(onset, w.now, 2, (r) => ({
    level: 'warn',
    msg: `[ioredis] Unhandled error event: Error: getaddrinfo ENOTFOUND ${host}`,
    fields: { retry_in_ms: r.pick([50, 100, 200, 400]) },
  }));
  gateway.every(onset, w.now, 5, (r) => ({
    level: 'error',
    msg: 'session validation failed',
    fields: { path: r.pick(['/api/cart', '/api/users/me', '/api/orders']), status: 500 },
    stack: [`dial tcp: lookup ${host} on 10.96.0.10:53: no such host`],
  }));
  users.every(onset, w.now, 4, () => ({
    level: 'error',
    logger: 'app.sessions.store',
    msg: `redis.exceptions.ConnectionError: Error -2 connecting to ${host}:6379. Name or service not known.`,
  }));

  return {
    ...place,
    files: w.finish(),
    evalCase: {
      title: 'DNS: the session Redis hostname stops resolving (ENOTFOUND / no such host)',
      incident: 'Users get logged out and cart pages 500 since ~16:58',
      dataset: place.dataset,
      since: '3h',
      expect: {
        runbook: 'cart-service/session-redis-dns.md',
        suspect: { kind: ['infrastructure', 'dependency'] },
        rootCauseKeywords: ['dns', 'ENOTFOUND', 'no such host', 'resolve'],
        mustNot: { suspectIds: [herring.id, herring.version, cartFeat.sha], suspectKinds: ['deployment', 'commit'] },
      },
    },
  };
}
