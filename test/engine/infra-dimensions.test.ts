import { describe, expect, it } from 'vitest';
import type { AnomalyOut } from '../../mcp-servers/metrics/schemas.js';
import type { Change } from '../../src/engines/builtin/changes.js';
import { clearedByDimension, findConcentration } from '../../src/engines/builtin/dimensions.js';
import { infraClass, infraSentence, linkInfrastructure, withLinkedInfra } from '../../src/engines/builtin/infra.js';

const anomaly = (
  metric: string,
  tags: Record<string, string>,
  options: { severity?: AnomalyOut['severity']; onset?: string; service?: string | null } = {},
): { value: AnomalyOut; callId: string } => ({
  value: {
    metric,
    tags,
    service: options.service !== undefined ? options.service : (tags.service ?? null),
    unit: null,
    kind: 'level_shift',
    direction: 'up',
    onset: options.onset ?? '2026-01-01T12:00:00Z',
    peakAt: '2026-01-01T12:10:00Z',
    baseline: 1,
    peak: 10,
    ratio: 10,
    zScore: 40,
    severity: options.severity ?? 'critical',
    score: 300,
  },
  callId: 'T1',
});

const change = (id: string, kind: Change['kind'], text: string, extra: Partial<Change> = {}): Change => ({
  kind,
  id,
  service: 'api',
  at: '2026-01-01T11:00:00Z',
  text,
  files: [],
  commits: [],
  declaredCommits: [],
  callId: 'T2',
  needles: [],
  ...extra,
});

describe('untagged infrastructure linked through shared dimensions', () => {
  const zones = ['z-a', 'z-b', 'z-c'];
  const series = [
    ...zones.map((zone) => ({ metric: 'latency_p99', tags: { service: 'api', zone } })),
    ...zones.map((zone) => ({ metric: 'node_disk_io_time_seconds', tags: { zone, instance: `10.0.${zone.at(-1)}.1:9100` } })),
  ];
  const failing = anomaly('latency_p99', { service: 'api', zone: 'z-b' });

  it('links a node series of the failing zone, and says the other zones stayed normal', () => {
    const disk = anomaly('node_disk_io_time_seconds', { zone: 'z-b', instance: '10.0.b.1:9100' });
    const [link, ...rest] = linkInfrastructure([failing, disk], series, ['api']);
    expect(rest).toEqual([]);
    expect(link).toMatchObject({ service: 'api', key: 'zone', dimension: 'zone', value: 'z-b', quietElsewhere: ['z-a', 'z-c'] });
    expect(link?.anomaly.value.service).toBe('api');
    const cls = infraClass(link);
    expect(cls?.cls.kind).toBe('infrastructure');
    expect(cls?.cls.title).toContain('zone z-b');
    expect(cls?.anomalies.map(({ value }) => value.metric)).toEqual(['node_disk_io_time_seconds', 'latency_p99']);
    expect(infraSentence(link)).toContain('in z-a, z-c the same series stayed normal');
  });

  it('matches a place whatever label spells it (topology_kubernetes_io_zone against zone)', () => {
    const nat = anomaly('nat_gateway_error_port_allocation', { topology_kubernetes_io_zone: 'Z-B' });
    const [link] = linkInfrastructure([failing, nat], series, ['api']);
    expect(link).toMatchObject({ service: 'api', dimension: 'zone', value: 'Z-B' });
  });

  it('a confined link outscores one whose series moved in every zone', () => {
    const confined = infraClass(linkInfrastructure([failing, anomaly('node_disk_io_time_seconds', { zone: 'z-b' })], series, ['api'])[0]);
    const everywhere = infraClass(
      linkInfrastructure([failing, ...zones.map((zone) => anomaly('node_disk_io_time_seconds', { zone }))], series, ['api'])[0],
    );
    expect(confined!.score).toBeGreaterThan(everywhere!.score);
  });

  it('links nothing in another zone, after the service already suffered, when mild, or for a series with a service', () => {
    const otherZone = anomaly('node_disk_io_time_seconds', { zone: 'z-a' });
    const late = anomaly('node_disk_io_time_seconds', { zone: 'z-b' }, { onset: '2026-01-01T12:40:00Z' });
    const mild = anomaly('node_disk_io_time_seconds', { zone: 'z-b' }, { severity: 'medium' });
    const owned = anomaly('queue_depth', { service: 'worker', zone: 'z-b' });
    for (const infra of [otherZone, late, mild, owned]) expect(linkInfrastructure([failing, infra], series, ['api'])).toEqual([]);
    expect(infraClass(undefined)).toBeUndefined();
    expect(infraSentence(undefined)).toBe('');
  });

  it('a series with no identity label is infrastructure even when its name seems to imply a service', () => {
    const implied = anomaly('storage_array_write_latency_ms', { zone: 'z-b', array: 'sa-06' }, { service: 'storage_array_write' });
    expect(linkInfrastructure([failing, implied], series, ['api'])[0]).toMatchObject({ service: 'api', value: 'z-b' });
    const labelled = anomaly('storage_array_write_latency_ms', { zone: 'z-b', app: 'storage' }, { service: 'storage' });
    expect(linkInfrastructure([failing, labelled], series, ['api'])).toEqual([]);
  });

  it('a medium wobble of the same series elsewhere still counts as normal there; a high one does not', () => {
    const disk = anomaly('node_disk_io_time_seconds', { zone: 'z-b' });
    const wobble = anomaly('node_disk_io_time_seconds', { zone: 'z-a' }, { severity: 'medium' });
    const alsoHigh = anomaly('node_disk_io_time_seconds', { zone: 'z-c' }, { severity: 'high', onset: '2026-01-01T13:00:00Z' });
    expect(linkInfrastructure([failing, disk, wobble], series, ['api'])[0]?.quietElsewhere).toEqual(['z-a', 'z-c']);
    expect(linkInfrastructure([failing, disk, wobble, alsoHigh], series, ['api'])[0]?.quietElsewhere).toEqual(['z-a']);
  });

  it('gives linked exporter series to the service they are linked to, and leaves the rest alone', () => {
    const steal = anomaly('node_cpu_steal_seconds', { zone: 'z-b', job: 'node-exporter' }, { service: 'node-exporter' });
    const unlinked = anomaly('node_cpu_steal_seconds', { zone: 'z-a', job: 'node-exporter' }, { service: 'node-exporter' });
    const all = [failing, steal, unlinked];
    const out = withLinkedInfra(all, linkInfrastructure(all, series, ['api']));
    expect(out.map(({ value }) => value.service)).toEqual(['api', 'api', 'node-exporter']);
  });

  it('links through a node shared with the failing pods', () => {
    const pods = anomaly('http_server_errors_ratio', { service: 'api', node: 'ip-10-1-2-3' });
    const steal = anomaly('node_cpu_steal_seconds', { node: 'ip-10-1-2-3', job: 'node-exporter' }, { service: 'node-exporter' });
    expect(linkInfrastructure([pods, steal], [], ['api'])[0]).toMatchObject({ dimension: 'node', value: 'ip-10-1-2-3' });
  });
});

describe('clearing changes present on both sides of a dimension', () => {
  const series = ['eu', 'us'].map((region) => ({ metric: 'error_rate', tags: { service: 'api', region } }));
  const concentration = findConcentration(
    [{ value: { ...anomaly('error_rate', { service: 'api', region: 'eu' }).value }, callId: 'T1' }],
    series,
    ['api'],
  );

  it('clears a config commit and a flag flip that went everywhere, keeps the ones confined to the failing region', () => {
    const changes = [
      change('c-global', 'config', 'raise pool size\nconfig/api.yaml'),
      change('flag-1', 'config', 'flag checkout.v2 enabled for all regions', { live: true }),
      change('c-eu', 'config', 'set cache endpoint for eu\nconfig/eu/api.yaml'),
      change('flag-us', 'config', 'flag fast-path enabled in us', { live: true }),
      change('op-eu', 'infrastructure', 'manual failover of eu database', { live: true }),
    ];
    expect([...clearedByDimension(changes, concentration)].sort()).toEqual(['c-global', 'flag-1', 'flag-us']);
  });

  it('clears a change that touches the concentrated service through its files or lines, not another service’s', () => {
    const other = change('c-other', 'config', 'tune worker\nconfig/worker.yaml', { service: 'worker' });
    const viaLog = change('flag-2', 'config', 'flag api.retry updated', { service: 'ops', alsoTouches: ['api'], live: true });
    const viaFiles = change('c-files', 'commit', 'refactor\napi/src/x.ts', { service: null });
    const cleared = clearedByDimension([other, viaLog, viaFiles], concentration, new Map([['c-files', ['api']]]));
    expect([...cleared].sort()).toEqual(['c-files', 'flag-2']);
  });
});
