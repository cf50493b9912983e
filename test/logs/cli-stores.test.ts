import { execFile } from 'node:child_process';
import { chmodSync, cpSync, existsSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Client } from '@elastic/elasticsearch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeEs, startFakeElasticsearch } from '../fakes/elasticsearch/server.js';
import { type FakeLoki, pushToLoki, startFakeLoki } from '../fakes/loki/server.js';
import { buildJournal, JOURNAL_ENV, JOURNALCTL, journalToolsPresent } from '../support/journal.js';
import { datasetRecords, ecsDocuments, lokiStreams } from '../support/log-records.js';
import { tempDir } from './helpers.js';

/**
 * What a team does first: `npm run rca` with its logs only in a store. The built CLI, the stock mcp-servers.json, the
 * dataset's git and metrics, and its logs folder removed, so every log line the analysis sees came from the store.
 */

const CLI = path.resolve('dist/src/cli/rca.js');
const SOURCE = path.resolve('data/checkout-outage');
const INCIDENT = 'Checkout is failing for a lot of users since ~14:45 UTC, customers see 5xx on /api/checkout';
/** The built CLI over three MCP servers; generous for a loaded 2-core machine, and a hard bound all the same. */
const CLI_TIMEOUT_MS = 60_000;

const dir = tempDir('cli-stores-');
const dataDir = path.join(dir, 'dataset');
let loki: FakeLoki;
let es: FakeEs;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function rca(env: Record<string, string>): Promise<Run> {
  const blank = {
    LOGS_PATH: '',
    LOKI_URL: '',
    ELASTICSEARCH_URL: '',
    JOURNAL_PATH: '',
    LOGS_BACKEND: '',
    GIT_REPO_PATH: '',
    PROMETHEUS_URL: '',
  };
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, INCIDENT, '--engine', 'builtin', '--json', '--since', '6h'],
      { env: { ...process.env, ...blank, DATA_DIR: dataDir, ...env }, timeout: CLI_TIMEOUT_MS, killSignal: 'SIGKILL' },
      (error, stdout, stderr) => resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, stdout, stderr }),
    );
  });
}

type Report = {
  suspect?: { id: string; service?: string };
  incomplete?: unknown[];
  toolCalls: { id: string; server: string; tool: string; ok: boolean }[];
  evidence: { tool: string; quote?: string }[];
};

/** Quotes of the pool-exhaustion errors that only the logs hold, cited from a logs server's call. */
function logQuotes(report: Report): string[] {
  const logsCalls = new Set(report.toolCalls.filter((call) => call.server === 'logs').map((call) => call.id));
  return report.evidence
    .filter((item) => logsCalls.has(item.tool) && /Connection is not available|HikariPool/.test(item.quote ?? ''))
    .map((item) => item.quote ?? '');
}

function expectCulprit(run: Run): void {
  expect(run.code, run.stderr).toBe(0);
  const report = JSON.parse(run.stdout) as Report;
  expect(report.incomplete).toBeUndefined();
  expect(report.suspect?.service).toBe('checkout-api');
  expect(['dep-1340', 'v2.4.1', '451e51f16d7b1490bb86661a7b28bd104f8f4dd9']).toContain(report.suspect?.id);
  expect(report.toolCalls.filter((call) => call.server === 'logs').every((call) => call.ok)).toBe(true);
  expect(logQuotes(report).length, 'no log line quoted from the store').toBeGreaterThan(0);
}

beforeAll(async () => {
  expect(existsSync(CLI), 'run npm run build first').toBe(true);
  cpSync(SOURCE, dataDir, { recursive: true });
  rmSync(path.join(dataDir, 'logs'), { recursive: true });
  const records = await datasetRecords(SOURCE);
  loki = await startFakeLoki();
  await pushToLoki(loki.url, lokiStreams(records));
  es = await startFakeElasticsearch();
  const client = new Client({ node: es.url });
  try {
    const result = await client.helpers.bulk({ datasource: ecsDocuments(records), onDocument: () => ({ create: { _index: 'logs-app' } }) });
    expect(result.failed).toBe(0);
  } finally {
    await client.close();
  }
});

afterAll(async () => {
  await loki?.close();
  await es?.close();
});

describe('npm run rca with the logs only in a store', () => {
  it('the dataset has no log files left: without a store no log line can be quoted', async () => {
    const run = await rca({});
    const report = JSON.parse(run.stdout) as Report;
    expect(logQuotes(report)).toEqual([]);
  }, 90_000);

  it('LOKI_URL: names the release from the logs Loki holds', async () => {
    const before = loki.requests.length;
    expectCulprit(await rca({ LOKI_URL: loki.url }));
    expect(loki.requests.length - before).toBeGreaterThan(3);
  }, 90_000);

  it('ELASTICSEARCH_URL: names the release from the logs Elasticsearch holds', async () => {
    const before = es.requests.length;
    expectCulprit(await rca({ ELASTICSEARCH_URL: es.url }));
    expect(es.requests.length - before).toBeGreaterThan(3);
  }, 90_000);

  it('JOURNAL_PATH: names the release from a real journal file', async () => {
    expect(journalToolsPresent(), 'run npm run fetch-prometheus (it fetches .tools/journal)').toBe(true);
    const journal = buildJournal(await datasetRecords(SOURCE), dir);
    // The MCP host passes a server only its declared variables, so journalctl's libraries come through a wrapper.
    const wrapper = path.join(dir, 'journalctl');
    writeFileSync(wrapper, `#!/bin/sh\nLD_LIBRARY_PATH='${JOURNAL_ENV.LD_LIBRARY_PATH}' exec '${JOURNALCTL}' "$@"\n`);
    chmodSync(wrapper, 0o755);
    expectCulprit(await rca({ JOURNAL_PATH: journal, JOURNALCTL: wrapper }));
  }, 90_000);
});
