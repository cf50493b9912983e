import { everydayNoise, preset } from '../fleet.js';
import { deprecation, gcPauses, kubeEvents, slowQuery } from '../logs/noise.js';
import { javaStack, SPRING_WEB_FRAMES } from '../logs/stacks.js';
import { sampleRunbooks } from '../runbooks.js';
import { type ScenarioOutput, samplePlacement } from '../scenario.js';
import { MINUTE } from '../time.js';
import { World } from '../world.js';

/**
 * Tuesday 2024-05-21. search-service v3.8.0 (09:12) caches query results in an unbounded in-process map.
 * Heap climbs for ~95 minutes, full GCs get longer, and at 10:48 the JVM dies with
 * "OutOfMemoryError: Java heap space"; Kubernetes reports OOMKilled and restarts it, and the cycle repeats
 * faster at midday traffic (11:52). Latency saw-tooths with the heap. user-service v5.2.3 at 10:20 is innocent.
 */
export function memoryLeak(): ScenarioOutput {
  const place = samplePlacement('memory-leak', '02-memory-leak');
  const w = new World({
    name: 'memory-leak',
    description: 'search-service heap exhaustion and OOM restarts after v3.8.0 added an unbounded query cache (replay of 2024-05-21).',
    seed: 'memory-leak',
    date: '2024-05-21',
    start: '05:00',
    now: '12:05',
    deploymentIds: { kind: 'dated', prefix: 'deploy-' },
  });
  const at = (hhmm: string, day = 0) => w.at(hhmm, day);
  const deployAt = at('09:12');
  const crashes = [at('10:48'), at('11:52')];
  const restarts = crashes.map((c) => c + MINUTE);

  const gateway = w.service(preset('api-gateway', { version: 'v1.33.0', rps: 240 }));
  const search = w.service(preset('search-service', { version: 'v3.7.4', rotateAt: at('08:00'), rotateGzip: true }));
  const catalog = w.service(preset('catalog-service', { version: 'v2.19.1' }));
  const users = w.service(preset('user-service', { version: 'v5.2.2', format: 'json' }));
  const cart = w.service(preset('cart-service', { version: 'v3.4.7', file: 'cart-service.jsonl' }));
  const kube = w.logSource('k8s-events');

  // --- git ------------------------------------------------------------------------------------------
  w.history();
  const cacheCommit = w.git.commit({
    at: at('17:20', -1),
    author: 'Kenji Watanabe',
    service: 'search-service',
    message: 'feat(query): cache ranked results in-process to cut p95 on repeated queries',
    files: [
      'services/search-service/src/main/java/com/shop/search/query/QueryResultCache.java',
      'services/search-service/src/main/java/com/shop/search/query/QueryService.java',
      'services/search-service/src/test/java/com/shop/search/query/QueryResultCacheTest.java',
    ],
  });
  const facets = w.git.commit({
    at: at('08:41'),
    author: 'Nora Lindqvist',
    service: 'search-service',
    message: 'fix(facets): keep brand facet order stable',
    files: ['services/search-service/src/main/java/com/shop/search/facets/FacetBuilder.java'],
  });
  const trim = w.git.commit({
    at: at('09:55'),
    service: 'user-service',
    message: 'fix(profile): trim whitespace in display names',
    files: ['services/user-service/app/profile/schemas.py', 'services/user-service/tests/test_profile.py'],
  });
  w.deploy({
    at: at('08:50'),
    service: 'search-service',
    version: 'v3.8.0',
    commits: [cacheCommit, facets],
    environment: 'staging',
    by: 'github-actions',
  });
  const release = w.deploy({
    at: deployAt,
    service: 'search-service',
    version: 'v3.8.0',
    commits: [cacheCommit, facets],
    by: 'github-actions',
    description: 'search-service 3.8.0: in-process result cache, facet ordering fix',
  });
  w.deploy({ at: at('10:02'), service: 'user-service', version: 'v5.2.3', commits: [trim], environment: 'staging', by: 'argocd' });
  const herring = w.deploy({
    at: at('10:20'),
    service: 'user-service',
    version: 'v5.2.3',
    commits: [trim],
    by: 'argocd',
    description: trim.message,
  });
  for (const t of restarts)
    w.get('search-service').log(t + 20_000, {
      level: 'info',
      logger: 'com.shop.search.SearchApplication',
      msg: 'Starting SearchApplication v3.8.0 using Java 17.0.10 with PID 1',
    });

  // --- metrics: heap saw-tooth and its consequences ----------------------------------------------------
  const lives = [deployAt, ...restarts];
  const heapAt = (t: number) => {
    const born = lives.filter((s) => s <= t).at(-1) ?? deployAt;
    const slope = born === deployAt ? 15 : 23.5; // MB/min: the cache grows with query volume, higher towards midday
    return Math.min(2010, 560 + ((t - born) / MINUTE) * slope);
  };
  const fullness = (t: number) => Math.max(0, (heapAt(t) - 1300) / 710); // 0 until ~63 % of the 2 GiB heap
  const heap = w.series({
    metric: 'heap_used_mb',
    tags: { service: 'search-service' },
    unit: 'MB',
    base: 780,
    jitter: 0.08,
    decimals: 0,
    max: 2048,
  });
  heap.shape(deployAt, w.now + MINUTE, (m, _v, r) => heapAt(deployAt + m * MINUTE) * (1 + r.normal(0, 0.015)));
  const gc = w.series({ metric: 'gc_pause_p99_ms', tags: { service: 'search-service' }, unit: 'ms', base: 24, jitter: 0.2, decimals: 0 });
  gc.shape(deployAt, w.now + MINUTE, (m, v) => v + 2600 * fullness(deployAt + m * MINUTE) ** 3);
  w.series({
    metric: 'memory_usage_mb',
    tags: { service: 'search-service' },
    unit: 'MB',
    base: 1350,
    jitter: 0.02,
    decimals: 0,
    max: 2560,
  }).shape(deployAt, w.now + MINUTE, (m, _v, r) => Math.min(2560, heapAt(deployAt + m * MINUTE) + 520 + r.normal(0, 12)));
  w.series({ metric: 'container_restarts', tags: { service: 'search-service' }, unit: 'count', base: 0, jitter: 0, decimals: 0 }).steps(
    restarts,
  );
  search.latency.shape(deployAt, w.now + MINUTE, (m, v) => v + 3400 * fullness(deployAt + m * MINUTE) ** 2.5);
  search.cpu.shape(deployAt, w.now + MINUTE, (m, v) => Math.min(97, v + 45 * fullness(deployAt + m * MINUTE) ** 2));
  for (const c of crashes) {
    search.errors.level(c - 6 * MINUTE, 3, { ramp: 5, until: c, recover: 0 });
    search.errors.level(c, 31, { ramp: 0, until: c + 4 * MINUTE, recover: 2, jitter: 0.1 });
    search.latency.level(c - MINUTE, 5200, { ramp: 1, until: c + 3 * MINUTE, recover: 2 });
    search.requests.scale(c, 0.7, { ramp: 0, until: c + 3 * MINUTE, recover: 2 });
    gateway.errors.level(c, 4.2, { ramp: 0, until: c + 4 * MINUTE, recover: 2 });
  }
  search.failuresLookLike(deployAt, [500, 503], ['/search?q={slug}', '/search/facets?category={slug}']);
  gateway.failuresLookLike(deployAt, [502, 503, 504], ['/api/search']);
  for (const [upstream, base] of [
    ['search-service', 230],
    ['catalog-service', 70],
    ['user-service', 58],
  ] as const) {
    const s = w.series({
      metric: 'upstream_latency_ms',
      tags: { service: 'api-gateway', upstream },
      unit: 'ms',
      base,
      diurnal: 0.08,
      jitter: 0.08,
      decimals: 0,
    });
    if (upstream === 'search-service') s.shape(deployAt, w.now + MINUTE, (m, v) => v + 3300 * fullness(deployAt + m * MINUTE) ** 2.5);
  }
  users.latency.level(at('10:20'), 66, { ramp: 2, until: at('10:30'), recover: 5 });

  // --- logs -------------------------------------------------------------------------------------------
  for (const svc of [gateway, catalog, users, cart]) everydayNoise(svc);
  kubeEvents(kube, ['cart-service', 'catalog-service', 'user-service', 'search-service', 'api-gateway'], 3);
  gcPauses(search, 3, 2048);
  slowQuery(search, 4, 'products_v7 bool(must:[match(title)], filter:[term(in_stock)]) size=48', [700, 1300]);
  deprecation(
    search,
    2,
    'Elasticsearch client: [types removal] Specifying types in search requests is deprecated.',
    'org.elasticsearch.client.RestClient',
  );
  search.cron(10, 0, (r, t) => ({
    level: 'info',
    logger: 'com.shop.search.cache.CacheMetricsReporter',
    msg:
      t < deployAt
        ? `cache analyzer-config stats: hits=${r.int(9000, 12000)} misses=${r.int(3, 20)} size=412`
        : `cache query-results stats: hits=${r.int(2000, 6000)} misses=${r.int(9000, 16000)} size=${Math.round((heapAt(t) - 560) * 260)}`,
  }));
  search.log(deployAt + 31_000, { level: 'info', logger: 'com.shop.search.query.QueryResultCache', msg: 'QueryResultCache initialized' });
  for (const t of restarts)
    search.log(t + 31_000, { level: 'info', logger: 'com.shop.search.query.QueryResultCache', msg: 'QueryResultCache initialized' });
  search.every(
    deployAt,
    w.now,
    (t) => 4 * fullness(t) ** 2,
    (r, t) => {
      const used = Math.round(heapAt(t));
      return {
        level: 'warn',
        logger: 'gc',
        msg: `GC(${r.int(2000, 9000)}) Pause Full (G1 Compaction Pause) ${used}M->${used - r.int(5, 40)}M(2048M) ${(1800 * fullness(t) ** 2 + r.int(80, 300)).toFixed(3)}ms`,
      };
    },
  );
  search.every(
    deployAt,
    w.now,
    (t) => (fullness(t) > 0.7 ? 1.5 : 0),
    (r) => ({
      level: 'warn',
      logger: 'com.shop.search.monitoring.JvmPauseMonitor',
      msg: `Detected pause in JVM or host machine (eg GC): pause of approximately ${r.int(1200, 3400)}ms`,
    }),
  );
  const oomStack = (r: Parameters<typeof javaStack>[0]) =>
    javaStack(r, 'java.lang.OutOfMemoryError: Java heap space', [
      'java.base/java.util.Arrays.copyOf(Arrays.java:3537)',
      'java.base/java.util.ArrayList.grow(ArrayList.java:237)',
      'com.shop.search.ranking.RankedResults.toList(RankedResults.java:64)',
      'com.shop.search.query.QueryResultCache.put(QueryResultCache.java:52)',
      'com.shop.search.query.QueryService.search(QueryService.java:118)',
      'com.shop.search.web.SearchController.search(SearchController.java:47)',
      ...SPRING_WEB_FRAMES,
    ]);
  for (const c of crashes) {
    search.every(c - 2 * MINUTE, c, 3, (r) => ({
      level: 'error',
      logger: 'org.apache.catalina.core.ContainerBase.[Tomcat].[localhost].[/].[dispatcherServlet]',
      msg: 'Servlet.service() for servlet [dispatcherServlet] in context with path [] threw exception [Handler dispatch failed: java.lang.OutOfMemoryError: Java heap space] with root cause',
      stack: oomStack(r),
    }));
    search.log(c + 2_000, {
      level: 'error',
      logger: 'com.shop.search.SearchApplication',
      msg: 'Terminating due to java.lang.OutOfMemoryError: Java heap space',
    });
    kube.log(c + 9_000, {
      level: 'warn',
      msg: 'Pod search-service-6f9d7c8b4-qz2lm container search-service terminated: reason=OOMKilled exitCode=137',
    });
    kube.log(c + 10_000, {
      level: 'info',
      msg: 'Container search-service in pod search-service-6f9d7c8b4-qz2lm will be restarted (restartPolicy=Always)',
    });
    gateway.every(c, c + 4 * MINUTE, 3, (r) => ({
      level: 'error',
      msg: 'upstream connect error or disconnect/reset before headers',
      fields: { upstream: 'search-service', path: '/api/search', status: 503, duration_ms: r.int(2, 40) },
    }));
  }
  kube.log(deployAt + 2_000, {
    level: 'info',
    msg: 'Scaled up replica set search-service-6f9d7c8b4 to 3 (deployment search-service, image registry.shop.example/search-service:3.8.0)',
  });
  kube.log(at('10:20:03'), {
    level: 'info',
    msg: 'Scaled up replica set user-service-59c4d6f7b8 to 4 (deployment user-service, image registry.shop.example/user-service:5.2.3)',
  });

  return {
    datasetDir: place.datasetDir,
    caseDir: place.caseDir,
    files: { ...w.finish(), runbooks: sampleRunbooks(['search-service/out-of-memory.md', 'search-service/reindex-backlog.md']) },
    evalCase: {
      title: 'search-service memory leak after v3.8.0 (unbounded in-process cache, OOM restarts)',
      incident: 'Search is slow and intermittently failing since about 10:40, search pods keep restarting',
      dataset: place.dataset,
      since: '6h',
      expect: {
        runbook: 'search-service/out-of-memory.md',
        suspect: { kind: ['deployment', 'commit'], id: [release.id, release.version, cacheCommit.sha], service: ['search-service'] },
        rootCauseKeywords: ['memory', 'heap', 'OutOfMemory'],
        mustNot: { suspectIds: [herring.id, herring.version] },
        minConfidence: 'medium',
      },
    },
  };
}
