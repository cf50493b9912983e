import type { Change } from './changes.js';
import { type ClusterState, imageTag, type KubeConfigChange, type KubeRollout } from './kubernetes.js';

/**
 * The cluster's changes as candidates beside git's: a rollout is a deployment, a ConfigMap/Secret edit a config
 * change, an autoscaler or replica change an infrastructure change. A rollout that shipped what a recorded deployment
 * shipped (same service, its image tag is the version or names one of its commits) is that deployment: one candidate,
 * with what the cluster saw added to it.
 */

/** Shortest commit-sha prefix an image tag must carry to name that commit (CI tags images with 7+ hex digits). */
const MIN_SHA_IN_TAG = 7;
const KIND_OF: Record<KubeConfigChange['kind'], Change['kind']> = {
  configmap: 'config',
  secret: 'config',
  hpa: 'infrastructure',
  scale: 'infrastructure',
};

export function rolloutId(rollout: KubeRollout): string {
  return `${rollout.workload} revision ${rollout.revision}`;
}

export function configChangeId(change: KubeConfigChange): string {
  return `${change.kind} ${change.namespace}/${change.name}`;
}

/** What the rollout did, first line first: the report's headline for it. */
export function rolloutText(rollout: KubeRollout): string {
  const before = rollout.imagesBefore.join(', ') || '?';
  const after = rollout.imagesAfter.join(', ') || '?';
  const verb =
    rollout.rollbackOf !== undefined
      ? `rollback of ${rollout.workload} to revision ${rollout.rollbackOf}'s template`
      : `rollout of ${rollout.workload}`;
  const lines = [
    `${verb} (revision ${rollout.revision}): ${before === after ? after : `${before} → ${after}`}`,
    rollout.status === 'failed'
      ? `rollout failed: ${rollout.reason ?? 'not progressing'}`
      : rollout.status === 'progressing'
        ? 'rollout still progressing'
        : '',
    rollout.memoryLimitBefore !== rollout.memoryLimitAfter && rollout.memoryLimitAfter
      ? `memory limit ${rollout.memoryLimitBefore ?? 'none'} → ${rollout.memoryLimitAfter}`
      : '',
    rollout.changeCause ? `change-cause: ${rollout.changeCause}` : '',
  ];
  return lines.filter((line) => line.length > 0).join('\n');
}

function rolloutChange(rollout: KubeRollout): Change {
  const tag = rollout.imagesAfter.map(imageTag).find((value) => value !== undefined);
  return {
    kind: 'deployment',
    id: rolloutId(rollout),
    ...(tag ? { version: tag } : {}),
    service: rollout.workload,
    at: rollout.at,
    environment: rollout.namespace,
    status: rollout.status === 'failed' ? (rollout.reason ?? 'not progressing') : rollout.status,
    text: rolloutText(rollout),
    files: [],
    commits: [],
    declaredCommits: [],
    callId: rollout.callId,
    needles: [rollout.workload, ...(tag ? [tag] : [])],
    applied: true,
  };
}

function configChange(change: KubeConfigChange): Change {
  const [owner, ...others] = change.workloads;
  return {
    kind: KIND_OF[change.kind],
    id: configChangeId(change),
    service: owner ?? null,
    at: change.at,
    environment: change.namespace,
    text: `${change.kind === 'scale' ? 'replicas' : change.kind} ${change.namespace}/${change.name} changed${change.manager ? ` by ${change.manager}` : ''}: ${change.detail}`,
    files: [],
    commits: [],
    declaredCommits: [],
    callId: change.callId,
    needles: [change.name],
    applied: true,
    ...(others.length > 0 ? { alsoTouches: others } : {}),
  };
}

/** Whether a recorded deployment shipped what the rollout runs. */
function sameRelease(deploy: Change, rollout: KubeRollout): boolean {
  if (deploy.kind !== 'deployment' || deploy.service !== rollout.workload) return false;
  const tags = rollout.imagesAfter.map(imageTag).filter((tag): tag is string => tag !== undefined);
  return tags.some(
    (tag) =>
      (deploy.version !== undefined && (tag === deploy.version || tag === deploy.version.replace(/^v/, ''))) ||
      deploy.declaredCommits.some(
        (sha) => sha.length >= MIN_SHA_IN_TAG && (tag.includes(sha.slice(0, MIN_SHA_IN_TAG)) || sha.startsWith(tag)),
      ),
  );
}

export interface ClusterChanges {
  changes: Change[];
  /** Which candidate each rollout became (its own id, or the recorded deployment it shipped). */
  rolloutOf: Map<string, KubeRollout>;
  configOf: Map<string, KubeConfigChange>;
}

/** The candidates with the cluster's changes added; a rollout matching a recorded deployment enriches it instead. */
export function withClusterChanges(candidates: readonly Change[], state: ClusterState | undefined): ClusterChanges {
  const rolloutOf = new Map<string, KubeRollout>();
  const configOf = new Map<string, KubeConfigChange>();
  if (!state) return { changes: [...candidates], rolloutOf, configOf };
  const out = candidates.map((change) => ({ ...change }));
  for (const rollout of state.rollouts) {
    const release = out.find((change) => sameRelease(change, rollout) && !rolloutOf.has(change.id));
    if (release) {
      release.text = `${release.text}\n${rolloutText(rollout)}`;
      release.applied = true;
      rolloutOf.set(release.id, rollout);
      continue;
    }
    const change = rolloutChange(rollout);
    rolloutOf.set(change.id, rollout);
    out.push(change);
  }
  for (const config of state.configChanges) {
    const change = configChange(config);
    configOf.set(change.id, config);
    out.push(change);
  }
  return { changes: out, rolloutOf, configOf };
}
