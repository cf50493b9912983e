import { chronicError, healthChecks } from '../logs/noise.js';
import { evalPlacement, type ScenarioOutput } from '../scenario.js';
import { World } from '../world.js';
import { app, bystander } from './kit.js';

/**
 * Written from Salesforce's public account of the NA14 incident of May 2016: one instance (a shard of customers)
 * lost its database after a power failure and a storage fault, while every other instance kept serving; customers
 * on NA14 could not work for most of a day. Here: crm-app serves five shards; from 07:12 shard na14's error ratio
 * climbs to about 35 % while the other shards, sharing the login and search tiers that now retry for na14, rise to
 * about 1 %. The storage array behind na14 (a series with `array`, `shard` and the exporter's `instance`, no service) shows its write latency
 * jumping at 07:10. Red herrings: crm-app's release to every shard at 06:40 and a reports-api release at 07:00.
 * Mixed formats: log4j, JSON, logfmt.
 */
export function shardConcentration(): ScenarioOutput {
  const place = evalPlacement('54-shard-concentration');
  const w = new World({
    name: 'shard-concentration',
    description: 'One shard holds most errors at many times the others’ rate; the release went to every shard.',
    seed: '54-shard-concentration',
    date: '2016-05-10',
    start: '03:00',
    now: '07:50',
    deploymentIds: { kind: 'seq', prefix: 'sf-', first: 9100, width: 4 },
  });
  const at = (hhmm: string) => w.at(hhmm);
  const fault = at('07:10');
  const onset = at('07:12');
  const shards = ['na11', 'na12', 'na13', 'na14', 'na15'];
  const sick = 'na14';

  const crm = w.service(
    app('crm-app', 'java', 'log4j', { version: 'v202.4.0', rps: 3000, p95: 180, pkg: 'com.crmco.app', accessPerMin: 4 }),
  );
  const reports = w.service(app('reports-api', 'python', 'json', { version: 'v31.0.2', rps: 90, p95: 900 }));
  bystander(w, 'login-service', 'go', 'logfmt', 'v15.7.3');
  bystander(w, 'mobile-sync', 'node', 'pino', 'v8.19.0');

  for (const [i, shard] of shards.entries()) {
    const tags = { app: 'crm-app', shard };
    const errors = w.series({ metric: 'crm_request_error_ratio', tags, unit: 'ratio', base: 0.001, jitter: 0.3, decimals: 4, max: 1 });
    const latency = w.series({ metric: 'crm_request_p95_ms', tags, unit: 'ms', base: 180, jitter: 0.07, diurnal: 0.1, decimals: 0 });
    w.series({ metric: 'crm_requests_per_second', tags, unit: 'req/s', base: 600, jitter: 0.04, diurnal: 0.2, decimals: 1 });
    const array = w.series({
      metric: 'storage_array_write_latency_ms',
      tags: { array: `sa-${String(3 + i).padStart(2, '0')}`, shard, instance: `sa-${String(3 + i).padStart(2, '0')}-ctl:9100` },
      unit: 'ms',
      base: 2.5,
      jitter: 0.15,
      decimals: 1,
    });
    if (shard === sick) {
      array.level(fault, 480, { ramp: 2 });
      errors.level(onset, 0.35, { ramp: 3, jitter: 0.05 });
      latency.level(onset, 9000, { ramp: 3 });
    } else {
      errors.level(onset + 60_000, 0.01, { ramp: 4, jitter: 0.15 });
      latency.scale(onset + 60_000, 1.3, { ramp: 4 });
    }
  }
  crm.errors.level(onset, 7.5, { ramp: 3 });
  crm.failuresLookLike(onset, [500, 503], ['/v1/crm/{id}']);

  w.history();
  const layout = w.git.commit({
    at: at('05:50'),
    service: 'crm-app',
    author: 'Aisha Mbeki',
    message: 'feat(ui): compact record layout for opportunities',
    files: ['crm-app/src/main/java/com/crmco/app/ui/RecordLayout.java'],
  });
  const release = w.deploy({ at: at('06:40'), service: 'crm-app', version: 'v202.5.0', commits: [layout], by: 'rollout-bot' });
  const csv = w.git.commit({
    at: at('06:20'),
    service: 'reports-api',
    message: 'fix(export): quote CSV fields containing newlines',
    files: ['reports-api/reports/export/csv.py'],
  });
  const herring = w.deploy({ at: at('07:00'), service: 'reports-api', version: 'v31.0.3', commits: [csv], by: 'rollout-bot' });

  crm.every(onset, w.now, 30, (r) => ({
    level: 'error',
    logger: 'com.crmco.app.data.RecordStore',
    msg: `save failed for org 00D${r.hex(12)} on ${sick}: SQLRecoverableException: IO Error: Connection timed out`,
  }));
  crm.every(onset + 60_000, w.now, 2, (r) => ({
    level: 'warn',
    logger: 'com.crmco.app.search.Federated',
    msg: `cross-shard search partial: ${sick} did not answer within 2000 ms (org 00D${r.hex(12)})`,
  }));
  healthChecks(crm, 2);
  chronicError(crm, 3, (r) => ({ level: 'warn', logger: 'com.crmco.app.api.Limits', msg: `org 00D${r.hex(12)} near its daily API limit` }));
  chronicError(reports, 2, (r) => ({ level: 'error', msg: `report R-${r.int(1000, 9999)} timed out building pivot` }));

  return {
    ...place,
    files: w.finish(),
    evalCase: {
      title: 'One shard holds most errors at many times the others’ rate; the release went to every shard (after Salesforce NA14, 2016-05)',
      incident:
        'CRM errors since ~07:12, worst for some customers but everyone sees some. We released crm-app at 06:40 and reports at 07:00 — roll back?',
      dataset: place.dataset,
      since: '4h',
      expect: {
        suspect: { kind: ['infrastructure'] },
        rootCauseKeywords: [sick, 'storage_array_write_latency'],
        mustNot: {
          suspectIds: [herring.id, herring.version, csv.sha, release.id, release.version, layout.sha],
          suspectKinds: ['deployment', 'commit'],
        },
      },
    },
  };
}
