import { createServer as createGitServer } from '../../mcp-servers/git/server.js';
import { createServer as createLogsServer } from '../../mcp-servers/logs/server.js';
import { createServer as createMetricsServer } from '../../mcp-servers/metrics/server.js';
import { InProcessHost } from './in-process-host.js';

/**
 * The three MCP servers over one dataset folder, in this process. Each server is built from its own createServer
 * with the dataset passed explicitly, so cases never touch process.env and can run side by side.
 */
export async function datasetHost(dataDir: string): Promise<InProcessHost> {
  return InProcessHost.connect([
    { name: 'logs', server: createLogsServer({ dataDir }) },
    { name: 'git', server: createGitServer({ dataDir }) },
    { name: 'metrics', server: createMetricsServer({ config: { backend: 'dataset', dataDir } }) },
  ]);
}
