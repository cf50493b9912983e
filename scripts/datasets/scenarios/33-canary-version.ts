import { clientClosed, slowQuery } from '../logs/noise.js';
import { evalPlacement, type ScenarioOutput } from '../scenario.js';
import { MINUTE } from '../time.js';
import { World } from '../world.js';
import { app, bystander } from './kit.js';

/**
 * 2025-09-09, a real-estate listings site. listing-search runs v4.0.2 everywhere; at 09:30 a canary of v4.1.0 takes
 * a slice of traffic. Its series carry a `version` label: only v4.1.0's error rate and latency climb, v4.0.2 stays
 * healthy, so the canary's release is the suspect, not the v4.0.2 release of two days ago nor the geo-tiles deploy.
 */
export function canaryVersion(): ScenarioOutput {
  const place = evalPlacement('33-canary-version');
  const w = new World({
    name: 'canary-version',
    description: 'A canary version fails while the stable version stays healthy.',
    seed: '33-canary-version',
    date: '2025-09-09',
    start: '05:00',
    now: '10:05',
    deploymentIds: { kind: 'seq', prefix: 'ls-', first: 9020, width: 4 },
  });
  const at = (hhmm: string, day = 0) => w.at(hhmm, day);
  const canary = at('09:30');
  const fail = canary + 3 * MINUTE;

  const search = w.service(app('listing-search', 'go', 'cri', { version: 'v4.0.2', rps: 180, p95: 95, golden: false, accessPerMin: 2 }));
  const tiles = w.service(app('geo-tiles', 'node', 'pino', { version: 'v2.11.0', rps: 400, p95: 30 }));

  for (const [version, share] of [
    ['v4.0.2', 0.9],
    ['v4.1.0', 0.1],
  ] as const) {
    const tags = { app: 'listing-search', version, cluster: 'prod-fra' };
    const errors = w.series({ metric: 'http_error_ratio', tags, unit: 'ratio', base: 0.001, jitter: 0.3, decimals: 4, max: 1 });
    const latency = w.series({ metric: 'http_latency_p95_ms', tags, unit: 'ms', base: 95, jitter: 0.07, decimals: 0 });
    w.series({ metric: 'http_requests_per_second', tags, unit: 'req/s', base: 180 * share, jitter: 0.05, decimals: 1 });
    if (version === 'v4.1.0') {
      errors.level(fail, 0.35, { ramp: 2 });
      latency.level(fail, 700, { ramp: 2 });
    }
  }
  search.errors.level(fail, 3.5, { ramp: 2 });

  bystander(w, 'agent-portal', 'java', 'log4j', 'v9.9.0');
  bystander(w, 'photo-resizer', 'python', 'json', 'v1.3.3');
  bystander(w, 'saved-searches', 'go', 'logfmt', 'v2.0.4');
  w.history();
  const stable = w.git.commit({
    at: at('15:00', -3),
    service: 'listing-search',
    message: 'fix(search): keep sort order stable for equal prices',
    files: ['listing-search/internal/rank/sort.go'],
  });
  const stableDeploy = w.deploy({ at: at('10:00', -2), service: 'listing-search', version: 'v4.0.2', commits: [stable], by: 'argo' });
  const tilesCommit = w.git.commit({
    at: at('08:30'),
    service: 'geo-tiles',
    message: 'chore(tiles): raise CDN max-age to 1h',
    files: ['geo-tiles/src/cdn.ts'],
  });
  w.deploy({ at: at('09:20'), service: 'geo-tiles', version: 'v2.11.1', commits: [tilesCommit], by: 'argo' });
  const facets = w.git.commit({
    at: at('08:50'),
    service: 'listing-search',
    author: 'Aisha Khan',
    message: 'feat(facets): compute price histogram facet on every query',
    files: ['listing-search/internal/facets/histogram.go'],
  });
  const release = w.deploy({
    at: canary,
    service: 'listing-search',
    version: 'v4.1.0',
    commits: [facets],
    by: 'argo',
    environment: 'canary',
  });

  search.every(fail, w.now, 6, (r) => ({
    level: 'error',
    msg: 'query failed: facet histogram exceeded 250ms budget',
    fields: { version: 'v4.1.0', q: `q-${r.int(1000, 9999)}` },
  }));
  slowQuery(search, 2, 'SELECT id FROM listings WHERE geo && $1 ORDER BY price', [300, 900]);
  clientClosed(tiles, 3);

  return {
    ...place,
    files: w.finish(),
    evalCase: {
      title: 'Canary version unhealthy, stable version healthy',
      incident: 'listing search errors and p95 up since ~09:35',
      dataset: place.dataset,
      since: '5h',
      expect: {
        suspect: { kind: ['deployment', 'commit'], id: [release.id, release.version, facets.sha] },
        rootCauseKeywords: ['stayed healthy', 'v4.1.0'],
        mustNot: { suspectIds: [stableDeploy.id, 'v4.0.2', 'v2.11.1'] },
        service: ['listing-search'],
      },
    },
  };
}
