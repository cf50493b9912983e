import { chronicError, clientClosed } from '../logs/noise.js';
import { evalPlacement, type ScenarioOutput } from '../scenario.js';
import { MINUTE } from '../time.js';
import { World } from '../world.js';
import { app } from './kit.js';

/**
 * 2025-07-01, an insurer. rating-svc v3.2.0 (09:10) switches its rating tables to lazy loading from S3: every cold
 * table costs two seconds. Its callers shout loudest, quote-engine with "timeout calling rating-svc", policy-portal
 * with 504s, while rating-svc itself logs a few slow-load warnings. The cause is the dependency's own deploy;
 * quote-engine's 09:25 deploy came after the onset and policy-portal's 08:50 deploy is innocent.
 */
export function dependencyDeploy(): ScenarioOutput {
  const place = evalPlacement('21-dependency-deploy');
  const w = new World({
    name: 'dependency-deploy',
    description: 'A dependency deploy slows it down; its callers fail loudest.',
    seed: '21-dependency-deploy',
    date: '2025-07-01',
    start: '03:30',
    now: '09:40',
    deploymentIds: { kind: 'dated', prefix: 'cd-' },
  });
  const at = (hhmm: string, day = 0) => w.at(hhmm, day);
  const ship = at('09:10');

  const quote = w.service(app('quote-engine', 'python', 'json', { version: 'v4.2.0', rps: 120, p95: 180, accessPerMin: 3 }));
  const rating = w.service(app('rating-svc', 'go', 'klog', { version: 'v3.1.4', rps: 260, p95: 30, accessPerMin: 1 }));
  const portal = w.service(app('policy-portal', 'node', 'pino', { version: 'v11.3.2', rps: 60, p95: 240 }));
  const edge = w.service(
    app('insure-edge', 'go', 'nginx', {
      version: 'v1.27.0',
      rps: 200,
      accessPerMin: 4,
      endpoints: [
        { method: 'POST', path: '/quotes', weight: 4, upstream: 'quote-engine' },
        { method: 'GET', path: '/policies/{id}', weight: 5, upstream: 'policy-portal' },
      ],
    }),
  );

  w.history();
  const lazy = w.git.commit({
    at: at('08:20'),
    service: 'rating-svc',
    author: 'Chen Wei',
    message: 'perf(tables): load rating tables lazily from S3 instead of at startup',
    files: ['rating-svc/internal/tables/loader.go', 'rating-svc/internal/tables/s3.go'],
  });
  const release = w.deploy({ at: ship, service: 'rating-svc', version: 'v3.2.0', commits: [lazy], by: 'flux' });
  const portalFix = w.git.commit({
    at: at('08:05'),
    service: 'policy-portal',
    message: 'fix(ui): keep claim draft when session refreshes',
    files: ['policy-portal/src/claims/draft.ts'],
  });
  const portalDeploy = w.deploy({ at: at('08:50'), service: 'policy-portal', version: 'v11.3.3', commits: [portalFix], by: 'flux' });
  const quoteFix = w.git.commit({
    at: at('09:15'),
    service: 'quote-engine',
    message: 'fix(quotes): raise rating-svc client timeout to 2s',
    files: ['quote-engine/quotes/clients/rating.py'],
  });
  const quoteDeploy = w.deploy({ at: at('09:25'), service: 'quote-engine', version: 'v4.2.1', commits: [quoteFix], by: 'flux' });

  rating.latency.level(ship + MINUTE, 2100, { ramp: 2 });
  w.series({
    metric: 'upstream_latency_ms',
    tags: { service: 'quote-engine', upstream: 'rating-svc' },
    unit: 'ms',
    base: 34,
    jitter: 0.08,
    decimals: 0,
  }).level(ship + MINUTE, 2050, { ramp: 2 });
  quote.errors.level(ship + 2 * MINUTE, 16, { ramp: 3 });
  quote.latency.level(ship + 2 * MINUTE, 2400, { ramp: 2 });
  portal.errors.level(ship + 3 * MINUTE, 6, { ramp: 3 });
  edge.errors.level(ship + 3 * MINUTE, 4.2, { ramp: 3 });
  edge.failuresLookLike(ship, [504], ['/quotes']);

  for (const svc of [quote, portal, rating])
    chronicError(svc, 0.7, () => ({ level: 'error', msg: 'log shipping to fluent-bit:24224 failed, buffering' }));
  clientClosed(portal, 2);
  edge.every(w.start, w.now, 0.2, () => ({
    level: 'warn',
    msg: 'upstream server temporarily disabled while reading response header from upstream',
  }));
  quote.every(w.start, w.now, 6 / 60, (r) => ({
    level: 'warn',
    logger: 'quotes.validation',
    msg: `postcode ${r.pick(['SW1A', 'EC2V', 'M1'])} ${r.int(1, 9)}XX not in territory table, defaulting zone`,
  }));
  rating.every(ship + MINUTE, w.now, 1.5, (r) => ({
    level: 'warn',
    msg: `cold rating table loaded from s3://rating-tables/${r.pick(['motor', 'home', 'pet'])}-${r.int(2019, 2025)}.parquet in ${r.int(1700, 2600)}ms`,
  }));
  quote.every(ship + 2 * MINUTE, w.now, 22, (r) => ({
    level: 'error',
    logger: 'quotes.clients.rating',
    msg: `timeout calling rating-svc after 2000ms (quote q-${r.hex(8)})`,
  }));
  portal.every(ship + 3 * MINUTE, w.now, 6, (r) => ({
    level: 'error',
    msg: 'premium preview failed',
    fields: { upstream: 'rating-svc', status: 504, policy: `P-${r.int(100000, 999999)}` },
  }));

  return {
    ...place,
    files: w.finish(),
    evalCase: {
      title: "A dependency's own deploy: rating-svc lazy-loads tables, its callers time out",
      incident: 'Quotes failing since ~09:12, quote-engine full of timeouts. quote-engine deployed at 09:25, was it that?',
      dataset: place.dataset,
      since: '6h',
      expect: {
        suspect: { kind: ['deployment', 'commit'], id: [release.id, release.version, lazy.sha], service: ['rating-svc'] },
        rootCauseKeywords: ['lazily', 'S3', 'rating tables'],
        mustNot: { suspectIds: [quoteDeploy.id, quoteDeploy.version, quoteFix.sha, portalDeploy.id, portalDeploy.version] },
        service: ['rating-svc'],
      },
    },
  };
}
