import { describe, expect, test } from 'vitest';
import type { AnomalyOut } from '../../mcp-servers/metrics/schemas.js';
import { matchClasses } from '../../src/engines/builtin/classes.js';
import type { Symptom } from '../../src/engines/builtin/symptoms.js';
import { anomaly, at } from './support/scenarios.js';

function symptom(signature: string): Symptom {
  return {
    signature,
    example: signature,
    services: ['api'],
    before: 0,
    after: 50,
    growth: 50,
    novel: true,
    score: 5,
    firstSeen: null,
    callId: 'T5',
  };
}

const series = (metric: string, direction: AnomalyOut['direction'], tags: Record<string, string> = {}) => ({
  value: anomaly({ metric, direction, tags, onset: at(30), severity: 'critical' }),
  callId: 'T3',
});
const keys = (symptoms: Symptom[], anomalies: ReturnType<typeof series>[]) =>
  matchClasses(symptoms, anomalies).map((match) => match.cls.key);

describe('cache effectiveness: named only when a cache series moved the way a failing cache moves', () => {
  const miss = [symptom('cache miss storm: 80% of lookups missed')];

  test('a falling hit ratio names it; a rising one does not', () => {
    expect(keys(miss, [series('memcached_get_hit_ratio', 'down', { pool: 'main' })])).toContain('cache');
    expect(keys(miss, [series('memcached_get_hit_ratio', 'up', { pool: 'main' })])).not.toContain('cache');
  });

  test('rising misses or evictions name it; falling ones do not', () => {
    expect(keys([], [series('redis_keyspace_misses_per_second', 'up')])).toContain('cache');
    expect(keys([], [series('cache_evictions_total', 'up')])).toContain('cache');
    expect(keys([], [series('redis_keyspace_misses_per_second', 'down')])).not.toContain('cache');
  });

  test('the wording alone does not: no cache series moved', () => {
    expect(keys(miss, [])).not.toContain('cache');
    expect(keys(miss, [series('http_requests_total', 'up')])).not.toContain('cache');
  });
});

describe('I/O saturation: named only when a device’s latency or queue rose', () => {
  test('a volume queue length or await rising names it, with no ENOSPC wording needed', () => {
    expect(keys([symptom('request timed out')], [series('aws_ebs_volume_queue_length', 'up', { volume_id: 'vol-1' })])).toContain('io');
    expect(keys([], [series('node_disk_io_time_seconds_rate', 'up', { device: 'nvme0n1' })])).toContain('io');
  });

  test('throughput alone or a falling queue does not; nor the wording alone', () => {
    expect(keys([], [series('aws_ebs_volume_queue_length', 'down')])).not.toContain('io');
    expect(keys([], [series('node_disk_written_bytes_rate', 'up')])).not.toContain('io');
    expect(keys([symptom('write stall: fsync took 4s')], [])).not.toContain('io');
  });
});

describe('disk full stands on space running out, never on a busy device', () => {
  test('a used-percent or free-bytes series names it; a queue, latency, ops or throughput series does not', () => {
    expect(keys([], [series('node_filesystem_used_percent', 'up')])).toContain('disk');
    expect(keys([], [series('node_filesystem_avail_bytes', 'down')])).toContain('disk');
    for (const metric of ['aws_ebs_volume_queue_length', 'aws_ebs_volume_read_latency_ms', 'aws_ebs_volume_read_ops', 'disk_write_mb_s']) {
      expect(keys([], [series(metric, 'up')])).not.toContain('disk');
    }
  });

  test('ENOSPC wording still names it without any series', () => {
    expect(keys([symptom('write failed: ENOSPC: no space left on device')], [])).toContain('disk');
  });
});
