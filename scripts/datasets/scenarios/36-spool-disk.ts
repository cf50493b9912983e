import { chronicError } from '../logs/noise.js';
import { evalPlacement, type ScenarioOutput } from '../scenario.js';
import { HOUR, MINUTE } from '../time.js';
import { World } from '../world.js';
import { app, bystander, latencyAs, outcomeSplit } from './kit.js';

/**
 * 2026-02-24, a mobile analytics platform on VMs scraped by Prometheus (node-exporter, recording rules). On 02-21
 * beacon-collector v4.8.0 started keeping uploaded batches in its spool for 72 h "for replay"; the spool filesystem
 * on beacon-01 fills by ~1%/h and today at 11:35 appends fail with ENOSPC and clients get 507. Only free bytes are
 * exported (node_filesystem_avail_bytes beside node_filesystem_size_bytes): no percentage, no sharp onset. The
 * collector's newer release v4.8.1 (yesterday, a schema change), a fix that prunes the spool but was never deployed
 * and edge-gateway's certificate rotation at 11:05 must not be blamed.
 */
export function spoolDisk(): ScenarioOutput {
  const place = evalPlacement('36-spool-disk');
  const w = new World({
    name: 'spool-disk',
    description: 'A spool filesystem filling for three days after a retention change, seen as free bytes falling.',
    seed: '36-spool-disk',
    date: '2026-02-24',
    start: '05:40',
    now: '12:10',
    deploymentIds: { kind: 'seq', prefix: 'spk-', first: 2210, width: 5 },
    historyDays: 8,
  });
  const at = (hhmm: string, day = 0) => w.at(hhmm, day);
  const shipped = at('14:30', -3);
  const full = at('11:35');

  const collector = w.service(
    app('beacon-collector', 'go', 'journald', {
      version: 'v4.7.6',
      rps: 420,
      p95: 35,
      golden: false,
      hostname: 'beacon-01',
      endpoints: [
        { method: 'POST', path: '/v1/events', weight: 8 },
        { method: 'POST', path: '/v1/batch', weight: 2, cost: 2 },
      ],
    }),
  );
  const edge = w.service(
    app('edge-gateway', 'go', 'envoy', {
      version: 'v2.14.2',
      rps: 470,
      p95: 45,
      endpoints: [
        { method: 'POST', path: '/collect/v1/events', weight: 8, upstream: 'beacon-collector' },
        { method: 'GET', path: '/consent/{id}', weight: 2, upstream: 'consent-svc' },
      ],
    }),
  );
  outcomeSplit(w, collector, {
    metric: 'job:http_requests:rate5m',
    labels: { job: 'beacon-collector', instance: 'beacon-01:8080' },
    ok: { code: '202' },
    error: { code: '507' },
    unit: 'req/s',
  });
  latencyAs(w, collector, 'job:http_request_duration_seconds:p99', { job: 'beacon-collector', instance: 'beacon-01:8080' });

  const size = 500e9;
  // Before v4.8.0 the spool held what was not yet uploaded: a flat ~31%. Node-exporter history goes back five days.
  const usedAt = (t: number) => Math.min(0.995, 0.31 + (Math.max(0, t - shipped) / HOUR) * 0.0096);
  const history = { from: at('00:00', -5), everyMinutes: 15 };
  const spool = { job: 'node', instance: 'beacon-01:9100', device: '/dev/nvme1n1', fstype: 'xfs', mountpoint: '/var/spool/beacon' };
  const root = { job: 'node', instance: 'beacon-01:9100', device: '/dev/nvme0n1p1', fstype: 'ext4', mountpoint: '/' };
  w.series({ metric: 'node_filesystem_avail_bytes', tags: spool, unit: 'bytes', base: 1, jitter: 0, decimals: 0, history }).shape(
    history.from,
    w.now + MINUTE,
    (minutes, _v, r) => size * (1 - usedAt(history.from + minutes * MINUTE)) * (1 + r.normal(0, 0.002)),
  );
  w.series({ metric: 'node_filesystem_size_bytes', tags: spool, unit: 'bytes', base: size, jitter: 0, decimals: 0, history });
  w.series({ metric: 'node_filesystem_avail_bytes', tags: root, unit: 'bytes', base: 51e9, jitter: 0.002, decimals: 0 });
  w.series({ metric: 'node_filesystem_size_bytes', tags: root, unit: 'bytes', base: 80e9, jitter: 0, decimals: 0 });

  collector.errors.level(full, 41, { ramp: 4 });
  collector.latency.scale(full, 1.8, { ramp: 4 });
  collector.failuresLookLike(full, [507], ['/v1/events', '/v1/batch']);
  edge.errors.level(full + MINUTE, 33, { ramp: 4 });
  edge.failuresLookLike(full + MINUTE, [507], ['/collect/v1/events']);
  collector.every(full, w.now, 14, (r) => ({
    level: 'error',
    msg: `append batch to spool segment /var/spool/beacon/seg-${String(r.int(480, 499)).padStart(6, '0')}.wal failed: write: no space left on device`,
  }));
  // The watermark warning has been firing since before the window: a human would have seen it, it is not new.
  collector.every(w.start, w.now, 1 / 5, () => ({
    level: 'warn',
    msg: 'spool filesystem /var/spool/beacon above high watermark (90%), uploads are keeping up',
  }));
  collector.every(w.start, w.now, 2, (r) => ({
    level: 'info',
    msg: `uploaded batch ${r.int(100000, 999999)} to object storage (${r.int(800, 5000)} events), kept in spool for replay`,
  }));
  collector.cron(60, 17, () => ({ level: 'info', logger: 'systemd', msg: 'logrotate.service: Deactivated successfully.' }));

  bystander(w, 'consent-svc', 'python', 'json', 'v2.2.0');
  const cohort = bystander(w, 'cohort-api', 'java', 'otel', 'v5.1.3');
  bystander(w, 'attribution-worker', 'python', 'syslog5424', 'v0.14.2');
  chronicError(cohort, 3, (r) => ({ level: 'warn', msg: `flag client served stale flags for ${r.int(20, 90)}s, refresh pending` }));

  w.history(at('09:00', -3));
  const retention = w.git.commit({
    at: at('11:10', -3),
    service: 'beacon-collector',
    author: 'Aiko Tanaka',
    message: 'feat(spool): keep uploaded batches on disk for 72h so failed exports can be replayed',
    files: ['beacon-collector/internal/spool/retention.go', 'beacon-collector/internal/uploader/replay.go'],
  });
  const release = w.deploy({ at: shipped, service: 'beacon-collector', version: 'v4.8.0', commits: [retention], by: 'spinnaker' });
  const schema = w.git.commit({
    at: at('10:20', -1),
    service: 'beacon-collector',
    message: 'feat(ingest): accept schema v7 events from the iOS SDK',
    files: ['beacon-collector/internal/ingest/schema_v7.go'],
  });
  const newer = w.deploy({ at: at('15:05', -1), service: 'beacon-collector', version: 'v4.8.1', commits: [schema], by: 'spinnaker' });
  const prune = w.git.commit({
    at: at('18:40', -1),
    service: 'beacon-collector',
    message: 'fix(spool): prune uploaded batches after 6h instead of 72h',
    files: ['beacon-collector/internal/spool/retention.go'],
  });
  const certs = w.git.commit({
    at: at('10:30'),
    service: 'edge-gateway',
    message: 'chore(tls): rotate upstream client certificates',
    files: ['edge-gateway/envoy/clusters.yaml', 'edge-gateway/certs/README.md'],
  });
  const edgeDeploy = w.deploy({ at: at('11:05'), service: 'edge-gateway', version: 'v2.14.3', commits: [certs], by: 'spinnaker' });

  return {
    ...place,
    files: w.finish(),
    evalCase: {
      title: 'A spool disk filling for three days after a retention change; only free bytes are exported',
      incident: 'beacon ingestion returning 507 since ~11:35, edge-gateway errors too. Was it the edge cert rotation this morning?',
      dataset: place.dataset,
      since: '6h',
      expect: {
        suspect: { kind: ['deployment', 'commit'], id: [release.id, release.version, retention.sha] },
        rootCauseKeywords: ['spool', 'space'],
        mustNot: { suspectIds: [newer.id, newer.version, prune.sha, edgeDeploy.id, edgeDeploy.version] },
        service: ['beacon-collector'],
      },
    },
  };
}
