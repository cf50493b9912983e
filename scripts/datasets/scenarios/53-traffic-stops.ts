import { chronicError, healthChecks, scheduledJob } from '../logs/noise.js';
import { evalPlacement, type ScenarioOutput } from '../scenario.js';
import { World } from '../world.js';
import { app, bystander } from './kit.js';

/**
 * Written from GitHub's public analysis of the 21 October 2018 incident, seen from a customer: after a network
 * partition GitHub degraded its service and queued webhook deliveries for hours, so integrations simply stopped
 * receiving events. Here: build-dispatcher's incoming requests fall by nine tenths at 22:54 and builds stop starting;
 * it logs no error, and nothing of ours names a cause. Red herrings: an artifact-store release at 22:40 and the
 * nightly cache-warm job at 23:00 that runs every night. The right answer is that the data does not show why.
 * Mixed formats: logfmt, JSON, log4j.
 */
export function trafficStops(): ScenarioOutput {
  const place = evalPlacement('53-traffic-stops');
  const w = new World({
    name: 'traffic-stops',
    description: 'Incoming traffic stops with no error anywhere; a release and a nightly job nearby are innocent.',
    seed: '53-traffic-stops',
    date: '2018-10-21',
    start: '19:00',
    now: '23:40',
    deploymentIds: { kind: 'seq', prefix: 'bd-', first: 1480, width: 4 },
  });
  const at = (hhmm: string) => w.at(hhmm);
  const drop = at('22:54');

  const dispatcher = w.service(app('build-dispatcher', 'go', 'logfmt', { version: 'v6.2.1', rps: 35, p95: 40, accessPerMin: 2 }));
  const artifacts = w.service(app('artifact-store', 'java', 'log4j', { version: 'v2.17.0', rps: 120, p95: 30 }));
  const runners = bystander(w, 'runner-pool', 'python', 'json', 'v11.0.4');
  bystander(w, 'status-page', 'node', 'pino', 'v4.4.4');

  dispatcher.requests.scale(drop, 0.1, { ramp: 2 });

  w.history();
  const gc = w.git.commit({
    at: at('21:50'),
    service: 'artifact-store',
    author: 'Lin Wei',
    message: 'feat(gc): expire snapshot artifacts after 14 days',
    files: ['artifact-store/src/main/java/io/artifacts/gc/Expiry.java'],
  });
  const herring = w.deploy({ at: at('22:40'), service: 'artifact-store', version: 'v2.18.0', commits: [gc], by: 'drone' });

  dispatcher.every(w.start, drop, 12, (r) => ({
    level: 'info',
    msg: 'build queued',
    fields: { repo: `org/${r.pick(['api', 'web', 'infra', 'docs'])}`, sha: r.hex(7) },
  }));
  dispatcher.every(drop, w.now, 1, (r) => ({
    level: 'info',
    msg: 'build queued',
    fields: { repo: `org/${r.pick(['api', 'web'])}`, sha: r.hex(7) },
  }));
  scheduledJob(runners, 'cache-warm', 24 * 60, 23 * 60, [300, 600]);
  healthChecks(dispatcher, 2);
  chronicError(dispatcher, 2, (r) => ({ level: 'warn', msg: 'signature check skipped for internal ping', fields: { id: r.hex(8) } }));
  chronicError(artifacts, 2, (r) => ({
    level: 'error',
    logger: 'io.artifacts.upload',
    msg: `upload aborted by client after ${r.int(10, 90)} MB`,
  }));

  return {
    ...place,
    files: w.finish(),
    evalCase: {
      title: 'Incoming traffic stops with no error anywhere (after GitHub, 2018-10-21, seen by an integration): not enough evidence',
      incident: 'Builds stopped starting around 22:55, build-dispatcher gets almost no requests. artifact-store shipped at 22:40, related?',
      dataset: place.dataset,
      since: '4h',
      expect: {
        suspect: { kind: ['unknown'] },
        rootCauseKeywords: ['could not be determined', 'not enough evidence'],
        mustNot: { suspectIds: [herring.id, herring.version, gc.sha], suspectKinds: ['deployment', 'commit', 'config'] },
        maxConfidence: 'low',
      },
    },
  };
}
