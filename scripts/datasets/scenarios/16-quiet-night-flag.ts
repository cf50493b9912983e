import { chronicError, clientClosed } from '../logs/noise.js';
import { evalPlacement, type ScenarioOutput } from '../scenario.js';
import { World } from '../world.js';
import { app } from './kit.js';

/**
 * Night of 2025-06-03 at a payments bank. A latency alert on payouts-api fired at 02:55 for two minutes and resolved.
 * At 01:40 someone flipped the flag payouts.batch-size-v2 to 25 %, and ledger-svc deployed at 00:30. Neither did
 * anything: error rates never moved, no log signature is new or grew. The honest answer is "nothing abnormal".
 */
export function quietNightFlag(): ScenarioOutput {
  const place = evalPlacement('16-quiet-night-flag');
  const w = new World({
    name: 'quiet-night-flag',
    description: 'A two-minute latency blip at night, a flag flip and a deploy that changed nothing.',
    seed: '16-quiet-night-flag',
    date: '2025-06-03',
    start: '21:00',
    startDay: -1,
    now: '03:05',
    deploymentIds: { kind: 'seq', prefix: 'D', first: 80412, width: 6 },
  });
  const at = (hhmm: string, day = 0) => w.at(hhmm, day);
  const quiet = { diurnal: 0.05, accessPerMin: 3 };
  const payouts = w.service(app('payouts-api', 'go', 'klog', { version: 'v3.11.2', rps: 40, p95: 140, ...quiet }));
  const ledger = w.service(app('ledger-svc', 'java', 'cri', { version: 'v12.0.4', rps: 120, p95: 35, ...quiet }));
  const fx = w.service(app('fx-rates', 'python', 'journald', { version: 'v1.8.0', rps: 25, p95: 20, hostname: 'fx-1', ...quiet }));
  const notify = w.service(
    app('notify-gw', 'node', 'syslog5424', { version: 'v2.2.7', rps: 12, p95: 300, hostname: 'notify-a', ...quiet }),
  );

  w.history(at('21:00', -1));
  const fix = w.git.commit({
    at: at('16:20', -1),
    service: 'ledger-svc',
    message: 'fix(ledger): include currency in duplicate-posting log line',
    files: ['ledger-svc/src/main/java/io/ledger/posting/DuplicateGuard.java'],
  });
  const deploy = w.deploy({ at: at('00:30'), service: 'ledger-svc', version: 'v12.0.5', commits: [fix], by: 'argo-rollouts' });
  payouts.log(at('01:40'), { level: 'info', msg: 'feature flag payouts.batch-size-v2 updated: 0% -> 25% (by m.ortiz via flagd)' });
  payouts.latency.scale(at('02:55'), 2.2, { ramp: 0, until: at('02:57'), recover: 1 });

  for (const svc of [payouts, ledger, fx, notify])
    chronicError(svc, 0.7, (r) => ({
      level: 'error',
      msg: `trace export to otel-agent:4317 failed: deadline exceeded (dropped ${r.int(10, 90)} spans)`,
    }));
  clientClosed(ledger, 3);
  payouts.every(w.start, w.now, 8 / 60, (r) => ({
    level: 'warn',
    msg: `beneficiary bank ${r.pick(['DEUTDEFF', 'BNPAFRPP', 'INGBNL2A'])} slow to acknowledge, will poll again`,
    fields: { poll_in: '30s' },
  }));
  ledger.every(w.start, w.now, 3 / 60, (r) => ({ level: 'warn', msg: `duplicate posting ignored for journal J-${r.int(100000, 999999)}` }));
  fx.cron(15, 2, (r) => ({ level: 'info', msg: `fx snapshot refreshed: ${r.int(150, 170)} pairs from ECB feed` }));
  notify.every(w.start, w.now, 4 / 60, () => ({ level: 'warn', msg: 'sms provider returned 429, message re-queued' }));
  notify.every(w.start, w.now, 1, (r) => ({
    level: 'info',
    msg: 'notification sent',
    fields: { channel: r.pick(['sms', 'push', 'email']) },
  }));
  ledger.every(w.start, w.now, 0.5, () => ({ level: 'info', msg: 'end-of-day batch heartbeat ok' }));

  return {
    ...place,
    files: w.finish(),
    evalCase: {
      title: 'Nothing abnormal: a two-minute night blip after a flag flip',
      incident: 'PagerDuty: payouts-api p95 latency alert fired at 02:55 and auto-resolved. Anything wrong? Was it the batch-size flag?',
      dataset: place.dataset,
      since: '6h',
      expect: {
        suspect: { kind: ['unknown'] },
        rootCauseKeywords: ['no anomaly', 'nothing abnormal'],
        mustNot: { suspectIds: [deploy.id, deploy.version, fix.sha], suspectKinds: ['deployment', 'commit', 'config'] },
        maxConfidence: 'low',
      },
    },
  };
}
