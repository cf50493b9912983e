import { chronicError, gcPauses, healthChecks } from '../logs/noise.js';
import { evalPlacement, type ScenarioOutput } from '../scenario.js';
import { MINUTE } from '../time.js';
import { World } from '../world.js';
import { app, bystander } from './kit.js';

/**
 * Written from the SEC's public order on Knight Capital (1 August 2012): new order-routing code was copied to seven
 * of eight servers; the eighth still ran old code in which a repurposed flag woke a long-dead function, and only that
 * server sent runaway child orders when the market opened. The deploy itself reported no failure. Here: order-router
 * (Java, log4j) v4.2.0 was rolled out the evening before and its deployment record says succeeded; its per-instance
 * series carry `instance` and `version` labels, and smars-08 still reports v4.1.7. From 13:30 only smars-08's
 * order error ratio climbs (parent orders overfilled). Red herrings: a market-data-feed release at 12:55 and
 * order-router's own v4.1.7 release nine days earlier. Mixed formats: log4j, JSON, logfmt.
 */
export function hostLeftBehind(): ScenarioOutput {
  const place = evalPlacement('50-host-left-behind');
  const w = new World({
    name: 'host-left-behind',
    description: 'A rollout missed one server; the old code alone fails at market open. The deploy said succeeded.',
    seed: '50-host-left-behind',
    date: '2012-08-01',
    start: '09:30',
    now: '14:10',
    deploymentIds: { kind: 'seq', prefix: 'km-', first: 720, width: 4 },
    historyDays: 12,
  });
  const at = (hhmm: string, day = 0) => w.at(hhmm, day);
  const onset = at('13:30');
  const hosts = ['smars-01', 'smars-02', 'smars-03', 'smars-04', 'smars-05', 'smars-06', 'smars-07', 'smars-08'];
  const behind = 'smars-08';

  const router = w.service(
    app('order-router', 'java', 'log4j', { version: 'v4.2.0', rps: 1600, p95: 3, pkg: 'com.knightly.smars', golden: false }),
  );
  const feed = w.service(app('market-data-feed', 'go', 'logfmt', { version: 'v7.3.2', rps: 5000, p95: 1 }));
  bystander(w, 'risk-checks', 'python', 'json', 'v2.19.0');
  bystander(w, 'client-portal', 'node', 'pino', 'v31.2.4');
  bystander(w, 'settlement-batch', 'java', 'log4j', 'v9.6.1');

  for (const host of hosts) {
    const tags = { app: 'order-router', instance: `${host}:9404`, version: host === behind ? 'v4.1.7' : 'v4.2.0' };
    const errors = w.series({ metric: 'orders_error_ratio', tags, unit: 'ratio', base: 0.0008, jitter: 0.3, decimals: 4, max: 1 });
    w.series({ metric: 'orders_route_latency_p99_ms', tags, unit: 'ms', base: 3, jitter: 0.08, decimals: 1 });
    w.series({ metric: 'orders_routed_per_second', tags, unit: 'req/s', base: 200, jitter: 0.05, diurnal: 0.2, decimals: 1 });
    if (host === behind) errors.level(onset, 0.62, { ramp: 2, jitter: 0.05 });
  }

  w.history();
  const oldFix = w.git.commit({
    at: at('16:00', -10),
    service: 'order-router',
    message: 'fix(routing): respect odd-lot handling for NYSE Arca',
    files: ['order-router/src/main/java/com/knightly/smars/route/OddLots.java'],
  });
  const old = w.deploy({ at: at('21:30', -9), service: 'order-router', version: 'v4.1.7', commits: [oldFix], by: 'ops-scripts' });
  const rlp = w.git.commit({
    at: at('15:20', -1),
    service: 'order-router',
    author: 'R. Delgado',
    message: 'feat(rlp): route retail liquidity program orders; reuse the retired parent-order flag for RLP',
    files: [
      'order-router/src/main/java/com/knightly/smars/rlp/RetailLiquidityRouter.java',
      'order-router/src/main/java/com/knightly/smars/route/OrderFlags.java',
    ],
  });
  const rollout = w.deploy({ at: at('22:10', -1), service: 'order-router', version: 'v4.2.0', commits: [rlp], by: 'ops-scripts' });
  const depth = w.git.commit({
    at: at('11:40'),
    service: 'market-data-feed',
    message: 'perf(feed): batch depth-of-book updates per symbol',
    files: ['market-data-feed/internal/book/depth.go'],
  });
  const herring = w.deploy({ at: at('12:55'), service: 'market-data-feed', version: 'v7.4.0', commits: [depth], by: 'ops-scripts' });

  router.every(onset, w.now, 45, (r) => ({
    level: 'error',
    logger: 'com.knightly.smars.route.ParentOrderBook',
    msg: `parent order P-${r.int(100000, 999999)} overfilled on ${behind}: executed ${r.int(20, 90) * 1000} of ${r.int(1, 9) * 100} shares, child orders still being sent`,
  }));
  router.every(onset + MINUTE, w.now, 8, (r) => ({
    level: 'warn',
    logger: 'com.knightly.smars.risk.PositionMonitor',
    msg: `position limit breached for ${r.pick(['BAC', 'EXC', 'RAD', 'WTW', 'NYX'])}: net ${r.int(1, 9)}.${r.int(0, 9)}M shares`,
  }));
  healthChecks(router, 2);
  gcPauses(router, 6, 6144);
  chronicError(router, 2, (r) => ({
    level: 'warn',
    logger: 'com.knightly.smars.venue.Session',
    msg: `venue ${r.pick(['ARCA', 'BATS', 'EDGX'])} heartbeat late by ${r.int(200, 900)}ms`,
  }));
  chronicError(feed, 3, (r) => ({ level: 'warn', msg: `sequence gap on channel ${r.int(1, 24)}, requesting retransmit` }));

  return {
    ...place,
    files: w.finish(),
    evalCase: {
      title: 'A rollout left one server on the old version, which alone fails at market open (after Knight Capital, 2012-08-01)',
      incident:
        'order-router sending runaway child orders since the open at 13:30, positions blowing through limits. market-data-feed shipped at 12:55?',
      dataset: place.dataset,
      since: '4h',
      expect: {
        suspect: { kind: ['deployment', 'commit'], id: [rollout.id, rollout.version, rlp.sha], service: ['order-router'] },
        rootCauseKeywords: ['v4.1.7', 'incomplete rollout'],
        mustNot: { suspectIds: [herring.id, herring.version, depth.sha, old.id, oldFix.sha] },
      },
    },
  };
}
