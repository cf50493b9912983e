import { describe, expect, it } from 'vitest';
import type { AnomalyOut } from '../../mcp-servers/metrics/schemas.js';
import { findLockHolder, MIN_HOLD_SECONDS } from '../../src/engines/builtin/holder.js';
import { applySustain, findSustain, sustainSentence } from '../../src/engines/builtin/sustain.js';
import { novelSymptom, scoredDeployment } from './support/correlator-fixtures.js';

const onset = new Date('2026-01-01T12:01:00Z');
const anomaly = (metric: string, tags: Record<string, string>, extra: Partial<AnomalyOut> = {}) => ({
  value: {
    metric,
    tags,
    service: 'postgres',
    unit: 's',
    kind: 'level_shift' as const,
    direction: 'up' as const,
    onset: '2026-01-01T12:00:00Z',
    peakAt: '2026-01-01T13:00:00Z',
    baseline: 0.4,
    peak: 3600,
    ratio: 9000,
    zScore: 100,
    severity: 'critical' as const,
    score: 250,
    recovered: false,
    ...extra,
  },
  callId: 'T1',
});
const known = ['billing', 'ledger-sync', 'orders'];
const holderTx = anomaly('pg_stat_activity_max_tx_duration', { state: 'idle in transaction', application_name: 'ledger-sync' });
const waiterTx = anomaly('pg_stat_activity_max_tx_duration', { state: 'active', application_name: 'orders' }, { peak: 5 });
const lockWait = novelSymptom('canceling statement due to lock timeout', ['orders-db']);
const ordersWait = novelSymptom('update order failed: Lock wait timeout exceeded; try restarting transaction', ['orders']);

describe('the holder of a lock (findLockHolder)', () => {
  it('names the known service whose open transaction is the oldest while requests wait on locks', () => {
    expect(findLockHolder([waiterTx, holderTx], [lockWait], known)?.service).toBe('ledger-sync');
  });

  it('needs a lock wait among the symptoms', () => {
    expect(findLockHolder([holderTx], [novelSymptom('connection refused', ['orders'])], known)).toBeUndefined();
  });

  it('ignores a transaction that ended, is short, or belongs to no known service', () => {
    expect(
      findLockHolder([anomaly('pg_stat_activity_max_tx_duration', holderTx.value.tags, { recovered: true })], [lockWait], known),
    ).toBeUndefined();
    expect(
      findLockHolder([anomaly('pg_stat_activity_max_tx_duration', holderTx.value.tags, { peak: MIN_HOLD_SECONDS - 1 })], [lockWait], known),
    ).toBeUndefined();
    expect(findLockHolder([anomaly('pg_stat_activity_max_tx_duration', { application_name: 'psql' })], [lockWait], known)).toBeUndefined();
  });

  it('reads milliseconds and a role label, and takes only the oldest transaction', () => {
    const ms = anomaly('mysql_info_schema_innodb_trx_age', { user: 'billing' }, { unit: 'ms', peak: 900_000 });
    expect(findLockHolder([ms], [ordersWait], known)?.service).toBe('billing');
    // The oldest transaction here is unlabelled: no holder is guessed from a younger one.
    const unlabelled = anomaly('pg_oldest_xact_age_seconds', {}, { peak: 7200 });
    expect(findLockHolder([unlabelled, holderTx], [lockWait], known)).toBeUndefined();
  });
});

describe('a held lock in trigger vs sustaining cause', () => {
  const blip = {
    ...anomaly('node_disk_io_now', {}, { peak: 160, recovered: true, kind: 'spike', onset: '2026-01-01T11:59:00Z' }),
    value: { ...anomaly('node_disk_io_now', {}).value, service: 'node', recovered: true, onset: '2026-01-01T11:59:00Z', unit: 'ios' },
  };
  const rates = [
    { value: { service: 'orders', metric: 'error_rate', status: 'critical' as const, ratio: 40, baseline: 0.1, current: 9 }, callId: 'T4' },
  ];

  it("takes the holder's policy change, names the holder, and discounts the waiters' changes", () => {
    const holderChange = scoredDeployment('d-1', 'ledger-sync', '2025-12-31T18:00:00Z', 'sync a whole account in one transaction', 0.2);
    const waiterChange = scoredDeployment('d-2', 'orders', '2026-01-01T11:40:00Z', 'raise the connection pool to 40', 0.5);
    const scored = [waiterChange, holderChange];
    const sustain = findSustain([blip], rates, [lockWait, ordersWait], scored, onset, { affected: ['orders'], holder: 'ledger-sync' });
    expect(sustain?.policyChange?.change.id).toBe('d-1');
    expect(sustain?.waiters).toEqual(['orders-db', 'orders']);
    applySustain(sustain, scored, []);
    expect(scored[0]?.change.id).toBe('d-1');
    expect(waiterChange.score).toBe(0.25);
    expect(sustainSentence(sustain)).toContain('held by an open transaction of ledger-sync');
  });

  it('without a holder, the waiters keep their score and the policy is looked for among them', () => {
    const waiterChange = scoredDeployment('d-2', 'orders', '2026-01-01T11:40:00Z', 'raise the connection pool to 40', 0.5);
    const sustain = findSustain([blip], rates, [ordersWait, lockWait], [waiterChange], onset, { affected: ['orders'] });
    expect(sustain?.waiters).toEqual([]);
    expect(sustain?.policyChange?.change.id).toBe('d-2');
    applySustain(sustain, [waiterChange], []);
    expect(waiterChange.score).toBe(1);
  });
});
