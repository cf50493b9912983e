import type { KubeObject, PodTemplate } from '../kube-types.js';
import type { RolloutOut } from '../schemas.js';
import { diffTemplates, imagesOf, sameTemplate } from './template-diff.js';
import { timeOf, type WorkloadRef } from './workloads.js';

const REVISION = 'deployment.kubernetes.io/revision';
const REVISION_HISTORY = 'deployment.kubernetes.io/revision-history';
const CHANGE_CAUSE = 'kubernetes.io/change-cause';

interface Revision {
  revision: number;
  time: number;
  source: string;
  template: PodTemplate | undefined;
  changeCause: string | null;
  /** Revisions this template held before (a rollback re-uses the old ReplicaSet/ControllerRevision). */
  history: number[];
  created: number | undefined;
  replicas: RolloutOut['replicas'];
}

function ownedBy(object: KubeObject, ref: WorkloadRef): boolean {
  return (
    object.metadata?.namespace === ref.namespace &&
    (object.metadata?.ownerReferences ?? []).some((owner) => owner.kind === ref.kind && owner.name === ref.name)
  );
}

/** When an object was last written by its main (non-status) writer: a re-used ReplicaSet's rollback time. */
function lastWrite(object: KubeObject): number | undefined {
  const times = (object.metadata?.managedFields ?? [])
    .filter((entry) => !entry.subresource)
    .map((entry) => timeOf(entry.time))
    .filter((t): t is number => t !== undefined);
  return times.length > 0 ? Math.max(...times) : undefined;
}

function historyOf(object: KubeObject): number[] {
  const text = object.metadata?.annotations?.[REVISION_HISTORY];
  return text ? text.split(',').map(Number).filter(Number.isInteger) : [];
}

function replicaSetRevisions(ref: WorkloadRef, replicaSets: readonly KubeObject[]): Revision[] {
  return replicaSets
    .filter((rs) => ownedBy(rs, ref))
    .map((rs) => {
      const history = historyOf(rs);
      const created = timeOf(rs.metadata?.creationTimestamp);
      return {
        revision: Number(rs.metadata?.annotations?.[REVISION] ?? Number.NaN),
        time: (history.length > 0 ? lastWrite(rs) : undefined) ?? created ?? 0,
        source: `ReplicaSet/${rs.metadata?.name}`,
        template: rs.spec?.template,
        changeCause: rs.metadata?.annotations?.[CHANGE_CAUSE] ?? null,
        history,
        created,
        replicas: {
          desired: rs.spec?.replicas ?? null,
          ready: rs.status?.readyReplicas ?? 0,
          updated: rs.status?.replicas ?? 0,
          available: rs.status?.availableReplicas ?? 0,
        },
      };
    })
    .filter((r) => Number.isInteger(r.revision));
}

function controllerRevisions(ref: WorkloadRef, revisions: readonly KubeObject[]): Revision[] {
  return revisions
    .filter((cr) => ownedBy(cr, ref))
    .map((cr) => {
      const created = timeOf(cr.metadata?.creationTimestamp);
      const data = cr.data as { spec?: { template?: PodTemplate } } | undefined;
      return {
        revision: Number(cr.revision),
        time: created ?? 0,
        source: `ControllerRevision/${cr.metadata?.name}`,
        template: data?.spec?.template,
        changeCause: cr.metadata?.annotations?.[CHANGE_CAUSE] ?? null,
        history: [],
        created,
        replicas: { desired: null, ready: null, updated: null, available: null },
      };
    })
    .filter((r) => Number.isInteger(r.revision));
}

type Status = Pick<RolloutOut, 'status' | 'statusReason' | 'replicas'>;

/** The workload's own rollout state, which belongs to its current revision. */
function currentStatus(workload: KubeObject, ref: WorkloadRef): Status {
  const s = workload.status ?? {};
  const desired = workload.spec?.replicas ?? (ref.kind === 'DaemonSet' ? (s.desiredNumberScheduled ?? null) : 1);
  if (ref.kind === 'Deployment') {
    const progressing = s.conditions?.find((c) => c.type === 'Progressing');
    const replicas = { desired, ready: s.readyReplicas ?? 0, updated: s.updatedReplicas ?? 0, available: s.availableReplicas ?? 0 };
    if (progressing?.reason === 'ProgressDeadlineExceeded') return { status: 'failed', statusReason: 'ProgressDeadlineExceeded', replicas };
    const settled = (s.observedGeneration ?? 0) >= (workload.metadata?.generation ?? 0);
    const done = settled && replicas.updated === desired && replicas.available === desired && (s.replicas ?? 0) === desired;
    return { status: done ? 'complete' : 'progressing', statusReason: progressing?.reason ?? null, replicas };
  }
  if (ref.kind === 'StatefulSet') {
    const replicas = {
      desired,
      ready: s.readyReplicas ?? 0,
      updated: s.updatedReplicas ?? 0,
      available: s.availableReplicas ?? s.readyReplicas ?? 0,
    };
    const done = s.updateRevision === s.currentRevision && replicas.updated === desired && replicas.ready === desired;
    return { status: done ? 'complete' : 'progressing', statusReason: null, replicas };
  }
  const replicas = { desired, ready: s.numberReady ?? 0, updated: s.updatedNumberScheduled ?? 0, available: s.numberAvailable ?? 0 };
  const done = replicas.updated === desired && replicas.available === desired;
  return { status: done ? 'complete' : 'progressing', statusReason: null, replicas };
}

/**
 * A workload's revisions, oldest first, as rollouts: images and template changes against the revision before, and a
 * rollback when an older template comes back (the old ReplicaSet/ControllerRevision re-used under a new number).
 */
export function rolloutsOf(
  workload: KubeObject,
  ref: WorkloadRef & { kind: 'Deployment' | 'StatefulSet' | 'DaemonSet' },
  sources: { replicaSets: readonly KubeObject[]; controllerRevisions: readonly KubeObject[] },
): RolloutOut[] {
  const revisions = (
    ref.kind === 'Deployment' ? replicaSetRevisions(ref, sources.replicaSets) : controllerRevisions(ref, sources.controllerRevisions)
  ).sort((a, b) => a.revision - b.revision);
  const newest = revisions[revisions.length - 1];
  const currentName =
    ref.kind === 'StatefulSet' && workload.status?.updateRevision ? `ControllerRevision/${workload.status.updateRevision}` : newest?.source;
  // A re-used ReplicaSet held earlier numbers too (revision-history): revision 2's predecessor may be today's revision 3.
  const byNumber = revisions.flatMap((rev) => [rev.revision, ...rev.history].map((number) => ({ number, rev })));
  const out: RolloutOut[] = [];
  revisions.forEach((rev, index) => {
    const previous = byNumber.filter((entry) => entry.number < rev.revision).sort((a, b) => b.number - a.number)[0]?.rev;
    const current = rev.source === currentName;
    // Re-used: created before the revision it now follows, so it is an older template brought back.
    const reused = previous !== undefined && rev.created !== undefined && previous.created !== undefined && rev.created < previous.created;
    const matchedEarlier = revisions.slice(0, Math.max(0, index - 1)).find((r) => sameTemplate(r.template, rev.template));
    const rollback = rev.history.length > 0 || reused || (matchedEarlier !== undefined && !sameTemplate(previous?.template, rev.template));
    const rollbackTo = rev.history.length > 0 ? Math.max(...rev.history) : (matchedEarlier?.revision ?? null);
    const status: Status = current ? currentStatus(workload, ref) : { status: 'superseded', statusReason: null, replicas: rev.replicas };
    out.push({
      namespace: ref.namespace,
      workload: ref.name,
      kind: ref.kind,
      revision: rev.revision,
      time: new Date(rev.time).toISOString(),
      source: rev.source,
      imagesBefore: imagesOf(previous?.template),
      imagesAfter: imagesOf(rev.template),
      changes: previous ? diffTemplates(previous.template, rev.template) : [],
      changeCause: rev.changeCause,
      rollback,
      rollbackTo: rollback ? rollbackTo : null,
      current,
      ...status,
    });
  });
  return out;
}
