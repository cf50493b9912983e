import { chronicError, healthChecks, slowQuery } from '../logs/noise.js';
import { evalPlacement, type ScenarioOutput } from '../scenario.js';
import { MINUTE } from '../time.js';
import { World } from '../world.js';
import { app, bystander } from './kit.js';

/**
 * Written from Slack's public account of 22 February 2022: a rolling restart of the service-discovery agents made
 * the cache routing layer drop memcached nodes and replace them with empty ones; the hit rate fell, reads moved to
 * the database behind the cache, and the database overloaded, so API calls failed. Here: mcrouter (a log-only
 * source, syslog-ish plain text) replaces six memcached hosts between 09:14 and 09:16 after their discovery agents
 * restart; `memcached_get_hit_ratio` (labelled `pool`) falls from 0.94 to 0.41 from 09:15, the database's
 * `mysql_global_status_questions` rate (labelled `instance`, `shard`) doubles and channels-api times out reading
 * from it from 09:18. Red herrings: channels-api's own release at 08:40 and a search release at 09:05.
 * Mixed formats: plain text, JSON, log4j, logfmt.
 */
export function cacheNodesSwapped(): ScenarioOutput {
  const place = evalPlacement('51-cache-nodes-swapped');
  const w = new World({
    name: 'cache-nodes-swapped',
    description: 'The cache layer swaps in empty nodes; the hit ratio falls and the database behind it overloads.',
    seed: '51-cache-nodes-swapped',
    date: '2022-02-22',
    start: '05:00',
    now: '09:50',
    deploymentIds: { kind: 'seq', prefix: 'sk-', first: 40210, width: 5 },
  });
  const at = (hhmm: string) => w.at(hhmm);
  const swap = at('09:14');
  const cold = at('09:15');
  const onset = at('09:18');

  const channels = w.service(app('channels-api', 'python', 'json', { version: 'v22.2.1', rps: 2600, p95: 45, accessPerMin: 4 }));
  const search = w.service(app('search-api', 'java', 'log4j', { version: 'v8.12.0', rps: 400, p95: 160 }));
  const router = w.logSource('mcrouter', 'plain');
  bystander(w, 'presence', 'go', 'logfmt', 'v5.66.0');
  bystander(w, 'file-previews', 'node', 'pino', 'v19.3.1');

  const hit = w.series({
    metric: 'memcached_get_hit_ratio',
    tags: { pool: 'mc-main', instance: 'mc-exporter-01:9150' },
    unit: 'ratio',
    base: 0.94,
    jitter: 0.01,
    decimals: 3,
    max: 1,
  });
  hit.level(cold, 0.41, { ramp: 3 });
  const misses = w.series({
    metric: 'memcached_get_misses_per_second',
    tags: { pool: 'mc-main', instance: 'mc-exporter-01:9150' },
    unit: 'ops/s',
    base: 900,
    jitter: 0.05,
    diurnal: 0.2,
    decimals: 0,
  });
  misses.level(cold, 9200, { ramp: 3 });
  for (const shard of ['01', '02', '03']) {
    const questions = w.series({
      metric: 'mysql_global_status_questions_per_second',
      tags: { instance: `db-shard-${shard}:9104`, shard },
      unit: 'ops/s',
      base: 6500,
      jitter: 0.04,
      diurnal: 0.2,
      decimals: 0,
    });
    questions.scale(cold + MINUTE, 2.3, { ramp: 3 });
    const threads = w.series({
      metric: 'mysql_global_status_threads_running',
      tags: { instance: `db-shard-${shard}:9104`, shard },
      unit: 'count',
      base: 14,
      jitter: 0.15,
      decimals: 0,
    });
    threads.level(onset - MINUTE, 180, { ramp: 2 });
  }
  channels.errors.level(onset, 18, { ramp: 3, jitter: 0.1 });
  channels.latency.level(onset, 2400, { ramp: 3 });
  channels.failuresLookLike(onset, [503, 504], ['/v1/channels/{id}']);

  w.history();
  const unread = w.git.commit({
    at: at('07:55'),
    service: 'channels-api',
    author: 'Haruto Sato',
    message: 'feat(unread): count unread mentions per thread',
    files: ['channels-api/app/unread/counts.py'],
  });
  const own = w.deploy({ at: at('08:40'), service: 'channels-api', version: 'v22.2.2', commits: [unread], by: 'bedrock' });
  const ranking = w.git.commit({
    at: at('08:10'),
    service: 'search-api',
    message: 'feat(rank): boost recent messages from frequent contacts',
    files: ['search-api/src/main/java/com/chat/search/rank/Recency.java'],
  });
  const herring = w.deploy({ at: at('09:05'), service: 'search-api', version: 'v8.13.0', commits: [ranking], by: 'bedrock' });

  const hosts = ['mc-main-07', 'mc-main-12', 'mc-main-19', 'mc-main-23', 'mc-main-31', 'mc-main-40'];
  for (const [i, host] of hosts.entries()) {
    router.log(swap + i * 20_000, {
      level: 'warn',
      msg: `pool mc-main: ${host} left the healthy set (discovery agent restarted), replaced by mc-spare-${String(i + 1).padStart(2, '0')}`,
    });
  }
  router.every(w.start, w.now, 0.2, (r) => ({ level: 'info', msg: `config poll: pool mc-main ${r.int(48, 48)} hosts, no change` }));
  channels.every(onset, w.now, 30, (r) => ({
    level: 'error',
    logger: 'app.db.reader',
    msg: `read of channel C${r.hex(8).toUpperCase()} failed: (2013, 'Lost connection to MySQL server during query') after ${r.int(2000, 5000)} ms`,
  }));
  channels.every(cold, w.now, 5, (r) => ({
    level: 'warn',
    logger: 'app.cache',
    msg: `cache miss storm: ${r.int(60, 95)}% of channel lookups missed in the last 10s`,
  }));
  healthChecks(channels, 2);
  slowQuery(search, 2, 'SELECT * FROM messages WHERE channel_id = ? AND ts > ? ORDER BY ts DESC LIMIT 200', [600, 1500]);
  chronicError(search, 2, (r) => ({ level: 'warn', logger: 'com.chat.search.index', msg: `segment merge took ${r.int(3, 9)}s` }));
  chronicError(channels, 2, (r) => ({ level: 'warn', logger: 'app.auth', msg: `token for workspace T${r.hex(6)} expired, refreshing` }));

  return {
    ...place,
    files: w.finish(),
    evalCase: {
      title: 'The cache layer swaps in empty nodes; the hit ratio falls and the database behind it overloads (after Slack, 2022-02-22)',
      incident: 'channels-api timing out for many users since ~09:18, DB shards at max threads. search shipped at 09:05 — that?',
      dataset: place.dataset,
      since: '4h',
      expect: {
        suspect: { kind: ['infrastructure', 'capacity', 'dependency'] },
        rootCauseKeywords: ['cache', 'hit ratio', 'hit_ratio'],
        mustNot: {
          suspectIds: [herring.id, herring.version, ranking.sha, own.id, own.version, unread.sha],
          suspectKinds: ['deployment', 'commit'],
        },
      },
    },
  };
}
