import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadRecording } from '../../mcp-servers/replay/recording.js';
import { ConfigError } from '../config.js';
import { HostConfigError } from '../host/config.js';
import { createRuntime } from '../runtime/runtime.js';
import { type EngineProvider, UsageError } from './runner.js';

/**
 * Ollama and auto run through the application's own runtime: the stdio MCP host (built servers in dist/) over the
 * case's dataset and the configured model, so an eval measures exactly what users get.
 */
export function runtimeProvider(choice: 'ollama' | 'auto'): EngineProvider {
  return async (dataDir, replayFile) => {
    let runtime: Awaited<ReturnType<typeof createRuntime>>;
    try {
      runtime = await createRuntime({ dataDir, ...(replayFile ? { configPath: replayConfig(replayFile) } : {}) });
    } catch (error) {
      if (error instanceof ConfigError || error instanceof HostConfigError) throw new UsageError(error.message);
      throw error;
    }
    return {
      engine: { name: choice, analyze: (request) => runtime.analyze({ ...request, engine: choice }) },
      close: () => runtime.close(),
    };
  };
}

/** An MCP config serving a replay case through the built replay server, one entry per recorded server. */
function replayConfig(replayFile: string): string {
  const entry = path.resolve(import.meta.dirname, '../../mcp-servers/replay/index.js');
  const names = [...new Set(loadRecording(replayFile).calls.map((call) => call.server))];
  const mcpServers = Object.fromEntries(
    names.map((name) => [name, { command: process.execPath, args: [entry], env: { REPLAY_FILE: replayFile, REPLAY_SERVER: name } }]),
  );
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'incidentpilot-replay-')), 'mcp-servers.json');
  writeFileSync(file, JSON.stringify({ mcpServers }, null, 2));
  return file;
}
