import { existsSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { isDirectory, resolveDataDir } from '../shared/dataset.js';
import { type LiveSwitch, liveElsewhere, noneReason } from '../shared/live-switches.js';
import { DATASET_KUBERNETES } from './backends/dataset.js';

/** Each API request is abandoned after this long unless KUBE_TIMEOUT_MS says otherwise. */
export const DEFAULT_KUBE_TIMEOUT_MS = 15_000;

export class KubeConfigError extends Error {}

/** This server's own live switches (the shared list's Kubernetes entries). */
const KUBE_SWITCHES: readonly LiveSwitch[] = ['KUBECONFIG', 'KUBE_CONTEXT', 'KUBE_IN_CLUSTER'];

export type KubernetesConfig =
  | { backend: 'dataset'; dataDir: string }
  | {
      backend: 'api';
      /** KUBECONFIG (a path list like kubectl's); undefined with inCluster. */
      kubeconfig?: string;
      context?: string;
      inCluster: boolean;
      /** KUBE_NAMESPACES; undefined: every namespace the credentials may list. */
      namespaces?: string[];
      timeoutMs: number;
    }
  /** Nothing to read: the tools answer "no Kubernetes configured" without an error, so no report calls it missing. */
  | { backend: 'none'; reason: string };

/** Where a pod's service-account token is mounted (the path @kubernetes/client-node's loadFromCluster reads). */
export const SERVICE_ACCOUNT_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

const NAMESPACE = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

const EnvSchema = z.object({
  KUBECONFIG: z.string().trim().optional(),
  KUBE_CONTEXT: z.string().trim().optional(),
  KUBE_IN_CLUSTER: z
    .string()
    .trim()
    .toLowerCase()
    .optional()
    .refine(
      (v) => v === undefined || v === '' || ['true', 'false', '1', '0', 'yes', 'no'].includes(v),
      'KUBE_IN_CLUSTER must be true or false',
    ),
  KUBE_NAMESPACES: z
    .string()
    .optional()
    .transform((v) =>
      (v ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .refine(
      (list) => list.every((ns) => NAMESPACE.test(ns)),
      'KUBE_NAMESPACES must be comma-separated namespace names (lowercase, digits, -)',
    ),
  KUBE_TIMEOUT_MS: z
    .string()
    .trim()
    .optional()
    .refine(
      (v) => v === undefined || v === '' || (Number.isInteger(Number(v)) && Number(v) > 0),
      'KUBE_TIMEOUT_MS must be a positive integer',
    ),
});

const blank = (value: string | undefined): value is undefined | '' => value === undefined || value === '';

/**
 * A kubeconfig (KUBECONFIG, KUBE_CONTEXT) or in-cluster credentials (KUBE_IN_CLUSTER=true) read the live cluster;
 * else DATA_DIR/kubernetes when it exists (the default dataset's only while no other server reads live systems);
 * else nothing. Every mistake is one KubeConfigError naming the variable.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): KubernetesConfig {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) throw new KubeConfigError(parsed.error.issues[0]?.message ?? 'invalid Kubernetes configuration');
  const vars = parsed.data;
  const inCluster = ['true', '1', 'yes'].includes(vars.KUBE_IN_CLUSTER ?? '');
  const timeoutMs = blank(vars.KUBE_TIMEOUT_MS) ? DEFAULT_KUBE_TIMEOUT_MS : Number(vars.KUBE_TIMEOUT_MS);
  const namespaces = vars.KUBE_NAMESPACES.length > 0 ? vars.KUBE_NAMESPACES : undefined;
  if (inCluster && !blank(vars.KUBECONFIG)) throw new KubeConfigError('set either KUBECONFIG or KUBE_IN_CLUSTER=true, not both');
  if (inCluster) {
    if (blank(env.KUBERNETES_SERVICE_HOST?.trim()))
      throw new KubeConfigError(
        'KUBE_IN_CLUSTER=true but KUBERNETES_SERVICE_HOST is unset: this is not running in a pod (use KUBECONFIG instead)',
      );
    if (!existsSync(SERVICE_ACCOUNT_TOKEN))
      throw new KubeConfigError(
        `KUBE_IN_CLUSTER=true but ${SERVICE_ACCOUNT_TOKEN} is missing: the pod mounts no service-account token (automountServiceAccountToken)`,
      );
    return { backend: 'api', inCluster, timeoutMs, ...(namespaces ? { namespaces } : {}) };
  }
  if (!blank(vars.KUBECONFIG) || !blank(vars.KUBE_CONTEXT)) {
    const kubeconfig = blank(vars.KUBECONFIG) ? path.join(env.HOME ?? '', '.kube', 'config') : vars.KUBECONFIG;
    const missing = kubeconfig.split(path.delimiter).filter((file) => file && !existsSync(file));
    if (missing.length > 0)
      throw new KubeConfigError(
        `KUBECONFIG file ${missing.join(', ')} does not exist${blank(vars.KUBECONFIG) ? ' (KUBE_CONTEXT is set, so the default kubeconfig is read)' : ''}`,
      );
    return {
      backend: 'api',
      kubeconfig,
      inCluster: false,
      timeoutMs,
      ...(blank(vars.KUBE_CONTEXT) ? {} : { context: vars.KUBE_CONTEXT }),
      ...(namespaces ? { namespaces } : {}),
    };
  }
  const other = liveElsewhere(env, KUBE_SWITCHES);
  if (other) return { backend: 'none', reason: noneReason('Kubernetes', KUBE_SWITCHES, other) };
  const dataDir = resolveDataDir(env);
  if (isDirectory(path.join(dataDir, DATASET_KUBERNETES))) return { backend: 'dataset', dataDir };
  return { backend: 'none', reason: 'no Kubernetes configured: set KUBECONFIG (and KUBE_CONTEXT) or KUBE_IN_CLUSTER=true' };
}
