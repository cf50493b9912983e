import { describe, expect, it } from 'vitest';
import { detectExhaustion } from '../../mcp-servers/metrics/analysis/exhaustion.js';
import { familyOf, isLimitSeries, resolveLimit } from '../../mcp-servers/metrics/analysis/limits.js';
import type { Series } from '../../mcp-servers/metrics/types.js';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const points = (f: (i: number) => number): [number, number][] => Array.from({ length: 120 }, (_, i) => [T0 + i * 6 * 60_000, f(i)]);
const series = (metric: string, tags: Record<string, string>, f: (i: number) => number, unit: string | null = null): Series => ({
  metric,
  tags,
  unit,
  points: points(f),
});
const since = new Date(T0 + 6 * 3_600_000);

describe('exhaustion limits from paired series', () => {
  it('pairs kube_pod_container_resource_limits by its resource label and the container', () => {
    const found = detectExhaustion(
      [
        series('container_memory_working_set_bytes', { container: 'indexer', pod: 'indexer-0' }, (i) => 5e8 + i * 1.2e7),
        series('kube_pod_container_resource_limits', { container: 'indexer', resource: 'cpu' }, () => 2),
        series('kube_pod_container_resource_limits', { container: 'indexer', resource: 'memory' }, () => 2e9),
      ],
      since,
    );
    expect(found).toHaveLength(1);
    expect(found[0]?.exhaustion).toMatchObject({ limit: 2e9, limitFrom: 'series' });
  });

  it('bounds a connection count by max_connections of the same instance', () => {
    const found = detectExhaustion(
      [
        series('pg_stat_activity_count', { instance: 'db-1:9187', datname: 'orders' }, (i) => 40 + i * 1.3),
        series('pg_settings_max_connections', { instance: 'db-1:9187' }, () => 200),
        series('pg_settings_max_connections', { instance: 'db-2:9187' }, () => 1000),
      ],
      since,
    );
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ metric: 'pg_stat_activity_count', exhaustion: { limit: 200 } });
    expect(found[0]?.exhaustion?.usedShare).toBeGreaterThan(0.9);
  });

  it('reads free disk bytes against the filesystem size: used = size − free, falling toward zero', () => {
    const mount = { instance: 'ingest-01:9100', mountpoint: '/var/lib/spool', device: '/dev/nvme1n1' };
    const found = detectExhaustion(
      [
        series('node_filesystem_avail_bytes', mount, (i) => 400e9 - i * 3.1e9, 'bytes'),
        series('node_filesystem_size_bytes', mount, () => 500e9, 'bytes'),
      ],
      since,
    );
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ direction: 'down', exhaustion: { limit: 500e9, limitFrom: 'series' } });
    expect(found[0]?.exhaustion?.perHour).toBeLessThan(0);
    expect(found[0]?.peak).toBeLessThan(found[0]?.baseline ?? 0);
  });

  it('bounds a free ratio by its unit: 1 − ratio is the share used', () => {
    const found = detectExhaustion([series('filesystem_avail_ratio', { host: 'log-2' }, (i) => 0.6 - i * 0.0045)], since);
    expect(found).toHaveLength(1);
    expect(found[0]?.exhaustion).toMatchObject({ limit: 1, limitFrom: 'unit' });
  });
});

describe('exhaustion edge cases', () => {
  it('does not pair a bound of another resource, or one whose mountpoint differs', () => {
    const found = detectExhaustion(
      [
        series('disk_used_bytes', { host: 'a', mountpoint: '/data' }, (i) => 100 + i * 7),
        series('disk_size_bytes', { host: 'a', mountpoint: '/' }, () => 1000),
        series('http_server_max_connections', { host: 'a' }, () => 1000),
      ],
      since,
    );
    expect(found).toEqual([]);
  });

  it('ignores a free series with no capacity, and a counter that only ever rises', () => {
    const found = detectExhaustion(
      [
        series('node_filesystem_free_bytes', { instance: 'x' }, (i) => 1e9 - i * 8e6),
        series('node_disk_written_bytes_total', { instance: 'x' }, (i) => i * 1e9),
      ],
      since,
    );
    expect(found).toEqual([]);
  });

  it('a usage far above its supposed bound is in another unit: no limit, not flagged', () => {
    const found = detectExhaustion(
      [
        series('container_memory_working_set_bytes', { container: 'api' }, (i) => 3e9 + i * 1e7),
        series('container_spec_memory_limit_bytes', { container: 'api' }, () => 4096),
      ],
      since,
    );
    expect(found).toEqual([]);
  });
});

describe('exhaustion fallback without a limit', () => {
  it('flags the oldest transaction age growing several-fold on a straight line, with no limit or hours left', () => {
    const found = detectExhaustion([series('pg_oldest_xact_age_seconds', { datname: 'ledger' }, (i) => 60 + i * 120, 's')], since);
    expect(found).toHaveLength(1);
    expect(found[0]?.exhaustion).toMatchObject({ limit: null, limitFrom: 'none', usedShare: null, hoursLeft: null });
  });

  it('leaves a lag that only wobbles, and one that grew less than the growth needed', () => {
    const found = detectExhaustion(
      [
        series('kafka_consumergroup_lag', { topic: 'orders' }, (i) => 500 + (i % 7) * 40),
        series('replication_lag_seconds', { instance: 'r1' }, (i) => 10 + i * 0.1),
      ],
      since,
    );
    expect(found).toEqual([]);
  });
});

describe('resource families', () => {
  it('tells bounds from measurements named max', () => {
    expect(isLimitSeries('pg_settings_max_connections')).toBe(true);
    expect(isLimitSeries('hikaricp_connections_max')).toBe(true);
    expect(isLimitSeries('pg_stat_activity_max_tx_duration')).toBe(false);
    expect(isLimitSeries('http_requests_total')).toBe(false);
    expect(familyOf('kube_pod_container_resource_limits', { resource: 'memory' })).toBe('memory');
    expect(
      resolveLimit(
        series('hikaricp_connections_max', { pool: 'p' }, () => 10),
        [],
      ),
    ).toBeUndefined();
  });
});

describe('a limit labelled differently from its usage series is paired by the workload both name', () => {
  const usage = series('process_resident_memory_bytes', { job: 'search-api', instance: '10.1.2.3:9100' }, (i) => 2e8 + i * 6e6);
  const limit = (pod: string) => series('kube_pod_container_resource_limits', { pod, namespace: 'prod', resource: 'memory' }, () => 1.2e9);

  it('a pod of the same deployment bounds the job/instance series', () => {
    expect(resolveLimit(usage, [limit('search-api-7f9c8d6b5-x2k4q')])).toMatchObject({ limit: 1.2e9, limitFrom: 'series' });
  });

  it('a pod of another workload does not', () => {
    expect(resolveLimit(usage, [limit('indexer-7f9c8d6b5-x2k4q')])).toMatchObject({ limit: null, limitFrom: 'none' });
  });

  it('a shared label that agrees still wins over the workload', () => {
    const labelled = series('container_spec_memory_limit_bytes', { instance: '10.1.2.3:9100' }, () => 8e8);
    expect(resolveLimit(usage, [limit('search-api-7f9c8d6b5-x2k4q'), labelled])?.limit).toBe(8e8);
  });
});
