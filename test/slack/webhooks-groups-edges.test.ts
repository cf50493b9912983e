import { describe, expect, it } from 'vitest';
import { alert, group, harness, T0 } from './webhook-groups-harness.js';

/**
 * Alert groups at their edges (issue 30): the cooldown at, under and over its value; each state of the analysis a
 * group started; the group limit in memory, with the store behind it; alert counts at the per-group bound.
 */

const COOLDOWN = 15 * 60_000;
const at = (ms: number) => new Date(Date.parse(T0) + ms).toISOString();

describe('cooldown', () => {
  it('one millisecond before ALERT_COOLDOWN a new alert joins the thread; at the cooldown it starts a new analysis', async () => {
    const early = harness();
    await early.groups.receive(group([alert('a')]), 'C1');
    early.advance(COOLDOWN - 1);
    expect(await early.groups.receive(group([alert('a'), alert('b')]), 'C1')).toBe('updated');
    await early.groups.settled();
    expect(early.submitted).toHaveLength(1);
    expect(early.notes).toHaveLength(1);

    const due = harness();
    await due.groups.receive(group([alert('a')]), 'C1');
    due.advance(COOLDOWN);
    expect(await due.groups.receive(group([alert('a'), alert('b')]), 'C1')).toBe('started');
    await due.groups.settled();
    expect(due.submitted).toHaveLength(2);
    expect(due.posts.filter((p) => !p.threadTs)).toHaveLength(2);
  });

  it('past the cooldown an alert that fires again after resolving is new; one still firing is not', async () => {
    const h = harness();
    await h.groups.receive(group([alert('a'), alert('b')]), 'C1');
    h.advance(60_000);
    await h.groups.receive(group([alert('a', { status: 'resolved', endsAt: at(60_000) }), alert('b')]), 'C1');
    h.advance(COOLDOWN);
    // b never stopped firing: a resend of it past the cooldown starts nothing.
    expect(await h.groups.receive(group([alert('b')]), 'C1')).toBe('unchanged');
    expect(await h.groups.receive(group([alert('a'), alert('b')]), 'C1')).toBe('started');
    await h.groups.settled();
    expect(h.submitted).toHaveLength(2);
  });

  it('within the cooldown, a failed or cancelled analysis lets a new alert start another; queued, running and done do not', async () => {
    const states = ['queued', 'running', 'done', 'failed', 'cancelled'] as const;
    for (const state of states) {
      const h = harness();
      await h.groups.receive(group([alert('a')]), 'C1');
      await h.groups.settled();
      // The store's row is what a restarted process reads; the worker moved it on since.
      const stored = await h.store.getAnalysis(h.jobs[0]?.id ?? '');
      expect(stored).toBeDefined();
      if (stored) await h.store.saveAnalysis({ ...stored, state });
      // A fresh process (same store) loads the group with the analysis as the store has it now.
      const after = harness({ store: h.store, clock: h.now() + 60_000 });
      const outcome = await after.groups.receive(group([alert('a'), alert('b')]), 'C1');
      expect(outcome, state).toBe(state === 'failed' || state === 'cancelled' ? 'started' : 'updated');
    }
  });

  it('the same states held in memory decide the same way as after a reload', async () => {
    for (const state of ['queued', 'running', 'done', 'failed', 'cancelled'] as const) {
      const h = harness();
      await h.groups.receive(group([alert('a')]), 'C1');
      await h.groups.settled();
      const job = h.jobs[0];
      expect(job).toBeDefined();
      if (job) job.state = state;
      h.advance(60_000);
      const outcome = await h.groups.receive(group([alert('a'), alert('b')]), 'C1');
      expect(outcome, state).toBe(state === 'failed' || state === 'cancelled' ? 'started' : 'updated');
    }
  });
});

describe('notes', () => {
  it('an alert firing again after its group resolved is noted as firing again, and the group is open again', async () => {
    const h = harness();
    await h.groups.receive(group([alert('a')]), 'C1');
    h.advance(2 * 60_000);
    await h.groups.receive(group([alert('a', { status: 'resolved', endsAt: at(2 * 60_000) })], 'resolved'), 'C1');
    h.advance(60_000);
    expect(await h.groups.receive(group([alert('a', { startsAt: at(3 * 60_000) })]), 'C1')).toBe('updated');
    await h.groups.settled();
    expect(h.resolutions).toEqual(['resolved at 2026-03-01 10:02:00 UTC (lasted 2 min)']);
    expect(h.notes).toHaveLength(1);
    expect(h.notes[0]).toMatch(/^:rotating_light: Firing again\. /);
    expect(h.submitted).toHaveLength(1);
  });

  it('an alert that restarted (new startsAt) while still firing is new; the same start is a resend', async () => {
    const h = harness();
    await h.groups.receive(group([alert('a')]), 'C1');
    expect(await h.groups.receive(group([alert('a')]), 'C1')).toBe('unchanged');
    expect(await h.groups.receive(group([alert('a', { startsAt: at(60_000) })]), 'C1')).toBe('updated');
    await h.groups.settled();
    expect(h.notes).toHaveLength(1);
    expect(h.notes[0]).not.toContain('Firing again');
  });

  it('a resolved alert the group never saw changes nothing; a firing group of resolved alerts starts nothing', async () => {
    const h = harness();
    expect(await h.groups.receive(group([alert('a', { status: 'resolved', endsAt: T0 })]), 'C1')).toBe('ignored');
    await h.groups.receive(group([alert('a')]), 'C1');
    expect(await h.groups.receive(group([alert('a'), alert('z', { status: 'resolved', endsAt: T0 })]), 'C1')).toBe('unchanged');
    expect(h.submitted).toHaveLength(1);
  });

  it('a group Alertmanager calls resolved resolves every alert, even one the payload still marks firing', async () => {
    const h = harness();
    await h.groups.receive(group([alert('a'), alert('b')]), 'C1');
    h.advance(5 * 60_000);
    expect(await h.groups.receive(group([alert('a'), alert('b')], 'resolved'), 'C1')).toBe('updated');
    await h.groups.settled();
    expect(h.resolutions).toEqual(['resolved at 2026-03-01 10:05:00 UTC (lasted 5 min)']);
    expect(h.notes).toEqual([]);
  });

  it('the resolution spans the earliest start to the latest end across the alerts', async () => {
    const h = harness();
    await h.groups.receive(group([alert('a', { startsAt: at(60_000) }), alert('b')]), 'C1');
    h.advance(30 * 60_000);
    const payload = group(
      [
        alert('a', { status: 'resolved', startsAt: at(60_000), endsAt: at(20 * 60_000) }),
        alert('b', { status: 'resolved', endsAt: at(10 * 60_000) }),
      ],
      'resolved',
    );
    await h.groups.receive(payload, 'C1');
    await h.groups.settled();
    expect(h.resolutions).toEqual(['resolved at 2026-03-01 10:20:00 UTC (lasted 20 min)']);
  });
});

describe('bounds', () => {
  it('a group keeps up to 1000 alerts; the next new one is counted, not kept or noted; known ones still update', async () => {
    const h = harness();
    const many = (from: number, count: number) => Array.from({ length: count }, (_, i) => alert(`i${from + i}`, { annotations: {} }));
    await h.groups.receive(group(many(0, 999)), 'C1');
    expect(await h.groups.receive(group([alert('i999', { annotations: {} })]), 'C1')).toBe('updated');
    const payload = group([alert('i1000', { annotations: {} })]);
    expect(await h.groups.receive(payload, 'C1')).toBe('unchanged');
    expect(payload.truncatedAlerts).toBe(1);
    h.advance(60_000);
    expect(await h.groups.receive(group([alert('i5', { status: 'resolved', annotations: {}, endsAt: at(60_000) })]), 'C1')).toBe('updated');
    await h.groups.settled();
    expect(h.notes.at(-1)).toContain('999 still firing');
  });

  it('a group pushed out of memory by 200 newer ones is still known from the store: its resend joins, not restarts', async () => {
    const h = harness();
    expect(await h.groups.receive(group([alert('a')]), 'C1')).toBe('started');
    for (let i = 0; i < 200; i++) {
      expect(await h.groups.receive({ ...group([alert('a')]), groupKey: `other-${i}` }, 'C1')).toBe('started');
    }
    await h.groups.settled();
    expect(await h.groups.receive(group([alert('a')]), 'C1')).toBe('unchanged');
    expect(await h.groups.receive(group([alert('a'), alert('b')]), 'C1')).toBe('updated');
    await h.groups.settled();
    expect(h.submitted).toHaveLength(201);
    expect(h.notes).toHaveLength(1);
  });
});
