import { chronicError, consumerLag, kubeEvents } from '../logs/noise.js';
import { evalPlacement, type ScenarioOutput } from '../scenario.js';
import { MINUTE } from '../time.js';
import { World } from '../world.js';
import { app, bystander } from './kit.js';

/**
 * 2026-06-03, a neobank's payouts. ledger-grpc (a gRPC service the finance team runs; its logs and metrics are in
 * their own stack, not here) ships v8.1.0 at 11:12, which posts every entry in a serializable transaction. From 11:15
 * its PostEntry calls stall, and payouts-worker's transfers fail with gRPC DeadlineExceeded naming the target
 * `ledger-grpc.finance.svc.cluster.local:9090`. payouts-worker's own release at 10:30 and the platform's Kubernetes
 * event chatter are noise: the dependency the errors name is the candidate, with its own deploy.
 */
export function grpcDependency(): ScenarioOutput {
  const place = evalPlacement('41-grpc-dependency');
  const w = new World({
    name: 'grpc-dependency',
    description: 'A gRPC dependency named only in error messages, whose own release is the cause.',
    seed: '41-grpc-dependency',
    date: '2026-06-03',
    start: '06:30',
    now: '11:40',
    deploymentIds: { kind: 'seq', prefix: 'rel-', first: 30410, width: 5 },
  });
  const at = (hhmm: string) => w.at(hhmm);
  const ship = at('11:12');
  const fail = ship + 3 * MINUTE;

  const payouts = w.service(app('payouts-worker', 'go', 'logfmt', { version: 'v3.7.1', rps: 40, p95: 180, accessPerMin: 1 }));
  const statements = w.service(app('statements-api', 'java', 'log4j', { version: 'v12.0.3', rps: 90, p95: 140 }));
  const kube = w.logSource('kube-events', 'kube-events');
  bystander(w, 'cards-api', 'node', 'pino', 'v27.2.0');
  bystander(w, 'kyc-service', 'python', 'json', 'v5.10.1');

  w.history();
  const retry = w.git.commit({
    at: at('09:50'),
    service: 'payouts-worker',
    message: 'chore(payouts): log the beneficiary bank code on each transfer',
    files: ['payouts-worker/internal/transfer/log.go'],
  });
  const ownDeploy = w.deploy({ at: at('10:30'), service: 'payouts-worker', version: 'v3.8.0', commits: [retry], by: 'argo' });
  const serializable = w.git.commit({
    at: at('10:40'),
    service: 'ledger-grpc',
    author: 'Jonas Berg',
    message: 'feat(ledger): post entries in serializable transactions to stop double-posting',
    files: ['ledger-grpc/internal/posting/tx.go', 'ledger-grpc/internal/posting/isolation.go'],
  });
  const release = w.deploy({ at: ship, service: 'ledger-grpc', version: 'v8.1.0', commits: [serializable], by: 'argo' });

  payouts.errors.level(fail, 35, { ramp: 2 });
  payouts.latency.scale(fail, 8, { ramp: 2 });
  payouts.failuresLookLike(fail, [500], ['/v1/payouts']);
  payouts.every(fail, w.now, 20, (r) => ({
    level: 'error',
    msg: `transfer tr_${r.hex(12)} failed`,
    fields: {
      err: 'rpc error: code = DeadlineExceeded desc = context deadline exceeded while calling ledger-grpc.finance.svc.cluster.local:9090 /ledger.v1.Ledger/PostEntry',
      attempt: r.int(1, 3),
    },
  }));
  payouts.every(fail + 2 * MINUTE, w.now, 3, (r) => ({
    level: 'warn',
    msg: `payout batch pb-${r.int(1000, 9999)} paused: ${r.int(20, 180)} transfers waiting for ledger confirmation`,
  }));
  statements.every(fail + MINUTE, w.now, 2, (r) => ({
    level: 'warn',
    logger: 'io.statements.balance.BalanceView',
    msg: `balance for account ${r.int(10000000, 99999999)} served from cache: ledger read slow`,
  }));

  kubeEvents(kube, ['payouts-worker', 'statements-api', 'cards-api', 'kyc-service'], 10);
  consumerLag(payouts, 'payout-requests', 5, [0, 40]);
  chronicError(payouts, 1, (r) => ({
    level: 'error',
    msg: `beneficiary bank ${r.pick(['NWBKGB2L', 'DEUTDEFF', 'BNPAFRPP'])} rejected IBAN checksum`,
  }));
  chronicError(statements, 2, (r) => ({
    level: 'warn',
    logger: 'io.statements.pdf.Render',
    msg: `statement ${r.int(1000, 9999)} rendered without logo: asset timeout`,
  }));

  return {
    ...place,
    files: w.finish(),
    evalCase: {
      title: 'A gRPC dependency named only in errors, whose own release is the cause',
      incident: 'Payouts failing since about 11:15, payouts-worker errors through the roof. Did our 10:30 release break it?',
      dataset: place.dataset,
      since: '5h',
      expect: {
        suspect: { kind: ['deployment', 'commit'], id: [release.id, release.version, serializable.sha] },
        rootCauseKeywords: ['ledger-grpc', 'serializable'],
        mustNot: { suspectIds: [ownDeploy.id, ownDeploy.version] },
      },
    },
  };
}
