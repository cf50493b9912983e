import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { dataSourceLine, datasetName } from '../shared/data-source.js';
import { DatasetBackend } from './backends/dataset.js';
import { NoneBackend } from './backends/none.js';
import { PrometheusBackend } from './backends/prometheus.js';
import { loadConfig, type MetricsConfig } from './config.js';
import { registerTools } from './tools/index.js';
import type { MetricsBackend } from './types.js';

export const SERVER_NAME = 'incidentpilot-metrics';
export const SERVER_VERSION = '0.1.0';

export function createBackend(config: MetricsConfig): MetricsBackend {
  if (config.backend === 'none') return new NoneBackend(config.reason);
  return config.backend === 'prometheus' ? new PrometheusBackend(config.prometheus) : new DatasetBackend(config.dataDir);
}

/**
 * The metrics MCP server: a dataset folder or a live Prometheus behind one small backend interface, so the tools and
 * the anomaly analysis are the same for both. Throws ConfigError on a bad environment.
 */
export function createServer(options: { config?: MetricsConfig; backend?: MetricsBackend } = {}): McpServer {
  const config = options.backend ? options.config : (options.config ?? loadConfig());
  const backend = options.backend ?? createBackend(config as MetricsConfig);
  const source = dataSourceLine(
    backend.kind === 'prometheus'
      ? { kind: 'live', detail: 'PROMETHEUS_URL' }
      : backend.kind === 'none'
        ? { kind: 'none', detail: backend.label }
        : {
            kind: 'sample',
            dataset: config?.backend === 'dataset' ? datasetName(config.dataDir) : 'dataset',
            liveVariable: 'PROMETHEUS_URL',
          },
  );
  const server = new McpServer(
    { name: SERVER_NAME, version: SERVER_VERSION },
    {
      instructions:
        'Metrics for incident analysis. list_metrics shows the series and "now"; get_anomalies finds what left its baseline and when; get_error_rates compares error rates per service; get_metrics shows one metric over time. Times: ISO-8601 or durations back from now (30m, 2h).\n' +
        source,
    },
  );
  registerTools(server, { backend });
  return server;
}
