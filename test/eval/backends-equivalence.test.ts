import path from 'node:path';
import { Client } from '@elastic/elasticsearch';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { backendFromEnv } from '../../mcp-servers/logs/backends/config.js';
import { ElasticsearchBackend } from '../../mcp-servers/logs/backends/elasticsearch.js';
import { JournaldBackend } from '../../mcp-servers/logs/backends/journald.js';
import { LokiBackend } from '../../mcp-servers/logs/backends/loki.js';
import { setCustomFormats } from '../../mcp-servers/logs/parser/custom.js';
import { createServer as createLogsServer } from '../../mcp-servers/logs/server.js';
import { createBuiltinEngine } from '../../src/engines/builtin/index.js';
import { type EvalCase, listCaseDirs, loadCase } from '../../src/eval/cases.js';
import { builtinProvider } from '../../src/eval/providers.js';
import { type CaseResult, type EngineProvider, runCase } from '../../src/eval/runner.js';
import { datasetHost } from '../../src/eval/servers.js';
import { type FakeEs, startFakeElasticsearch } from '../fakes/elasticsearch/server.js';
import { type FakeLoki, pushToLoki, startFakeLoki } from '../fakes/loki/server.js';
import { tempDir } from '../logs/helpers.js';
import { buildJournal, JOURNAL_ENV, JOURNALCTL, journalToolsPresent } from '../support/journal.js';
import { datasetRecords, ecsDocuments, lokiStreams } from '../support/log-records.js';

/**
 * Equivalence: every dataset case of the evaluation, with its logs loaded into a store instead of read from files,
 * must pass with the same suspect as with the files. Loki: streams labelled service_name and level, pushed through
 * the push API of a loopback Loki, one tenant per dataset. Elasticsearch: ECS documents bulk-loaded by the official
 * client into a loopback Elasticsearch, one index per dataset. The journal: a real .journal file per dataset written
 * by Debian's systemd-journal-remote and read by journalctl.
 */

const cases: EvalCase[] = listCaseDirs(path.resolve('test/evals'))
  .map((dir) => loadCase(dir))
  .filter((c) => c.replayFile === undefined);

let loki: FakeLoki;
let es: FakeEs;
const loaded = new Set<string>();
const indexed = new Set<string>();

/** The dataset's logs in Elasticsearch under an index of its own, loaded once per dataset. */
async function indexFor(evalCase: EvalCase): Promise<string> {
  const index = `logs-t${[...new Set(cases.map((c) => c.dataDir))].indexOf(evalCase.dataDir)}`;
  if (indexed.has(index)) return index;
  setCustomFormats(evalCase.logFormats ?? []);
  const client = new Client({ node: es.url });
  try {
    const docs = ecsDocuments(await datasetRecords(evalCase.dataDir));
    const result = await client.helpers.bulk({ datasource: docs, onDocument: () => ({ create: { _index: index } }) });
    if (result.failed > 0) throw new Error(`bulk failed for ${result.failed} documents`);
  } finally {
    setCustomFormats([]);
    await client.close();
  }
  indexed.add(index);
  return index;
}

function esProvider(index: string): EngineProvider {
  return async (dataDir, _replayFile, runbooksDir) => {
    const config = backendFromEnv({ ELASTICSEARCH_URL: es.url, ELASTICSEARCH_INDEX: index });
    if (config.kind !== 'elasticsearch') throw new Error('expected the elasticsearch backend');
    const logs = createLogsServer({ backend: new ElasticsearchBackend(config, { dataDir }) });
    const host = await datasetHost(dataDir, { logs, ...(runbooksDir ? { runbooksDir } : {}) });
    return { engine: createBuiltinEngine(host), close: () => host.close() };
  };
}

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
  return async (dataDir, _replayFile, runbooksDir) => {
    const config = backendFromEnv({ LOKI_URL: loki.url, LOKI_TENANT: tenant });
    if (config.kind !== 'loki') throw new Error('expected the loki backend');
    const logs = createLogsServer({ backend: new LokiBackend(config, { dataDir }) });
    const host = await datasetHost(dataDir, { logs, ...(runbooksDir ? { runbooksDir } : {}) });
    return { engine: createBuiltinEngine(host), close: () => host.close() };
  };
}

const suspectOf = (result: CaseResult) => result.report?.suspect;

beforeAll(async () => {
  loki = await startFakeLoki({ multiTenant: true });
  es = await startFakeElasticsearch();
});

afterAll(async () => {
  await loki?.close();
  await es?.close();
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

describe('the eval cases over Elasticsearch: same verdicts, same suspects as over files', () => {
  for (const evalCase of cases) {
    test(evalCase.name, async () => {
      const files = await runCase(evalCase, builtinProvider);
      const index = await indexFor(evalCase);
      const before = es.requests.length;
      const viaEs = await runCase(evalCase, esProvider(index));
      expect(es.requests.slice(before).filter((r) => r.path.startsWith(`/${index}/`)).length).toBeGreaterThan(5);
      expect(viaEs.error).toBeUndefined();
      expect(viaEs.failures, viaEs.report?.summary).toEqual(files.failures);
      expect(viaEs.verdict).toBe(files.verdict);
      expect(suspectOf(viaEs)).toEqual(suspectOf(files));
    });
  }
});

const journals = new Map<string, string>();
const journalDir = tempDir('equivalence-journal-');

async function journalFor(evalCase: EvalCase): Promise<string> {
  const known = journals.get(evalCase.dataDir);
  if (known) return known;
  setCustomFormats(evalCase.logFormats ?? []);
  try {
    const file = buildJournal(await datasetRecords(evalCase.dataDir), journalDir, `d${journals.size}`);
    journals.set(evalCase.dataDir, file);
    return file;
  } finally {
    setCustomFormats([]);
  }
}

function journalProvider(file: string): EngineProvider {
  return async (dataDir, _replayFile, runbooksDir) => {
    const config = backendFromEnv({ JOURNAL_PATH: file, JOURNALCTL });
    if (config.kind !== 'journald') throw new Error('expected the journald backend');
    const logs = createLogsServer({ backend: new JournaldBackend(config, { dataDir, env: JOURNAL_ENV }) });
    const host = await datasetHost(dataDir, { logs, ...(runbooksDir ? { runbooksDir } : {}) });
    return { engine: createBuiltinEngine(host), close: () => host.close() };
  };
}

describe('the eval cases over the systemd journal: same verdicts, same suspects as over files', () => {
  test('journal tools are present (npm run fetch-prometheus)', () => {
    expect(journalToolsPresent()).toBe(true);
  });

  for (const evalCase of cases) {
    test(evalCase.name, async () => {
      const files = await runCase(evalCase, builtinProvider);
      const viaJournal = await runCase(evalCase, journalProvider(await journalFor(evalCase)));
      expect(viaJournal.error).toBeUndefined();
      expect(viaJournal.failures, viaJournal.report?.summary).toEqual(files.failures);
      expect(viaJournal.verdict).toBe(files.verdict);
      expect(suspectOf(viaJournal)).toEqual(suspectOf(files));
    });
  }
});
