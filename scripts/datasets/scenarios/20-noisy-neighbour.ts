import { chronicError, clientClosed, gcPauses } from '../logs/noise.js';
import { evalPlacement, type ScenarioOutput } from '../scenario.js';
import { MINUTE } from '../time.js';
import { World } from '../world.js';
import { app } from './kit.js';

/**
 * 2025-04-08, a media company. session-api and thumbnailer share the VM worker-3. At 11:00 thumbnailer starts
 * reprocessing a backlog of 2.1M originals with 32 workers: worker-3's CPU pins, session-api's latency and errors
 * climb although its traffic is flat and its code did not change (its 10:20 deploy bumped a library). The exporter
 * series (job="node") belongs to the host, not to a service called "node".
 */
export function noisyNeighbour(): ScenarioOutput {
  const place = evalPlacement('20-noisy-neighbour');
  const w = new World({
    name: 'noisy-neighbour',
    description: 'A batch job saturates a shared host; the latency-sensitive service on it suffers.',
    seed: '20-noisy-neighbour',
    date: '2025-04-08',
    start: '05:00',
    now: '11:20',
    deploymentIds: { kind: 'seq', prefix: 'build-', first: 9911, width: 5 },
  });
  const at = (hhmm: string, day = 0) => w.at(hhmm, day);
  const batch = at('11:00');

  const session = w.service(
    app('session-api', 'java', 'json', { version: 'v5.12.0', rps: 180, p95: 45, tags: { host: 'worker-3' }, accessPerMin: 3 }),
  );
  const thumbs = w.service(
    app('thumbnailer', 'python', 'syslog5424', {
      version: 'v1.4.2',
      rps: 8,
      p95: 900,
      cpu: 20,
      tags: { host: 'worker-3' },
      hostname: 'worker-3',
      accessPerMin: 0.5,
    }),
  );
  const feed = w.service(
    app('feed-api', 'go', 'logfmt', { version: 'v8.0.1', rps: 240, p95: 70, tags: { host: 'worker-1' }, accessPerMin: 3 }),
  );
  const comments = w.service(app('comments-api', 'node', 'pino', { version: 'v3.3.0', rps: 90, p95: 55, tags: { host: 'worker-2' } }));

  const node = (host: string, base: number) =>
    w.series({
      metric: 'node_cpu_utilisation',
      tags: { job: 'node', instance: `${host}:9100` },
      unit: '%',
      base,
      diurnal: 0.15,
      jitter: 0.05,
      decimals: 1,
      max: 100,
    });
  const worker3 = node('worker-3', 41);
  node('worker-1', 37);
  node('worker-2', 33);
  worker3.level(batch + MINUTE, 99, { ramp: 2, jitter: 0.005 });
  w.series({
    metric: 'node_load1',
    tags: { job: 'node', instance: 'worker-3:9100' },
    unit: 'count',
    base: 3.1,
    jitter: 0.1,
    decimals: 2,
  }).level(batch + MINUTE, 38, { ramp: 3 });

  w.history();
  const bump = w.git.commit({
    at: at('09:40'),
    service: 'session-api',
    message: 'chore(deps): bump jackson-databind to 2.17.1',
    files: ['session-api/pom.xml'],
  });
  const deploy = w.deploy({ at: at('10:20'), service: 'session-api', version: 'v5.12.1', commits: [bump], by: 'teamcity' });

  thumbs.cpu.level(batch, 86, { ramp: 2 });
  session.latency.level(batch + 2 * MINUTE, 1400, { ramp: 4, jitter: 0.08 });
  session.errors.level(batch + 4 * MINUTE, 3.8, { ramp: 3 });
  session.cpu.level(batch + 2 * MINUTE, 31, { ramp: 3 });
  session.failuresLookLike(batch, [503]);

  for (const svc of [session, feed, comments])
    chronicError(svc, 0.6, () => ({ level: 'error', msg: 'span exporter: otel-collector.observability:4317 unavailable' }));
  gcPauses(session, 4, 2048);
  clientClosed(feed, 3);
  thumbs.every(w.start, w.now, 0.5, (r) => ({
    level: 'info',
    msg: `thumbnail rendered ${r.int(100000, 999999)}.jpg in ${r.int(200, 900)}ms`,
  }));
  thumbs.every(w.start, w.now, 4 / 60, (r) => ({
    level: 'warn',
    msg: `original ${r.int(100000, 999999)}.heic has no EXIF orientation, assuming 1`,
  }));
  comments.every(w.start, w.now, 5 / 60, () => ({ level: 'warn', msg: 'spam classifier slow, comment queued for review' }));
  thumbs.log(batch + 10 * 1000, { level: 'info', msg: 'backlog reprocess job started: 2.1M originals queued, 32 workers' });
  thumbs.every(batch, w.now, 2, (r) => ({ level: 'info', msg: `reprocess progress ${r.int(1000, 90000)}/2100000` }));
  session.every(batch + 3 * MINUTE, w.now, 10, (r) => ({
    level: 'error',
    logger: 'io.session.http.RequestTimeoutFilter',
    msg: `request exceeded 1000ms budget, returning 503 (queue wait ${r.int(600, 2400)}ms)`,
  }));
  session.every(batch + 2 * MINUTE, w.now, 6, (r) => ({
    level: 'warn',
    logger: 'io.session.store.TokenCache',
    msg: `token refresh took ${r.int(500, 1500)}ms`,
  }));

  return {
    ...place,
    files: w.finish(),
    evalCase: {
      title: 'Noisy neighbour: a thumbnail backlog job starves session-api on a shared host',
      incident: 'session-api is timing out since 11:00; it deployed at 10:20, should we roll back?',
      dataset: place.dataset,
      since: '6h',
      expect: {
        suspect: { kind: ['capacity', 'infrastructure'] },
        rootCauseKeywords: ['neighbour', 'shared host', 'worker-3'],
        mustNot: { suspectIds: [deploy.id, deploy.version, bump.sha], suspectKinds: ['deployment', 'commit'] },
        service: ['thumbnailer'],
      },
    },
  };
}
