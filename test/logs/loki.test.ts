import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { backendFromEnv } from '../../mcp-servers/logs/backends/config.js';
import { LokiBackend } from '../../mcp-servers/logs/backends/loki.js';
import { type FakeLoki, pushToLoki, startFakeLoki } from '../fakes/loki/server.js';
import { datasetRecords, lokiStreams } from '../support/log-records.js';
import { type Connected, call, connect } from './helpers.js';
import { sameAnswersAsFiles } from './parity.js';

/** An evaluation dataset: every entry has a time, as every entry in a log store does. */
const DATASET = 'data/checkout-outage';

/**
 * The Loki backend against a loopback Loki: a dataset pushed as streams labelled service_name and level,
 * then every tool's answer compared with the files backend's over the same data.
 */

let loki: FakeLoki;
let files: Connected;
let viaLoki: Connected;

function lokiBackend(url: string, env: Record<string, string> = {}): LokiBackend {
  const config = backendFromEnv({ LOKI_URL: url, ...env });
  if (config.kind !== 'loki') throw new Error('expected loki');
  return new LokiBackend(config, { dataDir: DATASET });
}

beforeAll(async () => {
  loki = await startFakeLoki();
  await pushToLoki(loki.url, lokiStreams(await datasetRecords(DATASET)));
  files = await connect({ dataDir: DATASET });
  viaLoki = await connect({ backend: lokiBackend(loki.url) });
});

afterAll(async () => {
  await files?.close();
  await viaLoki?.close();
  await loki?.close();
});

sameAnswersAsFiles('Loki', () => ({ files, store: viaLoki }), {
  describedAs: 'Loki at http://127.0.0.1',
  summaries: [{}, { service: 'checkout-api' }, { since: '2h' }, { since: '2024-03-12T14:40:00Z', until: '2024-03-12T14:50:00Z' }],
  searches: [
    { pattern: 'timeout' },
    { pattern: 'TIMEOUT', service: 'checkout-api', limit: 2 },
    { pattern: 'time(out|d out)', regex: true },
    { pattern: 'a.b' },
    { pattern: 'HikariPool', level: 'error' },
  ],
  reads: [{ limit: 5 }, { service: 'checkout-api', level: 'warn' }, { level: 'error', limit: 3, until: '1h' }],
});

describe('Loki backend: errors and limits', () => {
  test('an unknown service is an error listing the known ones', async () => {
    const b = await call(viaLoki.client, 'read_logs', { service: 'nope' });
    expect(b.isError).toBe(true);
    expect(b.text).toMatch(/unknown service "nope"; known: .*checkout-api/);
  });
});
