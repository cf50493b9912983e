import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { ClaimKind, Coordination, LeaseRow, ReplicaRecord } from './coordination.js';

interface ReplicaRow {
  id: string;
  host: string;
  pid: number;
  started_at: number;
  heartbeat_at: number;
  accepting: number;
  running: string;
}

/**
 * Coordination on the SQLite file. Each statement is atomic and WAL lets several processes on one host share the
 * file, so two processes racing on a claim or a lease get one winner, as on PostgreSQL.
 */
export class SqliteCoordination implements Coordination {
  constructor(private readonly db: Database.Database) {}

  async claim(kind: ClaimKind, key: string, at: number, ttlMs: number): Promise<boolean> {
    // An expired claim is taken over by the same statement, so "first after the cooldown" is as atomic as "first".
    const result = this.db
      .prepare(
        `INSERT INTO claims (kind, key, token, at, expires_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (kind, key) DO UPDATE SET token = excluded.token, at = excluded.at, expires_at = excluded.expires_at
         WHERE claims.expires_at <= excluded.at`,
      )
      .run(kind, key, randomUUID(), at, at + ttlMs);
    return result.changes === 1;
  }

  async acquireLease(name: string, owner: string, at: number, ttlMs: number): Promise<boolean> {
    const result = this.db
      .prepare(
        `INSERT INTO leases (name, owner, until) VALUES (?, ?, ?)
         ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, until = excluded.until
         WHERE leases.owner = excluded.owner OR leases.until <= ?`,
      )
      .run(name, owner, at + ttlMs, at);
    return result.changes === 1;
  }

  async transferLease(name: string, from: string, to: string, at: number, ttlMs: number): Promise<boolean> {
    return (
      this.db.prepare('UPDATE leases SET owner = ?, until = ? WHERE name = ? AND owner = ?').run(to, at + ttlMs, name, from).changes === 1
    );
  }

  async renewLeases(owner: string, at: number, ttlMs: number): Promise<number> {
    return this.db.prepare('UPDATE leases SET until = ? WHERE owner = ?').run(at + ttlMs, owner).changes;
  }

  async releaseLease(name: string, owner: string): Promise<void> {
    this.db.prepare('DELETE FROM leases WHERE name = ? AND owner = ?').run(name, owner);
  }

  async lease(name: string): Promise<LeaseRow | undefined> {
    return this.db.prepare('SELECT name, owner, until FROM leases WHERE name = ?').get(name) as LeaseRow | undefined;
  }

  async expiredLeases(prefix: string, at: number, limit: number): Promise<LeaseRow[]> {
    return this.db
      .prepare('SELECT name, owner, until FROM leases WHERE substr(name, 1, ?) = ? AND until <= ? ORDER BY until LIMIT ?')
      .all(prefix.length, prefix, at, limit) as LeaseRow[];
  }

  async heartbeat(replica: ReplicaRecord): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO replicas (id, host, pid, started_at, heartbeat_at, accepting, running) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET heartbeat_at = excluded.heartbeat_at, accepting = excluded.accepting, running = excluded.running`,
      )
      .run(
        replica.id,
        replica.host,
        replica.pid,
        replica.startedAt,
        replica.heartbeatAt,
        replica.accepting ? 1 : 0,
        JSON.stringify(replica.running),
      );
  }

  async replicas(since: number): Promise<ReplicaRecord[]> {
    const rows = this.db.prepare('SELECT * FROM replicas WHERE heartbeat_at >= ? ORDER BY id').all(since) as ReplicaRow[];
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
    this.db.prepare('DELETE FROM replicas WHERE id = ?').run(id);
  }

  async ping(): Promise<void> {
    this.db.prepare('SELECT 1').get();
  }

  /** Claims and replicas older than `before`; leases are left to their owners and the failover sweep. */
  prune(before: number): void {
    this.db.prepare('DELETE FROM claims WHERE expires_at < ?').run(before);
    this.db.prepare('DELETE FROM replicas WHERE heartbeat_at < ?').run(before);
  }
}
