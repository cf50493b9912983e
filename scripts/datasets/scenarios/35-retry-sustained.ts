import { evalPlacement, type ScenarioOutput } from '../scenario.js';
import { MINUTE } from '../time.js';
import { World } from '../world.js';
import { app, bystander } from './kit.js';

/**
 * 2026-03-18, a digital wallet. At 10:02 the accounts database fails over (replication lag spikes for four minutes,
 * then recovers). wallet-api v6.3.0, shipped the afternoon before, retries every failed ledger call six times with no
 * backoff; the retries pile onto the new primary and wallet-api keeps failing long after the failover ended. The
 * report must name the failover as the trigger and the retry storm (and the change that set the policy) as what
 * sustains the failure; card-api's deploy at 09:40 is innocent.
 */
export function retrySustained(): ScenarioOutput {
  const place = evalPlacement('35-retry-sustained');
  const w = new World({
    name: 'retry-sustained',
    description: 'A brief failover triggers a failure that a no-backoff retry policy sustains.',
    seed: '35-retry-sustained',
    date: '2026-03-18',
    start: '05:00',
    now: '10:45',
    deploymentIds: { kind: 'seq', prefix: 'wl-', first: 7701, width: 4 },
  });
  const at = (hhmm: string, day = 0) => w.at(hhmm, day);
  const failover = at('10:02');

  const wallet = w.service(app('wallet-api', 'go', 'logfmt', { version: 'v6.2.4', rps: 300, p95: 60 }));
  const cards = w.service(app('card-api', 'java', 'log4j', { version: 'v3.3.0', rps: 120, p95: 90 }));
  bystander(w, 'kyc-docs', 'python', 'json', 'v1.8.0');
  bystander(w, 'fx-quotes', 'node', 'pino', 'v4.0.1');
  const lag = w.series({
    metric: 'pg_replication_lag_seconds',
    tags: { service: 'accounts-db', role: 'replica' },
    unit: 's',
    base: 0.2,
    jitter: 0.2,
    decimals: 2,
  });
  lag.level(failover, 45, { ramp: 0, until: failover + 4 * MINUTE, recover: 1 });

  w.history(at('15:00', -1));
  const retries = w.git.commit({
    at: at('15:10', -1),
    service: 'wallet-api',
    author: 'Jonas Berg',
    message: 'feat(ledger-client): retry failed ledger calls up to 6 times immediately',
    files: ['wallet-api/internal/ledger/client.go'],
  });
  const release = w.deploy({ at: at('16:00', -1), service: 'wallet-api', version: 'v6.3.0', commits: [retries], by: 'argo' });
  const cardCommit = w.git.commit({
    at: at('08:50'),
    service: 'card-api',
    message: 'fix(cards): mask PAN in audit events',
    files: ['card-api/src/main/java/io/cards/audit/Masking.java'],
  });
  const cardDeploy = w.deploy({ at: at('09:40'), service: 'card-api', version: 'v3.3.1', commits: [cardCommit], by: 'argo' });

  wallet.errors.level(failover + MINUTE, 16, { ramp: 1 });
  wallet.latency.level(failover + MINUTE, 900, { ramp: 2 });
  wallet.cpu.level(failover + MINUTE, 88, { ramp: 2 });
  wallet.every(failover, failover + 5 * MINUTE, 20, () => ({
    level: 'error',
    msg: 'ledger call failed: connection reset, primary accounts-db unavailable',
  }));
  wallet.every(failover + MINUTE, w.now, 40, (r) => ({
    level: 'warn',
    msg: `retrying ledger call (attempt ${r.int(2, 6)}/6) without backoff`,
    fields: { op: r.pick(['debit', 'credit', 'hold']) },
  }));
  wallet.every(failover + 2 * MINUTE, w.now, 18, () => ({
    level: 'error',
    msg: 'ledger call gave up after 6 attempts: too many connections for role wallet',
  }));
  cards.every(w.start, w.now, 3 / 60, (r) => ({
    level: 'warn',
    logger: 'io.cards.tokens.TokenCache',
    msg: `token cache miss for bin ${r.int(400000, 499999)}`,
  }));

  return {
    ...place,
    files: w.finish(),
    evalCase: {
      title: 'A failover ended, a no-backoff retry policy keeps the failure going',
      incident: 'wallet payments failing since the DB failover at 10:02, failover finished but errors continue',
      dataset: place.dataset,
      since: '5h',
      expect: {
        runbook: 'none',
        suspect: { kind: ['deployment', 'commit'], id: [release.id, release.version, retries.sha] },
        rootCauseKeywords: ['sustains', 'retry'],
        mustNot: { suspectIds: [cardDeploy.id, cardDeploy.version] },
        service: ['wallet-api'],
      },
    },
  };
}
