import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config-error.js';
import type { ServerSpec } from '../../src/host/config.js';
import { absolutePaths, checkSourcePaths, serverList, withoutServers } from '../../src/runtime/sources.js';

const spec = (name: string, env: Record<string, string> = {}): ServerSpec => ({
  name,
  kind: 'stdio',
  command: 'node',
  args: [],
  env,
  cwd: '/',
});

describe('start-up source checks', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ip-sources-'));
  mkdirSync(path.join(dir, 'logs'));
  writeFileSync(path.join(dir, 'logs', 'a.log'), 'x\n');

  it('accepts existing folders, files and globs whose folder exists', () => {
    expect(() =>
      checkSourcePaths([
        spec('logs', { LOGS_PATH: `${dir}/logs,${dir}/logs/a.log,${dir}/logs/*.gz` }),
        spec('git', { GIT_REPO_PATH: dir }),
      ]),
    ).not.toThrow();
  });

  it('names the variable, the entry and the server of a path that does not exist', () => {
    expect(() => checkSourcePaths([spec('logs', { LOGS_PATH: `${dir}/logs,${dir}/lgos` })])).toThrow(
      `LOGS_PATH: "${dir}/lgos" does not exist (server "logs")`,
    );
    expect(() => checkSourcePaths([spec('logs', { LOGS_PATH: `${dir}/nope/*.log` })])).toThrow(
      /the folder of glob ".*nope\/\*\.log" does not exist/,
    );
    expect(() => checkSourcePaths([spec('git', { GIT_REPO_PATH: `${dir}/logs/a.log` })])).toThrow(
      /GIT_REPO_PATH: ".*a\.log" is not a folder/,
    );
    expect(() => checkSourcePaths([spec('logs', { LOGS_PATH: '../logs' })])).toThrow(/LOGS_PATH: entry "\.\.\/logs" contains "\.\."/);
  });

  it('checks only what servers that will run are given (an unset variable expands to empty)', () => {
    expect(() => checkSourcePaths([spec('logs', { LOGS_PATH: '' }), spec('git', { GIT_REPO_PATH: '  ' })])).not.toThrow();
  });

  it('resolves relative paths against the working directory, keeping ".." entries for the check to refuse', () => {
    const env = absolutePaths({ LOGS_PATH: 'logs,/abs/*.log,../up', GIT_REPO_PATH: 'repo', OTHER: 'x' });
    expect(env).toEqual({ LOGS_PATH: `${path.resolve('logs')},/abs/*.log,../up`, GIT_REPO_PATH: path.resolve('repo'), OTHER: 'x' });
  });
});

describe('DISABLE_SERVERS / --without', () => {
  const specs = [spec('logs'), spec('git'), spec('metrics')];

  it('leaves the named servers out', () => {
    expect(withoutServers(specs, serverList(' metrics , git'), 'DISABLE_SERVERS').map((item) => item.name)).toEqual(['logs']);
    expect(withoutServers(specs, serverList(undefined), 'DISABLE_SERVERS')).toHaveLength(3);
  });

  it('names the source of an unknown name, and refuses leaving nothing', () => {
    expect(() => withoutServers(specs, ['metricz'], '--without')).toThrow(ConfigError);
    expect(() => withoutServers(specs, ['metricz'], '--without')).toThrow(
      /--without: no server named "metricz"; configured: logs, git, metrics/,
    );
    expect(() => withoutServers(specs, ['logs', 'git', 'metrics'], 'DISABLE_SERVERS')).toThrow(/DISABLE_SERVERS: leaves no server/);
  });
});
