import { chronicError, clientClosed, gcPauses } from '../logs/noise.js';
import { evalPlacement, type ScenarioOutput } from '../scenario.js';
import { MINUTE } from '../time.js';
import { World } from '../world.js';
import { app } from './kit.js';

/**
 * 2025-09-22, a travel marketplace. At 14:00 a partner starts a full inventory sync through partner-api: partner-api's
 * own incoming traffic triples and its calls to availability-svc rise with it, availability-svc's worker queue fills
 * and it rejects requests. An availability-svc deploy at 13:20 changed a debug line and is innocent: this is an
 * external surge passing through, not a fan-out inside partner-api.
 */
export function partnerSurge(): ScenarioOutput {
  const place = evalPlacement('19-partner-surge');
  const w = new World({
    name: 'partner-surge',
    description: 'A partner bulk sync triples incoming traffic; the dependency behind the partner API saturates.',
    seed: '19-partner-surge',
    date: '2025-09-22',
    start: '08:20',
    now: '14:25',
    deploymentIds: { kind: 'seq', prefix: 'dpl-', first: 330, width: 4 },
  });
  const at = (hhmm: string, day = 0) => w.at(hhmm, day);
  const sync = at('14:00');

  const partner = w.service(app('partner-api', 'go', 'logfmt', { version: 'v2.19.0', rps: 70, p95: 110, accessPerMin: 3 }));
  const avail = w.service(app('availability-svc', 'java', 'log4j', { version: 'v7.3.2', rps: 210, p95: 45, accessPerMin: 2 }));
  const pricing = w.service(app('pricing-engine', 'python', 'json', { version: 'v3.0.8', rps: 150, p95: 60 }));
  const web = w.service(
    app('web-frontend', 'go', 'nginx', {
      version: 'v1.25.3',
      rps: 320,
      accessPerMin: 5,
      endpoints: [
        { method: 'GET', path: '/hotels/{id}', weight: 6, upstream: 'availability-svc' },
        { method: 'GET', path: '/search?city={slug}', weight: 5, upstream: 'pricing-engine' },
      ],
    }),
  );
  const audit = w.service(
    app('audit-log', 'python', 'syslog', { version: 'v0.9.4', rps: 30, p95: 15, hostname: 'audit-1', accessPerMin: 0.5 }),
  );

  w.history();
  const debug = w.git.commit({
    at: at('11:45'),
    service: 'availability-svc',
    message: 'chore(logging): include hotel id in cache-miss debug line',
    files: ['availability-svc/src/main/java/io/availability/cache/RoomCache.java'],
  });
  const deploy = w.deploy({ at: at('13:20'), service: 'availability-svc', version: 'v7.3.3', commits: [debug], by: 'gitlab-ci' });

  const surge = (factor: number) => (m: number, v: number) => v * (1 + (factor - 1) * Math.min(1, m / 4));
  partner.requests.shape(sync, w.now + MINUTE, surge(3.4));
  w.series({
    metric: 'http_client_requests_per_sec',
    tags: { service: 'partner-api', upstream: 'availability-svc' },
    unit: 'req/s',
    base: 140,
    diurnal: 0.25,
    jitter: 0.04,
    decimals: 0,
  }).shape(sync, w.now + MINUTE, surge(3.3));
  avail.requests.shape(sync, w.now + MINUTE, surge(2.4));
  avail.cpu.level(sync + 2 * MINUTE, 96, { ramp: 3, jitter: 0.01 });
  avail.latency.level(sync + 3 * MINUTE, 1900, { ramp: 4 });
  avail.errors.level(sync + 4 * MINUTE, 11, { ramp: 3 });
  partner.errors.level(sync + 4 * MINUTE, 17, { ramp: 3 });
  partner.failuresLookLike(sync, [429, 503]);
  web.errors.level(sync + 5 * MINUTE, 2.4, { ramp: 3 });
  web.failuresLookLike(sync, [503], ['/hotels/{id}']);

  for (const svc of [partner, pricing, audit])
    chronicError(svc, 0.7, () => ({ level: 'error', msg: 'could not ship traces to jaeger-agent:6831: connection refused' }));
  gcPauses(avail, 5, 3072);
  clientClosed(partner, 3);
  web.every(w.start, w.now, 0.2, () => ({
    level: 'warn',
    msg: 'upstream sent duplicate header line: "X-Request-Id", previous value kept',
  }));
  pricing.every(w.start, w.now, 5 / 60, (r) => ({
    level: 'warn',
    logger: 'pricing.fx',
    msg: `stale fx rate for ${r.pick(['THB', 'IDR', 'VND'])}, using cached value`,
  }));
  audit.every(w.start, w.now, 0.6, (r) => ({ level: 'info', msg: `audit event stored kind=${r.pick(['login', 'booking', 'refund'])}` }));
  audit.every(w.start, w.now, 5 / 60, () => ({ level: 'warn', msg: 'WARN audit batch flushed late (queue 120 events)' }));
  partner.log(sync + 20 * 1000, {
    level: 'info',
    msg: 'partner sync session opened',
    fields: { partner: 'acme-travel', mode: 'full', hotels: 412000 },
  });
  partner.every(sync + 3 * MINUTE, w.now, 20, (r) => ({
    level: 'warn',
    msg: '429 Too Many Requests returned to partner',
    fields: { partner: 'acme-travel', bucket: `p-${r.int(1, 8)}` },
  }));
  avail.every(sync + 3 * MINUTE, w.now, 15, (r) => ({
    level: 'error',
    logger: 'io.availability.web.BoundedExecutor',
    msg: `Rejecting request: worker queue full (${r.int(500, 512)}/512), load shedding`,
  }));

  return {
    ...place,
    files: w.finish(),
    evalCase: {
      title: 'External surge: a partner bulk sync overloads availability-svc through partner-api',
      incident: 'Hotel pages erroring and partner API returning 429/503 since 14:00. availability-svc deployed at 13:20, roll it back?',
      dataset: place.dataset,
      since: '6h',
      expect: {
        suspect: { kind: ['capacity'] },
        rootCauseKeywords: ['traffic', 'surge', 'load'],
        mustNot: { suspectIds: [deploy.id, deploy.version, debug.sha], suspectKinds: ['deployment', 'commit'] },
      },
    },
  };
}
