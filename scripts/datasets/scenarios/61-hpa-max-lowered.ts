import { Cluster, steadyWorkload } from '../kube.js';
import { chronicError, clientClosed } from '../logs/noise.js';
import { evalPlacement, type ScenarioOutput } from '../scenario.js';
import { MINUTE } from '../time.js';
import { World } from '../world.js';
import { app, bystander } from './kit.js';

/**
 * An autoscaler capped below the load (the pattern of cost clean-ups that lower an HPA's maxReplicas; no single
 * public postmortem). 2026-03-05, a travel site: at 18:20, during the evening peak, a cost review patches the
 * search-api HPA's maxReplicas from 14 to 4; the controller scales the Deployment down to 4 within a minute. The four
 * pods pin their CPU, latency climbs and requests are rejected. Traffic is normal for the hour. The logs never name the
 * HPA; git shows only fares-api's 18:05 release, the red herring.
 */
export function hpaMaxLowered(): ScenarioOutput {
  const place = evalPlacement('61-hpa-max-lowered');
  const w = new World({
    name: 'hpa-max-lowered',
    description: 'An HPA maximum lowered below the load; visible only in cluster state.',
    seed: '61-hpa-max-lowered',
    date: '2026-03-05',
    start: '13:00',
    now: '18:50',
    deploymentIds: { kind: 'seq', prefix: 'd-', first: 44120, width: 5 },
  });
  const at = (hhmm: string) => w.at(hhmm);
  const patch = at('18:20');

  const search = w.service(app('search-api', 'java', 'log4j', { version: 'v31.4.2', rps: 900, p95: 110, cpu: 58, accessPerMin: 3 }));
  const fares = w.service(app('fares-api', 'go', 'json', { version: 'v12.0.3', rps: 400, p95: 70 }));
  const web = w.service(
    app('web-bff', 'node', 'pino', {
      version: 'v6.2.0',
      rps: 1100,
      p95: 180,
      endpoints: [
        { method: 'GET', path: '/api/search?q={slug}', weight: 6, upstream: 'search-api' },
        { method: 'GET', path: '/api/fares/{id}', weight: 3, upstream: 'fares-api' },
      ],
    }),
  );
  bystander(w, 'bookings-api', 'python', 'json', 'v4.18.1');

  w.history();
  const fareCommit = w.git.commit({
    at: at('17:30'),
    service: 'fares-api',
    message: 'feat(fares): show baggage fee breakdown for basic economy',
    files: ['fares-api/internal/breakdown/baggage.go'],
  });
  const faresDeploy = w.deploy({ at: at('18:05'), service: 'fares-api', version: 'v12.1.0', commits: [fareCommit], by: 'spinnaker' });

  search.cpu.level(patch + MINUTE, 98, { ramp: 2, jitter: 0.01 });
  search.latency.level(patch + 2 * MINUTE, 2400, { ramp: 4 });
  search.errors.level(patch + 3 * MINUTE, 11, { ramp: 3 });
  search.failuresLookLike(patch + 2 * MINUTE, [503]);
  web.errors.level(patch + 3 * MINUTE, 6, { ramp: 3 });
  search.every(patch + 2 * MINUTE, w.now, 25, (r) => ({
    level: 'error',
    logger: 'io.search.http.AdmissionFilter',
    msg: `request rejected: worker queue at ${r.int(195, 200)}/200, returning 503`,
  }));
  web.every(patch + 3 * MINUTE, w.now, 8, (r) => ({
    level: 'error',
    msg: 'search backend call failed',
    fields: { upstream: 'search-api', status: 503, query: `q-${r.hex(6)}` },
  }));
  search.every(w.start, w.now, 6 / 60, (r) => ({
    level: 'warn',
    logger: 'io.search.index.Segments',
    msg: `segment merge took ${r.int(900, 2400)}ms`,
  }));

  chronicError(fares, 1.2, () => ({ level: 'error', msg: 'currency rates feed stale, using cached rates' }));
  chronicError(search, 0.8, () => ({ level: 'error', logger: 'io.search.metrics.Reporter', msg: 'statsd flush failed: buffer full' }));
  clientClosed(web, 4);

  const k = new Cluster(w.rng.fork('kube'), w.now);
  const nodes = ['ip-10-8-1-22.ec2.internal', 'ip-10-8-2-9.ec2.internal', 'ip-10-8-3-40.ec2.internal', 'ip-10-8-4-17.ec2.internal'];
  for (const node of nodes) k.node(node, { zone: 'us-east-1a' });
  k.workload({
    name: 'search-api',
    namespace: 'travel',
    replicas: 4,
    nodes,
    scaled: { at: patch + 40_000, from: 12, manager: 'horizontal-pod-autoscaler' },
    revisions: [
      { at: at('09:00') - 5 * 24 * 60 * MINUTE, image: 'ghcr.io/travel/search-api:v31.4.1' },
      { at: at('11:15') - 24 * 60 * MINUTE, image: 'ghcr.io/travel/search-api:v31.4.2' },
    ],
  });
  k.hpa('search-api', 'travel', { min: 3, max: 4, current: 4, desired: 4, changedAt: patch, manager: 'kubectl-patch' });
  k.event(
    { kind: 'HorizontalPodAutoscaler', name: 'search-api', apiVersion: 'autoscaling/v2' },
    'travel',
    'Normal',
    'SuccessfulRescale',
    'New size: 4; reason: All metrics below target',
    patch + 30_000,
    patch + 30_000,
    1,
    'horizontal-pod-autoscaler',
  );
  k.workload({
    name: 'fares-api',
    namespace: 'travel',
    replicas: 6,
    nodes,
    revisions: [
      { at: at('10:00') - 2 * 24 * 60 * MINUTE, image: 'ghcr.io/travel/fares-api:v12.0.3' },
      { at: at('18:05'), image: 'ghcr.io/travel/fares-api:v12.1.0' },
    ],
  });
  k.hpa('fares-api', 'travel', { min: 4, max: 10, current: 6, desired: 6 });
  k.hpa('web-bff', 'travel', { min: 6, max: 20, current: 9, desired: 9 });
  steadyWorkload(k, {
    name: 'web-bff',
    namespace: 'travel',
    images: ['ghcr.io/travel/web-bff:v6.1.9', 'ghcr.io/travel/web-bff:v6.2.0'],
    at: at('08:00') - 24 * 60 * MINUTE,
    nodes,
    replicas: 9,
  });
  steadyWorkload(k, {
    name: 'bookings-api',
    namespace: 'travel',
    images: ['ghcr.io/travel/bookings-api:v4.18.0', 'ghcr.io/travel/bookings-api:v4.18.1'],
    at: at('07:00') - 3 * 24 * 60 * MINUTE,
    nodes,
  });

  const files = w.finish();
  return {
    ...place,
    files: { ...files, kubernetes: k.files() },
    evalCase: {
      title: 'HPA maxReplicas lowered from 14 to 4 during the evening peak',
      incident: 'Search slow and returning 503s since ~18:22. fares-api went out at 18:05, roll it back?',
      dataset: place.dataset,
      since: '5h',
      expect: {
        suspect: { kind: ['infrastructure', 'capacity'], id: ['hpa travel/search-api'], service: ['search-api'] },
        rootCauseKeywords: ['maxReplicas', 'replicas', 'autoscaler'],
        mustNot: { suspectIds: [faresDeploy.id, faresDeploy.version, fareCommit.sha], suspectKinds: ['deployment', 'commit'] },
        service: ['search-api'],
      },
    },
  };
}
