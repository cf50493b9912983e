import { everydayNoise, preset } from '../fleet.js';
import { chronicError, deprecation, flakyRetry } from '../logs/noise.js';
import { nodeStack } from '../logs/stacks.js';
import { sampleRunbooks } from '../runbooks.js';
import { type ScenarioOutput, samplePlacement } from '../scenario.js';
import type { EventPart } from '../service.js';
import { MINUTE } from '../time.js';
import { World } from '../world.js';

/**
 * Tuesday 2024-06-04. From 16:20 the third-party payment provider (api.payprovider.example) slows from
 * ~240 ms to multi-second responses; payment-service times out at 3 s, retries, and its circuit breaker
 * opens at ~16:31; checkout latency and errors follow. Ten minutes before the onset payment-service
 * v4.16.2 shipped a logging change that even touches the provider client: the closest change, and innocent.
 */
export function upstreamSlowdown(): ScenarioOutput {
  const place = samplePlacement('upstream-slowdown', '03-upstream-slowdown');
  const w = new World({
    name: 'upstream-slowdown',
    description:
      'Payment provider latency degradation; the payment-service deploy 10 minutes earlier is a red herring (replay of 2024-06-04).',
    seed: 'upstream-slowdown',
    date: '2024-06-04',
    start: '10:30',
    now: '16:50',
    deploymentIds: { kind: 'seq', prefix: 'rel-', first: 8804, width: 4 },
  });
  const at = (hhmm: string, day = 0) => w.at(hhmm, day);
  const onset = at('16:20');
  const breakerOpen = at('16:31');

  const gateway = w.service(preset('api-gateway', { version: 'v1.35.1', rps: 330 }));
  const checkout = w.service(
    preset('order-service', {
      name: 'checkout-api',
      pkg: 'com.shop.checkout',
      version: 'v2.7.3',
      rps: 46,
      p95: 190,
      components: ['checkout', 'cart', 'pricing'],
      endpoints: [
        { method: 'POST', path: '/api/checkout', weight: 3, cost: 1.6 },
        { method: 'GET', path: '/api/cart/{id}', weight: 6, cost: 0.5 },
        { method: 'POST', path: '/api/cart/{id}/items', weight: 4, cost: 0.8 },
      ],
    }),
  );
  const payment = w.service(preset('payment-service', { version: 'v4.16.1', rps: 13 }));
  const orders = w.service(preset('order-service', { version: 'v6.2.0', format: 'log4j' }));
  const users = w.service(preset('user-service', { version: 'v3.12.0' }));
  const notifier = w.service(preset('notification-worker', { version: 'v1.14.2', file: 'notification-worker.jsonl' }));

  // --- git ------------------------------------------------------------------------------------------
  w.history();
  const logging = w.git.commit({
    at: at('15:34'),
    author: 'Rafael Costa',
    service: 'payment-service',
    message: 'chore(logging): attach provider request ids to charge logs',
    files: ['services/payment-service/src/providers/payproviderClient.ts', 'services/payment-service/src/logging/logger.ts'],
  });
  const cartFix = w.git.commit({
    at: at('11:12'),
    service: 'checkout-api',
    message: 'fix(cart): keep gift-card lines when merging guest carts',
    files: ['services/checkout-api/src/main/java/com/shop/checkout/cart/CartMergeService.java'],
  });
  w.deploy({ at: at('11:40'), service: 'checkout-api', version: 'v2.7.3', commits: [cartFix], environment: 'staging', by: 'argocd' });
  const earlier = w.deploy({
    at: at('12:15'),
    service: 'checkout-api',
    version: 'v2.7.4',
    commits: [cartFix],
    by: 'argocd',
    description: cartFix.message,
  });
  w.deploy({
    at: at('15:48'),
    service: 'payment-service',
    version: 'v4.16.2',
    commits: [logging],
    environment: 'staging',
    by: 'Rafael Costa',
  });
  const herring = w.deploy({
    at: at('16:10'),
    service: 'payment-service',
    version: 'v4.16.2',
    commits: [logging],
    by: 'Rafael Costa',
    description: logging.message,
  });

  // --- metrics ----------------------------------------------------------------------------------------
  const providers = [
    ['api.payprovider.example', 240],
    ['api.fraudcheck.example', 110],
    ['api.taxcalc.example', 85],
  ] as const;
  for (const [upstream, base] of providers) {
    const s = w.series({
      metric: 'upstream_latency_ms',
      tags: { service: 'payment-service', upstream },
      unit: 'ms',
      base,
      diurnal: 0.1,
      jitter: 0.09,
      blips: { perHour: 0.5, factor: [1.3, 1.7] },
      decimals: 0,
    });
    if (upstream === 'api.payprovider.example')
      s.level(onset, 1100, { ramp: 6, jitter: 0.1 }).level(onset + 7 * MINUTE, 2750, { ramp: 4, jitter: 0.06 });
  }
  w.series({
    metric: 'circuit_breaker_open',
    tags: { service: 'payment-service', breaker: 'payprovider' },
    unit: 'bool',
    base: 0,
    jitter: 0,
    decimals: 0,
  }).shape(breakerOpen, w.now + MINUTE, (m) => (m % 6 < 5 ? 1 : 0));
  payment.latency.level(onset + 2 * MINUTE, 6100, { ramp: 9, jitter: 0.07 });
  payment.errors.level(onset + 3 * MINUTE, 9.5, { ramp: 8, jitter: 0.08 });
  payment.failuresLookLike(onset, [502, 504], ['/v1/charges']);
  checkout.latency.level(onset + 3 * MINUTE, 3400, { ramp: 8, jitter: 0.07 });
  checkout.errors.level(onset + 4 * MINUTE, 4.8, { ramp: 8, jitter: 0.1 });
  checkout.failuresLookLike(onset, [502, 500], ['/api/checkout']);
  gateway.errors.level(onset + 4 * MINUTE, 1.3, { ramp: 8, jitter: 0.12 });
  w.series({ metric: 'event_loop_lag_ms', tags: { service: 'payment-service' }, unit: 'ms', base: 12, jitter: 0.25, decimals: 1 });

  // --- logs -------------------------------------------------------------------------------------------
  for (const svc of [gateway, checkout, orders, users, notifier]) everydayNoise(svc);
  flakyRetry(payment, 'api.payprovider.example', 1.5);
  flakyRetry(checkout, 'payment-service', 0.5);
  deprecation(
    payment,
    1,
    '(node:1) [DEP0040] DeprecationWarning: The `punycode` module is deprecated. Please use a userland alternative instead.',
  );
  chronicError(payment, 2, (r) => ({
    level: 'error',
    msg: 'webhook signature verification failed',
    fields: { provider: 'payprovider', event_id: `evt_${r.hex(24)}` },
    stack: nodeStack('Error: No signatures found matching the expected signature for payload', [
      'verifySignature (/app/dist/webhooks/verify.js:41:11)',
      'handleWebhook (/app/dist/webhooks/handler.js:22:5)',
    ]),
  }));
  payment.every(w.start, w.now, 3, (r, t) => ({
    level: 'info',
    msg: 'charge captured',
    fields: {
      provider: 'payprovider',
      amount_cents: r.int(900, 25000),
      currency: r.pick(['EUR', 'EUR', 'USD', 'GBP']),
      provider_ms: r.int(120, 420),
      ...(t > at('16:10') ? { provider_request_id: `pr_${r.hex(20)}` } : {}),
    },
  }));
  const slowRate = (t: number) => (t < onset + 4 * MINUTE ? 2 : 7);
  payment.every(onset, w.now, slowRate, (r) => ({
    level: 'warn',
    msg: 'timeout calling api.payprovider.example after 3000ms',
    fields: { op: 'POST /v2/charges', attempt: r.int(1, 3), provider_request_id: `pr_${r.hex(20)}` },
  }));
  payment.every(onset + 2 * MINUTE, w.now, 3, (r) => ({
    level: 'warn',
    msg: `retrying charge (attempt ${r.int(2, 3)}/3)`,
    fields: { provider: 'payprovider', backoff_ms: r.int(200, 800) },
  }));
  payment.every(onset + 4 * MINUTE, w.now, 3, (r) => ({
    level: 'error',
    msg: 'charge failed: provider timeout',
    fields: { order_id: `ORD-${r.int(1_000_000, 9_999_999)}`, provider: 'payprovider' },
    stack: nodeStack('HeadersTimeoutError: Headers Timeout Error', [
      'Timeout.onParserTimeout [as callback] (/app/node_modules/undici/lib/dispatcher/client-h1.js:626:28)',
      'Timeout.onTimeout [as _onTimeout] (/app/node_modules/undici/lib/util/timers.js:22:13)',
      'async PayproviderClient.charge (/app/dist/providers/payproviderClient.js:88:22)',
      'async ChargeService.capture (/app/dist/charges/chargeService.js:51:18)',
    ]),
  }));
  payment.log(breakerOpen, {
    level: 'error',
    msg: "circuit breaker 'payprovider' opened",
    fields: { failure_rate: 0.62, window: 50, open_for_ms: 30000 },
  });
  payment.cron(
    6,
    0,
    (r, t): EventPart =>
      t <= breakerOpen
        ? {
            level: 'debug',
            msg: "circuit breaker 'payprovider' state",
            fields: { state: 'closed', failure_rate: Number(r.float(0, 0.03).toFixed(2)) },
          }
        : {
            level: 'warn',
            msg: "circuit breaker 'payprovider' half-open, trial request failed, re-opening",
            fields: { failure_rate: Number(r.float(0.55, 0.8).toFixed(2)) },
          },
  );
  checkout.every(onset + 4 * MINUTE, w.now, 2.5, (r) => ({
    level: 'error',
    logger: 'com.shop.checkout.payment.PaymentClient',
    msg: `Payment authorization failed for order=ORD-${r.int(1_000_000, 9_999_999)}: payment-service responded 502 (provider timeout)`,
  }));

  return {
    datasetDir: place.datasetDir,
    caseDir: place.caseDir,
    files: {
      ...w.finish(),
      runbooks: sampleRunbooks(['payment-service/provider-degraded.md', 'checkout-api/payment-provider-timeouts.md']),
    },
    evalCase: {
      title: 'Payment provider slowdown; the payment-service deploy 10 minutes earlier is innocent',
      incident: 'Checkouts are slow and some payments fail since ~16:20, what changed?',
      dataset: place.dataset,
      since: '6h',
      expect: {
        runbook: 'payment-service/provider-degraded.md',
        suspect: { kind: ['dependency'] },
        rootCauseKeywords: ['payprovider', 'provider', 'upstream'],
        mustNot: {
          suspectIds: [herring.id, herring.version, logging.sha, earlier.id, earlier.version],
          suspectKinds: ['deployment', 'commit'],
        },
      },
    },
  };
}
