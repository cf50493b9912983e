import type { LogLevel } from '../schemas.js';
import { timeFromValue } from './time.js';
import type { ParsedHead } from './types.js';

/**
 * Kubernetes events, one JSON object per line (`kubectl get events -w -o json | jq -c`, event exporters, the
 * events.k8s.io/v1 shape): `type` Normal/Warning, `reason`, `involvedObject` (or `regarding`), the event's time from
 * `lastTimestamp`, `eventTime`, `series.lastObservedTime` or `firstTimestamp`. Warnings whose reason means a workload
 * is failing (BackOff, OOMKilling, FailedScheduling …) are errors; other warnings stay warnings. The service is the
 * object's workload, so `checkout-7d9c5f8b4-x2k9q` counts for `checkout`.
 */

const FAILING_REASONS =
  /^(BackOff|CrashLoopBackOff|Failed|FailedCreate|FailedCreatePodSandBox|FailedKillPod|FailedMount|FailedAttachVolume|FailedScheduling|FailedSync|FailedPreStopHook|FailedPostStartHook|OOMKilling|OOMKilled|Evicted|Evicting|NodeNotReady|NodeHasDiskPressure|NodeHasInsufficientMemory|ErrImagePull|ImagePullBackOff|InspectFailed|Unhealthy|ProbeError|FailedGetResourceMetric|FailedComputeMetricsReplicas)$/;

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

export function isKubeEvent(record: Json): boolean {
  return (
    typeof record.reason === 'string' &&
    (isObject(record.involvedObject) || isObject(record.regarding)) &&
    (record.kind === 'Event' || typeof record.type === 'string')
  );
}

export function fromKubeEvent(record: Json): ParsedHead {
  const object = (isObject(record.involvedObject) ? record.involvedObject : record.regarding) as Json;
  const series = isObject(record.series) ? record.series : {};
  const metadata = isObject(record.metadata) ? record.metadata : {};
  const time =
    timeFromValue(record.lastTimestamp) ??
    timeFromValue(series.lastObservedTime) ??
    timeFromValue(record.eventTime) ??
    timeFromValue(record.firstTimestamp) ??
    timeFromValue(metadata.creationTimestamp);
  const reason = String(record.reason);
  const kind = typeof object.kind === 'string' ? object.kind : 'Object';
  const name = typeof object.name === 'string' ? object.name : '';
  const namespace = typeof object.namespace === 'string' ? `${object.namespace}/` : '';
  const text = typeof record.message === 'string' ? record.message : typeof record.note === 'string' ? record.note : '';
  const count = typeof record.count === 'number' && record.count > 1 ? ` (x${record.count})` : '';
  const level: LogLevel = record.type === 'Warning' ? (FAILING_REASONS.test(reason) ? 'error' : 'warn') : 'info';
  return {
    time,
    level,
    service: name ? workloadOf(kind, name) : null,
    message: `${reason} ${kind} ${namespace}${name}: ${text}${count}`,
  };
}

/** A pod's or ReplicaSet's workload (`api-7d9c5f8b4-x2k9q`, `api-7d9c5f8b4` → `api`); other objects keep their name. */
function workloadOf(kind: string, name: string): string {
  if (kind === 'Pod') return name.replace(/-[a-z0-9]{6,10}-[a-z0-9]{5}$/, '').replace(/-\d{1,4}$/, '');
  if (kind === 'ReplicaSet') return name.replace(/-[a-z0-9]{6,10}$/, '');
  return name;
}
