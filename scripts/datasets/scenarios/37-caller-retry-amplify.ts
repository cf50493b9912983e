import { cacheStats } from '../logs/noise.js';
import { evalPlacement, type ScenarioOutput } from '../scenario.js';
import { MINUTE } from '../time.js';
import { World } from '../world.js';
import { app, bystander } from './kit.js';

/**
 * 2026-04-09, a travel booking site on Kubernetes. At 14:02 a top-of-rack switch flaps for three minutes (packet
 * loss on rack b12, then clean). fare-engine's lookups time out meanwhile; search-api v12.4.0, shipped the evening
 * before, retries each timed-out fare lookup up to five times with a fixed 50 ms delay. Its calls into fare-engine
 * triple and stay there after the network is clean: fare-engine's workers stay saturated, lookups keep timing out,
 * search-api keeps retrying. The trigger (the flap) was no change; what sustains the failure is the caller's retry
 * policy. fare-engine's own dependency bump at 13:30 sits right before the flap and must not be blamed, nor
 * booking-api's morning release.
 */
export function callerRetryAmplify(): ScenarioOutput {
  const place = evalPlacement('37-caller-retry-amplify');
  const w = new World({
    name: 'caller-retry-amplify',
    description: 'A switch flap ended; a caller retry policy shipped the day before keeps the callee saturated.',
    seed: '37-caller-retry-amplify',
    date: '2026-04-09',
    start: '09:30',
    now: '14:50',
    deploymentIds: { kind: 'seq', prefix: 'rollout-', first: 9120, width: 5 },
  });
  const at = (hhmm: string, day = 0) => w.at(hhmm, day);
  const flap = at('14:02');
  const stuck = flap + MINUTE;

  const fares = w.service(
    app('fare-engine', 'java', 'otel', {
      version: 'v8.2.1',
      rps: 260,
      p95: 140,
      cpu: 45,
      pkg: 'com.trips.fares',
      tags: { namespace: 'fares' },
    }),
  );
  const search = w.service(app('search-api', 'node', 'pino', { version: 'v12.3.4', rps: 240, p95: 320, tags: { namespace: 'search' } }));
  const booking = w.service(app('booking-api', 'go', 'logfmt', { version: 'v3.9.2', rps: 40, p95: 210 }));
  const events = w.logSource('k8s-events', 'kube-events');
  bystander(w, 'loyalty-points', 'python', 'json', 'v2.0.7');
  bystander(w, 'hotel-content', 'java', 'log4j', 'v6.5.0');

  // Calls each caller makes into fare-engine, as a recording rule over the client-side request counter.
  const outbound = (caller: string, base: number) =>
    w.series({
      metric: 'service:outbound_requests:rate1m',
      tags: { service: caller, peer_service: 'fare-engine' },
      unit: 'req/s',
      base,
      jitter: 0.04,
      diurnal: 0.05,
      decimals: 1,
    });
  outbound('search-api', 215).scale(stuck, 3.2, { ramp: 2 });
  outbound('booking-api', 38);
  w.series({
    metric: 'instance:switch_packet_loss:percent',
    tags: { job: 'snmp', instance: 'tor-b12.fra2', rack: 'b12' },
    unit: '%',
    base: 0.02,
    jitter: 0.3,
    decimals: 3,
  }).level(flap, 22, { ramp: 0, until: flap + 3 * MINUTE, recover: 1 });

  fares.requests.scale(stuck, 2.6, { ramp: 2 });
  fares.cpu.level(stuck, 97, { ramp: 2 });
  fares.latency.level(flap, 800, { ramp: 1 });
  fares.errors.level(flap + MINUTE, 24, { ramp: 2 });
  search.latency.level(flap + MINUTE, 2600, { ramp: 2 });
  search.errors.level(flap + 2 * MINUTE, 14, { ramp: 2 });
  fares.failuresLookLike(flap + MINUTE, [504, 503], ['/v1/fare-engine/{id}']);
  search.failuresLookLike(flap + 2 * MINUTE, [502]);

  fares.every(flap, flap + 4 * MINUTE, 6, (r) => ({
    level: 'error',
    logger: 'com.trips.fares.rates.CarrierRatesClient',
    msg: `carrier rates fetch failed: java.net.SocketTimeoutException: connect timed out (10.61.${r.int(0, 9)}.${r.int(2, 250)}:7443)`,
  }));
  fares.every(stuck, w.now, 16, (r) => ({
    level: 'warn',
    logger: 'com.trips.fares.server.LookupExecutor',
    msg: `rejected fare lookup: executor queue full (${r.int(250, 256)}/256), active workers 64/64`,
  }));
  fares.every(stuck, w.now, 12, () => ({
    level: 'error',
    logger: 'com.trips.fares.server.FareLookupHandler',
    msg: 'fare lookup deadline exceeded after 800ms',
  }));
  search.every(stuck, w.now, 30, (r) => ({
    level: 'warn',
    msg: 'fare lookup timed out, retrying',
    fields: {
      attempt: r.int(2, 5),
      maxAttempts: 5,
      delayMs: 50,
      route: `${r.pick(['FRA', 'MUC', 'LIS', 'OSL'])}-${r.pick(['JFK', 'BCN', 'ATH'])}`,
    },
  }));
  search.every(stuck + MINUTE, w.now, 9, () => ({
    level: 'error',
    msg: 'fare lookup failed after 5 attempts: upstream fare-engine 503',
  }));
  events.every(stuck + 3 * MINUTE, w.now, 0.4, () => ({
    level: 'warn',
    msg: 'unable to scale up: desired replica count 18 exceeds maxReplicas 12',
    fields: { reason: 'FailedGetScale', kind: 'HorizontalPodAutoscaler', namespace: 'fares', object: 'fare-engine' },
  }));

  // Everyday noise.
  cacheStats(search, 'destinations', 10, 0.91);
  booking.every(w.start, w.now, 0.2, (r) => ({
    level: 'warn',
    msg: `payment hold for booking b-${r.int(100000, 999999)} near expiry, extending`,
  }));
  events.every(w.start, w.now, 0.2, (r) => {
    const workload = r.pick(['search-api', 'fare-engine', 'booking-api', 'loyalty-points']);
    const pod = `${workload}-${r.hex(9)}-${r.hex(5)}`;
    return r.weighted([
      [{ level: 'info', msg: 'Started container app', fields: { reason: 'Started', kind: 'Pod', namespace: 'trips', object: pod } }, 3],
      [
        {
          level: 'info',
          msg: `New size: ${r.int(4, 8)}; reason: cpu resource utilization (percentage of request) below target`,
          fields: { reason: 'SuccessfulRescale', kind: 'HorizontalPodAutoscaler', namespace: 'trips', object: workload },
        },
        2,
      ],
      [
        {
          level: 'warn',
          msg: 'Readiness probe failed: HTTP probe failed with statuscode: 503',
          fields: { reason: 'Unhealthy', kind: 'Pod', namespace: 'trips', object: pod },
        },
        1,
      ],
    ] as const);
  });

  w.history(at('16:00', -1));
  const retries = w.git.commit({
    at: at('15:40', -1),
    service: 'search-api',
    author: 'Sofia Lindqvist',
    message: 'feat(fares): retry timed-out fare lookups up to 5 times with a fixed 50ms delay',
    files: ['search-api/src/fares/client.ts', 'search-api/src/fares/retry-policy.ts'],
  });
  const release = w.deploy({ at: at('17:20', -1), service: 'search-api', version: 'v12.4.0', commits: [retries], by: 'flux' });
  const bookingCommit = w.git.commit({
    at: at('10:05'),
    service: 'booking-api',
    message: 'feat(booking): show refundable fare badge',
    files: ['booking-api/internal/offer/badge.go'],
  });
  const bookingDeploy = w.deploy({ at: at('11:10'), service: 'booking-api', version: 'v3.9.3', commits: [bookingCommit], by: 'flux' });
  const bump = w.git.commit({
    at: at('12:45'),
    service: 'fare-engine',
    message: 'chore(deps): bump jackson-databind to 2.17.1',
    files: ['fare-engine/pom.xml'],
  });
  const faresDeploy = w.deploy({ at: at('13:30'), service: 'fare-engine', version: 'v8.2.2', commits: [bump], by: 'flux' });

  return {
    ...place,
    files: w.finish(),
    evalCase: {
      title: 'A switch flap ended; the caller retry policy shipped the day before keeps the callee saturated',
      incident:
        'fare-engine saturated and search failing since the network flap at 14:02; the network is fine again but it does not recover',
      dataset: place.dataset,
      since: '5h',
      expect: {
        suspect: { kind: ['deployment', 'commit'], id: [release.id, release.version, retries.sha] },
        rootCauseKeywords: ['sustains', 'retry'],
        mustNot: { suspectIds: [faresDeploy.id, faresDeploy.version, bookingDeploy.id, bookingDeploy.version] },
        service: ['search-api'],
      },
    },
  };
}
