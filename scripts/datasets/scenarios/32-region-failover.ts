import { chronicError, healthChecks } from '../logs/noise.js';
import { evalPlacement, type ScenarioOutput } from '../scenario.js';
import { MINUTE } from '../time.js';
import { World } from '../world.js';
import { app, bystander } from './kit.js';

/**
 * 2026-01-27, an airline's fare search running in two regions. fares-api v9.0.0 went to eu-west-1 and us-east-1 at
 * 11:50/11:55. At 12:18 an operator applies a configuration to eu-west-1 only that points the fare cache at a replica
 * still syncing; from 12:20 eu-west-1 answers errors and slow responses, us-east-1 is fine. The release reached the
 * healthy region too, so it is cleared; the report must say the trouble is confined to eu-west-1.
 */
export function regionFailover(): ScenarioOutput {
  const place = evalPlacement('32-region-failover');
  const w = new World({
    name: 'region-failover',
    description: 'Errors confined to one region after a region-specific configuration change.',
    seed: '32-region-failover',
    date: '2026-01-27',
    start: '07:00',
    now: '12:50',
    deploymentIds: { kind: 'seq', prefix: 'fr-', first: 4410, width: 4 },
  });
  const at = (hhmm: string) => w.at(hhmm);
  const applied = at('12:18');
  const fail = applied + 2 * MINUTE;

  const fares = w.service(app('fares-api', 'node', 'pino', { version: 'v8.9.4', rps: 500, p95: 120, golden: false, accessPerMin: 2 }));
  const booking = w.service(app('booking-svc', 'java', 'log4j', { version: 'v14.2.0', rps: 60, p95: 300 }));
  const ops = w.logSource('ops-audit', 'logfmt');

  for (const region of ['eu-west-1', 'us-east-1']) {
    const tags = { service: 'fares-api', region };
    const errors = w.series({ metric: 'error_rate', tags, unit: '%', base: 0.08, jitter: 0.3, decimals: 2, max: 100 });
    const latency = w.series({ metric: 'latency_p95_ms', tags, unit: 'ms', base: 120, jitter: 0.07, diurnal: 0.08, decimals: 0 });
    w.series({ metric: 'request_rate', tags, unit: 'req/s', base: 250, jitter: 0.04, diurnal: 0.25, decimals: 1 });
    if (region === 'eu-west-1') {
      errors.level(fail, 14, { ramp: 1 });
      latency.level(fail, 900, { ramp: 1 });
    }
  }
  fares.errors.level(fail, 7, { ramp: 1 });
  fares.failuresLookLike(fail, [500]);

  bystander(w, 'seat-pricing', 'go', 'logfmt', 'v3.0.7');
  bystander(w, 'loyalty-api', 'python', 'json', 'v5.5.1');
  bystander(w, 'ancillaries', 'java', 'log4j', 'v8.2.0');
  w.history();
  const search = w.git.commit({
    at: at('10:40'),
    service: 'fares-api',
    message: 'feat(search): include fare family in cache key',
    files: ['fares-api/src/search/cacheKey.ts'],
  });
  const eu = w.deploy({
    at: at('11:50'),
    service: 'fares-api',
    version: 'v9.0.0',
    commits: [search],
    by: 'spinnaker',
    environment: 'production-eu-west-1',
  });
  w.deploy({
    at: at('11:55'),
    service: 'fares-api',
    version: 'v9.0.0',
    commits: [search],
    by: 'spinnaker',
    environment: 'production-us-east-1',
  });

  ops.log(applied, {
    level: 'info',
    msg: 'configuration applied to fares-api in eu-west-1: cache endpoint -> fares-cache-euw1-b.internal (replica promotion)',
    fields: { actor: 'ops-bot', ticket: 'OPS-8812' },
  });
  fares.every(fail, w.now, 30, (r) => ({
    level: 'error',
    msg: 'fare cache read failed, falling back to origin',
    fields: {
      region: 'eu-west-1',
      err: `READONLY You can't write against a read only replica (fares-cache-euw1-b.internal) key=fq:${r.int(100000, 999999)}`,
    },
  }));
  chronicError(booking, 2, (r) => ({ level: 'warn', logger: 'io.booking.pnr.PnrSync', msg: `PNR ${r.int(100000, 999999)} sync retried` }));
  healthChecks(fares, 2);

  return {
    ...place,
    files: w.finish(),
    evalCase: {
      title: 'Symptoms confined to one region; the release reached both regions',
      incident: 'Fare search errors and slowness since 12:20 — is it the 9.0 release?',
      dataset: place.dataset,
      since: '5h',
      expect: {
        suspect: { kind: ['infrastructure', 'dependency'] },
        rootCauseKeywords: ['eu-west-1', 'stayed healthy'],
        mustNot: { suspectIds: [eu.id, 'v9.0.0'], suspectKinds: ['deployment', 'commit'] },
        service: ['fares-api'],
      },
    },
  };
}
