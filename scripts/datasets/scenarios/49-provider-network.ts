import { chronicError, healthChecks, scheduledJob } from '../logs/noise.js';
import { evalPlacement, type ScenarioOutput } from '../scenario.js';
import { World } from '../world.js';
import { app, bystander } from './kit.js';

/**
 * Written from AWS's public summary of the us-east-1 event of 7 December 2021: congestion on the provider's internal
 * network made its own APIs and monitoring slow and error-prone for hours, and customers saw only their calls
 * failing. Here, a customer's view: fulfilment-worker (Python, JSON) starts failing and slowing down at 15:31; its
 * lines say only that a step of the job failed and will be retried, naming no host, dependency or resource, and no
 * metric of ours moves but its errors and latency. Red herrings: a flag flip in flagsmith at 15:12 for another
 * service, the nightly-at-15:30 inventory export that runs every day, and a release of returns-api at 14:58.
 * The right answer is that the data does not show the cause. Mixed formats: JSON, logfmt, log4j.
 */
export function providerNetwork(): ScenarioOutput {
  const place = evalPlacement('49-provider-network');
  const w = new World({
    name: 'provider-network',
    description: 'A worker fails with nothing in our telemetry that explains it; a flag, a daily job and a release nearby.',
    seed: '49-provider-network',
    date: '2021-12-07',
    start: '11:00',
    now: '16:10',
    deploymentIds: { kind: 'seq', prefix: 'ff-', first: 3301, width: 4 },
  });
  const at = (hhmm: string) => w.at(hhmm);
  const onset = at('15:31');

  const worker = w.service(app('fulfilment-worker', 'python', 'json', { version: 'v12.9.1', rps: 45, p95: 800, accessPerMin: 0 }));
  const returns = w.service(app('returns-api', 'go', 'logfmt', { version: 'v3.3.0', rps: 70, p95: 60 }));
  const flags = w.logSource('flagsmith', 'logfmt');
  const inventory = bystander(w, 'inventory-sync', 'java', 'log4j', 'v20.4.2');
  bystander(w, 'storefront-web', 'node', 'pino', 'v88.1.0');

  worker.errors.level(onset, 11, { ramp: 4, jitter: 0.2 });
  worker.latency.level(onset, 5200, { ramp: 4 });

  w.history();
  const label = w.git.commit({
    at: at('14:20'),
    service: 'returns-api',
    author: 'Inês Carvalho',
    message: 'feat(labels): print return labels in the customer language',
    files: ['returns-api/internal/labels/render.go'],
  });
  const herring = w.deploy({ at: at('14:58'), service: 'returns-api', version: 'v3.4.0', commits: [label], by: 'github-actions' });

  flags.log(at('15:12'), {
    level: 'info',
    msg: 'feature state updated',
    fields: { feature: 'storefront_gift_wrap', environment: 'production', enabled: true, actor: 'n.okafor' },
  });
  scheduledJob(inventory, 'inventory-export', 24 * 60, 15 * 60 + 30, [200, 400]);
  worker.every(onset, w.now, 12, (r) => ({
    level: 'error',
    logger: 'fulfilment.steps',
    msg: `step ${r.pick(['reserve', 'label', 'handover'])} failed for shipment S-${r.int(100000, 999999)}, will retry (attempt ${r.int(1, 5)})`,
  }));
  worker.every(w.start, w.now, 20, (r) => ({
    level: 'info',
    logger: 'fulfilment.steps',
    msg: `shipment S-${r.int(100000, 999999)} handed over`,
  }));
  healthChecks(worker, 1);
  chronicError(worker, 2, (r) => ({
    level: 'warn',
    logger: 'fulfilment.address',
    msg: `address normalised with low confidence (${r.int(40, 70)}%)`,
  }));
  chronicError(returns, 2, (r) => ({ level: 'error', msg: `label template missing for locale ${r.pick(['ga-IE', 'mt-MT'])}` }));

  return {
    ...place,
    files: w.finish(),
    evalCase: {
      title: 'A worker fails with nothing in our telemetry to say why (after AWS us-east-1, 2021-12-07): not enough evidence',
      incident:
        'fulfilment-worker steps failing and slow since ~15:30. Something we changed? returns shipped, a flag flipped, the export ran.',
      dataset: place.dataset,
      since: '4h',
      expect: {
        suspect: { kind: ['unknown'] },
        rootCauseKeywords: ['could not be determined', 'not enough evidence'],
        mustNot: { suspectIds: [herring.id, herring.version, label.sha], suspectKinds: ['deployment', 'commit', 'config'] },
        maxConfidence: 'low',
      },
    },
  };
}
