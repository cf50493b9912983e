import { randomUUID } from 'node:crypto';
import type { ClaimKind, Coordination, LeaseRow, ReplicaRecord } from './coordination.js';

/** Runs one statement (retried across a lost connection by the store) and returns its rows. */
export type Query = <R>(text: string, params?: unknown[]) => Promise<R[]>;

interface ReplicaRow {
  id: string;
  host: string;
  pid: number;
  started_at: number;
  heartbeat_at: number;
  accepting: number;
  running: string;
}

/** What retention deletes of the coordination tables (`$1`: before, epoch ms); leases belong to their owners. */
export const PRUNE_COORDINATION_SQL = ['DELETE FROM claims WHERE expires_at < $1', 'DELETE FROM replicas WHERE heartbeat_at < $1'];

/**
 * Coordination on PostgreSQL: each operation is one statement, so replicas racing on a key meet at its unique index
 * (`INSERT … ON CONFLICT … RETURNING`). A statement retried after a lost connection may already have been applied:
 * a claim carries a token so its own retry still counts as won, and lease updates are idempotent for their owner.
 */
export class PostgresCoordination implements Coordination {
  constructor(private readonly query: Query) {}

  async claim(kind: ClaimKind, key: string, at: number, ttlMs: number): Promise<boolean> {
    const token = randomUUID();
    const rows = await this.query<{ token: string }>(
      `INSERT INTO claims (kind, key, token, at, expires_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (kind, key) DO UPDATE SET token = excluded.token, at = excluded.at, expires_at = excluded.expires_at
       WHERE claims.expires_at <= excluded.at OR claims.token = excluded.token
       RETURNING token`,
      [kind, key, token, at, at + ttlMs],
    );
    return rows.length === 1;
  }

  async acquireLease(name: string, owner: string, at: number, ttlMs: number): Promise<boolean> {
    const rows = await this.query(
      `INSERT INTO leases (name, owner, until) VALUES ($1, $2, $3)
       ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, until = excluded.until
       WHERE leases.owner = excluded.owner OR leases.until <= $4
       RETURNING name`,
      [name, owner, at + ttlMs, at],
    );
    return rows.length === 1;
  }

  async transferLease(name: string, from: string, to: string, at: number, ttlMs: number): Promise<boolean> {
    const rows = await this.query('UPDATE leases SET owner = $1, until = $2 WHERE name = $3 AND owner IN ($4, $1) RETURNING name', [
      to,
      at + ttlMs,
      name,
      from,
    ]);
    return rows.length === 1;
  }

  async renewLeases(owner: string, at: number, ttlMs: number): Promise<number> {
    return (await this.query('UPDATE leases SET until = $1 WHERE owner = $2 RETURNING name', [at + ttlMs, owner])).length;
  }

  async releaseLease(name: string, owner: string): Promise<void> {
    await this.query('DELETE FROM leases WHERE name = $1 AND owner = $2', [name, owner]);
  }

  async lease(name: string): Promise<LeaseRow | undefined> {
    const [row] = await this.query<LeaseRow>('SELECT name, owner, until FROM leases WHERE name = $1', [name]);
    return row;
  }

  async expiredLeases(prefix: string, at: number, limit: number): Promise<LeaseRow[]> {
    return this.query<LeaseRow>('SELECT name, owner, until FROM leases WHERE left(name, $1) = $2 AND until <= $3 ORDER BY until LIMIT $4', [
      prefix.length,
      prefix,
      at,
      limit,
    ]);
  }

  async heartbeat(replica: ReplicaRecord): Promise<void> {
    await this.query(
      `INSERT INTO replicas (id, host, pid, started_at, heartbeat_at, accepting, running) VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (id) DO UPDATE SET heartbeat_at = excluded.heartbeat_at, accepting = excluded.accepting, running = excluded.running`,
      [
        replica.id,
        replica.host,
        replica.pid,
        replica.startedAt,
        replica.heartbeatAt,
        replica.accepting ? 1 : 0,
        JSON.stringify(replica.running),
      ],
    );
  }

  async replicas(since: number): Promise<ReplicaRecord[]> {
    const rows = await this.query<ReplicaRow>('SELECT * FROM replicas WHERE heartbeat_at >= $1 ORDER BY id', [since]);
    return rows.map((row) => ({
      id: row.id,
      host: row.host,
      pid: row.pid,
      startedAt: row.started_at,
      heartbeatAt: row.heartbeat_at,
      accepting: row.accepting === 1,
      running: JSON.parse(row.running) as ReplicaRecord['running'],
    }));
  }

  async leave(id: string): Promise<void> {
    await this.query('DELETE FROM replicas WHERE id = $1', [id]);
  }

  async ping(): Promise<void> {
    await this.query('SELECT 1');
  }
}
