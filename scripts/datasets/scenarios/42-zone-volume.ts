import { chronicError, healthChecks, slowQuery } from '../logs/noise.js';
import { evalPlacement, type ScenarioOutput } from '../scenario.js';
import { MINUTE } from '../time.js';
import { World } from '../world.js';
import { app, bystander } from './kit.js';

/**
 * 2026-05-19, a photo-sharing app on EKS across three availability zones. upload-api v4.12.0 went to every zone at
 * 09:25. At 09:41 the block-storage volumes in eu-central-1b degrade: their queue length (a CloudWatch series with only
 * `volume_id` and `availability_zone`, no service) jumps, and only upload-api's pods in that zone start timing out
 * writing upload chunks to scratch. The release runs in the healthy zones too, so it is cleared; the untagged volume
 * series in the failing zone is the cause.
 */
export function zoneVolume(): ScenarioOutput {
  const place = evalPlacement('42-zone-volume');
  const w = new World({
    name: 'zone-volume',
    description: 'Storage degraded in one availability zone; a release that reached every zone is innocent.',
    seed: '42-zone-volume',
    date: '2026-05-19',
    start: '05:00',
    now: '10:05',
    deploymentIds: { kind: 'seq', prefix: 'ev-', first: 2210, width: 4 },
  });
  const at = (hhmm: string) => w.at(hhmm);
  const degrade = at('09:41');
  const zones = ['eu-central-1a', 'eu-central-1b', 'eu-central-1c'];
  const sick = 'eu-central-1b';

  const upload = w.service(app('upload-api', 'python', 'json', { version: 'v4.11.3', rps: 210, p95: 400, accessPerMin: 3 }));
  const thumbs = w.service(app('thumbnail-worker', 'go', 'logfmt', { version: 'v9.0.4', rps: 90, p95: 650 }));
  const albums = bystander(w, 'album-service', 'java', 'log4j', 'v15.2.0');
  bystander(w, 'feed-api', 'node', 'pino', 'v31.4.1');

  for (const [i, zone] of zones.entries()) {
    const tags = { app: 'upload-api', zone };
    const errors = w.series({ metric: 'error_rate', tags, unit: '%', base: 0.1, jitter: 0.3, decimals: 2, max: 100 });
    const latency = w.series({ metric: 'request_duration_p99_ms', tags, unit: 'ms', base: 420, jitter: 0.06, diurnal: 0.1, decimals: 0 });
    w.series({ metric: 'request_rate', tags, unit: 'req/s', base: 70, jitter: 0.04, diurnal: 0.2, decimals: 1 });
    const volume = w.series({
      metric: 'aws_ebs_volume_queue_length',
      tags: { volume_id: `vol-0${(7 + i) * 1117}e${i}a`, availability_zone: zone },
      unit: 'count',
      base: 0.6,
      jitter: 0.25,
      decimals: 2,
    });
    w.series({
      metric: 'nat_gateway_active_connections',
      tags: { availability_zone: zone },
      unit: 'count',
      base: 5200,
      jitter: 0.05,
      diurnal: 0.2,
      decimals: 0,
    });
    if (zone === sick) {
      volume.level(degrade, 38, { ramp: 2 });
      errors.level(degrade + 2 * MINUTE, 24, { ramp: 2 });
      latency.level(degrade + 2 * MINUTE, 30_000, { ramp: 2 });
    }
  }
  upload.errors.level(degrade + 2 * MINUTE, 8, { ramp: 2 });
  upload.latency.scale(degrade + 2 * MINUTE, 3, { ramp: 2 });
  upload.failuresLookLike(degrade + 2 * MINUTE, [504, 500], ['/v1/upload']);

  w.history();
  const tus = w.git.commit({
    at: at('08:30'),
    service: 'upload-api',
    author: 'Priya Raman',
    message: 'feat(upload): resumable uploads over the tus protocol',
    files: ['upload-api/app/upload/tus.py', 'upload-api/app/upload/chunks.py'],
  });
  const release = w.deploy({
    at: at('09:25'),
    service: 'upload-api',
    version: 'v4.12.0',
    commits: [tus],
    by: 'argo',
    environment: 'production',
  });
  const thumbFix = w.git.commit({
    at: at('07:10'),
    service: 'thumbnail-worker',
    message: 'fix(thumbs): keep EXIF orientation when cropping',
    files: ['thumbnail-worker/internal/crop/exif.go'],
  });
  w.deploy({ at: at('07:40'), service: 'thumbnail-worker', version: 'v9.0.5', commits: [thumbFix], by: 'argo', environment: 'production' });

  upload.every(degrade + 2 * MINUTE, w.now, 22, (r) => ({
    level: 'error',
    logger: 'app.upload.chunks',
    msg: `upload U-${r.int(1000000, 9999999)} failed: timed out after 30.0s writing chunk ${r.int(1, 40)} to /scratch/uploads`,
    fields: { zone: sick, pod: `upload-api-6f9d8c7b5-${r.pick(['q2x7k', 'm4p9z', 'v7c2d'])}` },
  }));
  upload.every(degrade + 3 * MINUTE, w.now, 5, (r) => ({
    level: 'error',
    logger: 'app.upload.chunks',
    msg: `OSError: [Errno 5] Input/output error: '/scratch/uploads/${r.uuid()}.part'`,
    fields: { zone: sick },
  }));
  chronicError(upload, 2, (r) => ({
    level: 'warn',
    logger: 'app.upload.validate',
    msg: `rejected upload with unsupported type image/${r.pick(['bmp', 'tiff', 'x-icon'])}`,
  }));
  healthChecks(upload, 2);
  slowQuery(albums, 2, 'SELECT * FROM album_photos WHERE album_id = $1 ORDER BY taken_at', [900, 2400]);
  chronicError(thumbs, 2, (r) => ({ level: 'error', msg: `decode failed for photo p-${r.int(100000, 999999)}: truncated JPEG` }));

  return {
    ...place,
    files: w.finish(),
    evalCase: {
      title: 'Storage degraded in one zone: an untagged volume series explains it, the release reached every zone',
      incident: 'Photo uploads timing out for a share of users since ~09:45. We shipped upload-api 4.12 this morning — roll back?',
      dataset: place.dataset,
      since: '4h',
      expect: {
        suspect: { kind: ['infrastructure'] },
        rootCauseKeywords: [sick, 'volume'],
        mustNot: { suspectIds: [release.id, release.version], suspectKinds: ['deployment', 'commit'] },
        service: ['upload-api'],
      },
    },
  };
}
