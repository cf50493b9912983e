import { everydayNoise, preset } from '../fleet.js';
import { evalPlacement, type ScenarioOutput } from '../scenario.js';
import { MINUTE } from '../time.js';
import { World } from '../world.js';

/**
 * Wednesday 2024-04-17. A config-only release of shipping-service (v2.8.4, 11:20) lowers the carrier-rates
 * client timeout from 5000 ms to 500 ms. The carrier answers as fast as ever (p95 ~650 ms), but every call
 * over 500 ms now fails: "ReadTimeout ... 500 ms" looks like a slow upstream, and the upstream chart says it
 * is not. order-service deployed at 11:05 and cart-service at 11:26: innocent.
 */
export function configTimeout(): ScenarioOutput {
  const place = evalPlacement('05-config-timeout');
  const w = new World({
    name: 'config-timeout',
    description: 'shipping-service config release cut the carrier client timeout to 500 ms.',
    seed: '05-config-timeout',
    date: '2024-04-17',
    start: '06:00',
    now: '12:10',
    deploymentIds: { kind: 'dated', prefix: 'd-' },
  });
  const at = (hhmm: string, day = 0) => w.at(hhmm, day);
  const deployAt = at('11:20');

  const gateway = w.service(preset('api-gateway', { version: 'v1.30.0', rps: 210, accessPerMin: 2.5 }));
  const shipping = w.service({
    name: 'shipping-service',
    lang: 'python',
    format: 'json',
    rps: 32,
    p95: 690,
    errorPct: 0.1,
    cpu: 21,
    accessPerMin: 2.5,
    components: ['quotes', 'labels', 'carriers'],
    version: 'v2.8.3',
    endpoints: [
      { method: 'POST', path: '/v1/quotes', weight: 6 },
      { method: 'GET', path: '/v1/shipments/{id}', weight: 2, cost: 0.1 },
      { method: 'POST', path: '/v1/labels', weight: 1, cost: 1.4 },
    ],
  });
  const checkout = w.service(
    preset('order-service', {
      name: 'checkout-api',
      pkg: 'com.shop.checkout',
      format: 'log4j',
      version: 'v2.6.0',
      components: ['checkout', 'shipping-options'],
      endpoints: [
        { method: 'POST', path: '/api/checkout', weight: 3, cost: 1.6 },
        { method: 'POST', path: '/api/checkout/shipping-options', weight: 4, cost: 2.2 },
      ],
    }),
  );
  const orders = w.service(preset('order-service', { version: 'v6.0.1', format: 'plain' }));
  const cart = w.service(preset('cart-service', { version: 'v3.2.2' }));

  w.history();
  const timeouts = w.git.commit({
    at: at('09:02'),
    author: 'Tom Becker',
    service: 'shipping-service',
    message:
      'chore(config): tighten carrier client timeouts\n\ncarrier_rates.timeout_ms 5000 -> 500, carrier_labels.timeout_ms 8000 -> 3000 (fail fast, we have fallbacks)',
    files: ['services/shipping-service/config/production.yaml'],
  });
  const ordersFix = w.git.commit({
    at: at('10:12'),
    service: 'order-service',
    message: 'fix(history): paginate order history by created_at',
    files: ['services/order-service/src/main/java/com/shop/orders/history/HistoryRepository.java'],
  });
  const cartFeat = w.git.commit({
    at: at('10:40'),
    service: 'cart-service',
    message: 'feat(promotions): show savings badge on cart lines',
    files: ['services/cart-service/src/promotions/savings.ts'],
  });
  w.deploy({
    at: at('10:31'),
    service: 'shipping-service',
    version: 'v2.8.4',
    commits: [timeouts],
    environment: 'staging',
    by: 'Tom Becker',
  });
  const release = w.deploy({
    at: deployAt,
    service: 'shipping-service',
    version: 'v2.8.4',
    commits: [timeouts],
    by: 'Tom Becker',
    description: 'config-only release: carrier timeouts',
  });
  const ordersDeploy = w.deploy({
    at: at('11:05'),
    service: 'order-service',
    version: 'v6.0.2',
    commits: [ordersFix],
    by: 'argocd',
    description: ordersFix.message,
  });
  const cartDeploy = w.deploy({
    at: at('11:26'),
    service: 'cart-service',
    version: 'v3.3.0',
    commits: [cartFeat],
    by: 'argocd',
    description: cartFeat.message,
  });

  // The carrier itself does not change: the chart an engineer should check first.
  w.series({
    metric: 'upstream_latency_ms',
    tags: { service: 'shipping-service', upstream: 'api.carrier-rates.example' },
    unit: 'ms',
    base: 640,
    diurnal: 0.1,
    jitter: 0.1,
    blips: { perHour: 0.6, factor: [1.5, 2.5] },
    decimals: 0,
  });
  w.series({
    metric: 'upstream_latency_ms',
    tags: { service: 'shipping-service', upstream: 'api.labels.example' },
    unit: 'ms',
    base: 900,
    jitter: 0.1,
    decimals: 0,
  });
  shipping.errors.level(deployAt + MINUTE, 18, { ramp: 2, jitter: 0.07 });
  shipping.latency.level(deployAt + MINUTE, 520, { ramp: 2, jitter: 0.03 });
  shipping.failuresLookLike(deployAt, [504, 502], ['/v1/quotes']);
  checkout.errors.level(deployAt + 2 * MINUTE, 0.9, { ramp: 3, jitter: 0.2 });
  checkout.latency.scale(deployAt + 2 * MINUTE, 0.85, { ramp: 3 });

  for (const svc of [gateway, checkout, orders, cart]) everydayNoise(svc);
  shipping.every(w.start, w.now, 1 / 60, (r) => ({
    level: 'warn',
    logger: 'app.carriers.client',
    msg: `carrier rates slow response ${r.int(2100, 3900)} ms from api.carrier-rates.example`,
  }));
  shipping.every(w.start, w.now, 2 / 60, (r) => ({
    level: 'warn',
    logger: 'app.labels.service',
    msg: `label PDF for shipment ${r.int(1e6, 9e6)} regenerated: carrier returned stale barcode`,
  }));
  shipping.log(deployAt + 11_500, {
    level: 'info',
    logger: 'app.config',
    msg: 'loaded config production.yaml',
    fields: { carrier_rates_timeout_ms: 500, carrier_labels_timeout_ms: 3000 },
  });
  shipping.every(deployAt + MINUTE, w.now, 7, (r) => ({
    level: 'error',
    logger: 'app.quotes.routes',
    msg: `carrier rate lookup failed for quote ${r.hex(12)}: ReadTimeout: timed out after 500 ms (api.carrier-rates.example)`,
    stack: [
      'Traceback (most recent call last):',
      '  File "/app/app/carriers/client.py", line 84, in fetch_rates',
      '    resp = await self._http.post(url, json=payload, timeout=self._timeout)',
      '  File "/usr/local/lib/python3.12/site-packages/httpx/_client.py", line 1574, in send',
      'httpx.ReadTimeout: timed out',
    ],
  }));
  checkout.every(deployAt + 2 * MINUTE, w.now, 4, (r) => ({
    level: 'warn',
    logger: 'com.shop.checkout.shipping.ShippingOptionsService',
    msg: `Shipping quote unavailable for cart=${r.uuid()}, falling back to flat standard rate`,
  }));

  return {
    ...place,
    files: w.finish(),
    evalCase: {
      title: 'Config change: shipping-service carrier timeout cut to 500 ms',
      incident: 'Lots of customers only get the flat shipping rate and quote errors since about 11:20',
      dataset: place.dataset,
      since: '3h',
      expect: {
        runbook: 'none',
        suspect: {
          kind: ['config', 'deployment', 'commit'],
          id: [release.id, release.version, timeouts.sha],
          service: ['shipping-service'],
        },
        rootCauseKeywords: ['timeout', 'config'],
        mustNot: { suspectIds: [ordersDeploy.id, ordersDeploy.version, cartDeploy.id, cartDeploy.version] },
      },
    },
  };
}
