import { z } from 'zod';

/**
 * The structuredContent contract of the kubernetes server's tools. The analysis engines parse tool results with
 * these schemas, so a field may be added here but never renamed or removed without updating them.
 */

export const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', 'Pod'] as const;
export const WorkloadKindSchema = z.enum(WORKLOAD_KINDS);
export type WorkloadKind = z.infer<typeof WorkloadKindSchema>;

export const WindowSchema = z.object({ start: z.string(), end: z.string() });

/** Fields every answer carries: the window asked about, how many matched, and where the data came from. */
const common = {
  window: WindowSchema,
  total: z.number().int().describe('items that matched, of which the list holds the first `limit`'),
  backend: z.enum(['dataset', 'api', 'none']),
  namespaces: z.array(z.string()).describe('namespaces read; empty means all the credentials may list'),
  note: z.string().optional().describe('why the answer is empty or partial (no Kubernetes configured, list cut short)'),
};

export const TemplateChangeSchema = z.object({
  container: z.string().nullable().describe('the container, null for a pod-level field'),
  field: z
    .string()
    .describe('image | limits.memory | limits.cpu | requests.memory | requests.cpu | env | command | container (added/removed)'),
  before: z.string().nullable().describe('old value; for env only "set"/"unset" (values never shown)'),
  after: z.string().nullable(),
});
export type TemplateChange = z.infer<typeof TemplateChangeSchema>;

export const RolloutSchema = z.object({
  namespace: z.string(),
  workload: z.string(),
  kind: z.enum(['Deployment', 'StatefulSet', 'DaemonSet']),
  revision: z.number().int(),
  time: z.string().describe("ISO time of the revision: the ReplicaSet's/ControllerRevision's creation, or its re-use for a rollback"),
  source: z.string().describe('ReplicaSet/<name> or ControllerRevision/<name>'),
  imagesBefore: z.array(z.string()).describe("the previous revision's images (empty for the first revision)"),
  imagesAfter: z.array(z.string()),
  changes: z.array(TemplateChangeSchema).describe('what the pod template changed against the previous revision'),
  changeCause: z.string().nullable().describe('the kubernetes.io/change-cause annotation'),
  rollback: z.boolean().describe('an older pod template came back as this revision'),
  rollbackTo: z.number().int().nullable().describe('the earlier revision whose template came back'),
  current: z.boolean().describe('this is the revision the workload runs now'),
  replicas: z.object({
    desired: z.number().int().nullable(),
    ready: z.number().int().nullable(),
    updated: z.number().int().nullable().describe('pods on this revision'),
    available: z.number().int().nullable(),
  }),
  status: z.enum(['progressing', 'complete', 'failed', 'superseded']),
  statusReason: z.string().nullable().describe('e.g. ProgressDeadlineExceeded, NewReplicaSetAvailable'),
});
export type RolloutOut = z.infer<typeof RolloutSchema>;

export const GetRolloutsOutput = z.object({ rollouts: z.array(RolloutSchema).describe('newest first'), ...common });

export const ConfigChangeSchema = z.object({
  time: z.string(),
  namespace: z.string(),
  kind: z.enum(['ConfigMap', 'Secret', 'HorizontalPodAutoscaler', 'Deployment', 'StatefulSet', 'ReplicaSet']),
  name: z.string(),
  change: z.enum(['created', 'edited', 'scaled', 'autoscaled', 'hpa_edited']),
  manager: z.string().nullable().describe('the field manager (kubectl-edit, kubectl-client-side-apply, helm, argocd …)'),
  keys: z.array(z.string()).describe('ConfigMap data keys the edit touched (never values); always empty for a Secret'),
  mountedBy: z.array(z.string()).describe('workloads whose pods use it: Kind/name'),
  replicas: z
    .object({ before: z.number().int().nullable(), after: z.number().int().nullable() })
    .nullable()
    .describe('for scaled/autoscaled'),
  detail: z.string(),
});
export type ConfigChangeOut = z.infer<typeof ConfigChangeSchema>;

export const GetConfigChangesOutput = z.object({ changes: z.array(ConfigChangeSchema).describe('newest first'), ...common });

export const ContainerHealthSchema = z.object({
  name: z.string(),
  memoryLimit: z.string().nullable(),
  cpuLimit: z.string().nullable(),
  restarts: z.number().int().describe('restartCount summed over the pods'),
  restartsInWindow: z
    .number()
    .int()
    .describe("restarts of pods whose last termination falls in the window (a snapshot knows only each pod's last one)"),
  lastTermination: z
    .object({ reason: z.string().nullable(), exitCode: z.number().int().nullable(), time: z.string().nullable(), pod: z.string() })
    .nullable()
    .describe('the newest termination: OOMKilled, Error (137 = SIGKILL, 143 = SIGTERM), Completed …'),
  waiting: z
    .object({ reason: z.string(), message: z.string().nullable(), pods: z.number().int() })
    .nullable()
    .describe('CrashLoopBackOff, ImagePullBackOff, ErrImagePull, CreateContainerConfigError …'),
  probeFailures: z.number().int().describe('Unhealthy events (failed liveness/readiness/startup probes) in the window'),
});

export const WorkloadHealthSchema = z.object({
  namespace: z.string(),
  workload: z.string(),
  kind: WorkloadKindSchema,
  desired: z.number().int().nullable(),
  ready: z.number().int(),
  pods: z.number().int(),
  status: z.enum(['healthy', 'degraded', 'down']),
  problems: z.array(z.string()).describe('OOMKilled, CrashLoopBackOff, ImagePullBackOff, ProbeFailures, NotReady …'),
  nodes: z.array(z.string()),
  containers: z.array(ContainerHealthSchema),
});
export type WorkloadHealthOut = z.infer<typeof WorkloadHealthSchema>;

export const GetWorkloadHealthOutput = z.object({
  workloads: z.array(WorkloadHealthSchema).describe('worst first'),
  ...common,
});

export const EventGroupSchema = z.object({
  type: z.enum(['Warning', 'Normal']),
  reason: z.string(),
  object: z.object({ kind: z.string(), namespace: z.string().nullable(), name: z.string() }),
  workload: z.string().nullable().describe('Kind/name of the workload the object belongs to'),
  count: z.number().int(),
  firstTime: z.string().nullable(),
  lastTime: z.string().nullable(),
  message: z.string().describe('the latest message, cut'),
});
export type EventGroupOut = z.infer<typeof EventGroupSchema>;

export const GetEventsOutput = z.object({ groups: z.array(EventGroupSchema).describe('Warnings first, then by count'), ...common });

export const NodeHealthSchema = z.object({
  name: z.string(),
  ready: z.boolean().nullable(),
  problems: z.array(z.string()).describe('NotReady, MemoryPressure, DiskPressure, PIDPressure, NetworkUnavailable, Cordoned'),
  conditions: z.array(z.object({ type: z.string(), status: z.string(), reason: z.string().nullable(), since: z.string().nullable() })),
  unschedulable: z.boolean().describe('cordoned'),
  taints: z.array(z.object({ key: z.string(), value: z.string().nullable(), effect: z.string(), since: z.string().nullable() })),
  memoryAllocatable: z.string().nullable(),
  workloads: z.array(z.string()).describe('namespace/Kind/name of the workloads whose pods run there'),
  pods: z.number().int(),
});
export type NodeHealthOut = z.infer<typeof NodeHealthSchema>;

export const GetNodeHealthOutput = z.object({ nodes: z.array(NodeHealthSchema).describe('troubled first'), ...common });

export type GetRolloutsOut = z.infer<typeof GetRolloutsOutput>;
export type GetConfigChangesOut = z.infer<typeof GetConfigChangesOutput>;
export type GetWorkloadHealthOut = z.infer<typeof GetWorkloadHealthOutput>;
export type GetEventsOut = z.infer<typeof GetEventsOutput>;
export type GetNodeHealthOut = z.infer<typeof GetNodeHealthOutput>;
