import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { analysisLease } from '../../src/store/coordination.js';
import { SqliteStore } from '../../src/store/sqlite.js';
import type { StateStore } from '../../src/store/types.js';
import { BACKENDS, type Backend, storeBackends } from './backends.js';

const run = promisify(execFile);
const dirs: string[] = [];
const stores: StateStore[] = [];
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function tempFile(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'ip-coord-'));
  dirs.push(dir);
  return path.join(dir, 'state.db');
}

const backends = storeBackends();

/** Two stores on one file or database, as two replicas open it. */
async function open(backend: Backend): Promise<[StateStore, StateStore]> {
  const opened = await backends.open(backend);
  return [opened.store, await opened.reopen()];
}

describe.each(BACKENDS)('coordination contract (%s)', (backend) => {
  it('claims once per key until the claim expires, then once again', async () => {
    const [a, b] = await open(backend);
    expect(await a.coordination.claim('event', 'Ev1', 1_000, 500)).toBe(true);
    expect(await b.coordination.claim('event', 'Ev1', 1_001, 500)).toBe(false);
    // Another kind with the same key is another claim.
    expect(await b.coordination.claim('click', 'Ev1', 1_001, 500)).toBe(true);
    // One ms before expiry it still holds; at expiry the next caller wins, and only one of two.
    expect(await b.coordination.claim('event', 'Ev1', 1_499, 500)).toBe(false);
    expect(await b.coordination.claim('event', 'Ev1', 1_500, 500)).toBe(true);
    expect(await a.coordination.claim('event', 'Ev1', 1_500, 500)).toBe(false);
  });

  it('gives each of many keys raced from two stores at once to exactly one of them', async () => {
    const [a, b] = await open(backend);
    const keys = Array.from({ length: 50 }, (_, i) => `E${i}`);
    const race = (store: StateStore) => Promise.all(keys.map((key) => store.coordination.claim('event', key, 5_000, 60_000)));
    const [wonA, wonB] = await Promise.all([race(a), race(b)]);
    expect(keys.map((_, i) => Number(wonA[i]) + Number(wonB[i]))).toEqual(keys.map(() => 1));
    const leases = await Promise.all(
      ['r1', 'r2', 'r3'].map((owner, i) => [a, b, a][i]?.coordination.acquireLease('timer:retention', owner, 5_000, 1_000)),
    );
    expect(leases.filter(Boolean)).toHaveLength(1);
  });

  it('gives a lease to one owner, lets it renew, and hands it over only once it expired', async () => {
    const [a, b] = await open(backend);
    const name = analysisLease('A1');
    expect(await a.coordination.acquireLease(name, 'r1', 1_000, 100)).toBe(true);
    expect(await b.coordination.acquireLease(name, 'r2', 1_050, 100)).toBe(false);
    expect(await a.coordination.acquireLease(name, 'r1', 1_050, 100)).toBe(true);
    expect(await a.coordination.lease(name)).toEqual({ name, owner: 'r1', until: 1_150 });
    expect(await a.coordination.renewLeases('r1', 1_100, 100)).toBe(1);
    expect(await b.coordination.acquireLease(name, 'r2', 1_199, 100)).toBe(false);
    expect(await b.coordination.expiredLeases('analysis:', 1_199, 10)).toEqual([]);
    expect(await b.coordination.expiredLeases('analysis:', 1_200, 10)).toEqual([{ name, owner: 'r1', until: 1_200 }]);
    expect(await b.coordination.expiredLeases('timer:', 1_200, 10)).toEqual([]);
    expect(await b.coordination.acquireLease(name, 'r2', 1_200, 100)).toBe(true);
    // The old owner's heartbeat no longer extends it, nor may it release it.
    expect(await a.coordination.renewLeases('r1', 1_201, 100)).toBe(0);
    await a.coordination.releaseLease(name, 'r1');
    expect((await a.coordination.lease(name))?.owner).toBe('r2');
    await b.coordination.releaseLease(name, 'r2');
    expect(await a.coordination.lease(name)).toBeUndefined();
  });

  it('lists replicas seen since a time and forgets one that leaves', async () => {
    const [a, b] = await open(backend);
    const record = { host: 'h', pid: 1, startedAt: 1, accepting: true, running: [] };
    await a.coordination.heartbeat({ ...record, id: 'r1', heartbeatAt: 1_000 });
    await b.coordination.heartbeat({
      ...record,
      id: 'r2',
      heartbeatAt: 2_000,
      accepting: false,
      running: [{ id: 'A1', state: 'running', channel: 'C1', incident: 'checkout 502' }],
    });
    expect((await a.coordination.replicas(0)).map((r) => r.id)).toEqual(['r1', 'r2']);
    const [only] = await a.coordination.replicas(1_001);
    expect(only).toMatchObject({ id: 'r2', accepting: false, running: [{ id: 'A1', state: 'running' }] });
    await b.coordination.leave('r2');
    expect(await a.coordination.replicas(0)).toHaveLength(1);
    await expect(a.coordination.ping()).resolves.toBeUndefined();
  });
});

/** Processes racing on one key: run from dist/ (npm test builds it first), each its own connection to the file. */
const RACERS = 6;
const racer = `
import { SqliteStore } from ${JSON.stringify(path.resolve('dist/src/store/sqlite.js'))};
const store = SqliteStore.open(process.argv[1]);
const at = Number(process.argv[2]);
while (Date.now() < at) {}
const won = [];
for (let i = 0; i < 50; i++) if (await store.coordination.claim('event', 'E' + i, Date.now(), 60000)) won.push(i);
const lease = await store.coordination.acquireLease('timer:retention', 'pid' + process.pid, Date.now(), 60000);
process.stdout.write(JSON.stringify({ won, lease }));
await store.close();
`;

describe('claims across processes on one SQLite file', () => {
  it('gives each key to exactly one of several processes starting at the same moment', async () => {
    const file = tempFile();
    stores.push(SqliteStore.open(file));
    const at = Date.now() + 1_500;
    const results = await Promise.all(
      Array.from({ length: RACERS }, () =>
        run(process.execPath, ['--input-type=module', '-e', racer, file, String(at)], { timeout: 20_000 }).then(
          ({ stdout }) => JSON.parse(stdout) as { won: number[]; lease: boolean },
        ),
      ),
    );
    const won = results.flatMap((r) => r.won).sort((x, y) => x - y);
    expect(won).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(results.filter((r) => r.lease)).toHaveLength(1);
  }, 30_000);
});
