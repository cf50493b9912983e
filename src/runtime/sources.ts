import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { globBase, isGlob } from '../../mcp-servers/logs/reader/glob.js';
import { splitLogsPath } from '../../mcp-servers/logs/reader/sources.js';
import { ConfigError } from '../config-error.js';
import type { ServerSpec } from '../host/config.js';

/**
 * Start-up checks on what the servers will read, done by the CLI and the bot before any server starts: a mistyped
 * path must stop the process (exit 2, naming the variable), not leave a server failing every call while the
 * analysis goes on and reads as "nothing wrong". Also: servers left out on purpose (DISABLE_SERVERS, --without).
 */

/** Relative paths mean "relative to where the user ran the command", as DATA_DIR does, not to the config's folder. */
export function absolutePaths(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out = { ...env };
  if (out.GIT_REPO_PATH?.trim()) out.GIT_REPO_PATH = path.resolve(out.GIT_REPO_PATH.trim());
  // An entry with `..` is left as written, so the check below refuses it instead of resolving it away.
  if (out.LOGS_PATH?.trim()) {
    out.LOGS_PATH = splitLogsPath(out.LOGS_PATH)
      .map((item) => (climbs(item) ? item : path.resolve(item)))
      .join(',');
  }
  return out;
}

/** A `..` segment: a glob could climb out of the folder it names (the logs server refuses it too). */
function climbs(item: string): boolean {
  return item.split(/[\\/]/).includes('..');
}

function invalid(variable: string, detail: string): ConfigError {
  return new ConfigError(`invalid configuration:\n  ${variable}: ${detail}`);
}

/** LOGS_PATH and GIT_REPO_PATH as passed to a server that will run: each path (a glob's folder) must exist. */
export function checkSourcePaths(specs: readonly ServerSpec[]): void {
  for (const spec of specs) {
    if (spec.kind !== 'stdio') continue;
    const logs = spec.env.LOGS_PATH?.trim();
    for (const item of logs ? splitLogsPath(logs) : []) {
      if (climbs(item)) throw invalid('LOGS_PATH', `entry "${item}" contains ".."; give a folder or glob without ".." segments`);
      const where = isGlob(item) ? globBase(item).base : item;
      if (!existsSync(where)) {
        throw invalid('LOGS_PATH', `${isGlob(item) ? `the folder of glob "${item}"` : `"${item}"`} does not exist (server "${spec.name}")`);
      }
    }
    const repo = spec.env.GIT_REPO_PATH?.trim();
    if (repo && (!existsSync(repo) || !statSync(repo).isDirectory())) {
      throw invalid('GIT_REPO_PATH', `"${repo}" ${existsSync(repo) ? 'is not a folder' : 'does not exist'} (server "${spec.name}")`);
    }
  }
}

/** `metrics, git` → ['metrics', 'git']. */
export function serverList(text: string | undefined): string[] {
  return (text ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

/** Drops the servers named by DISABLE_SERVERS or --without; a name that is not configured is an error naming where it came from. */
export function withoutServers(specs: ServerSpec[], names: readonly string[], from: string): ServerSpec[] {
  const known = new Set(specs.map((spec) => spec.name));
  const unknown = names.filter((name) => !known.has(name));
  if (unknown.length > 0) {
    throw invalid(from, `no server named ${unknown.map((name) => `"${name}"`).join(', ')}; configured: ${[...known].join(', ')}`);
  }
  const kept = specs.filter((spec) => !names.includes(spec.name));
  if (kept.length === 0) throw invalid(from, 'leaves no server to analyse with');
  return kept;
}
