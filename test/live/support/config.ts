import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const REPO = path.resolve(import.meta.dirname, '../../..');

export interface LiveSettings {
  GIT_REPO_PATH: string;
  LOGS_PATH: string;
  PROMETHEUS_URL: string;
  [name: string]: string;
}

interface StdioEntry {
  command: string;
  args?: string[];
  env?: Record<string, string>;
}

/**
 * The repository's mcp-servers.json, re-pointed at the built servers by absolute path, with every variable it passes
 * set to a literal: the live settings where given, '' otherwise (so DATA_DIR stays empty and nothing of the
 * caller's environment decides which backend a server uses).
 */
export function writeLiveConfig(file: string, settings: LiveSettings): string {
  const shipped = JSON.parse(readFileSync(path.join(REPO, 'mcp-servers.json'), 'utf8')) as { mcpServers: Record<string, StdioEntry> };
  const servers: Record<string, StdioEntry> = {};
  for (const [name, entry] of Object.entries(shipped.mcpServers)) {
    const args = (entry.args ?? []).map((arg) => (arg.startsWith('dist/') ? path.join(REPO, arg) : arg));
    const env = Object.fromEntries(Object.keys(entry.env ?? {}).map((key) => [key, settings[key] ?? '']));
    servers[name] = { ...entry, args, env };
  }
  writeFileSync(file, `${JSON.stringify({ mcpServers: servers }, null, 2)}\n`);
  return file;
}

/** The built entry points the config names; the test fails with a hint when `npm run build` has not run. */
export function builtEntries(): string[] {
  return ['logs', 'git', 'metrics']
    .map((server) => path.join(REPO, `dist/mcp-servers/${server}/index.js`))
    .concat(path.join(REPO, 'dist/src/cli/rca.js'));
}
