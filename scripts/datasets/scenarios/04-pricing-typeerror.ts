import { everydayNoise, preset } from '../fleet.js';
import { flakyRetry } from '../logs/noise.js';
import { nodeStack } from '../logs/stacks.js';
import { evalPlacement, type ScenarioOutput } from '../scenario.js';
import { MINUTE } from '../time.js';
import { World } from '../world.js';

/**
 * Thursday 2024-02-08. pricing-service (Node) v1.19.0 ships at 18:45 with a discount refactor that reads
 * `campaign.budget.amount` on promo items that have no budget: TypeError on ~22 % of price quotes, latency
 * unchanged. catalog-service deployed at 18:31 and search-service at 18:52 (after the onset): both innocent.
 */
export function pricingTypeError(): ScenarioOutput {
  const place = evalPlacement('04-pricing-typeerror');
  const w = new World({
    name: 'pricing-typeerror',
    description: 'pricing-service v1.19.0 throws TypeError on promo items.',
    seed: '04-pricing-typeerror',
    date: '2024-02-08',
    start: '13:00',
    now: '19:20',
    deploymentIds: { kind: 'seq', prefix: 'dep-', first: 20417, width: 5 },
  });
  const at = (hhmm: string, day = 0) => w.at(hhmm, day);
  const deployAt = at('18:45');
  const onset = deployAt + 2 * MINUTE; // rolling update finishes

  const gateway = w.service(preset('api-gateway', { version: 'v1.28.4', rps: 260, accessPerMin: 2.5 }));
  const pricing = w.service({
    name: 'pricing-service',
    lang: 'node',
    format: 'pino',
    rps: 85,
    p95: 45,
    errorPct: 0.05,
    cpu: 26,
    accessPerMin: 2.5,
    components: ['discounts', 'quotes', 'currency'],
    version: 'v1.18.3',
    endpoints: [
      { method: 'GET', path: '/v1/prices?sku={sku}', weight: 6 },
      { method: 'POST', path: '/v1/prices/quote', weight: 3, cost: 1.8 },
      { method: 'GET', path: '/v1/promotions/active', weight: 1, cost: 0.6 },
    ],
  });
  const cart = w.service(preset('cart-service', { version: 'v3.1.0', file: 'cart-service.jsonl' }));
  const catalog = w.service(preset('catalog-service', { version: 'v2.20.4' }));
  const search = w.service(preset('search-service', { version: 'v3.5.2', accessPerMin: 1.5 }));

  w.history();
  const refactor = w.git.commit({
    at: at('16:20'),
    author: 'Aisha Bello',
    service: 'pricing-service',
    message: 'refactor(discounts): compute promo discount from campaign rules',
    files: [
      'services/pricing-service/src/discounts/applyDiscount.ts',
      'services/pricing-service/src/discounts/campaignRules.ts',
      'services/pricing-service/test/discounts.test.ts',
    ],
  });
  const currency = w.git.commit({
    at: at('17:05'),
    service: 'pricing-service',
    message: 'fix(currency): use banker’s rounding for CHF',
    files: ['services/pricing-service/src/currency/round.ts'],
  });
  const media = w.git.commit({
    at: at('15:48'),
    service: 'catalog-service',
    message: 'feat(media): serve AVIF thumbnails when accepted',
    files: ['services/catalog-service/internal/media/handler.go'],
  });
  const synonyms = w.git.commit({
    at: at('17:40'),
    service: 'search-service',
    message: 'chore(config): add winter synonyms list',
    files: ['services/search-service/config/synonyms-prod.yaml'],
  });
  w.deploy({
    at: at('18:02'),
    service: 'pricing-service',
    version: 'v1.19.0',
    commits: [refactor, currency],
    environment: 'staging',
    by: 'github-actions',
  });
  const release = w.deploy({
    at: deployAt,
    service: 'pricing-service',
    version: 'v1.19.0',
    commits: [refactor, currency],
    by: 'github-actions',
    description: 'pricing 1.19.0',
  });
  const catalogDeploy = w.deploy({
    at: at('18:31'),
    service: 'catalog-service',
    version: 'v2.21.0',
    commits: [media],
    by: 'argocd',
    description: media.message,
  });
  const searchDeploy = w.deploy({
    at: at('18:52'),
    service: 'search-service',
    version: 'v3.5.3',
    commits: [synonyms],
    by: 'argocd',
    description: synonyms.message,
  });

  pricing.errors.level(onset, 22, { ramp: 2, jitter: 0.06 });
  pricing.failuresLookLike(onset, [500], ['/v1/prices/quote', '/v1/prices?sku={sku}']);
  pricing.latency.level(onset, 41, { ramp: 2 });
  cart.errors.level(onset + MINUTE, 6.1, { ramp: 2, jitter: 0.1 });
  cart.failuresLookLike(onset, [502], ['/carts/{uuid}/items']);
  gateway.errors.level(onset + MINUTE, 1.9, { ramp: 2, jitter: 0.1 });
  w.series({ metric: 'event_loop_lag_ms', tags: { service: 'pricing-service' }, unit: 'ms', base: 9, jitter: 0.3, decimals: 1 });
  w.series({ metric: 'heap_used_mb', tags: { service: 'pricing-service' }, unit: 'MB', base: 210, jitter: 0.05, decimals: 0 });

  for (const svc of [gateway, cart, catalog, search]) everydayNoise(svc);
  flakyRetry(pricing, 'redis://pricing-cache:6379', 1);
  pricing.every(w.start, w.now, 1 / 60, () => ({
    level: 'error',
    msg: 'redis connection lost, reconnecting',
    fields: { code: 'ECONNRESET', retry_in_ms: 500 },
  }));
  pricing.cron(15, 4, (r) => ({
    level: 'info',
    msg: 'promotions refreshed',
    fields: { active_campaigns: r.int(38, 44), took_ms: r.int(40, 180) },
  }));
  pricing.every(onset, w.now, 8, (r) => ({
    level: 'error',
    msg: 'unhandled error while computing quote',
    fields: { sku: `SKU-${r.int(100000, 999999)}`, campaign: `CMP-${r.pick(['WINTER24', 'VDAY24', 'CLEARANCE-02'])}` },
    stack: nodeStack("TypeError: Cannot read properties of undefined (reading 'amount')", [
      'applyDiscount (/app/dist/discounts/applyDiscount.js:27:41)',
      'Array.reduce (<anonymous>)',
      'priceLine (/app/dist/quotes/priceLine.js:18:24)',
      'async quoteHandler (/app/dist/quotes/routes.js:44:19)',
    ]),
  }));
  cart.every(onset + MINUTE, w.now, 3, (r) => ({
    level: 'error',
    msg: 'failed to price cart',
    fields: { cart_id: r.uuid(), upstream: 'pricing-service', status: 500 },
  }));

  return {
    ...place,
    files: w.finish(),
    evalCase: {
      title: 'Bad deploy: pricing-service v1.19.0 TypeError on promo items',
      incident: 'Adding promo items to the cart fails with an error since ~18:47',
      dataset: place.dataset,
      since: '4h',
      expect: {
        suspect: { kind: ['deployment', 'commit'], id: [release.id, release.version, refactor.sha], service: ['pricing-service'] },
        rootCauseKeywords: ['TypeError', 'discount', 'pricing-service'],
        mustNot: { suspectIds: [catalogDeploy.id, catalogDeploy.version, searchDeploy.id, searchDeploy.version] },
      },
    },
  };
}
