import { TEAM_FORMAT } from '../logs/formats.js';
import { cacheStats, chronicError, gcPauses, scheduledJob } from '../logs/noise.js';
import { evalPlacement, type ScenarioOutput } from '../scenario.js';
import { MINUTE } from '../time.js';
import { World } from '../world.js';
import { app, bystander } from './kit.js';

/**
 * 2026-03-09, a parcel carrier's dispatch platform. The routing team logs in its own layout (`09.03.2026 07:14:22.481
 * <ERROR> route-planner/worker-3: …`), which no built-in parser reads: the case ships the LOG_FORMATS entry for it.
 * route-planner v5.0.0 (07:02) moves geocoding to the geocoder's v3 API but still sends the v2 field `lat_lng`; from
 * 07:04 every stop without cached coordinates fails and routes go out unplanned. fleet-tracker's deploy at 06:45 and
 * label-printer's chronic spooler errors are noise. Without the format the planner's errors are unreadable lines.
 */
export function teamLogFormat(): ScenarioOutput {
  const place = evalPlacement('43-team-log-format');
  const w = new World({
    name: 'team-log-format',
    description: 'A service that logs in a team-specific layout, read through LOG_FORMATS.',
    seed: '43-team-log-format',
    date: '2026-03-09',
    start: '02:30',
    now: '07:35',
    deploymentIds: { kind: 'seq', prefix: 'dpl-', first: 6610, width: 4 },
  });
  const at = (hhmm: string) => w.at(hhmm);
  const ship = at('07:02');
  const fail = ship + 2 * MINUTE;

  const planner = w.service(app('route-planner', 'java', 'team', { version: 'v4.9.2', rps: 45, p95: 380, accessPerMin: 2 }));
  const tracker = w.service(app('fleet-tracker', 'go', 'logfmt', { version: 'v2.14.0', rps: 260, p95: 30 }));
  const labels = bystander(w, 'label-printer', 'python', 'json', 'v1.8.3');
  bystander(w, 'depot-portal', 'node', 'pino', 'v6.3.1');

  w.history();
  const trackerCommit = w.git.commit({
    at: at('06:20'),
    service: 'fleet-tracker',
    message: 'perf(gps): batch position updates per vehicle every 5s',
    files: ['fleet-tracker/internal/gps/batch.go'],
  });
  const trackerDeploy = w.deploy({ at: at('06:45'), service: 'fleet-tracker', version: 'v2.15.0', commits: [trackerCommit], by: 'argo' });
  const geocoder = w.git.commit({
    at: at('06:10'),
    service: 'route-planner',
    author: 'Ines Duarte',
    message: 'feat(geo): move stop geocoding to the geocoder v3 API',
    files: ['route-planner/src/main/java/dispatch/geo/GeocoderClient.java', 'route-planner/src/main/java/dispatch/geo/StopResolver.java'],
  });
  const release = w.deploy({ at: ship, service: 'route-planner', version: 'v5.0.0', commits: [geocoder], by: 'argo' });

  planner.errors.level(fail, 11, { ramp: 2 });
  planner.latency.scale(fail, 1.4, { ramp: 2 });
  planner.failuresLookLike(fail, [500], ['/v1/route-planner']);
  planner.every(fail, w.now, 26, (r) => ({
    level: 'error',
    msg: `geocoding stop S-${r.int(100000, 999999)} failed: geocoder answered 400 Bad Request: unknown field "lat_lng"`,
  }));
  planner.every(fail + MINUTE, w.now, 6, (r) => ({
    level: 'warn',
    msg: `route R-${r.int(10000, 99999)} left unplanned: ${r.int(2, 9)} stops without coordinates`,
  }));
  scheduledJob(planner, 'depot-capacity-refresh', 15, 4, [2, 9]);
  gcPauses(planner, 3, 2048);
  chronicError(planner, 1, (r) => ({
    level: 'warn',
    msg: `traffic feed stale for region ${r.pick(['north', 'east', 'south'])}, using yesterday's speeds`,
  }));
  cacheStats(tracker, 'vehicle-state', 10, 0.97);
  chronicError(labels, 3, (r) => ({
    level: 'error',
    msg: `spooler job ${r.int(1000, 9999)} failed: printer offline at depot D-${r.int(10, 60)}`,
  }));

  return {
    ...place,
    files: w.finish(),
    evalCase: {
      title: 'A team-specific log layout read through LOG_FORMATS names the failing geocoder call',
      incident: 'Routes going out unplanned since about 07:05, drivers missing stops. What changed?',
      dataset: place.dataset,
      since: '4h',
      logFormats: [TEAM_FORMAT],
      expect: {
        suspect: { kind: ['deployment', 'commit'], id: [release.id, release.version, geocoder.sha] },
        rootCauseKeywords: ['lat_lng', 'unknown field'],
        mustNot: { suspectIds: [trackerDeploy.id, trackerDeploy.version] },
        service: ['route-planner'],
      },
    },
  };
}
