import { chronicError, clientClosed, flakyRetry } from '../logs/noise.js';
import { evalPlacement, type ScenarioOutput } from '../scenario.js';
import { MINUTE } from '../time.js';
import { World } from '../world.js';
import { app } from './kit.js';

/**
 * Saturday 2025-06-14, a food-delivery platform. dispatch-api v4.8.0 (18:05) shipped three commits; one makes
 * courier lookups "resilient" with up to six retries and no backoff. At 18:40 one redis shard of courier-locator gets
 * slightly slow; dispatch-api's retries multiply its calls to courier-locator by six while its own incoming traffic is
 * flat, courier-locator saturates, and everyone calling it times out. The loudest errors are courier-locator's.
 */
export function retryStorm(): ScenarioOutput {
  const place = evalPlacement('17-retry-storm');
  const w = new World({
    name: 'retry-storm',
    description: 'A retry policy change turns a small dependency slowdown into a saturating retry storm.',
    seed: '17-retry-storm',
    date: '2025-06-14',
    start: '13:00',
    now: '19:05',
    deploymentIds: { kind: 'dated', prefix: 'rel-' },
  });
  const at = (hhmm: string, day = 0) => w.at(hhmm, day);
  const blip = at('18:40');

  const edge = w.service(
    app('order-gateway', 'go', 'nginx', {
      version: 'v1.24.0',
      rps: 300,
      accessPerMin: 5,
      endpoints: [
        { method: 'POST', path: '/orders/{id}/dispatch', weight: 3, upstream: 'dispatch-api' },
        { method: 'GET', path: '/orders/{id}/eta', weight: 5, upstream: 'eta-model' },
      ],
    }),
  );
  const dispatch = w.service(app('dispatch-api', 'node', 'cri', { version: 'v4.7.3', rps: 90, p95: 160 }));
  const locator = w.service(app('courier-locator', 'go', 'logfmt', { version: 'v2.3.1', rps: 300, p95: 40, cpu: 38, accessPerMin: 2 }));
  const eta = w.service(app('eta-model', 'python', 'json', { version: 'v5.0.2', rps: 140, p95: 70 }));

  w.history();
  const docs = w.git.commit({
    at: at('16:10'),
    service: 'dispatch-api',
    message: 'docs(dispatch): document surge zones',
    files: ['dispatch-api/docs/zones.md'],
  });
  const retry = w.git.commit({
    at: at('16:40'),
    service: 'dispatch-api',
    author: 'Kenji Watanabe',
    message: 'feat(courier): make courier lookups resilient - retry up to 6 times, no backoff',
    files: ['dispatch-api/src/courier/locatorClient.ts', 'dispatch-api/src/courier/retryPolicy.ts'],
  });
  const lint = w.git.commit({
    at: at('17:05'),
    service: 'dispatch-api',
    message: 'chore: fix lint warnings in zone tests',
    files: ['dispatch-api/test/zones.test.ts'],
  });
  const release = w.deploy({ at: at('18:05'), service: 'dispatch-api', version: 'v4.8.0', commits: [docs, retry, lint], by: 'argocd' });
  const etaFix = w.git.commit({
    at: at('17:30'),
    service: 'eta-model',
    message: 'fix(eta): clamp negative prep times',
    files: ['eta-model/eta/prep.py'],
  });
  const etaDeploy = w.deploy({ at: at('18:30'), service: 'eta-model', version: 'v5.0.3', commits: [etaFix], by: 'argocd' });

  w.series({
    metric: 'outbound_requests_per_sec',
    tags: { service: 'dispatch-api', upstream: 'courier-locator' },
    unit: 'req/s',
    base: 95,
    diurnal: 0.25,
    jitter: 0.04,
    decimals: 1,
  }).scale(blip + MINUTE, 5.8, { ramp: 3 });
  locator.latency.level(blip, 120, { ramp: 1 }).level(blip + 3 * MINUTE, 2600, { ramp: 4, jitter: 0.06 });
  locator.cpu.level(blip + 2 * MINUTE, 97, { ramp: 3, jitter: 0.01 });
  locator.requests.scale(blip + MINUTE, 3.2, { ramp: 3 });
  locator.errors.level(blip + 4 * MINUTE, 24, { ramp: 3, jitter: 0.08 });
  locator.failuresLookLike(blip, [503]);
  dispatch.errors.level(blip + 5 * MINUTE, 9, { ramp: 3 });
  dispatch.latency.level(blip + 3 * MINUTE, 4800, { ramp: 3 });
  edge.errors.level(blip + 5 * MINUTE, 3.1, { ramp: 3 });
  edge.failuresLookLike(blip, [504], ['/orders/{id}/dispatch']);

  for (const svc of [dispatch, locator, eta])
    chronicError(svc, 0.6, () => ({ level: 'error', msg: 'statsd flush failed: connection refused' }));
  clientClosed(dispatch, 2);
  flakyRetry(dispatch, 'pricing-svc', 3);
  edge.every(w.start, w.now, 0.3, (r) => ({
    level: 'warn',
    msg: `client intended to send too large body: ${r.int(1100000, 4000000)} bytes`,
  }));
  eta.every(w.start, w.now, 5 / 60, (r) => ({
    level: 'warn',
    logger: 'eta.features',
    msg: `missing traffic tile ${r.int(1000, 9999)}, using historical average`,
  }));
  locator.every(blip, blip + 3 * MINUTE, 4, (r) => ({
    level: 'warn',
    msg: 'redis shard slow',
    fields: { shard: 'geo-3', took_ms: r.int(80, 160) },
  }));
  locator.every(blip + 3 * MINUTE, w.now, 25, (r) => ({
    level: 'error',
    msg: 'request rejected: worker pool saturated',
    fields: { inflight: r.int(1000, 1024), limit: 1024 },
  }));
  dispatch.every(blip + 2 * MINUTE, w.now, 40, (r) => ({
    level: 'warn',
    msg: `retrying courier lookup (attempt ${r.int(2, 6)}/6) after timeout calling courier-locator`,
    fields: { zone: `Z-${r.int(10, 99)}`, took_ms: r.int(800, 1200) },
  }));
  dispatch.every(blip + 4 * MINUTE, w.now, 8, (r) => ({
    level: 'error',
    msg: 'courier lookup failed after 6 attempts',
    fields: { order_id: `o_${r.hex(10)}`, upstream: 'courier-locator', error: 'ETIMEDOUT' },
  }));

  return {
    ...place,
    files: w.finish(),
    evalCase: {
      title: 'Retry storm: a retry policy change amplifies a small courier-locator slowdown',
      incident: 'courier-locator is melting down since ~18:40 and dispatch is failing; is courier-locator broken?',
      dataset: place.dataset,
      since: '6h',
      expect: {
        suspect: { kind: ['deployment', 'commit'], id: [release.id, release.version, retry.sha], service: ['dispatch-api'] },
        rootCauseKeywords: ['retry', 'retries'],
        mustNot: { suspectIds: [etaDeploy.id, etaDeploy.version, etaFix.sha] },
        service: ['dispatch-api'],
      },
    },
  };
}
