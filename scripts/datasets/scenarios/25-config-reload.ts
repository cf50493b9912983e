import { chronicError, clientClosed, gcPauses } from '../logs/noise.js';
import { evalPlacement, type ScenarioOutput } from '../scenario.js';
import { MINUTE } from '../time.js';
import { World } from '../world.js';
import { app } from './kit.js';

/**
 * 2025-11-03, a B2B analytics vendor. At 16:10 the config sync pushes revision r-2291 to edge-proxy (nginx) and it
 * reloads: proxy_read_timeout drops from 60s to 5s. Report exports, which take 10-40 s, now time out at the proxy
 * with 504 while reports-api itself is healthy. The reports-api deploy at 15:30 is innocent.
 */
export function configReload(): ScenarioOutput {
  const place = evalPlacement('25-config-reload');
  const w = new World({
    name: 'config-reload',
    description: 'A runtime proxy configuration reload shortens a timeout; long requests fail at the edge.',
    seed: '25-config-reload',
    date: '2025-11-03',
    start: '10:10',
    now: '16:35',
    deploymentIds: { kind: 'dated', prefix: 'ship-' },
  });
  const at = (hhmm: string, day = 0) => w.at(hhmm, day);
  const reload = at('16:10');

  const edge = w.service(
    app('edge-proxy', 'go', 'nginx', {
      version: 'v1.27.2',
      rps: 240,
      accessPerMin: 8,
      endpoints: [
        { method: 'GET', path: '/reports/{id}', weight: 5, upstream: 'reports-api' },
        { method: 'POST', path: '/reports/{id}/export', weight: 2, cost: 8, upstream: 'reports-api' },
        { method: 'POST', path: '/auth/token', weight: 3, upstream: 'auth-svc' },
      ],
    }),
  );
  const reports = w.service(app('reports-api', 'java', 'log4j', { version: 'v10.2.0', rps: 60, p95: 900 }));
  const auth = w.service(app('auth-svc', 'go', 'logfmt', { version: 'v4.1.7', rps: 110, p95: 25 }));
  const exporter = w.service(
    app('exports-worker', 'python', 'journald', { version: 'v1.12.0', rps: 5, p95: 12000, hostname: 'exports-1', accessPerMin: 0.5 }),
  );

  w.history();
  const fix = w.git.commit({
    at: at('14:40'),
    service: 'reports-api',
    message: 'fix(charts): render empty series as gaps, not zeros',
    files: ['reports-api/src/main/java/io/reports/charts/SeriesRenderer.java'],
  });
  const deploy = w.deploy({ at: at('15:30'), service: 'reports-api', version: 'v10.2.1', commits: [fix], by: 'concourse' });

  edge.errors.level(reload + MINUTE, 9, { ramp: 1 });
  edge.failuresLookLike(reload, [504], ['/reports/{id}/export']);
  w.series({
    metric: 'nginx_upstream_responses_5xx_per_sec',
    tags: { service: 'edge-proxy', upstream: 'reports-api' },
    unit: 'req/s',
    base: 0.05,
    jitter: 0.3,
    decimals: 2,
  }).level(reload + MINUTE, 4.5, { ramp: 1 });
  exporter.errors.level(reload + 2 * MINUTE, 30, { ramp: 2 });

  for (const svc of [reports, auth, exporter])
    chronicError(svc, 0.6, () => ({ level: 'error', msg: 'failed to publish usage event to nats://nats:4222: timeout' }));
  gcPauses(reports, 4, 4096);
  clientClosed(auth, 3);
  edge.every(w.start, w.now, 0.3, () => ({
    level: 'warn',
    msg: 'an upstream response is buffered to a temporary file /var/cache/nginx/proxy_temp/7/12/0000031337 while reading upstream',
  }));
  exporter.every(w.start, w.now, 4 / 60, (r) => ({
    level: 'warn',
    msg: `export ${r.int(10000, 99999)} larger than 50MB, splitting into parts`,
  }));
  edge.log(reload, {
    level: 'info',
    msg: 'config reloaded: revision r-2291 applied by config-sync (proxy_read_timeout 60s -> 5s, keepalive_timeout 75s -> 15s)',
  });
  edge.log(reload + 500, { level: 'info', msg: 'signal process started' });
  edge.every(reload + MINUTE, w.now, 5, () => ({
    level: 'error',
    msg: 'upstream timed out (110: Connection timed out) while reading response header from upstream, client: 198.51.100.23, server: reports.example, request: "POST /reports/export HTTP/1.1", upstream: "http://reports-api:8080/reports/export"',
  }));
  exporter.every(reload + 2 * MINUTE, w.now, 2, (r) => ({
    level: 'error',
    msg: `export ${r.int(10000, 99999)} failed: edge-proxy returned 504 Gateway Time-out`,
  }));

  return {
    ...place,
    files: w.finish(),
    evalCase: {
      title: 'Runtime config reload: the proxy read timeout drops to 5 s and report exports fail',
      incident: 'Report exports fail with 504 since 16:10; reports-api deployed at 15:30 - is it the deploy?',
      dataset: place.dataset,
      since: '6h',
      expect: {
        suspect: { kind: ['config'], id: ['r-2291'], service: ['edge-proxy'] },
        rootCauseKeywords: ['proxy_read_timeout', 'r-2291'],
        mustNot: { suspectIds: [deploy.id, deploy.version, fix.sha], suspectKinds: ['deployment', 'commit'] },
        service: ['edge-proxy'],
      },
    },
  };
}
