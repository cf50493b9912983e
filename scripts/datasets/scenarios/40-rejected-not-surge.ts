import { cacheStats, chronicError, clientClosed, deprecation } from '../logs/noise.js';
import { evalPlacement, type ScenarioOutput } from '../scenario.js';
import { MINUTE } from '../time.js';
import { World } from '../world.js';
import { app, bystander, latencyAs, outcomeSplit } from './kit.js';

/**
 * 2026-02-12, an online grocer. The weekly promo e-mail goes out at 14:00, so when search starts answering 503 at
 * 14:31 everyone suspects a traffic spike. It is not one: the recording rule `job:http_requests:rate5m{job, code}`
 * shows search-api's total requests flat (the promo adds a few percent). search-api v7.3.0 (14:20) expands every query
 * into synonym and typo variants, multiplying the work each query sends to the index; the index cluster rejects the
 * overflow ("es_rejected_execution_exception … queue capacity") and search-api answers 503. "Rejected", "queue" and
 * the promo must not make a surge; cart-api's deploy at 14:05 is noise.
 */
export function rejectedNotSurge(): ScenarioOutput {
  const place = evalPlacement('40-rejected-not-surge');
  const w = new World({
    name: 'rejected-not-surge',
    description: '503s from an index overloaded by a query change while total requests stay flat.',
    seed: '40-rejected-not-surge',
    date: '2026-02-12',
    start: '09:30',
    now: '14:50',
    deploymentIds: { kind: 'seq', prefix: 'gr-', first: 5140, width: 4 },
  });
  const at = (hhmm: string) => w.at(hhmm);
  const ship = at('14:20');
  const fail = at('14:31');

  const search = w.service(app('search-api', 'go', 'logfmt', { version: 'v7.2.4', rps: 340, p95: 85, golden: false, accessPerMin: 3 }));
  const cart = w.service(app('cart-api', 'java', 'log4j', { version: 'v19.8.0', rps: 150, p95: 110 }));
  const campaigns = w.service(app('campaign-service', 'python', 'json', { version: 'v3.3.2', rps: 5, p95: 200 }));
  bystander(w, 'checkout-web', 'node', 'pino', 'v44.1.0');
  bystander(w, 'substitutions', 'java', 'log4j', 'v2.9.7');

  // The promo lifts search traffic by a few percent: well inside its daily swing.
  search.requests.scale(at('14:02'), 1.06, { ramp: 10 });
  outcomeSplit(w, search, {
    metric: 'job:http_requests:rate5m',
    labels: { job: 'search-api', namespace: 'storefront' },
    ok: { code: '200' },
    error: { code: '503' },
    unit: 'req/s',
  });
  latencyAs(w, search, 'job:http_request_duration_seconds:p99', { job: 'search-api', namespace: 'storefront' });

  w.history();
  const cartCommit = w.git.commit({
    at: at('13:30'),
    service: 'cart-api',
    message: 'feat(cart): show delivery slot price next to the basket total',
    files: ['cart-api/src/main/java/io/cart/slots/SlotPrice.java'],
  });
  const cartDeploy = w.deploy({ at: at('14:05'), service: 'cart-api', version: 'v19.9.0', commits: [cartCommit], by: 'spinnaker' });
  const expand = w.git.commit({
    at: at('13:50'),
    service: 'search-api',
    author: 'Noor Haddad',
    message: 'feat(query): expand every query with synonyms and typo variants',
    files: ['search-api/internal/query/expand.go', 'search-api/internal/query/synonyms.go'],
  });
  const release = w.deploy({ at: ship, service: 'search-api', version: 'v7.3.0', commits: [expand], by: 'spinnaker' });

  campaigns.log(at('14:00'), {
    level: 'info',
    msg: 'campaign weekly-deals dispatched to 1184220 recipients',
    fields: { campaign: 'weekly-deals' },
  });
  search.errors.level(fail, 17, { ramp: 3 });
  search.latency.scale(fail, 2.2, { ramp: 3 });
  search.failuresLookLike(fail, [503], ['/v1/search']);
  search.every(fail, w.now, 28, (r) => ({
    level: 'error',
    msg: 'search backend rejected query',
    fields: {
      err: `es_rejected_execution_exception: rejected execution of coordinating operation [shard_id=${r.int(0, 11)}], queue capacity 1000 reached on search-index-${r.int(0, 5)}`,
      status: 503,
    },
  }));
  search.every(fail + MINUTE, w.now, 4, (r) => ({
    level: 'warn',
    msg: `query expanded to ${r.int(6, 14)} variants, ${r.int(2, 6)} dropped after timeout`,
  }));

  cacheStats(search, 'suggestions', 10, 0.91);
  chronicError(cart, 2, (r) => ({
    level: 'warn',
    logger: 'io.cart.promo.CouponCheck',
    msg: `coupon ${r.hex(6).toUpperCase()} expired, ignored`,
  }));
  clientClosed(cart, 2);
  deprecation(campaigns, 1, 'SendGrid v2 template API is deprecated');

  return {
    ...place,
    files: w.finish(),
    evalCase: {
      title: 'Index rejections after a query-expansion release: 503s with flat traffic are not a surge',
      incident: 'Search returning 503 for many shoppers since ~14:30. The promo e-mail went out at 14:00 — are we getting hammered?',
      dataset: place.dataset,
      since: '5h',
      expect: {
        suspect: { kind: ['deployment', 'commit'], id: [release.id, release.version, expand.sha] },
        rootCauseKeywords: ['rejected', 'synonyms'],
        mustNot: { suspectIds: [cartDeploy.id, cartDeploy.version], suspectKinds: ['capacity'] },
        service: ['search-api'],
      },
    },
  };
}
