import { BoundedMap } from './bounded-map.js';
import type { AnalysisJob, Trigger } from './job.js';

/**
 * Fair use under load: what may enter the queue, and in which order it leaves it. Pure rules over the service's
 * state, so the service keeps only the hooks.
 */

/** p-queue runs higher priorities first: people asking now go ahead of alerts (which have their own thread anyway). */
export const PRIORITY = { person: 1, alert: 0 } as const;

export function priorityOf(trigger: Pick<Trigger, 'origin'>): number {
  return trigger.origin === 'alert' ? PRIORITY.alert : PRIORITY.person;
}

export type Refusal =
  | { ok: false; reason: 'busy'; running: number; queued: number; restarting?: boolean }
  | { ok: false; reason: 'thread_busy'; job: AnalysisJob }
  | { ok: false; reason: 'user_limit'; limit: number };

/** ALERT_QUEUE_SHARE's default: alerts may hold half the queue and half the running slots. */
export const DEFAULT_ALERT_SHARE = 0.5;

/**
 * What alerts may hold: `share` of the whole capacity (queued and running) and of the running slots, rounded down
 * but at least one of each while the share is above zero, so alerts never starve and never crowd people out.
 */
export function alertLimits(share: number, concurrency: number, capacity: number): { capacity: number; slots: number } {
  if (share <= 0) return { capacity: 0, slots: 0 };
  return { capacity: Math.max(1, Math.floor(share * capacity)), slots: Math.max(1, Math.floor(share * concurrency)) };
}

export interface AdmissionState {
  /** Queued and running analyses, in arrival order. */
  active: readonly AnalysisJob[];
  /** The analysis already answering in the trigger's thread, if any. */
  inThread?: AnalysisJob;
  /** What the queue really holds: waiting tasks and running ones. */
  waiting: number;
  running: number;
  capacity: number;
  /** How many analyses alerts may hold, queued and running together (alertLimits). */
  alertCapacity: number;
  maxPerUser: number;
}

export function requesterOf(trigger: Pick<Trigger, 'requestedBy'>): string | undefined {
  return 'user' in trigger.requestedBy ? trigger.requestedBy.user : undefined;
}

/** Why `trigger` may not be queued now, or undefined when it may. */
export function refusalFor(trigger: Trigger, state: AdmissionState): Refusal | undefined {
  // One analysis per thread, whatever started it: a burst of Re-run clicks or a mention during a run starts nothing.
  if (state.inThread?.active) return { ok: false, reason: 'thread_busy', job: state.inThread };
  const user = requesterOf(trigger);
  if (user && state.active.filter((job) => requesterOf(job.trigger) === user).length >= state.maxPerUser) {
    return { ok: false, reason: 'user_limit', limit: state.maxPerUser };
  }
  if (state.waiting + state.running >= state.capacity) {
    return { ok: false, reason: 'busy', running: state.running, queued: state.waiting };
  }
  if (trigger.origin === 'alert' && state.active.filter((job) => job.trigger.origin === 'alert').length >= state.alertCapacity) {
    return { ok: false, reason: 'busy', running: state.running, queued: state.waiting };
  }
  return undefined;
}

/**
 * The job a free slot should run: the first in line whose thread exists, skipping alerts while alerts already hold
 * their share of the running slots.
 */
export function nextToRun(active: readonly AnalysisJob[], anchored: ReadonlySet<string>, alertSlots: number): AnalysisJob | undefined {
  const runningAlerts = active.filter((job) => job.started && job.trigger.origin === 'alert').length;
  return waitingOrder(active).find((job) => anchored.has(job.id) && (job.trigger.origin !== 'alert' || runningAlerts < alertSlots));
}

/** Waiting jobs in the order the queue will start them: higher priority first, then arrival. */
export function waitingOrder(active: readonly AnalysisJob[]): AnalysisJob[] {
  return active
    .filter((job) => job.state === 'queued' && !job.started)
    .map((job, index) => ({ job, index, priority: priorityOf(job.trigger) }))
    .sort((a, b) => b.priority - a.priority || a.index - b.index)
    .map(({ job }) => job);
}

/** Channels remembered for busy notices; older ones are forgotten (and may get one more notice). */
const MAX_NOTICE_CHANNELS = 1000;

/** An alert storm on a full queue gets one "busy" reply per channel per cooldown, not one per alert. */
export class BusyNotices {
  private readonly lastAt = new BoundedMap<string, number>(MAX_NOTICE_CHANNELS);

  constructor(
    private readonly cooldownMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** True (and remembered) when this channel has not had a busy notice within the cooldown. */
  shouldPost(channel: string): boolean {
    const last = this.lastAt.get(channel);
    if (last !== undefined && this.now() - last < this.cooldownMs) return false;
    this.lastAt.set(channel, this.now());
    return true;
  }
}
