import { Cluster, steadyWorkload } from '../kube.js';
import { chronicError, clientClosed } from '../logs/noise.js';
import { evalPlacement, type ScenarioOutput } from '../scenario.js';
import { MINUTE } from '../time.js';
import { World } from '../world.js';
import { app, bystander } from './kit.js';

/**
 * An image that cannot be pulled (the pattern of the ImagePullBackOff write-ups: a tag set by hand that CI never
 * pushed; no single public postmortem). 2026-06-02, a SaaS billing team: at 09:31 an engineer runs
 * `kubectl set image` on invoice-worker to a release-candidate tag that was never pushed. The Deployment uses the
 * Recreate strategy (a queue consumer must not run two versions), so every old pod stops first and the new ones sit in
 * ImagePullBackOff: nothing consumes the invoice queue. billing-api's logs say only that its enqueue calls time out;
 * the worker logs nothing at all. billing-api's 09:20 release is the red herring; git knows nothing of the new tag.
 */
export function imagePull(): ScenarioOutput {
  const place = evalPlacement('64-image-pull');
  const w = new World({
    name: 'image-pull',
    description: 'An unpullable image tag set with kubectl; the worker never starts.',
    seed: '64-image-pull',
    date: '2026-06-02',
    start: '05:00',
    now: '10:05',
    deploymentIds: { kind: 'seq', prefix: 'b-', first: 1880, width: 4 },
  });
  const at = (hhmm: string) => w.at(hhmm);
  const setImage = at('09:31');
  const onset = setImage + 3 * MINUTE;

  const billing = w.service(app('billing-api', 'java', 'log4j', { version: 'v10.4.0', rps: 160, p95: 120, accessPerMin: 2 }));
  const worker = w.service(app('invoice-worker', 'python', 'json', { version: 'v2.7.3', rps: 20, p95: 300, accessPerMin: 0 }));
  const accounts = w.service(app('accounts-api', 'go', 'json', { version: 'v6.0.9', rps: 220, p95: 35 }));
  bystander(w, 'usage-meter', 'go', 'klog', 'v1.19.0');

  w.history();
  const billingCommit = w.git.commit({
    at: at('08:45'),
    service: 'billing-api',
    message: 'feat(billing): prorate seat changes to the day',
    files: ['billing-api/src/main/java/io/billing/Proration.java'],
  });
  const billingDeploy = w.deploy({
    at: at('09:20'),
    service: 'billing-api',
    version: 'v10.5.0',
    commits: [billingCommit],
    by: 'github-actions',
  });

  // The worker's pods are gone: its own series stop moving and its log goes silent after the stop.
  worker.every(w.start, setImage, 2, (r) => ({
    level: 'info',
    logger: 'invoice_worker.render',
    msg: `rendered invoice inv_${r.hex(10)} in ${r.int(180, 900)}ms`,
  }));
  worker.requests.level(setImage + 30_000, 0, { ramp: 0, jitter: 0 });
  billing.errors.level(onset, 16, { ramp: 3 });
  billing.latency.level(onset, 2100, { ramp: 3 });
  billing.failuresLookLike(onset, [500], ['/v1/billing']);
  billing.every(onset, w.now, 14, (r) => ({
    level: 'error',
    logger: 'io.billing.invoices.InvoiceQueue',
    msg: `enqueue of invoice inv_${r.hex(10)} timed out after 2000ms: queue invoices.render at ${r.int(48000, 50000)}/50000 messages`,
  }));
  billing.every(onset, w.now, 3, () => ({
    level: 'warn',
    logger: 'io.billing.invoices.InvoiceQueue',
    msg: 'queue invoices.render near capacity, applying backpressure',
  }));

  chronicError(billing, 1, () => ({
    level: 'error',
    logger: 'io.billing.tax.VatClient',
    msg: 'VIES VAT check unavailable, deferring validation',
  }));
  chronicError(accounts, 0.8, () => ({ level: 'error', msg: 'SSO metadata refresh failed, keeping previous keys' }));
  clientClosed(accounts, 2);

  const k = new Cluster(w.rng.fork('kube'), w.now);
  const nodes = ['aks-system-28190233-vmss000004', 'aks-apps-28190233-vmss00000a', 'aks-apps-28190233-vmss00000c'];
  for (const node of nodes) k.node(node, { zone: 'westeurope-1' });
  const badImage = 'billingacr.azurecr.io/invoice-worker:v2.8.0-rc1';
  k.workload({
    name: 'invoice-worker',
    namespace: 'billing',
    replicas: 3,
    nodes,
    strategy: 'Recreate',
    trouble: {
      imagePull: {
        from: setImage + 20_000,
        message: `rpc error: code = NotFound desc = failed to pull and unpack image "${badImage}": failed to resolve reference "${badImage}": ${badImage}: not found`,
      },
    },
    revisions: [
      { at: at('10:00') - 12 * 24 * 60 * MINUTE, image: 'billingacr.azurecr.io/invoice-worker:v2.7.2' },
      { at: at('10:00') - 5 * 24 * 60 * MINUTE, image: 'billingacr.azurecr.io/invoice-worker:v2.7.3' },
      {
        at: setImage,
        image: badImage,
        ready: 0,
        changeCause: `kubectl set image deployment/invoice-worker invoice-worker=${badImage} --record=true`,
      },
    ],
  });
  k.workload({
    name: 'billing-api',
    namespace: 'billing',
    replicas: 4,
    nodes,
    revisions: [
      { at: at('08:00') - 2 * 24 * 60 * MINUTE, image: 'billingacr.azurecr.io/billing-api:v10.4.0' },
      { at: at('09:20'), image: 'billingacr.azurecr.io/billing-api:v10.5.0' },
    ],
  });
  steadyWorkload(k, {
    name: 'accounts-api',
    namespace: 'billing',
    images: ['billingacr.azurecr.io/accounts-api:v6.0.8', 'billingacr.azurecr.io/accounts-api:v6.0.9'],
    at: at('07:00') - 3 * 24 * 60 * MINUTE,
    nodes,
  });
  steadyWorkload(k, {
    name: 'usage-meter',
    namespace: 'billing',
    images: ['billingacr.azurecr.io/usage-meter:v1.18.2', 'billingacr.azurecr.io/usage-meter:v1.19.0'],
    at: at('06:00') - 7 * 24 * 60 * MINUTE,
    nodes,
    replicas: 2,
  });

  const files = w.finish();
  return {
    ...place,
    files: { ...files, kubernetes: k.files() },
    evalCase: {
      title: 'Image that cannot be pulled: invoice-worker stuck in ImagePullBackOff',
      incident: 'Invoice generation failing, billing-api 500s since ~09:34. billing-api shipped 09:20, roll back?',
      dataset: place.dataset,
      since: '5h',
      expect: {
        suspect: { kind: ['deployment'], id: ['invoice-worker revision 3'], service: ['invoice-worker'] },
        rootCauseKeywords: ['ImagePullBackOff', 'pull'],
        mustNot: { suspectIds: [billingDeploy.id, billingDeploy.version, billingCommit.sha] },
        service: ['invoice-worker'],
      },
    },
  };
}
