import { chronicError, clientClosed, gcPauses } from '../logs/noise.js';
import { evalPlacement, type ScenarioOutput } from '../scenario.js';
import { MINUTE } from '../time.js';
import { World } from '../world.js';
import { app } from './kit.js';

/**
 * 2025-10-15, a logistics company. fulfilment-worker v5.4.0 ships at 10:00 with a new carrier-manifest parser that
 * rejects a field one carrier sends. Its host's clock runs seven minutes slow, so its log says the failures began at
 * 09:54, before its own deploy and right after carrier-gw's innocent 09:40 deploy. The deploy record and the
 * startup line of v5.4.0 give away the skew.
 */
export function clockSkew(): ScenarioOutput {
  const place = evalPlacement('22-clock-skew');
  const w = new World({
    name: 'clock-skew',
    description: "A deploy breaks manifest parsing; the service's log clock is seven minutes slow.",
    seed: '22-clock-skew',
    date: '2025-10-15',
    start: '04:00',
    now: '10:25',
    deploymentIds: { kind: 'seq', prefix: 'ship-', first: 7001, width: 5 },
  });
  const at = (hhmm: string, day = 0) => w.at(hhmm, day);
  const ship = at('10:00');

  const worker = w.service(
    app('fulfilment-worker', 'java', 'plain', { version: 'v5.3.9', rps: 35, p95: 300, clockSkewMs: -7 * MINUTE, accessPerMin: 1 }),
  );
  const labels = w.service(app('label-printer', 'go', 'logfmt', { version: 'v2.0.6', rps: 20, p95: 120 }));
  const carrier = w.service(
    app('carrier-gw', 'go', 'nginx', {
      version: 'v1.23.4',
      rps: 150,
      accessPerMin: 5,
      endpoints: [
        { method: 'POST', path: '/carriers/{slug}/manifests', weight: 3, upstream: 'fulfilment-worker' },
        { method: 'GET', path: '/tracking/{id}', weight: 6, upstream: 'tracking-api' },
      ],
    }),
  );
  const tracking = w.service(app('tracking-api', 'node', 'pino', { version: 'v6.6.1', rps: 110, p95: 60 }));

  w.history();
  const parser = w.git.commit({
    at: at('08:45'),
    service: 'fulfilment-worker',
    author: 'Marta Kowalska',
    message: 'feat(manifest): strict carrier manifest schema v2 (reject unknown fields)',
    files: [
      'fulfilment-worker/src/main/java/io/fulfilment/manifest/ManifestParser.java',
      'fulfilment-worker/src/main/resources/manifest-v2.schema.json',
    ],
  });
  const release = w.deploy({ at: ship, service: 'fulfilment-worker', version: 'v5.4.0', commits: [parser], by: 'buildkite' });
  const gw = w.git.commit({
    at: at('09:10'),
    service: 'carrier-gw',
    message: 'chore(nginx): add DHL parcel endpoints to allow-list',
    files: ['carrier-gw/conf.d/carriers.conf'],
  });
  const gwDeploy = w.deploy({ at: at('09:40'), service: 'carrier-gw', version: 'v1.23.5', commits: [gw], by: 'buildkite' });

  worker.errors.level(ship + MINUTE, 38, { ramp: 2 });
  w.series({
    metric: 'jobs_queue_depth',
    tags: { service: 'fulfilment-worker', queue: 'manifests' },
    unit: 'count',
    base: 14,
    jitter: 0.2,
    decimals: 0,
  }).shape(ship + MINUTE, w.now + MINUTE, (m, v) => v + 45 * m);
  carrier.errors.level(ship + 2 * MINUTE, 3.5, { ramp: 2 });
  carrier.failuresLookLike(ship, [502], ['/carriers/{slug}/manifests']);

  for (const svc of [worker, labels, tracking])
    chronicError(svc, 0.6, () => ({ level: 'error', msg: 'heartbeat to consul:8500 failed: i/o timeout' }));
  gcPauses(worker, 4, 1536);
  clientClosed(tracking, 2);
  carrier.every(w.start, w.now, 0.2, () => ({ level: 'warn', msg: 'upstream server temporarily disabled while connecting to upstream' }));
  labels.every(w.start, w.now, 5 / 60, (r) => ({
    level: 'warn',
    msg: 'printer queue slow',
    fields: { printer: `zebra-${r.int(1, 12)}`, depth: r.int(10, 40) },
  }));
  worker.every(ship + MINUTE, w.now, 14, (r) => ({
    level: 'error',
    msg: `Manifest rejected for shipment SH-${r.int(1000000, 9999999)}: unknown field 'consignee_ref' (carrier ${r.pick(['ups', 'dpd'])})`,
  }));
  worker.every(ship + 2 * MINUTE, w.now, 3, (r) => ({ level: 'warn', msg: `manifest batch ${r.int(1000, 9999)} parked for retry` }));

  return {
    ...place,
    files: w.finish(),
    evalCase: {
      title: 'Clock skew: a worker whose log clock is seven minutes slow hides that its own deploy broke it',
      incident: 'Carrier manifests are being rejected since about 09:55; carrier-gw deployed at 09:40. Which change?',
      dataset: place.dataset,
      since: '6h',
      expect: {
        suspect: { kind: ['deployment', 'commit'], id: [release.id, release.version, parser.sha], service: ['fulfilment-worker'] },
        rootCauseKeywords: ['manifest', 'unknown field', 'consignee_ref'],
        mustNot: { suspectIds: [gwDeploy.id, gwDeploy.version, gw.sha] },
        service: ['fulfilment-worker'],
      },
    },
  };
}
