import { Cluster, steadyWorkload } from '../kube.js';
import { chronicError, clientClosed } from '../logs/noise.js';
import { evalPlacement, type ScenarioOutput } from '../scenario.js';
import { MINUTE } from '../time.js';
import { World } from '../world.js';
import { app, bystander } from './kit.js';

/**
 * A node under memory pressure evicting the pods of two services (the pattern of the kubelet's node-pressure eviction
 * documentation; no single public postmortem). 2026-05-21, a media site: from 15:20 node ip-10-4-7-88 reports
 * MemoryPressure (a log-shipping DaemonSet leaks there) and the kubelet evicts the pods of recs-api and profile-api
 * scheduled on it, again and again as replacements land back on it. Both services answer errors while their pods come
 * and go. The logs show only connection resets and restarts; ads-api's 15:12 release is the red herring.
 */
export function nodeMemoryPressure(): ScenarioOutput {
  const place = evalPlacement('63-node-memory-pressure');
  const w = new World({
    name: 'node-memory-pressure',
    description: 'Node MemoryPressure evicts the pods of two services; visible only in cluster state.',
    seed: '63-node-memory-pressure',
    date: '2026-05-21',
    start: '10:30',
    now: '15:55',
    deploymentIds: { kind: 'seq', prefix: 'rel-', first: 3120, width: 4 },
  });
  const at = (hhmm: string) => w.at(hhmm);
  const pressure = at('15:20');
  const bad = 'ip-10-4-7-88.us-west-2.compute.internal';

  const recs = w.service(app('recs-api', 'python', 'json', { version: 'v14.2.0', rps: 380, p95: 90, accessPerMin: 2 }));
  const profile = w.service(app('profile-api', 'go', 'json', { version: 'v5.9.1', rps: 240, p95: 40 }));
  const ads = w.service(app('ads-api', 'node', 'pino', { version: 'v21.3.0', rps: 500, p95: 60 }));
  const frontend = w.service(
    app('web-frontend', 'node', 'nginx', {
      version: 'v3.1.4',
      rps: 1200,
      accessPerMin: 6,
      endpoints: [
        { method: 'GET', path: '/api/recs/{id}', weight: 4, upstream: 'recs-api' },
        { method: 'GET', path: '/api/profile/{id}', weight: 3, upstream: 'profile-api' },
        { method: 'GET', path: '/api/ads?slot={slug}', weight: 3, upstream: 'ads-api' },
      ],
    }),
  );
  bystander(w, 'media-transcoder', 'go', 'klog', 'v2.7.5');

  w.history();
  const adsCommit = w.git.commit({
    at: at('14:30'),
    service: 'ads-api',
    message: 'feat(ads): frequency cap per household instead of per device',
    files: ['ads-api/src/caps/household.ts'],
  });
  const adsDeploy = w.deploy({ at: at('15:12'), service: 'ads-api', version: 'v21.4.0', commits: [adsCommit], by: 'flux' });

  for (const [svc, share] of [
    [recs, 14],
    [profile, 9],
  ] as const) {
    svc.errors.level(pressure + 2 * MINUTE, share, { ramp: 3, jitter: 0.2 });
    svc.latency.scale(pressure + 2 * MINUTE, 2.5, { ramp: 3 });
    svc.failuresLookLike(pressure + 2 * MINUTE, [502, 503]);
  }
  frontend.errors.level(pressure + 3 * MINUTE, 5, { ramp: 3 });
  recs.every(pressure + 2 * MINUTE, w.now, 10, (r) => ({
    level: 'error',
    logger: 'recs.feature_store',
    msg: `feature fetch failed: connection reset by peer (shard ${r.int(1, 12)})`,
  }));
  profile.every(pressure + 2 * MINUTE, w.now, 8, (r) => ({ level: 'error', msg: `session cache lookup failed: EOF (pod ${r.hex(5)})` }));
  frontend.every(pressure + 3 * MINUTE, w.now, 6, (r) => ({
    level: 'error',
    msg: `upstream prematurely closed connection while reading response header from upstream, request: "GET /api/recs/${r.int(1000, 9999)}"`,
  }));

  chronicError(ads, 1, () => ({ level: 'error', msg: 'bid request to partner exchange timed out after 120ms' }));
  chronicError(recs, 0.6, () => ({ level: 'error', logger: 'recs.train', msg: 'model refresh skipped: artifact unchanged' }));
  clientClosed(frontend, 3);

  const k = new Cluster(w.rng.fork('kube'), w.now);
  const healthy = [
    'ip-10-4-1-12.us-west-2.compute.internal',
    'ip-10-4-3-51.us-west-2.compute.internal',
    'ip-10-4-5-23.us-west-2.compute.internal',
  ];
  for (const node of healthy) k.node(node, { zone: 'us-west-2a' });
  k.node(bad, { zone: 'us-west-2b', memoryPressureAt: pressure });
  k.workload({
    name: 'recs-api',
    namespace: 'media',
    replicas: 6,
    nodes: healthy,
    trouble: { evicted: { node: bad, at: pressure + MINUTE, count: 4 } },
    revisions: [
      { at: at('09:00') - 4 * 24 * 60 * MINUTE, image: 'quay.io/media/recs-api:v14.1.3' },
      { at: at('12:40'), image: 'quay.io/media/recs-api:v14.2.0' },
    ],
  });
  k.workload({
    name: 'profile-api',
    namespace: 'media',
    replicas: 4,
    nodes: healthy,
    trouble: { evicted: { node: bad, at: pressure + 2 * MINUTE, count: 3 } },
    revisions: [
      { at: at('09:00') - 10 * 24 * 60 * MINUTE, image: 'quay.io/media/profile-api:v5.9.0' },
      { at: at('08:00') - 2 * 24 * 60 * MINUTE, image: 'quay.io/media/profile-api:v5.9.1' },
    ],
  });
  k.workload({
    name: 'ads-api',
    namespace: 'media',
    replicas: 5,
    nodes: [...healthy, bad],
    revisions: [
      { at: at('11:00') - 3 * 24 * 60 * MINUTE, image: 'quay.io/media/ads-api:v21.3.0' },
      { at: at('15:12'), image: 'quay.io/media/ads-api:v21.4.0' },
    ],
  });
  steadyWorkload(k, {
    name: 'web-frontend',
    namespace: 'media',
    images: ['quay.io/media/web-frontend:v3.1.3', 'quay.io/media/web-frontend:v3.1.4'],
    at: at('07:00') - 24 * 60 * MINUTE,
    nodes: healthy,
    replicas: 6,
  });
  steadyWorkload(k, {
    name: 'media-transcoder',
    namespace: 'media',
    images: ['quay.io/media/media-transcoder:v2.7.4', 'quay.io/media/media-transcoder:v2.7.5'],
    at: at('06:00') - 6 * 24 * 60 * MINUTE,
    nodes: healthy,
    replicas: 2,
  });

  const files = w.finish();
  return {
    ...place,
    files: { ...files, kubernetes: k.files() },
    evalCase: {
      title: 'Node MemoryPressure evicts the pods of recs-api and profile-api',
      incident: 'Recommendations and profiles erroring since ~15:22. ads-api released at 15:12, related?',
      dataset: place.dataset,
      since: '5h',
      expect: {
        suspect: { kind: ['infrastructure'], service: ['recs-api', 'profile-api'] },
        rootCauseKeywords: ['MemoryPressure', 'memory pressure', 'evicted'],
        mustNot: { suspectIds: [adsDeploy.id, adsDeploy.version, adsCommit.sha], suspectKinds: ['deployment', 'commit'] },
        service: ['recs-api', 'profile-api'],
      },
    },
  };
}
