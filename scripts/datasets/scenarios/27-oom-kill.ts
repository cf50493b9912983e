import { chronicError, clientClosed } from '../logs/noise.js';
import { evalPlacement, type ScenarioOutput } from '../scenario.js';
import { MINUTE } from '../time.js';
import { World } from '../world.js';
import { app } from './kit.js';

/**
 * 2025-12-02, an observability SaaS. metrics-ingest v2.9.0 (13:15) raises its write-ahead buffer to 2 GiB per hot
 * tenant shard. From 13:40 the kernel's cgroup OOM killer kills the process on host ingest-2 again and again;
 * systemd restarts it. The only word of it is in the host's journal (kernel and systemd lines), and the memory
 * series is the node exporter's (job="node"), which belongs to the host ingest-2, not to a service "node".
 */
export function oomKill(): ScenarioOutput {
  const place = evalPlacement('27-oom-kill');
  const w = new World({
    name: 'oom-kill',
    description: 'A buffer size increase gets a process OOM-killed repeatedly; seen in the host journal.',
    seed: '27-oom-kill',
    date: '2025-12-02',
    start: '08:00',
    now: '14:05',
    deploymentIds: { kind: 'seq', prefix: 'v', first: 50201, width: 6 },
  });
  const at = (hhmm: string, day = 0) => w.at(hhmm, day);
  const ship = at('13:15');
  const first = at('13:40');

  const ingest = w.service(
    app('metrics-ingest', 'go', 'journald', {
      version: 'v2.8.4',
      rps: 900,
      p95: 18,
      tags: { host: 'ingest-2' },
      hostname: 'ingest-2',
      accessPerMin: 1,
    }),
  );
  const queryApi = w.service(app('query-frontend', 'node', 'pino', { version: 'v5.5.0', rps: 120, p95: 140, tags: { host: 'query-1' } }));
  const alerting = w.service(app('alert-eval', 'python', 'cri', { version: 'v3.2.2', rps: 40, p95: 90 }));
  const gateway = w.service(
    app('ingest-lb', 'go', 'nginx', {
      version: 'v1.25.4',
      rps: 900,
      accessPerMin: 6,
      endpoints: [
        { method: 'POST', path: '/api/v1/push', weight: 8, upstream: 'metrics-ingest' },
        { method: 'GET', path: '/api/v1/query?q={slug}', weight: 3, upstream: 'query-frontend' },
      ],
    }),
  );

  w.history();
  const buffer = w.git.commit({
    at: at('11:50'),
    service: 'metrics-ingest',
    author: 'Liam O’Connell',
    message: 'perf(wal): raise write-ahead buffer to 2GiB per hot tenant shard',
    files: ['metrics-ingest/internal/wal/buffer.go', 'metrics-ingest/config/defaults.yaml'],
  });
  const typo = w.git.commit({
    at: at('12:10'),
    service: 'metrics-ingest',
    message: 'fix(cli): typo in --help output',
    files: ['metrics-ingest/cmd/ingest/flags.go'],
  });
  const release = w.deploy({ at: ship, service: 'metrics-ingest', version: 'v2.9.0', commits: [typo, buffer], by: 'argocd' });
  const qf = w.git.commit({
    at: at('12:30'),
    service: 'query-frontend',
    message: 'feat(ui): remember last time range per dashboard',
    files: ['query-frontend/src/dashboards/range.ts'],
  });
  const qfDeploy = w.deploy({ at: at('13:30'), service: 'query-frontend', version: 'v5.6.0', commits: [qf], by: 'argocd' });

  w.series({
    metric: 'node_memory_MemAvailable_bytes',
    tags: { job: 'node', instance: 'ingest-2:9100' },
    unit: 'bytes',
    base: 9.5e9,
    jitter: 0.02,
    decimals: 0,
  }).shape(ship, w.now + MINUTE, (m, v) => Math.max(2e8, v - 3.4e8 * m));
  w.series({
    metric: 'node_memory_MemAvailable_bytes',
    tags: { job: 'node', instance: 'query-1:9100' },
    unit: 'bytes',
    base: 7.1e9,
    jitter: 0.02,
    decimals: 0,
  });
  ingest.errors.level(first, 12, { ramp: 2 });
  gateway.errors.level(first + MINUTE, 6, { ramp: 2 });
  gateway.failuresLookLike(first, [502], ['/api/v1/push']);
  alerting.errors.level(first + 3 * MINUTE, 2.1, { ramp: 3 });

  for (const svc of [ingest, queryApi, alerting])
    chronicError(svc, 0.6, () => ({ level: 'error', msg: 'self-monitoring scrape of :9090/metrics timed out' }));
  clientClosed(queryApi, 2);
  gateway.every(w.start, w.now, 0.25, () => ({
    level: 'warn',
    msg: 'upstream sent no valid HTTP/1.0 header while reading response header from upstream',
  }));
  alerting.every(w.start, w.now, 6 / 60, (r) => ({
    level: 'warn',
    msg: `rule group tenant-${r.int(100, 999)}/slo evaluation took longer than interval`,
  }));
  ingest.every(w.start, w.now, 5 / 60, (r) => ({ level: 'warn', msg: `tenant t-${r.int(1000, 9999)} over series limit, samples dropped` }));
  ingest.every(first, w.now, 0.7, (r) => {
    const pid = r.int(20000, 60000);
    return {
      level: 'error',
      logger: 'kernel',
      msg: `Memory cgroup out of memory: Killed process ${pid} (metrics-ingest) total-vm:${r.int(9000000, 9900000)}kB, anon-rss:${r.int(7800000, 8300000)}kB, file-rss:0kB, shmem-rss:0kB, UID:999 pgtables:${r.int(16000, 19000)}kB oom_score_adj:0`,
    };
  });
  ingest.every(first, w.now, 0.7, () => ({
    level: 'warn',
    logger: 'systemd',
    msg: 'metrics-ingest.service: Main process exited, code=killed, status=9/KILL',
  }));
  ingest.every(first, w.now, 12, (r) => ({
    level: 'error',
    msg: `WAL replay after restart: ${r.int(100, 900)} segments pending, rejecting pushes for tenant shard shard-12`,
  }));

  return {
    ...place,
    files: w.finish(),
    evalCase: {
      title: 'OOM kills in the host journal after a write-ahead buffer increase',
      incident: 'Metric pushes failing with 502 since ~13:40; query-frontend deployed at 13:30, was that it?',
      dataset: place.dataset,
      since: '6h',
      expect: {
        suspect: { kind: ['deployment', 'commit'], id: [release.id, release.version, buffer.sha], service: ['metrics-ingest'] },
        rootCauseKeywords: ['write-ahead buffer', 'buffer', 'out of memory'],
        mustNot: { suspectIds: [qfDeploy.id, qfDeploy.version, qf.sha] },
        service: ['metrics-ingest'],
      },
    },
  };
}
