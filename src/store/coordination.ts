/**
 * What several replicas on one store need of it beyond the state itself: once-only claims, leases with an owner,
 * and a registry of replicas with their heartbeat. Every operation is one atomic statement (a unique key and
 * `INSERT … ON CONFLICT`), so two replicas racing on the same key get one winner without a lock held across calls.
 */

/** What a claim de-duplicates: a Slack event id, a button click, an alert fingerprint, a webhook group. */
export type ClaimKind = 'event' | 'click' | 'alert' | 'group';

/** A lease someone holds; `until` is epoch ms. */
export interface LeaseRow {
  name: string;
  owner: string;
  until: number;
}

/** One running or queued analysis of a replica, as `/rca status` shows it. */
export interface ReplicaWork {
  id: string;
  state: 'queued' | 'running';
  channel: string;
  incident: string;
}

export interface ReplicaRecord {
  id: string;
  /** Host name and process id, so a replica restarting on the same host can tell a dead predecessor at once. */
  host: string;
  pid: number;
  startedAt: number;
  heartbeatAt: number;
  /** False while draining (SIGTERM): a load balancer and `/rca status` see it. */
  accepting: boolean;
  running: ReplicaWork[];
}

export interface Coordination {
  /**
   * Once-only: true for the first caller of (kind, key), false for every other until `at + ttlMs` has passed (then
   * the next caller wins again: an alert's cooldown, an event id's retention).
   */
  claim(kind: ClaimKind, key: string, at: number, ttlMs: number): Promise<boolean>;
  /** Takes the lease when it is free, expired or already held by `owner`; false while another owner holds it. */
  acquireLease(name: string, owner: string, at: number, ttlMs: number): Promise<boolean>;
  /** Hands the lease from `from` to `to`, only while `from` still holds it (its process is known to be gone). */
  transferLease(name: string, from: string, to: string, at: number, ttlMs: number): Promise<boolean>;
  /** Extends every lease `owner` holds to `at + ttlMs` (the heartbeat); returns how many. */
  renewLeases(owner: string, at: number, ttlMs: number): Promise<number>;
  /** Gives the lease up, only when `owner` holds it. */
  releaseLease(name: string, owner: string): Promise<void>;
  lease(name: string): Promise<LeaseRow | undefined>;
  /** Leases named `prefix…` that ran out before `at`, oldest first. */
  expiredLeases(prefix: string, at: number, limit: number): Promise<LeaseRow[]>;
  heartbeat(replica: ReplicaRecord): Promise<void>;
  /** Replicas seen since `since`, by id. */
  replicas(since: number): Promise<ReplicaRecord[]>;
  /** Forgets a replica (a clean shutdown) so `/rca status` stops listing it. */
  leave(id: string): Promise<void>;
  /** Throws when the store cannot be reached (GET /healthz). */
  ping(): Promise<void>;
}

/** Lease names: one per analysis (its owner) and per timer that must run on one replica at a time. */
export const analysisLease = (id: string): string => `analysis:${id}`;
export const ANALYSIS_LEASE_PREFIX = 'analysis:';
export const timerLease = (name: string): string => `timer:${name}`;
export const threadLease = (channel: string, threadTs: string): string => `thread:${channel}:${threadTs}`;
