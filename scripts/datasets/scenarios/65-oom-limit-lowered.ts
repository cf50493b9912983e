import { Cluster, steadyWorkload } from '../kube.js';
import { chronicError, clientClosed } from '../logs/noise.js';
import { evalPlacement, type ScenarioOutput } from '../scenario.js';
import { MINUTE } from '../time.js';
import { World } from '../world.js';
import { app, bystander } from './kit.js';

/**
 * OOM kills after a revision that lowered the container's memory limit (the pattern of "right-sizing" write-ups where
 * a limit taken from a quiet week's usage is applied before the monthly peak; no single public postmortem).
 * 2026-07-01, an analytics product: at 13:05 a Helm upgrade from the platform team's values repository (not the
 * repository the bot reads) rolls reports-api to revision 9 with the same image and its memory limit cut from 2Gi to
 * 512Mi. Month-start report builds need ~700Mi: from 13:20 the pods are OOM-killed, restart, and sit in
 * CrashLoopBackOff. The working-set series climbs to the limit and falls with every kill. The application logs only
 * show restarts and aborted builds; exports-api's 13:12 release is the red herring.
 */
export function oomLimitLowered(): ScenarioOutput {
  const place = evalPlacement('65-oom-limit-lowered');
  const w = new World({
    name: 'oom-limit-lowered',
    description: 'A revision lowers the memory limit; its pods are OOM-killed under the month-start load.',
    seed: '65-oom-limit-lowered',
    date: '2026-07-01',
    start: '08:30',
    now: '13:50',
    deploymentIds: { kind: 'seq', prefix: 'v', first: 61001, width: 6 },
  });
  const at = (hhmm: string) => w.at(hhmm);
  const rollout = at('13:05');
  const kills = at('13:20');
  const limit = 512 * 1024 * 1024;

  const reports = w.service(app('reports-api', 'node', 'pino', { version: 'v4.3.0', rps: 60, p95: 900, accessPerMin: 2 }));
  const exportsApi = w.service(app('exports-api', 'go', 'json', { version: 'v2.2.1', rps: 40, p95: 250 }));
  const dash = w.service(
    app('dashboard-bff', 'node', 'nginx', {
      version: 'v8.0.2',
      rps: 300,
      accessPerMin: 5,
      endpoints: [
        { method: 'POST', path: '/api/reports', weight: 3, upstream: 'reports-api' },
        { method: 'GET', path: '/api/exports/{id}', weight: 2, upstream: 'exports-api' },
      ],
    }),
  );
  bystander(w, 'ingest-router', 'go', 'klog', 'v11.0.4');

  w.history();
  const exportCommit = w.git.commit({
    at: at('12:30'),
    service: 'exports-api',
    message: 'feat(exports): parquet export for large workspaces',
    files: ['exports-api/internal/parquet/writer.go'],
  });
  const exportDeploy = w.deploy({ at: at('13:12'), service: 'exports-api', version: 'v2.3.0', commits: [exportCommit], by: 'argocd' });

  // Working set per container: ~420Mi before, then climbing to the 512Mi limit every few minutes once builds start.
  w.series({
    metric: 'container_memory_working_set_bytes',
    tags: { namespace: 'analytics', container: 'reports-api' },
    unit: 'bytes',
    base: 4.2e8,
    jitter: 0.03,
    decimals: 0,
  }).shape(kills - 8 * MINUTE, w.now + MINUTE, (m) => {
    const cycle = m % 6;
    return Math.min(limit * 0.999, 3.1e8 + cycle * 4.4e7);
  });
  reports.errors.level(kills, 19, { ramp: 2, jitter: 0.15 });
  reports.latency.level(kills, 4200, { ramp: 3 });
  reports.failuresLookLike(kills, [502, 503], ['/v1/reports']);
  dash.errors.level(kills + MINUTE, 5, { ramp: 2 });
  reports.every(kills, w.now, 10, (r) => ({
    level: 'error',
    msg: 'report build aborted: worker connection lost',
    fields: { report: `rpt_${r.hex(8)}`, workspace: `ws_${r.int(100, 999)}` },
  }));
  reports.every(kills, w.now, 1.2, () => ({
    level: 'info',
    msg: 'server listening',
    fields: { port: 8080, version: 'v4.3.0', node: 'v20.11.1' },
  }));

  chronicError(exportsApi, 1, () => ({ level: 'error', msg: 'object storage multipart upload retried: SlowDown' }));
  chronicError(reports, 0.5, () => ({ level: 'error', msg: 'feature flag client: stream reconnecting' }));
  clientClosed(dash, 3);

  const k = new Cluster(w.rng.fork('kube'), w.now);
  const nodes = ['worker-pool-b-7d2kq', 'worker-pool-b-9xw4r', 'worker-pool-b-c5m8t', 'worker-pool-b-h2p6v'];
  for (const node of nodes) k.node(node, { zone: 'fra1' });
  k.workload({
    name: 'reports-api',
    namespace: 'analytics',
    replicas: 5,
    nodes,
    trouble: { oomKilled: { from: kills, restarts: 5 } },
    revisions: [
      ...[20, 16, 12, 9, 7, 5, 3].map((days, index) => ({
        at: at('10:00') - days * 24 * 60 * MINUTE,
        image: `registry.digitalocean.com/analytics/reports-api:v4.${index < 4 ? 1 : 2}.${index % 4}`,
        memoryLimit: '2Gi',
      })),
      { at: at('11:00') - 2 * 24 * 60 * MINUTE, image: 'registry.digitalocean.com/analytics/reports-api:v4.3.0', memoryLimit: '2Gi' },
      {
        at: rollout,
        image: 'registry.digitalocean.com/analytics/reports-api:v4.3.0',
        memoryLimit: '512Mi',
        ready: 1,
        changeCause: 'helm upgrade reports-api platform-values@7c1e2f0: resources right-sizing',
      },
    ],
  });
  k.workload({
    name: 'exports-api',
    namespace: 'analytics',
    replicas: 3,
    nodes,
    revisions: [
      { at: at('09:00') - 4 * 24 * 60 * MINUTE, image: 'registry.digitalocean.com/analytics/exports-api:v2.2.1' },
      { at: at('13:12'), image: 'registry.digitalocean.com/analytics/exports-api:v2.3.0' },
    ],
  });
  steadyWorkload(k, {
    name: 'dashboard-bff',
    namespace: 'analytics',
    images: ['registry.digitalocean.com/analytics/dashboard-bff:v8.0.1', 'registry.digitalocean.com/analytics/dashboard-bff:v8.0.2'],
    at: at('07:00') - 24 * 60 * MINUTE,
    nodes,
    replicas: 4,
  });
  steadyWorkload(k, {
    name: 'ingest-router',
    namespace: 'analytics',
    images: ['registry.digitalocean.com/analytics/ingest-router:v11.0.3', 'registry.digitalocean.com/analytics/ingest-router:v11.0.4'],
    at: at('06:00') - 6 * 24 * 60 * MINUTE,
    nodes,
  });

  const files = w.finish();
  return {
    ...place,
    files: { ...files, kubernetes: k.files() },
    evalCase: {
      title: 'OOM kills after a revision that lowered the memory limit to 512Mi',
      incident: 'Report builds failing with 502 since ~13:20. exports-api went out at 13:12, was it that?',
      dataset: place.dataset,
      since: '5h',
      expect: {
        suspect: { kind: ['deployment'], id: ['reports-api revision 9'], service: ['reports-api'] },
        rootCauseKeywords: ['OOMKilled', 'memory limit'],
        mustNot: { suspectIds: [exportDeploy.id, exportDeploy.version, exportCommit.sha] },
        service: ['reports-api'],
      },
    },
  };
}
