import { chronicError, clientClosed, gcPauses } from '../logs/noise.js';
import { evalPlacement, type ScenarioOutput } from '../scenario.js';
import { MINUTE } from '../time.js';
import { World } from '../world.js';
import { app } from './kit.js';

/**
 * 2025-01-21, a search platform. search-indexer v12.4.0 (11:30) ships four commits: a README change, a netty bump, a
 * rename, and the one that matters, lowering the bulk request timeout to 2 s. The hot shard on es-node-7 takes
 * longer than that, so bulk requests from indexer-pool-3 time out and documents pile up. The report must quote the
 * timeout commit, not the first one listed, and keep the real names (es-node-7, indexer-pool-3) the masked
 * signature hides.
 */
export function multiCommit(): ScenarioOutput {
  const place = evalPlacement('26-multi-commit');
  const w = new World({
    name: 'multi-commit',
    description: 'A four-commit release; one commit lowers a timeout below what a hot shard needs.',
    seed: '26-multi-commit',
    date: '2025-01-21',
    start: '05:45',
    now: '11:55',
    deploymentIds: { kind: 'seq', prefix: 'rel', first: 1204, width: 4 },
    historyDays: 9,
  });
  const at = (hhmm: string, day = 0) => w.at(hhmm, day);
  const ship = at('11:30');

  const indexer = w.service(app('search-indexer', 'java', 'log4j', { version: 'v12.3.2', rps: 45, p95: 600, accessPerMin: 1 }));
  const query = w.service(app('query-api', 'go', 'logfmt', { version: 'v7.7.0', rps: 280, p95: 80, accessPerMin: 3 }));
  const ingest = w.service(
    app('ingest-gw', 'go', 'nginx', {
      version: 'v1.25.1',
      rps: 150,
      accessPerMin: 4,
      endpoints: [
        { method: 'POST', path: '/ingest/{id}', weight: 5, upstream: 'search-indexer' },
        { method: 'GET', path: '/q?term={slug}', weight: 5, upstream: 'query-api' },
      ],
    }),
  );
  const crawler = w.service(
    app('crawler', 'python', 'journald', { version: 'v0.31.0', rps: 12, p95: 1500, hostname: 'crawl-2', accessPerMin: 0.5 }),
  );

  w.history();
  const files = (name: string) => [`search-indexer/src/main/java/io/indexer/${name}`];
  const readme = w.git.commit({
    at: at('09:10'),
    service: 'search-indexer',
    message: 'docs: describe bulk API back-pressure in README',
    files: ['search-indexer/README.md'],
  });
  const timeout = w.git.commit({
    at: at('09:40'),
    service: 'search-indexer',
    author: 'Hannah Schmidt',
    message: 'perf(bulk): lower bulk request timeout to 2s so stuck bulks fail fast',
    files: [...files('bulk/BulkClient.java'), 'search-indexer/src/main/resources/application.yaml'],
  });
  const netty = w.git.commit({
    at: at('10:05'),
    service: 'search-indexer',
    author: 'dependabot[bot]',
    message: 'chore(deps): bump netty to 4.1.107',
    files: ['search-indexer/pom.xml'],
  });
  const rename = w.git.commit({
    at: at('10:30'),
    service: 'search-indexer',
    message: 'refactor: rename ShardRouter to RoutingTable',
    files: files('routing/RoutingTable.java'),
  });
  const release = w.deploy({
    at: ship,
    service: 'search-indexer',
    version: 'v12.4.0',
    commits: [readme, timeout, netty, rename],
    by: 'jenkins',
  });
  const q = w.git.commit({
    at: at('10:50'),
    service: 'query-api',
    message: 'feat(query): highlight matched synonyms',
    files: ['query-api/internal/highlight/synonyms.go'],
  });
  const qDeploy = w.deploy({ at: at('11:10'), service: 'query-api', version: 'v7.8.0', commits: [q], by: 'jenkins' });

  indexer.errors.level(ship + 2 * MINUTE, 18, { ramp: 2 });
  w.series({
    metric: 'indexing_backlog_docs',
    tags: { service: 'search-indexer', pool: 'indexer-pool-3' },
    unit: 'count',
    base: 1200,
    jitter: 0.1,
    decimals: 0,
  }).shape(ship + 2 * MINUTE, w.now + MINUTE, (m, v) => v + 9000 * m);
  ingest.errors.level(ship + 3 * MINUTE, 2.5, { ramp: 3 });
  ingest.failuresLookLike(ship, [503], ['/ingest/{id}']);

  for (const svc of [indexer, query, crawler])
    chronicError(svc, 1.5, () => ({ level: 'error', msg: 'could not report to sentry: 429 rate limited' }));
  gcPauses(indexer, 5, 8192);
  clientClosed(query, 3);
  ingest.every(w.start, w.now, 0.25, () => ({
    level: 'warn',
    msg: 'client intended to send too large body while reading client request body',
  }));
  crawler.every(w.start, w.now, 5 / 60, (r) => ({
    level: 'warn',
    msg: `robots.txt fetch failed for site-${r.int(100, 999)}.example, assuming allow`,
  }));
  indexer.every(ship + 2 * MINUTE, w.now, 14, (r) => ({
    level: 'error',
    logger: 'io.indexer.bulk.BulkClient',
    msg: `Bulk request to es-node-7 failed: timed out after 2000ms (indexer-pool-3, ${r.int(400, 512)} docs, shard products_v9[${r.pick([3, 3, 3, 11])}])`,
  }));
  indexer.every(ship + 3 * MINUTE, w.now, 4, (r) => ({
    level: 'warn',
    logger: 'io.indexer.bulk.BackPressure',
    msg: `backlog ${r.int(20000, 90000)} docs on indexer-pool-3, pausing consumers`,
  }));

  return {
    ...place,
    files: w.finish(),
    evalCase: {
      title: 'Multi-commit release: the fourth-listed commit lowered the bulk timeout',
      incident: 'Search index falling behind since 11:32, bulk errors on es-node-7. Which change?',
      dataset: place.dataset,
      since: '6h',
      expect: {
        runbook: 'none',
        suspect: { kind: ['deployment', 'commit'], id: [release.id, release.version, timeout.sha], service: ['search-indexer'] },
        rootCauseKeywords: ['lower bulk request timeout to 2s', 'lower bulk request timeout'],
        mustNot: { suspectIds: [qDeploy.id, qDeploy.version, q.sha] },
        service: ['search-indexer'],
      },
    },
  };
}
