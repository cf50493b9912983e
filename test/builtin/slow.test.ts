import { describe, expect, it } from 'vitest';
import type { AnomalyOut } from '../../mcp-servers/metrics/schemas.js';
import type { ScoredChange } from '../../src/engines/builtin/changes.js';
import type { ClassMatch } from '../../src/engines/builtin/classes.js';
import {
  exhaustionSentence,
  leadWithExhausted,
  resetByRestart,
  slowExhaustion,
  weighSlowExhaustion,
} from '../../src/engines/builtin/slow.js';
import { exhaustedSeries, scoredDeployment } from './support/correlator-fixtures.js';

const climb = (metric: string, tags: Record<string, string>, extra: Partial<AnomalyOut> = {}) => exhaustedSeries(metric, { tags, extra });
const deploy = (id: string, at: string, score: number): ScoredChange => scoredDeployment(id, 'ingest', at, '', score);
const cls = (key: string, external: boolean, metrics: RegExp, score: number) =>
  ({
    cls: { key, kind: 'infrastructure', title: key, symptoms: /(?!)/, metrics, external, advice: [] },
    score,
    symptomShare: 0.5,
  }) as unknown as ClassMatch;

describe('slow exhaustion in the correlator', () => {
  it('finds a falling free-space series by its exhaustion block, whatever its direction', () => {
    const found = slowExhaustion(
      [climb('node_filesystem_avail_bytes', { mountpoint: '/data' })],
      ['ingest'],
      new Date('2026-01-01T06:00:00Z'),
    );
    expect(found?.value.metric).toBe('node_filesystem_avail_bytes');
    expect(slowExhaustion([climb('node_filesystem_avail_bytes', {})], ['other'], new Date('2026-01-01T06:00:00Z'))).toBeUndefined();
  });

  it('puts the exhausted service first among the affected, keeping the bound', () => {
    const found = climb('node_filesystem_avail_bytes', {});
    expect(leadWithExhausted(['edge', 'web', 'ingest'], found, 3)).toEqual(['ingest', 'edge', 'web']);
    expect(leadWithExhausted(['edge', 'web', 'db'], found, 3)).toEqual(['ingest', 'edge', 'web']);
    expect(leadWithExhausted(['edge'], { ...found, value: { ...found.value, service: null } }, 3)).toEqual(['edge']);
  });

  it('a restart gives memory back, not a disk, a queue or a transaction horizon', () => {
    expect(resetByRestart('container_memory_working_set_bytes', {})).toBe(true);
    expect(resetByRestart('pg_stat_activity_count', {})).toBe(true);
    expect(resetByRestart('node_filesystem_avail_bytes', {})).toBe(false);
    expect(resetByRestart('pg_oldest_xact_age_seconds', {})).toBe(false);
  });

  it('supersedes older deploys for a memory climb only', () => {
    const memory = [deploy('new', '2026-01-01T00:00:00Z', 1), deploy('old', '2025-12-30T00:00:00Z', 1)];
    weighSlowExhaustion(climb('container_memory_working_set_bytes', { container: 'ingest' }), memory, []);
    expect(memory.find((entry) => entry.change.id === 'old')?.score).toBeLessThan(1);
    const disk = [deploy('new', '2026-01-01T00:00:00Z', 1), deploy('old', '2025-12-30T00:00:00Z', 1)];
    weighSlowExhaustion(climb('node_filesystem_avail_bytes', { mountpoint: '/data' }), disk, []);
    expect(disk.map((entry) => entry.score)).toEqual([1, 1]);
  });

  it('discounts the class naming the filling resource and internal classes, not other infrastructure', () => {
    const classes = [cls('disk', true, /filesystem|disk/, 1), cls('pool', false, /pool/, 1), cls('dns', true, /dns/, 1)];
    weighSlowExhaustion(climb('node_filesystem_avail_bytes', {}), [deploy('d', '2026-01-01T00:00:00Z', 1)], classes);
    expect(classes.map((match) => match.score)).toEqual([0.4, 0.4, 1]);
  });

  it('says how full, how fast and where the limit came from; without a limit, that it only grows', () => {
    expect(exhaustionSentence(climb('node_filesystem_avail_bytes', {}))).toMatch(
      /98\.0% used, limit from its paired limit series, about 2 h/,
    );
    const age = climb(
      'pg_oldest_xact_age_seconds',
      {},
      {
        unit: 's',
        exhaustion: { limit: null, limitFrom: 'none', usedShare: null, perHour: 3600, hoursLeft: null },
      },
    );
    expect(exhaustionSentence(age)).toMatch(/growing steadily .* no limit of its own/);
    expect(exhaustionSentence(undefined)).toBe('');
  });
});
