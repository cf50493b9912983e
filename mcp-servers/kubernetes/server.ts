import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { dataSourceLine, datasetName } from '../shared/data-source.js';
import { DatasetBackend } from './backends/dataset.js';
import type { KubeBackend } from './backends/types.js';
import { type KubernetesConfig, loadConfig } from './config.js';
import { registerKubernetesTools } from './tools/index.js';

export const SERVER_NAME = 'incidentpilot-kubernetes';
export const SERVER_VERSION = '0.1.0';

/** The live backend loads the official client only when a cluster is configured, so dataset runs stay light. */
export async function createBackend(config: KubernetesConfig): Promise<KubeBackend | undefined> {
  if (config.backend === 'dataset') return new DatasetBackend(config.dataDir);
  if (config.backend === 'none') return undefined;
  const { ApiBackend } = await import('./backends/api.js');
  return ApiBackend.fromConfig(config);
}

/**
 * The read-only Kubernetes server over a dataset folder or a live cluster (one backend interface, the same tools).
 * With nothing configured it still serves: its tools say so without an error, and its data-source line is "none", so
 * a team without Kubernetes sees no missing source. Throws KubeConfigError on a bad environment.
 */
export function createServer(
  options: { config?: KubernetesConfig; backend?: KubeBackend | undefined; namespaces?: string[] } = {},
): McpServer {
  const config = options.config ?? (options.backend ? undefined : loadConfig());
  const backend = options.backend ?? (config?.backend === 'dataset' ? new DatasetBackend(config.dataDir) : undefined);
  if (!options.backend && config?.backend === 'api')
    throw new Error('the live backend is async: build it with createBackend(config) and pass it as backend');
  const namespaces = options.namespaces ?? (config?.backend === 'api' ? config.namespaces : undefined);
  const noneReason = config?.backend === 'none' ? config.reason : 'no Kubernetes configured';
  const source = !backend
    ? dataSourceLine({ kind: 'none', detail: noneReason })
    : backend.kind === 'api'
      ? dataSourceLine({ kind: 'live', detail: backend.label })
      : dataSourceLine({
          kind: 'sample',
          dataset: config?.backend === 'dataset' ? datasetName(config.dataDir) : 'dataset',
          liveVariable: 'KUBECONFIG',
        });
  const server = new McpServer(
    { name: SERVER_NAME, version: SERVER_VERSION },
    {
      instructions:
        'Read-only Kubernetes state (what kubectl shows): get_rollouts for Deployment/StatefulSet/DaemonSet revisions and rollbacks; get_config_changes for ConfigMap/Secret edits, HPA and manual scaling; get_workload_health for ready pods, restarts, OOMKilled, CrashLoopBackOff, image pull failures; get_events for Warning events; get_node_health for node pressure, cordons and taints. Times: ISO-8601 or durations back from now (30m, 2h).\n' +
        source,
    },
  );
  registerKubernetesTools(server, { backend, namespaces, noneReason });
  return server;
}
