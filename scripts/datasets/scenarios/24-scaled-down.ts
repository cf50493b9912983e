import { chronicError, clientClosed, kubeEvents } from '../logs/noise.js';
import { evalPlacement, type ScenarioOutput } from '../scenario.js';
import { MINUTE } from '../time.js';
import { World } from '../world.js';
import { app } from './kit.js';

/**
 * 2025-08-19, a fintech. At 14:58 an engineer scales ledger-api from 6 to 2 replicas by hand (a cost clean-up meant
 * for staging) and the controller follows. The two pods left pin their CPU and ledger-api starts shedding load; its
 * callers see 503s. Nothing in git explains it; payments-api's 14:50 deploy is innocent. The autoscaler's routine
 * resizes of other workloads all morning are noise.
 */
export function scaledDown(): ScenarioOutput {
  const place = evalPlacement('24-scaled-down');
  const w = new World({
    name: 'scaled-down',
    description: 'A manual scale-down leaves too few replicas; no code change involved.',
    seed: '24-scaled-down',
    date: '2025-08-19',
    start: '09:10',
    now: '15:20',
    deploymentIds: { kind: 'seq', prefix: 'dep-', first: 20931, width: 5 },
  });
  const at = (hhmm: string, day = 0) => w.at(hhmm, day);
  const scale = at('14:58');

  const ledger = w.service(app('ledger-api', 'go', 'klog', { version: 'v6.4.1', rps: 260, p95: 28, cpu: 34, accessPerMin: 2 }));
  const payments = w.service(app('payments-api', 'node', 'pino', { version: 'v15.2.0', rps: 90, p95: 150 }));
  const kyc = w.service(app('kyc-svc', 'python', 'json', { version: 'v3.9.9', rps: 25, p95: 400 }));
  const cards = w.service(app('cards-api', 'java', 'log4j', { version: 'v2.30.0', rps: 70, p95: 90 }));
  const kube = w.logSource('kube-controller-manager', 'klog');

  w.history();
  const pay = w.git.commit({
    at: at('13:55'),
    service: 'payments-api',
    message: 'feat(payouts): add SEPA instant as payout rail',
    files: ['payments-api/src/rails/sepaInstant.ts'],
  });
  const payDeploy = w.deploy({ at: at('14:50'), service: 'payments-api', version: 'v15.3.0', commits: [pay], by: 'github-actions' });

  ledger.cpu.level(scale + MINUTE, 97, { ramp: 2, jitter: 0.01 });
  ledger.latency.level(scale + 2 * MINUTE, 1700, { ramp: 3 });
  ledger.errors.level(scale + 3 * MINUTE, 13, { ramp: 3 });
  ledger.failuresLookLike(scale, [503]);
  w.series({
    metric: 'kube_deployment_status_replicas_available',
    tags: { service: 'ledger-api', namespace: 'core' },
    unit: 'count',
    base: 6,
    jitter: 0,
    decimals: 0,
  }).level(scale + MINUTE, 2, { ramp: 0, jitter: 0 });
  payments.errors.level(scale + 3 * MINUTE, 7, { ramp: 3 });
  cards.errors.level(scale + 4 * MINUTE, 3, { ramp: 3 });

  for (const svc of [payments, kyc, cards])
    chronicError(svc, 1.5, () => ({ level: 'error', msg: 'audit sink kafka-audit:9092 not reachable, event buffered' }));
  clientClosed(payments, 2);
  kubeEvents(kube, ['payments-api', 'kyc-svc', 'cards-api'], 5);
  kyc.every(w.start, w.now, 5 / 60, (r) => ({
    level: 'warn',
    logger: 'kyc.vendor',
    msg: `document check pending at vendor for applicant A${r.int(100000, 999999)}`,
  }));
  ledger.every(w.start, w.now, 8 / 60, (r) => ({ level: 'warn', msg: `slow journal fsync took ${r.int(60, 140)}ms` }));
  kube.log(scale, { level: 'info', msg: 'audit: kubectl scale deployment/ledger-api --replicas=2 -n core by user j.kim@corp' });
  kube.log(scale + 4 * 1000, {
    level: 'info',
    msg: 'Event(Deployment core/ledger-api): Scaled down replica set ledger-api-7d9c5f8b4 to 2 from 6',
  });
  ledger.every(scale + 2 * MINUTE, w.now, 20, (r) => ({
    level: 'error',
    msg: `shedding request: ${r.int(480, 512)}/512 in flight on 2 replicas, returning 503`,
  }));
  payments.every(scale + 3 * MINUTE, w.now, 6, (r) => ({
    level: 'error',
    msg: 'ledger posting failed',
    fields: { upstream: 'ledger-api', status: 503, payment: `pay_${r.hex(10)}` },
  }));

  return {
    ...place,
    files: w.finish(),
    evalCase: {
      title: 'Manual scale-down: ledger-api cut from 6 to 2 replicas by hand',
      incident: 'Ledger postings failing with 503 since ~15:00. payments-api shipped at 14:50, roll back?',
      dataset: place.dataset,
      since: '6h',
      alerts: [{ name: 'LedgerApiShedding', runbookUrl: 'https://github.com/acme/runbooks/blob/main/ledger-api/shedding.md' }],
      expect: {
        runbook: 'ledger-api/shedding.md',
        suspect: { kind: ['infrastructure', 'capacity'] },
        rootCauseKeywords: ['replica', 'scaled', 'scale'],
        mustNot: { suspectIds: [payDeploy.id, payDeploy.version, pay.sha], suspectKinds: ['deployment', 'commit'] },
        service: ['ledger-api'],
      },
    },
  };
}
