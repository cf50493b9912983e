import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { dataSourceLine } from '../shared/data-source.js';
import { RunbookCatalog } from './catalog/catalog.js';
import { type RunbooksServerOptions, validateConfig } from './config.js';
import { registerRunbookTools } from './tools/index.js';

export type { RunbooksServerOptions } from './config.js';
export const SERVER_NAME = 'incidentpilot-runbooks';
export const SERVER_VERSION = '0.1.0';

/** Throws RunbooksConfigError on bad options; the index itself is built on the first call and rebuilt on change. */
export function createServer(options: RunbooksServerOptions): McpServer {
  validateConfig(options);
  const catalog = new RunbookCatalog({ paths: options.paths });
  const server = new McpServer(
    { name: SERVER_NAME, version: SERVER_VERSION },
    {
      instructions:
        "Read-only runbooks: the team's own incident procedures (Markdown). Once the failing service and failure are known, search_runbooks with them (and the alert name); read_runbook an alert's runbook_url first when there is one. Quote steps only from a runbook that fits the service and the failure.\n" +
        dataSourceLine(
          options.sampleDataset
            ? { kind: 'sample', dataset: options.sampleDataset, liveVariable: 'RUNBOOKS_PATH' }
            : options.paths.length > 0
              ? { kind: 'live', detail: 'RUNBOOKS_PATH' }
              : { kind: 'none', detail: 'no runbooks: set RUNBOOKS_PATH' },
        ),
    },
  );
  registerRunbookTools(server, {
    catalog,
    baseUrl: options.baseUrl,
    where: options.paths.length > 0 ? options.paths.join(', ') : 'RUNBOOKS_PATH is unset and DATA_DIR has no runbooks folder',
  });
  return server;
}
