import { existsSync } from 'node:fs';
import path from 'node:path';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { DATASET_KUBERNETES } from '../../mcp-servers/kubernetes/backends/dataset.js';
import { createServer as createKubernetesServer } from '../../mcp-servers/kubernetes/server.js';
import { createServer as createLogsServer } from '../../mcp-servers/logs/server.js';
import { createServer as createMetricsServer } from '../../mcp-servers/metrics/server.js';
import { loadRecording } from '../../mcp-servers/replay/recording.js';
import { createServer as createReplayServer } from '../../mcp-servers/replay/server.js';
import { createServer as createRunbooksServer } from '../../mcp-servers/runbooks/server.js';
import { caseGitServer } from './github-history.js';
import { InProcessHost } from './in-process-host.js';
import { EVAL_RUNBOOKS_BASE_URL } from './runner.js';

/**
 * The MCP servers over one dataset folder, in this process (kubernetes only when the dataset has a kubernetes folder).
 * Each server is built from its own createServer with the dataset passed explicitly, so cases never touch process.env
 * and can run side by side.
 */
export async function datasetHost(dataDir: string, options: { logs?: McpServer; runbooksDir?: string } = {}): Promise<InProcessHost> {
  const { runbooksDir } = options;
  return InProcessHost.connect([
    // A logs server over another store (Loki, Elasticsearch, the journal) loaded with the dataset's logs, or its files.
    { name: 'logs', server: options.logs ?? createLogsServer({ dataDir }) },
    { name: 'git', server: await caseGitServer(dataDir) },
    { name: 'metrics', server: createMetricsServer({ config: { backend: 'dataset', dataDir } }) },
    // Cluster state only where the case carries it: a case without it is a team without Kubernetes.
    ...(existsSync(path.join(dataDir, DATASET_KUBERNETES))
      ? [{ name: 'kubernetes', server: createKubernetesServer({ config: { backend: 'dataset', dataDir } }) }]
      : []),
    ...(runbooksDir ? [{ name: 'runbooks', server: createRunbooksServer({ paths: [runbooksDir], baseUrl: EVAL_RUNBOOKS_BASE_URL }) }] : []),
  ]);
}

/** A replay case's recorded calls, one replay server per server they came from, so calls keep their server names. */
export async function replayHost(replayFile: string): Promise<InProcessHost> {
  const recording = loadRecording(replayFile);
  const names = [...new Set(recording.calls.map((call) => call.server))];
  return InProcessHost.connect(names.map((name) => ({ name, server: createReplayServer({ recording, server: name }) })));
}
