import { Cluster, steadyWorkload } from '../kube.js';
import { chronicError, clientClosed } from '../logs/noise.js';
import { evalPlacement, type ScenarioOutput } from '../scenario.js';
import { MINUTE } from '../time.js';
import { World } from '../world.js';
import { app, bystander } from './kit.js';

/**
 * A ConfigMap edited in place, no git involved (the pattern of many "someone ran kubectl edit in production"
 * write-ups; no single public postmortem). 2026-02-17, an online shop: at 10:12 an engineer runs `kubectl edit` on
 * shop/checkout-config to try a shorter payment timeout meant for staging. The file is mounted into checkout-api, the
 * kubelet syncs it within a minute and the service re-reads it: card authorisations that take 300-900 ms now time
 * out. The logs say only that authorisations time out; the only word of the edit is the ConfigMap's managedFields.
 * cart-api's 10:05 release is the red herring.
 */
export function configmapEdit(): ScenarioOutput {
  const place = evalPlacement('60-configmap-edit');
  const w = new World({
    name: 'configmap-edit',
    description: 'A ConfigMap edited with kubectl; the change is visible only in cluster state.',
    seed: '60-configmap-edit',
    date: '2026-02-17',
    start: '05:00',
    now: '10:45',
    deploymentIds: { kind: 'seq', prefix: 'rel-', first: 7310, width: 4 },
  });
  const at = (hhmm: string) => w.at(hhmm);
  const edit = at('10:12');
  const onset = edit + MINUTE;

  const checkout = w.service(app('checkout-api', 'go', 'json', { version: 'v8.3.1', rps: 140, p95: 320, accessPerMin: 2 }));
  const cart = w.service(app('cart-api', 'node', 'pino', { version: 'v5.11.0', rps: 300, p95: 45 }));
  const storefront = w.service(
    app('storefront', 'node', 'nginx', {
      version: 'v2.40.2',
      rps: 600,
      accessPerMin: 6,
      endpoints: [
        { method: 'POST', path: '/api/checkout', weight: 2, upstream: 'checkout-api' },
        { method: 'GET', path: '/api/cart/{id}', weight: 6, upstream: 'cart-api' },
      ],
    }),
  );
  bystander(w, 'catalog-api', 'java', 'log4j', 'v19.2.0');

  w.history();
  const cartFix = w.git.commit({
    at: at('09:40'),
    service: 'cart-api',
    message: 'fix(cart): keep gift-wrap option when merging guest cart',
    files: ['cart-api/src/merge.ts'],
  });
  const cartDeploy = w.deploy({ at: at('10:05'), service: 'cart-api', version: 'v5.12.0', commits: [cartFix], by: 'argocd' });

  checkout.errors.level(onset, 24, { ramp: 2 });
  checkout.latency.level(onset, 310, { ramp: 1 });
  checkout.failuresLookLike(onset, [504], ['/v1/checkout']);
  storefront.errors.level(onset + MINUTE, 4, { ramp: 2 });
  storefront.failuresLookLike(onset, [504], ['/api/checkout']);
  checkout.every(onset, w.now, 30, (r) => ({
    level: 'error',
    msg: 'card authorisation aborted: context deadline exceeded',
    fields: { psp: 'adyen', order: `ord_${r.hex(8)}`, elapsed_ms: 300 + r.int(0, 4) },
  }));
  checkout.every(onset, w.now, 4, (r) => ({ level: 'warn', msg: `order ord_${r.hex(8)} left pending, payment status unknown` }));

  for (const svc of [checkout, cart])
    chronicError(svc, 1, () => ({ level: 'error', msg: 'redis sentinel failover probe failed, retrying' }));
  clientClosed(cart, 3);
  storefront.every(w.start, w.now, 0.3, () => ({ level: 'warn', msg: 'an upstream response is buffered to a temporary file' }));

  const k = new Cluster(w.rng.fork('kube'), w.now);
  const nodes = [
    'ip-10-20-1-14.eu-west-1.compute.internal',
    'ip-10-20-2-31.eu-west-1.compute.internal',
    'ip-10-20-3-8.eu-west-1.compute.internal',
  ];
  for (const node of nodes) k.node(node);
  k.workload({
    name: 'checkout-api',
    namespace: 'shop',
    replicas: 4,
    nodes,
    configMaps: ['checkout-config'],
    revisions: [
      { at: at('09:02') - 6 * 24 * 60 * MINUTE, image: 'registry.shop.example/checkout-api:v8.3.0' },
      { at: at('09:02') - 2 * 24 * 60 * MINUTE, image: 'registry.shop.example/checkout-api:v8.3.1' },
    ],
  });
  k.configMap('checkout-config', 'shop', { PAYMENT_TIMEOUT_MS: '300', PSP_RETRY_LIMIT: '2', CURRENCY_DEFAULT: 'EUR' }, [
    { at: edit, manager: 'kubectl-edit' },
  ]);
  k.configMap('cart-config', 'shop', { SESSION_TTL: '3600', GIFT_WRAP: 'true' }, [{ at: at('10:04'), manager: 'argocd-controller' }]);
  k.workload({
    name: 'cart-api',
    namespace: 'shop',
    replicas: 6,
    nodes,
    configMaps: ['cart-config'],
    revisions: [
      { at: at('08:00') - 3 * 24 * 60 * MINUTE, image: 'registry.shop.example/cart-api:v5.11.0' },
      { at: at('10:05'), image: 'registry.shop.example/cart-api:v5.12.0' },
    ],
  });
  steadyWorkload(k, {
    name: 'storefront',
    namespace: 'shop',
    images: ['registry.shop.example/storefront:v2.40.1', 'registry.shop.example/storefront:v2.40.2'],
    at: at('07:30') - 24 * 60 * MINUTE,
    nodes,
  });
  steadyWorkload(k, {
    name: 'catalog-api',
    namespace: 'shop',
    images: ['registry.shop.example/catalog-api:v19.1.4', 'registry.shop.example/catalog-api:v19.2.0'],
    at: at('06:10') - 4 * 24 * 60 * MINUTE,
    nodes,
  });

  const files = w.finish();
  return {
    ...place,
    files: { ...files, kubernetes: k.files() },
    evalCase: {
      title: 'ConfigMap edited with kubectl: payment timeout cut to 300 ms',
      incident: 'Checkout failing with 504s since ~10:13. cart-api released at 10:05, is that it?',
      dataset: place.dataset,
      since: '5h',
      expect: {
        suspect: { kind: ['config'], id: ['configmap shop/checkout-config'], service: ['checkout-api'] },
        rootCauseKeywords: ['checkout-config', 'configmap'],
        mustNot: { suspectIds: [cartDeploy.id, cartDeploy.version, cartFix.sha] },
        service: ['checkout-api'],
      },
    },
  };
}
