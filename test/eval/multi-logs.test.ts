import { cpSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { createServer as createLogsServer } from '../../mcp-servers/logs/server.js';
import { readDatasetMeta } from '../../mcp-servers/shared/dataset.js';
import { createBuiltinEngine } from '../../src/engines/builtin/index.js';
import { loadCase } from '../../src/eval/cases.js';
import { InProcessHost } from '../../src/eval/in-process-host.js';
import { runCase } from '../../src/eval/runner.js';
import { tempDir } from '../logs/helpers.js';

/**
 * Several logs servers at once (say, applications in Loki and hosts in the journal): the built-in engine reads every
 * server that offers the logs tools and merges what they return. Here a dataset's log files are split over two servers
 * with the culprit's logs on the second one, which the host renames (`hosts__error_summary`).
 */

const CASE = loadCase(path.resolve('test/evals/01-checkout-outage'));
const dir = tempDir('multi-logs-');

function splitLogs(): { apps: string; hosts: string } {
  const apps = path.join(dir, 'apps');
  const hosts = path.join(dir, 'hosts');
  mkdirSync(apps);
  mkdirSync(hosts);
  const logs = path.join(CASE.dataDir, 'logs');
  for (const name of readdirSync(logs)) cpSync(path.join(logs, name), path.join(name.startsWith('checkout-api') ? hosts : apps, name));
  return { apps, hosts };
}

describe('two logs servers, one analysis', () => {
  test('the culprit logged only to the second server: same verdict and suspect, evidence cites that server', async () => {
    const { apps, hosts } = splitLogs();
    const nowText = readDatasetMeta(CASE.dataDir)?.now;
    const now = nowText ? new Date(nowText) : undefined;
    const provider = async (dataDir: string, _replayFile?: string, runbooksDir?: string) => {
      const host = await InProcessHost.connect([
        { name: 'apps', server: createLogsServer({ logsPath: apps, now }) },
        { name: 'hosts', server: createLogsServer({ logsPath: hosts, now }) },
        ...(await otherServers(dataDir, runbooksDir)),
      ]);
      return { engine: createBuiltinEngine(host), close: () => host.close() };
    };
    const result = await runCase(CASE, provider);
    expect(result.error).toBeUndefined();
    expect(result.failures, result.report?.summary).toEqual([]);
    expect(result.report?.suspect?.service).toBe('checkout-api');
    const calls = new Map((result.report?.toolCalls ?? []).map((c) => [c.id, c]));
    const servers = (result.report?.evidence ?? []).map((e) => calls.get(e.tool)?.server);
    expect(servers).toContain('hosts');
    expect(result.report?.toolCalls.some((c) => c.tool === 'hosts__error_summary')).toBe(true);
  });
});

/** The git, metrics and runbooks servers of the dataset, as datasetHost builds them. */
async function otherServers(dataDir: string, runbooksDir: string | undefined) {
  const { createServer: createGitServer } = await import('../../mcp-servers/git/server.js');
  const { createServer: createMetricsServer } = await import('../../mcp-servers/metrics/server.js');
  const { createServer: createRunbooksServer } = await import('../../mcp-servers/runbooks/server.js');
  const { EVAL_RUNBOOKS_BASE_URL } = await import('../../src/eval/runner.js');
  return [
    { name: 'git', server: createGitServer({ dataDir }) },
    { name: 'metrics', server: createMetricsServer({ config: { backend: 'dataset' as const, dataDir } }) },
    ...(runbooksDir ? [{ name: 'runbooks', server: createRunbooksServer({ paths: [runbooksDir], baseUrl: EVAL_RUNBOOKS_BASE_URL }) }] : []),
  ];
}
