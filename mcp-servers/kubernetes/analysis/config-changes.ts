import type { KubeObject, ManagedFieldsEntry } from '../kube-types.js';
import type { ConfigChangeOut } from '../schemas.js';
import { mountsOf, timeOf } from './workloads.js';

/** The controller's own writes (HPA scaling, status) are not anyone's change. */
const CONTROLLER_MANAGERS = new Set(['kube-controller-manager']);

/** `Scaled down replica set payments-5c6d from 4 to 2` (from Kubernetes 1.26; older ones lack "from N"). */
const SCALE_MESSAGE = /^Scaled (?:up|down) replica set (\S+) (?:from (\d+) )?to (\d+)/;

export interface ConfigSources {
  configMaps: readonly KubeObject[];
  secrets: readonly KubeObject[];
  hpas: readonly KubeObject[];
  /** Deployments and StatefulSets with their kind. */
  workloads: readonly { object: KubeObject; kind: 'Deployment' | 'StatefulSet' | 'DaemonSet' }[];
  /** core/v1 events, for the replica count before a scale. */
  events: readonly KubeObject[];
}

type Window = { since: number; until: number };

function within(time: number | undefined, window: Window): time is number {
  return time !== undefined && time >= window.since && time <= window.until;
}

/** The `f:data` keys an entry manages: ConfigMap key names, never values (fieldsV1 holds no values). */
function dataKeys(entry: ManagedFieldsEntry): string[] {
  const fields = entry.fieldsV1 ?? {};
  const keys: string[] = [];
  for (const section of ['f:data', 'f:binaryData'] as const) {
    const value = fields[section];
    if (value && typeof value === 'object') for (const key of Object.keys(value)) if (key.startsWith('f:')) keys.push(key.slice(2));
  }
  return keys;
}

function touches(entry: ManagedFieldsEntry, ...sections: string[]): boolean {
  return sections.some((section) => entry.fieldsV1?.[section] !== undefined);
}

function mountedBy(name: string, namespace: string | undefined, kind: 'configMaps' | 'secrets', sources: ConfigSources): string[] {
  return sources.workloads
    .filter((w) => w.object.metadata?.namespace === namespace && mountsOf(w.object.spec?.template)[kind].has(name))
    .map((w) => `${w.kind}/${w.object.metadata?.name}`);
}

function dataChanges(object: KubeObject, kind: 'ConfigMap' | 'Secret', sources: ConfigSources, window: Window): ConfigChangeOut[] {
  const meta = object.metadata ?? {};
  const name = meta.name ?? '';
  const namespace = meta.namespace ?? '';
  const mounts = mountedBy(name, meta.namespace, kind === 'ConfigMap' ? 'configMaps' : 'secrets', sources);
  const created = timeOf(meta.creationTimestamp);
  const out: ConfigChangeOut[] = [];
  const base = { namespace, kind, name, mountedBy: mounts, replicas: null };
  const users = mounts.length > 0 ? `, used by ${mounts.join(', ')}` : ', used by no workload in scope';
  if (within(created, window)) {
    const first = meta.managedFields?.[0]?.manager ?? null;
    out.push({
      ...base,
      time: new Date(created).toISOString(),
      change: 'created',
      manager: first,
      keys: [],
      detail: `${kind} ${namespace}/${name} created${users}`,
    });
  }
  for (const entry of meta.managedFields ?? []) {
    const time = timeOf(entry.time);
    if (!within(time, window) || time === created || !touches(entry, 'f:data', 'f:binaryData', 'f:stringData')) continue;
    // A Secret's key names stay out as well: they can say more than its owner meant to show.
    const keys = kind === 'ConfigMap' ? dataKeys(entry) : [];
    out.push({
      ...base,
      time: new Date(time).toISOString(),
      change: 'edited',
      manager: entry.manager ?? null,
      keys,
      detail: `${kind} ${namespace}/${name} edited by ${entry.manager ?? 'unknown'}${keys.length > 0 ? ` (keys ${keys.join(', ')})` : ''}${users}`,
    });
  }
  return out;
}

function scaleBefore(workload: KubeObject, time: number, events: readonly KubeObject[]): number | null {
  let best: { distance: number; before: number } | undefined;
  for (const event of events) {
    if (event.reason !== 'ScalingReplicaSet' || event.involvedObject?.name !== workload.metadata?.name) continue;
    if (event.involvedObject?.namespace !== workload.metadata?.namespace) continue;
    const match = SCALE_MESSAGE.exec(event.message ?? '');
    const at = timeOf(event.lastTimestamp ?? event.eventTime);
    if (!match?.[2] || at === undefined) continue;
    const distance = Math.abs(at - time);
    if (!best || distance < best.distance) best = { distance, before: Number(match[2]) };
  }
  return best?.before ?? null;
}

/** Replica counts set by hand (kubectl scale, an edit of spec.replicas), not by the HPA or the controller. */
function manualScales(w: ConfigSources['workloads'][number], events: readonly KubeObject[], window: Window): ConfigChangeOut[] {
  if (w.kind === 'DaemonSet') return [];
  const kind = w.kind;
  const meta = w.object.metadata ?? {};
  return (meta.managedFields ?? [])
    .filter(
      (entry) =>
        !CONTROLLER_MANAGERS.has(entry.manager ?? '') &&
        (entry.subresource === 'scale' ||
          (!entry.subresource && (entry.fieldsV1?.['f:spec'] as Record<string, unknown> | undefined)?.['f:replicas'] !== undefined)),
    )
    .flatMap((entry) => {
      const time = timeOf(entry.time);
      if (!within(time, window)) return [];
      const after = w.object.spec?.replicas ?? null;
      const before = scaleBefore(w.object, time, events);
      return [
        {
          time: new Date(time).toISOString(),
          namespace: meta.namespace ?? '',
          kind,
          name: meta.name ?? '',
          change: 'scaled' as const,
          manager: entry.manager ?? null,
          keys: [],
          mountedBy: [],
          replicas: { before, after },
          detail: `${kind} ${meta.namespace}/${meta.name} scaled ${before !== null ? `from ${before} ` : ''}to ${after ?? '?'} by ${entry.manager ?? 'unknown'}${entry.subresource === 'scale' ? ' (scale subresource)' : ''}`,
        },
      ];
    });
}

function hpaTargets(hpa: KubeObject): string {
  const metrics = (hpa.spec?.metrics ?? []) as {
    type?: string;
    resource?: { name?: string; target?: { averageUtilization?: number; averageValue?: string } };
  }[];
  const parts = metrics.map((m) =>
    m.resource
      ? `${m.resource.name} ${m.resource.target?.averageUtilization !== undefined ? `${m.resource.target.averageUtilization}%` : (m.resource.target?.averageValue ?? '?')}`
      : (m.type ?? '?'),
  );
  if (hpa.spec?.targetCPUUtilizationPercentage !== undefined) parts.push(`cpu ${hpa.spec.targetCPUUtilizationPercentage}%`);
  return parts.join(', ');
}

function hpaChanges(hpa: KubeObject, window: Window): ConfigChangeOut[] {
  const meta = hpa.metadata ?? {};
  const target = hpa.spec?.scaleTargetRef ? [`${hpa.spec.scaleTargetRef.kind}/${hpa.spec.scaleTargetRef.name}`] : [];
  const base = {
    namespace: meta.namespace ?? '',
    kind: 'HorizontalPodAutoscaler' as const,
    name: meta.name ?? '',
    keys: [],
    mountedBy: target,
  };
  const bounds = `min ${hpa.spec?.minReplicas ?? 1}, max ${hpa.spec?.maxReplicas ?? '?'}${hpaTargets(hpa) ? `, target ${hpaTargets(hpa)}` : ''}`;
  const out: ConfigChangeOut[] = [];
  for (const entry of meta.managedFields ?? []) {
    const time = timeOf(entry.time);
    if (entry.subresource || CONTROLLER_MANAGERS.has(entry.manager ?? '') || !within(time, window) || !touches(entry, 'f:spec')) continue;
    out.push({
      ...base,
      time: new Date(time).toISOString(),
      change: 'hpa_edited',
      manager: entry.manager ?? null,
      replicas: null,
      detail: `HPA ${base.namespace}/${base.name} for ${target.join('') || '?'} edited by ${entry.manager ?? 'unknown'}: now ${bounds}`,
    });
  }
  const scaled = timeOf(hpa.status?.lastScaleTime);
  if (within(scaled, window)) {
    const after = hpa.status?.desiredReplicas ?? null;
    out.push({
      ...base,
      time: new Date(scaled).toISOString(),
      change: 'autoscaled',
      manager: 'horizontal-pod-autoscaler',
      replicas: { before: null, after },
      detail: `HPA ${base.namespace}/${base.name} scaled ${target.join('') || '?'} to ${after ?? '?'} (${bounds}, now ${hpa.status?.currentReplicas ?? '?'} running)`,
    });
  }
  return out;
}

/** Every configuration change in the window, newest first. */
export function configChanges(sources: ConfigSources, window: Window): ConfigChangeOut[] {
  return [
    ...sources.configMaps.flatMap((cm) => dataChanges(cm, 'ConfigMap', sources, window)),
    ...sources.secrets.flatMap((secret) => dataChanges(secret, 'Secret', sources, window)),
    ...sources.hpas.flatMap((hpa) => hpaChanges(hpa, window)),
    ...sources.workloads.flatMap((w) => manualScales(w, sources.events, window)),
  ].sort((a, b) => Date.parse(b.time) - Date.parse(a.time) || a.name.localeCompare(b.name));
}
