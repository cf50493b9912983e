import { Client } from '@elastic/elasticsearch';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { backendFromEnv } from '../../mcp-servers/logs/backends/config.js';
import { ElasticsearchBackend } from '../../mcp-servers/logs/backends/elasticsearch.js';
import { type FakeEs, type FakeEsOptions, startFakeElasticsearch } from '../fakes/elasticsearch/server.js';
import { datasetRecords, ecsDocuments } from '../support/log-records.js';
import { type Connected, call, connect } from './helpers.js';
import { sameAnswersAsFiles } from './parity.js';

/**
 * The Elasticsearch backend against a loopback Elasticsearch loaded by the official client's bulk helper with ECS
 * documents of an evaluation dataset; each tool's answer is compared with the files backend's over the same data.
 */

const DATASET = 'data/checkout-outage';
const started: FakeEs[] = [];
let es: FakeEs;
let files: Connected;
let viaEs: Connected;

async function loadEs(url: string, dataDir: string, index = 'logs-app-default'): Promise<void> {
  const client = new Client({ node: url });
  const result = await client.helpers.bulk({
    datasource: ecsDocuments(await datasetRecords(dataDir)),
    onDocument: () => ({ create: { _index: index } }),
  });
  if (result.failed > 0) throw new Error(`bulk failed for ${result.failed} documents`);
  await client.indices.refresh({ index });
  await client.close();
}

async function fakeWith(options: FakeEsOptions = {}): Promise<FakeEs> {
  const fake = await startFakeElasticsearch(options);
  started.push(fake);
  return fake;
}

function esBackend(url: string, env: Record<string, string> = {}): ElasticsearchBackend {
  const config = backendFromEnv({ ELASTICSEARCH_URL: url, ...env });
  if (config.kind !== 'elasticsearch') throw new Error('expected elasticsearch');
  return new ElasticsearchBackend(config, { dataDir: DATASET });
}

beforeAll(async () => {
  es = await fakeWith();
  await loadEs(es.url, DATASET);
  files = await connect({ dataDir: DATASET });
  viaEs = await connect({ backend: esBackend(es.url) });
});

afterAll(async () => {
  await files?.close();
  await viaEs?.close();
  for (const fake of started) await fake.close();
});

describe('the fake speaks what the official client expects', () => {
  test('a search through @elastic/elasticsearch returns hits.total and aggregations', async () => {
    const client = new Client({ node: es.url });
    const answer = await client.search({
      index: 'logs-*',
      size: 1,
      track_total_hits: true,
      query: { bool: { filter: [{ term: { 'service.name': 'checkout-api' } }] } },
      aggs: { levels: { terms: { field: 'log.level' } } },
    });
    await client.close();
    expect(answer.hits.total).toEqual({ value: expect.any(Number), relation: 'eq' });
    const levels = answer.aggregations?.levels as { buckets: unknown[] } | undefined;
    expect(levels?.buckets.length).toBeGreaterThan(1);
  });
});

sameAnswersAsFiles('Elasticsearch', () => ({ files, store: viaEs }), { describedAs: 'Elasticsearch at http://127.0.0.1' });

describe('Elasticsearch limits and errors', () => {
  test('max_result_window below the sample: pages with search_after, same signatures', async () => {
    const small = await fakeWith({ maxResultWindow: 200 });
    await loadEs(small.url, DATASET);
    const { client, close } = await connect({ backend: esBackend(small.url) });
    const a = await call(files.client, 'error_summary');
    const b = await call(client, 'error_summary');
    await close();
    expect(b.isError, b.text).toBe(false);
    expect(b.structured.signatures.map((s: { count: number }) => s.count)).toEqual(
      a.structured.signatures.map((s: { count: number }) => s.count),
    );
    expect(small.requests.some((r) => (r.body as { search_after?: unknown } | undefined)?.search_after)).toBe(true);
  });

  test('totals stay exact past the 10,000 Elasticsearch counts by default (track_total_hits)', async () => {
    const { client, close } = await connect({ backend: esBackend(es.url) });
    const r = await call(client, 'read_logs', { limit: 1 });
    await close();
    expect(r.structured.total).toBeGreaterThan(10_000);
    expect(r.structured.totalExact).toBe(true);
  });

  test('an unknown concrete index is a tool error naming ELASTICSEARCH_INDEX; refused API key names the variable and never shows', async () => {
    const missing = await connect({ backend: esBackend(es.url, { ELASTICSEARCH_INDEX: 'nope' }) });
    const r = await call(missing.client, 'list_services');
    await missing.close();
    expect(r.isError, r.text).toBe(true);
    expect(r.text).toMatch(/no service field|index_not_found/);
    const locked = await fakeWith({ apiKey: 'right-key' });
    const { client, close } = await connect({ backend: esBackend(locked.url, { ELASTICSEARCH_API_KEY: 'wrong-key-123' }) });
    const denied = await call(client, 'read_logs');
    await close();
    expect(denied.isError).toBe(true);
    expect(denied.text).toMatch(/HTTP 401[\s\S]*ELASTICSEARCH_API_KEY/);
    expect(denied.text).not.toContain('wrong-key-123');
  });

  test('OpenSearch (no x-elastic-product header) works the same', async () => {
    const os = await fakeWith({ flavour: 'opensearch' });
    const docs = ecsDocuments(await datasetRecords(DATASET)).slice(0, 50);
    const body = `${docs.map((d) => `${JSON.stringify({ index: { _index: 'logs-os' } })}\n${JSON.stringify(d)}`).join('\n')}\n`;
    await fetch(`${os.url}/_bulk`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body });
    const { client, close } = await connect({ backend: esBackend(os.url) });
    const r = await call(client, 'read_logs', { limit: 2, since: '2024-03-12T00:00:00Z' });
    await close();
    expect(r.isError, r.text).toBe(false);
    expect(r.structured.total).toBe(50);
  });
});
