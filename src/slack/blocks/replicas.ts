import type { ReplicaRecord } from '../../store/coordination.js';
import { oneLine } from './text.js';
import type { StatusScope } from './usage.js';

/** Analyses of other replicas named per replica in `/rca status`; the rest are counted. */
const MAX_LISTED_WORK = 5;

/**
 * The "Replicas" lines of `/rca status` when several replicas share the store: each one's health (heartbeat age,
 * draining) and running work. Like the queue, other channels' analyses are counted, never described.
 */
export function replicaLines(replicas: readonly ReplicaRecord[], self: string, now: number, leaseMs: number, scope: StatusScope): string[] {
  if (replicas.length < 2) return [];
  const lines = ['*Replicas*'];
  for (const replica of replicas) {
    const age = now - replica.heartbeatAt;
    const health =
      age > leaseMs ? ':red_circle: no heartbeat' : replica.accepting ? ':large_green_circle: up' : ':large_yellow_circle: draining';
    const running = replica.running.filter((w) => w.state === 'running').length;
    const queued = replica.running.length - running;
    lines.push(
      `${health} \`${oneLine(replica.id, 80)}\`${replica.id === self ? ' (this one)' : ''} — ${running} running, ${queued} queued, heartbeat ${Math.round(age / 1000)} s ago`,
    );
    const visible = replica.running.filter((w) => scope.everything || w.channel === scope.channel).slice(0, MAX_LISTED_WORK);
    for (const work of visible)
      lines.push(`    ${work.state === 'running' ? ':mag:' : '•'} \`${oneLine(work.id, 40)}\` ${oneLine(work.incident, 120)}`);
  }
  return lines;
}
