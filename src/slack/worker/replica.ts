import { hostname } from 'node:os';
import {
  ANALYSIS_LEASE_PREFIX,
  analysisLease,
  type Coordination,
  type LeaseRow,
  type ReplicaRecord,
  type ReplicaWork,
  threadLease,
  timerLease,
} from '../../store/coordination.js';
import type { Logger } from '../logger.js';
import { slackErrorCode } from './slack-io.js';

/** STATE_LEASE_MS's default: a dead replica's analyses are taken over within about this long. */
export const DEFAULT_LEASE_MS = 30_000;
/** Heartbeats per lease period: two may be missed (a long GC pause, a slow store) before the lease runs out. */
const BEATS_PER_LEASE = 3;
/** Expired analysis leases taken over per sweep; a dead replica held at most ANALYSIS_CONCURRENCY + QUEUE_MAX. */
const MAX_TAKEOVERS_PER_SWEEP = 100;
/** Incident text kept per running analysis in the registry (`/rca status` shows a line of it). */
const WORK_TEXT_CHARS = 120;

/** REPLICA_ID's default: unique per process, and a restart on the same host can tell its predecessor is gone. */
export function defaultReplicaId(): string {
  return `${hostname()}:${process.pid}`;
}

export interface ReplicaHooks {
  /** This replica's queued and running analyses, for the registry. */
  work(): ReplicaWork[];
  accepting(): boolean;
  /** An analysis whose owner's lease ran out: this replica now owns it and ends it (interrupted, or re-run). */
  takeOver(analysisId: string, previousOwner: string): Promise<void>;
}

export interface ReplicaOptions {
  id: string;
  leaseMs: number;
  coordination: Coordination;
  logger: Logger;
  now?: () => number;
}

/** True when `pid` is no longer a process on this host (a kill -9 before a restart). */
function processGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * This process as one of several replicas on a shared store: it owns the analyses it runs through leases renewed by a
 * heartbeat, takes over analyses whose owner stopped renewing, and runs the timers that must run once (retention,
 * report retries) only while it holds their lease. One replica alone behaves exactly as before.
 */
export class Replica {
  readonly id: string;
  readonly leaseMs: number;
  readonly startedAt: number;
  private readonly now: () => number;
  private timer: NodeJS.Timeout | undefined;
  private hooks: ReplicaHooks | undefined;
  private beating: Promise<void> = Promise.resolve();

  constructor(private readonly options: ReplicaOptions) {
    this.id = options.id;
    this.leaseMs = options.leaseMs;
    this.now = options.now ?? Date.now;
    this.startedAt = this.now();
  }

  private get store(): Coordination {
    return this.options.coordination;
  }

  /** Registers this replica and beats every leaseMs / BEATS_PER_LEASE: registry, lease renewal, takeover sweep. */
  async start(hooks: ReplicaHooks): Promise<void> {
    this.hooks = hooks;
    await this.beat();
    this.timer = setInterval(
      () => {
        // A slow store must not pile beats up: the next one waits for the last.
        this.beating = this.beating.then(() => this.beat());
      },
      Math.max(1, Math.floor(this.leaseMs / BEATS_PER_LEASE)),
    );
    this.timer.unref();
  }

  /** One heartbeat; never throws (the store may be down: the lease then runs out and another replica takes over). */
  async beat(): Promise<void> {
    const hooks = this.hooks;
    if (!hooks) return;
    try {
      const at = this.now();
      await this.store.heartbeat(this.record(hooks, at));
      await this.store.renewLeases(this.id, at, this.leaseMs);
      if (hooks.accepting()) await this.sweep(hooks, at);
    } catch (error) {
      this.options.logger.warn(`replica ${this.id}: heartbeat failed: ${slackErrorCode(error)}`);
    }
  }

  private record(hooks: ReplicaHooks, at: number): ReplicaRecord {
    const work = hooks.work().map((w) => ({ ...w, incident: w.incident.slice(0, WORK_TEXT_CHARS) }));
    return {
      id: this.id,
      host: hostname(),
      pid: process.pid,
      startedAt: this.startedAt,
      heartbeatAt: at,
      accepting: hooks.accepting(),
      running: work,
    };
  }

  /** Analyses whose owner stopped renewing: each is taken by exactly one replica (the lease decides) and ended. */
  private async sweep(hooks: ReplicaHooks, at: number): Promise<void> {
    const expired = await this.store.expiredLeases(ANALYSIS_LEASE_PREFIX, at, MAX_TAKEOVERS_PER_SWEEP);
    for (const lease of expired) {
      if (lease.owner === this.id) continue;
      if (!(await this.store.acquireLease(lease.name, this.id, at, this.leaseMs))) continue;
      await this.handOver(hooks, lease);
    }
  }

  private async handOver(hooks: ReplicaHooks, lease: LeaseRow): Promise<void> {
    const analysisId = lease.name.slice(ANALYSIS_LEASE_PREFIX.length);
    this.options.logger.warn(`replica ${lease.owner} stopped renewing analysis ${analysisId}; replica ${this.id} takes it over`);
    try {
      await hooks.takeOver(analysisId, lease.owner);
    } finally {
      await this.store.releaseLease(lease.name, this.id);
    }
  }

  /**
   * Start-up recovery: may this replica end an analysis the store shows unfinished? Yes when nobody holds it, when it
   * was this replica's own (a stable REPLICA_ID restarting), when the owner's lease ran out, or when the owner was a
   * process on this host that no longer exists; never while another live replica holds it.
   */
  async mayRecover(analysisId: string): Promise<boolean> {
    const name = analysisLease(analysisId);
    const at = this.now();
    const lease = await this.store.lease(name);
    if (!lease || lease.owner === this.id || lease.until <= at) return this.store.acquireLease(name, this.id, at, this.leaseMs);
    const owner = (await this.store.replicas(0)).find((r) => r.id === lease.owner);
    if (!owner || owner.host !== hostname() || owner.pid === process.pid || !processGone(owner.pid)) return false;
    return this.store.transferLease(name, lease.owner, this.id, at, this.leaseMs);
  }

  /** This replica owns the analysis from now on; the heartbeat keeps the lease. Fire and forget. */
  own(analysisId: string): void {
    this.store
      .acquireLease(analysisLease(analysisId), this.id, this.now(), this.leaseMs)
      .catch((error: unknown) => this.options.logger.warn(`analysis ${analysisId}: lease not taken: ${slackErrorCode(error)}`));
  }

  /** The analysis ended here: its lease and its thread's go. Fire and forget. */
  release(analysisId: string, thread?: { channel: string; threadTs: string }): void {
    this.drop(analysisLease(analysisId));
    if (thread) this.releaseThread(thread.channel, thread.threadTs);
  }

  releaseThread(channel: string, threadTs: string): void {
    this.drop(threadLease(channel, threadTs));
  }

  private drop(name: string): void {
    this.store
      .releaseLease(name, this.id)
      .catch((error: unknown) => this.options.logger.warn(`lease ${name} not released: ${slackErrorCode(error)}`));
  }

  /** One analysis per thread across replicas: true when this replica may start one in the thread. */
  claimThread(channel: string, threadTs: string): Promise<boolean> {
    return this.store.acquireLease(threadLease(channel, threadTs), this.id, this.now(), this.leaseMs);
  }

  /**
   * Runs `task` only while this replica holds the timer's lease (retention, report retries): replicas that lose the
   * race skip this round, and take over when the holder's lease runs out. The lease outlasts one interval so the
   * holder keeps it.
   */
  async runAlone(name: string, intervalMs: number, task: () => Promise<void>): Promise<boolean> {
    const held = await this.store.acquireLease(timerLease(name), this.id, this.now(), intervalMs + this.leaseMs);
    if (held) await task();
    return held;
  }

  /** Clean shutdown: stops beating and leaves the registry; leases of unfinished work were released as it ended. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.beating;
    await this.store.leave(this.id).catch(() => {});
  }

  /** Replicas seen within a few lease periods, for `/rca status`. */
  replicas(): Promise<ReplicaRecord[]> {
    return this.store.replicas(this.now() - 2 * this.leaseMs);
  }
}
