import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { dataSourceLine } from '../shared/data-source.js';
import type { Recording } from './recording.js';
import { registerReplayTools } from './tools/index.js';

export const SERVER_NAME = 'incidentpilot-replay';
export const SERVER_VERSION = '0.1.0';

export interface ReplayServerOptions {
  recording: Recording;
  /** Serve only the calls recorded from this server (logs, git, metrics), so replayed calls keep their server names. */
  server?: string;
}

/** A server answering a replay case's recorded tool calls; read-only, no data source but the recording. */
export function createServer(options: ReplayServerOptions): McpServer {
  const calls = options.recording.calls.filter((call) => !options.server || call.server === options.server);
  const server = new McpServer(
    { name: SERVER_NAME, version: SERVER_VERSION },
    {
      instructions:
        `Replays the tool calls recorded while analysing ${options.recording.analysisId}: the same tool with the same arguments returns the recorded output; other calls are errors listing what was recorded.\n` +
        dataSourceLine({ kind: 'sample', dataset: `replay of ${options.recording.analysisId}`, liveVariable: 'MCP_CONFIG' }),
    },
  );
  registerReplayTools(server, calls);
  return server;
}
