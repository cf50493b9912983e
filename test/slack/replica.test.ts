import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Replica, type ReplicaHooks } from '../../src/slack/worker/replica.js';
import { analysisLease } from '../../src/store/coordination.js';
import { SqliteStore } from '../../src/store/sqlite.js';

const quiet = { info() {}, warn() {}, error() {}, debug() {} };
const stores: SqliteStore[] = [];
const replicas: Replica[] = [];
let dir = '';
afterEach(async () => {
  for (const replica of replicas.splice(0)) await replica.stop();
  for (const store of stores.splice(0)) await store.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = '';
});

/** Replicas on one SQLite file (one connection each), all reading one hand-moved clock. */
function cluster() {
  dir = mkdtempSync(path.join(tmpdir(), 'ip-replica-'));
  const file = path.join(dir, 'state.db');
  const clock = { now: 1_000_000 };
  const make = (id: string, leaseMs = 1_000) => {
    const store = SqliteStore.open(file);
    stores.push(store);
    const replica = new Replica({ id, leaseMs, coordination: store.coordination, logger: quiet, now: () => clock.now });
    replicas.push(replica);
    const takenOver: string[] = [];
    const hooks: ReplicaHooks = {
      work: () => [],
      accepting: () => true,
      takeOver: async (analysisId, owner) => {
        takenOver.push(`${analysisId} from ${owner}`);
      },
    };
    return { replica, store, takenOver, hooks };
  };
  return { clock, make };
}

/** A pid no process has: a child that has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

describe('Replica: leases, failover and timers', () => {
  it('takes over an analysis once its lease ran out, on exactly one replica, and not a moment before', async () => {
    const { clock, make } = cluster();
    const a = make('a');
    const b = make('b');
    const c = make('c');
    await a.replica.start(a.hooks);
    a.replica.own('A1');
    // a stops beating (kill -9): its lease is left to run out.
    await a.replica.stop();
    await b.replica.start(b.hooks);
    await c.replica.start(c.hooks);
    // One ms before the lease ends: nothing to take.
    clock.now += 999;
    await b.replica.beat();
    expect(b.takenOver).toEqual([]);
    // At the lease's end b and c both look; one takes it.
    clock.now += 1;
    await Promise.all([b.replica.beat(), c.replica.beat()]);
    expect([...b.takenOver, ...c.takenOver]).toEqual(['A1 from a']);
    // The lease is released after the hand-over: nobody takes it again.
    clock.now += 5_000;
    await Promise.all([b.replica.beat(), c.replica.beat()]);
    expect([...b.takenOver, ...c.takenOver]).toEqual(['A1 from a']);
  });

  it("keeps a live replica's analysis: its heartbeat renews the lease past the original end", async () => {
    const { clock, make } = cluster();
    const a = make('a');
    const b = make('b');
    await a.replica.start(a.hooks);
    a.replica.own('A1');
    await b.replica.start(b.hooks);
    for (let i = 0; i < 5; i++) {
      clock.now += 600;
      await a.replica.beat();
      await b.replica.beat();
    }
    expect(b.takenOver).toEqual([]);
    expect((await b.store.coordination.lease(analysisLease('A1')))?.owner).toBe('a');
  });

  it('start-up recovery: its own, unowned or expired work yes; a live replica elsewhere no; a dead process on this host yes', async () => {
    const { clock, make } = cluster();
    const live = make('live');
    await live.replica.start(live.hooks);
    live.replica.own('LIVE');
    const me = make('me');
    // Nobody holds it (a file from before replicas): recovered, and now held by this replica.
    expect(await me.replica.mayRecover('NOBODY')).toBe(true);
    expect((await me.store.coordination.lease(analysisLease('NOBODY')))?.owner).toBe('me');
    // A live replica's (this very process counts as alive): left alone.
    expect(await me.replica.mayRecover('LIVE')).toBe(false);
    // Its own id (a stable REPLICA_ID restarting).
    await me.store.coordination.acquireLease(analysisLease('MINE'), 'me', clock.now, 60_000);
    expect(await me.replica.mayRecover('MINE')).toBe(true);
    // A killed process on this host, lease still running: taken at once.
    const pid = deadPid();
    await me.store.coordination.heartbeat({
      id: 'dead',
      host: hostname(),
      pid,
      startedAt: 0,
      heartbeatAt: clock.now,
      accepting: true,
      running: [],
    });
    await me.store.coordination.acquireLease(analysisLease('ORPHAN'), 'dead', clock.now, 60_000);
    expect(await me.replica.mayRecover('ORPHAN')).toBe(true);
    expect((await me.store.coordination.lease(analysisLease('ORPHAN')))?.owner).toBe('me');
    // The same on another host cannot be checked: it waits for the lease.
    await me.store.coordination.heartbeat({
      id: 'far',
      host: 'elsewhere',
      pid,
      startedAt: 0,
      heartbeatAt: clock.now,
      accepting: true,
      running: [],
    });
    await me.store.coordination.acquireLease(analysisLease('FAR'), 'far', clock.now, 1_000);
    expect(await me.replica.mayRecover('FAR')).toBe(false);
    clock.now += 1_000;
    expect(await me.replica.mayRecover('FAR')).toBe(true);
  });

  it('runs a timer on one replica at a time, and on another once the holder stops renewing', async () => {
    const { clock, make } = cluster();
    const a = make('a');
    const b = make('b');
    const ran: string[] = [];
    const task = (who: string) => async () => {
      ran.push(who);
    };
    expect(await a.replica.runAlone('retention', 10_000, task('a'))).toBe(true);
    expect(await b.replica.runAlone('retention', 10_000, task('b'))).toBe(false);
    clock.now += 10_000;
    expect(await a.replica.runAlone('retention', 10_000, task('a'))).toBe(true);
    expect(await b.replica.runAlone('retention', 10_000, task('b'))).toBe(false);
    // a is gone: its lease (interval + lease) runs out, then b takes the timer.
    clock.now += 10_999;
    expect(await b.replica.runAlone('retention', 10_000, task('b'))).toBe(false);
    clock.now += 1;
    expect(await b.replica.runAlone('retention', 10_000, task('b'))).toBe(true);
    expect(ran).toEqual(['a', 'a', 'b']);
  });

  it('one analysis per thread: the thread lease goes to one replica until released', async () => {
    const { make } = cluster();
    const a = make('a');
    const b = make('b');
    expect(await a.replica.claimThread('C1', '1.0')).toBe(true);
    expect(await b.replica.claimThread('C1', '1.0')).toBe(false);
    a.replica.release('A1', { channel: 'C1', threadTs: '1.0' });
    await new Promise((resolve) => setImmediate(resolve));
    expect(await b.replica.claimThread('C1', '1.0')).toBe(true);
  });
});
