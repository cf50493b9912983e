import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { backendFromEnv } from '../../mcp-servers/logs/backends/config.js';
import { LokiBackend } from '../../mcp-servers/logs/backends/loki.js';
import { setCustomFormats } from '../../mcp-servers/logs/parser/custom.js';
import { createServer as createLogsServer } from '../../mcp-servers/logs/server.js';
import { createBuiltinEngine } from '../../src/engines/builtin/index.js';
import { type EvalCase, listCaseDirs, loadCase } from '../../src/eval/cases.js';
import { builtinProvider } from '../../src/eval/providers.js';
import { type CaseResult, type EngineProvider, runCase } from '../../src/eval/runner.js';
import { datasetHost } from '../../src/eval/servers.js';
import { type FakeLoki, pushToLoki, startFakeLoki } from '../fakes/loki/server.js';
import { datasetRecords, lokiStreams } from '../support/log-records.js';

/**
 * Equivalence: every dataset case of the evaluation, with its logs loaded into a store instead of read from files,
 * must pass with the same suspect as with the files. Loki: streams labelled service_name and level, pushed through
 * the push API of a loopback Loki, one tenant per dataset.
 */

const cases: EvalCase[] = listCaseDirs(path.resolve('test/evals'))
  .map((dir) => loadCase(dir))
  .filter((c) => c.replayFile === undefined);

let loki: FakeLoki;
const loaded = new Set<string>();

/** The dataset's logs in Loki under a tenant of its own (X-Scope-OrgID), loaded once per dataset. */
async function tenantFor(evalCase: EvalCase): Promise<string> {
  const tenant = `t${[...new Set(cases.map((c) => c.dataDir))].indexOf(evalCase.dataDir)}`;
  if (loaded.has(tenant)) return tenant;
  setCustomFormats(evalCase.logFormats ?? []);
  try {
    await pushToLoki(loki.url, lokiStreams(await datasetRecords(evalCase.dataDir)), { 'X-Scope-OrgID': tenant });
  } finally {
    setCustomFormats([]);
  }
  loaded.add(tenant);
  return tenant;
}

function lokiProvider(tenant: string): EngineProvider {
  return async (dataDir) => {
    const config = backendFromEnv({ LOKI_URL: loki.url, LOKI_TENANT: tenant });
    if (config.kind !== 'loki') throw new Error('expected the loki backend');
    const logs = createLogsServer({ backend: new LokiBackend(config, { dataDir }) });
    const host = await datasetHost(dataDir, { logs });
    return { engine: createBuiltinEngine(host), close: () => host.close() };
  };
}

const suspectOf = (result: CaseResult) => result.report?.suspect;

beforeAll(async () => {
  loki = await startFakeLoki({ multiTenant: true });
});

afterAll(async () => {
  await loki?.close();
});

describe('the eval cases over Loki: same verdicts, same suspects as over files', () => {
  test('there are dataset cases', () => {
    expect(cases.length).toBeGreaterThan(40);
  });

  for (const evalCase of cases) {
    test(evalCase.name, async () => {
      const files = await runCase(evalCase, builtinProvider);
      const tenant = await tenantFor(evalCase);
      const before = loki.requests.length;
      const viaLoki = await runCase(evalCase, lokiProvider(tenant));
      // The logs really came from Loki: queries under this dataset's tenant.
      expect(loki.requests.slice(before).filter((r) => r.headers['x-scope-orgid'] === tenant).length).toBeGreaterThan(5);
      expect(viaLoki.error).toBeUndefined();
      expect(viaLoki.failures, viaLoki.report?.summary).toEqual(files.failures);
      expect(viaLoki.verdict).toBe(files.verdict);
      expect(suspectOf(viaLoki)).toEqual(suspectOf(files));
    });
  }
});
