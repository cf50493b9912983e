import { chronicError, healthChecks } from '../logs/noise.js';
import { evalPlacement, type ScenarioOutput } from '../scenario.js';
import { World } from '../world.js';
import { app, bystander } from './kit.js';

/**
 * Written from Slack's public postmortem of 4 January 2021: packet loss inside the cloud provider's network between
 * Slack's tiers, which Slack's own dashboards could not see at first. Here: messaging-api answers 500s and slows down
 * from 14:02; its logs only say the request failed, no dependency, host or resource is named, and no metric of ours
 * moves but its own errors and latency. The only change nearby is a release of an unrelated service (avatar-resizer)
 * 25 minutes earlier: the red herring. The right answer is that the data does not show the cause. Mixed formats:
 * klog-style Go, JSON, pino.
 */
export function thinEvidence(): ScenarioOutput {
  const place = evalPlacement('46-thin-evidence');
  const w = new World({
    name: 'thin-evidence',
    description: 'Errors with nothing in the telemetry that explains them; an unrelated release nearby.',
    seed: '46-thin-evidence',
    date: '2026-01-04',
    start: '10:00',
    now: '14:40',
    deploymentIds: { kind: 'seq', prefix: 'sl-', first: 8820, width: 4 },
  });
  const at = (hhmm: string) => w.at(hhmm);
  const onset = at('14:02');

  const messaging = w.service(app('messaging-api', 'go', 'json', { version: 'v44.2.0', rps: 3200, p95: 60, accessPerMin: 3 }));
  const avatars = w.service(app('avatar-resizer', 'node', 'pino', { version: 'v7.0.3', rps: 90, p95: 120 }));
  bystander(w, 'search-indexer', 'python', 'json', 'v12.1.0');
  bystander(w, 'notifications', 'java', 'log4j', 'v3.33.0');

  messaging.errors.level(onset, 9, { ramp: 3, jitter: 0.15 });
  messaging.latency.level(onset, 240, { ramp: 3 });
  messaging.failuresLookLike(onset, [500], ['/v1/messaging/{id}']);

  w.history();
  const crop = w.git.commit({
    at: at('12:10'),
    service: 'avatar-resizer',
    message: 'feat(crop): smart-crop square avatars around faces',
    files: ['avatar-resizer/src/crop/smartCrop.ts'],
  });
  const herring = w.deploy({ at: at('13:37'), service: 'avatar-resizer', version: 'v7.1.0', commits: [crop], by: 'argo' });

  messaging.every(onset, w.now, 20, (r) => ({
    level: 'error',
    msg: 'request failed',
    fields: { method: r.pick(['POST', 'GET']), path: `/v1/messaging/${r.int(1000, 9999)}`, status: 500, took_ms: r.int(900, 3000) },
  }));
  avatars.every(w.start, w.now, 0.5, (r) => ({ level: 'info', msg: 'resized avatar', fields: { px: r.pick([64, 128, 256]) } }));
  healthChecks(messaging, 2);
  chronicError(messaging, 1, (r) => ({
    level: 'warn',
    msg: 'slow client closed stream early',
    fields: { client: `desktop/${r.int(4, 5)}.${r.int(0, 9)}` },
  }));

  return {
    ...place,
    files: w.finish(),
    evalCase: {
      title: 'Errors the telemetry cannot explain; an unrelated release nearby (after Slack, 2021-01-04): not enough evidence',
      incident: 'Messages fail to send for many users since about 14:00. Was it the avatar release?',
      dataset: place.dataset,
      since: '4h',
      expect: {
        suspect: { kind: ['unknown'] },
        rootCauseKeywords: ['could not be determined', 'not enough evidence'],
        mustNot: { suspectIds: [herring.id, herring.version, crop.sha], suspectKinds: ['deployment', 'commit', 'config'] },
        maxConfidence: 'low',
      },
    },
  };
}
