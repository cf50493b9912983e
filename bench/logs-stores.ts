import { backendFromEnv } from '../mcp-servers/logs/backends/config.js';
import { ElasticsearchBackend } from '../mcp-servers/logs/backends/elasticsearch.js';
import type { StoreClient } from '../mcp-servers/logs/backends/http.js';
import { LokiBackend } from '../mcp-servers/logs/backends/loki.js';
import type { LogsBackend } from '../mcp-servers/logs/backends/types.js';
import { startFakeElasticsearch } from '../test/fakes/elasticsearch/server.js';
import { pushToLoki, startFakeLoki } from '../test/fakes/loki/server.js';

/**
 * Remote log stores at scale: a generated store of N lines in each loopback fake (Loki, Elasticsearch), then each
 * tool's work through its backend: requests made, bytes transferred, bytes the tool returns, time. The point is the
 * ratio transferred/returned, which must stay bounded as the store grows 10x (counts come from the store; lines are
 * fetched only up to what is returned). BENCH_STORE_LINES lists the sizes (default 100000,1000000; 10000000 needs
 * about 6 GB of heap for the in-memory fakes: node --max-old-space-size=8192).
 */

const sizes = (process.env.BENCH_STORE_LINES ?? '100000,1000000').split(',').map(Number);
const SERVICES = ['checkout-api', 'payments', 'inventory', 'gateway', 'users', 'search', 'orders', 'notify'];
const END = Date.parse('2024-05-01T15:00:00Z');
/** Lines pushed per request while loading. */
const BATCH = 50_000;

function line(i: number, t: number): { service: string; level: string; text: string } {
  const service = SERVICES[i % SERVICES.length] ?? 'svc';
  const roll = (i * 2654435761) % 1000;
  const level = roll < 8 ? 'error' : roll < 30 ? 'warn' : 'info';
  const msg =
    level === 'error'
      ? `upstream timeout after ${roll * 7}ms calling ${SERVICES[(i + 3) % SERVICES.length]}:8080 order=${i}`
      : level === 'warn'
        ? `slow query took ${roll}ms rows=${i % 977}`
        : `GET /api/items/${i} 200 ${roll % 90}ms`;
  return { service, level, text: `${new Date(t).toISOString()} ${level.toUpperCase()} [${service}] ${msg}` };
}

async function loadLoki(url: string, n: number): Promise<void> {
  for (let start = 0; start < n; start += BATCH) {
    const streams = new Map<string, { stream: Record<string, string>; values: [string, string][] }>();
    for (let i = start; i < Math.min(n, start + BATCH); i += 1) {
      const t = END - (n - i) * 100;
      const l = line(i, t);
      const key = `${l.service}/${l.level}`;
      let s = streams.get(key);
      if (!s) {
        s = { stream: { service_name: l.service, level: l.level }, values: [] };
        streams.set(key, s);
      }
      s.values.push([`${BigInt(t) * 1_000_000n}`, l.text]);
    }
    await pushToLoki(url, [...streams.values()]);
  }
}

async function loadEs(url: string, n: number): Promise<void> {
  for (let start = 0; start < n; start += BATCH) {
    const rows: string[] = [];
    for (let i = start; i < Math.min(n, start + BATCH); i += 1) {
      const t = END - (n - i) * 100;
      const l = line(i, t);
      rows.push(
        JSON.stringify({ create: { _index: 'logs-bench' } }),
        JSON.stringify({ '@timestamp': new Date(t).toISOString(), message: l.text, log: { level: l.level }, service: { name: l.service } }),
      );
    }
    const response = await fetch(`${url}/_bulk`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson' },
      body: `${rows.join('\n')}\n`,
    });
    if (!response.ok) throw new Error(`bulk failed: ${response.status}`);
  }
}

const CALLS: { name: string; run: (b: LogsBackend) => Promise<unknown> }[] = [
  { name: 'list_services', run: (b) => b.services() },
  { name: 'error_summary since 1h', run: async (b) => (await b.errors({ since: '1h' })).groups.ranked().slice(0, 40) },
  {
    name: 'search_logs "timeout" since 1h',
    run: (b) => b.entries({ since: '1h', limit: 50, text: { pattern: 'timeout', regex: false, matches: (e) => /timeout/i.test(e.raw) } }),
  },
  { name: 'read_logs level>=error limit 50', run: (b) => b.entries({ minLevel: 'error', limit: 50 }) },
];

async function measure(store: string, backend: LogsBackend, client: StoreClient, n: number): Promise<void> {
  for (const call of CALLS) {
    const before = { ...client.totals };
    const started = performance.now();
    const result = await call.run(backend);
    const ms = performance.now() - started;
    const returned = Buffer.byteLength(JSON.stringify(result, (_k, v) => (typeof v === 'function' ? undefined : v)));
    const requests = client.totals.requests - before.requests;
    const bytes = client.totals.bytes - before.bytes;
    console.log(
      `${store.padEnd(13)} ${String(n).padStart(9)} lines  ${call.name.padEnd(34)} ${String(requests).padStart(2)} requests  ${(bytes / 1024).toFixed(0).padStart(6)} KiB in  ${(returned / 1024).toFixed(0).padStart(5)} KiB out  ratio ${(bytes / returned).toFixed(2).padStart(6)}  ${ms.toFixed(0).padStart(6)} ms`,
    );
  }
}

for (const n of sizes) {
  const loki = await startFakeLoki();
  await loadLoki(loki.url, n);
  const lokiConfig = backendFromEnv({ LOKI_URL: loki.url, LOGS_TIMEOUT_MS: '600000' });
  if (lokiConfig.kind !== 'loki') throw new Error('loki config');
  const lokiBackend = new LokiBackend(lokiConfig, { now: new Date(END) });
  await measure('loki', lokiBackend, lokiBackend.client.http, n);
  await loki.close();

  const es = await startFakeElasticsearch();
  await loadEs(es.url, n);
  const esConfig = backendFromEnv({ ELASTICSEARCH_URL: es.url, LOGS_TIMEOUT_MS: '600000' });
  if (esConfig.kind !== 'elasticsearch') throw new Error('es config');
  const esBackend = new ElasticsearchBackend(esConfig, { now: new Date(END) });
  await measure('elasticsearch', esBackend, esBackend.http, n);
  await es.close();
}
