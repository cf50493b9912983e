import { describe, expect, it } from 'vitest';
import type { ScoredChange } from '../../src/engines/builtin/changes.js';
import { CLIMB_START_TOLERANCE_MS, weighByClimbStart, weighSlowExhaustion } from '../../src/engines/builtin/slow.js';
import { exhaustedSeries, scoredDeployment } from './support/correlator-fixtures.js';

const climbing = (metric: string, climbStart: string | null | undefined, service = 'ingest') =>
  exhaustedSeries(metric, { service, day: '2026-01-05', climbStart });
const deploy = (id: string, at: string, service = 'ingest'): ScoredChange => scoredDeployment(id, service, at, '', 0.4);
const scores = (list: ScoredChange[]) => Object.fromEntries(list.map((entry) => [entry.change.id, entry.score]));

describe('the change closest before a climb began (weighByClimbStart)', () => {
  const start = '2026-01-02T14:00:00Z';
  const changes = () => [
    deploy('older', '2026-01-01T09:00:00Z'),
    deploy('starter', '2026-01-02T13:50:00Z'),
    deploy('later', '2026-01-04T10:00:00Z'),
    deploy('elsewhere', '2026-01-04T11:00:00Z', 'billing'),
  ];

  it('favours the newest change of the exhausted service at or before the start and discounts later ones', () => {
    const list = changes();
    weighByClimbStart(climbing('node_filesystem_avail_bytes', start), list);
    const s = scores(list);
    expect(s.starter).toBeGreaterThan(0.4);
    expect(s.later).toBeLessThan(0.4);
    expect(s.starter).toBeGreaterThan(s.later! * 2);
    // An older change is neither favoured nor discounted; another service's change is not this rule's business.
    expect(s.older).toBe(0.4);
    expect(s.elsewhere).toBe(0.4);
  });

  it('does not favour a change made after the climb began, even when it is the only one', () => {
    const list = [deploy('later', '2026-01-02T16:00:00Z')];
    weighByClimbStart(climbing('node_filesystem_avail_bytes', start), list);
    expect(list[0]!.score).toBe(0.4);
  });

  it('counts a change within the tolerance after the estimated start as its starter', () => {
    const at = new Date(Date.parse(start) + CLIMB_START_TOLERANCE_MS - 60_000).toISOString();
    const list = [deploy('close', at), deploy('before', '2026-01-01T00:00:00Z')];
    weighByClimbStart(climbing('node_filesystem_avail_bytes', start), list);
    expect(scores(list).close).toBeGreaterThan(0.4);
    expect(scores(list).before).toBe(0.4);
  });

  it('moves nothing when no climb start is known', () => {
    for (const unknown of [null, undefined]) {
      const list = changes();
      weighByClimbStart(climbing('node_filesystem_avail_bytes', unknown), list);
      expect(list.map((entry) => entry.score)).toEqual([0.4, 0.4, 0.4, 0.4]);
    }
  });

  it('applies to resources that fill across restarts only: a memory climb keeps the superseding rule', () => {
    const disk = changes();
    weighSlowExhaustion(climbing('node_filesystem_avail_bytes', start), disk, []);
    expect(disk[0]!.change.id).toBe('starter');
    const memory = changes();
    weighSlowExhaustion(climbing('container_memory_working_set_bytes', start), memory, []);
    expect(scores(memory).later).toBe(0.4);
    expect(scores(memory).starter).toBeLessThan(0.4);
  });
});
