import path from 'node:path';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { dataSourceLine, datasetName } from '../shared/data-source.js';
import { resolveDataDir } from '../shared/dataset.js';
import { FilesBackend } from './backends/files.js';
import { NoneBackend } from './backends/none.js';
import type { LogsBackend } from './backends/types.js';
import type { LogsServerOptions } from './context.js';
import { validateLogsPath } from './reader/sources.js';
import { registerLogsTools } from './tools/index.js';

export type { LogsServerOptions } from './context.js';
export const SERVER_NAME = 'incidentpilot-logs';
export const SERVER_VERSION = '0.1.0';

/**
 * The logs server. Dataset mode reads `<dataDir>/logs`; live mode (logsPath) reads a folder or globs and
 * also `<dataDir>/logs` when a dataDir is given; noneReason serves nothing and says why. Throws SourceError for a LOGS_PATH with `..`.
 */
export function createServer(options: LogsServerOptions & { backend?: LogsBackend | undefined } = {}): McpServer {
  if (options.backend) return serverOver(options.backend, dataSourceLine({ kind: 'live', detail: options.backend.describe() }));
  if (options.noneReason)
    return serverOver(new NoneBackend(options.noneReason), dataSourceLine({ kind: 'none', detail: options.noneReason }));
  validateLogsPath(options.logsPath);
  const dataDir = options.dataDir ?? (options.logsPath ? undefined : resolveDataDir());
  const backend = new FilesBackend({ ...options, dataDir: dataDir ? path.resolve(dataDir) : undefined });
  return serverOver(
    backend,
    dataSourceLine(
      options.logsPath
        ? { kind: 'live', detail: 'LOGS_PATH' }
        : { kind: 'sample', dataset: datasetName(dataDir ?? resolveDataDir()), liveVariable: 'LOGS_PATH' },
    ),
  );
}

/** The four tools over one store; `source` is the data-source line the host reads from the instructions. */
function serverOver(backend: LogsBackend, source: string): McpServer {
  const server = new McpServer(
    { name: SERVER_NAME, version: SERVER_VERSION },
    {
      instructions:
        'Read-only application logs. Start with list_services (names, time span, now), then error_summary over a window before the incident and one near its onset to see which error signatures are new or growing; search_logs and read_logs for detail.\n' +
        source,
    },
  );
  registerLogsTools(server, { backend });
  return server;
}
