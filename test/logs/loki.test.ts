import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { backendFromEnv } from '../../mcp-servers/logs/backends/config.js';
import { LokiBackend } from '../../mcp-servers/logs/backends/loki.js';
import { type FakeLoki, pushToLoki, startFakeLoki } from '../fakes/loki/server.js';
import { datasetRecords, lokiStreams } from '../support/log-records.js';
import { type Connected, call, connect } from './helpers.js';

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

// biome-ignore lint/suspicious/noExplicitAny: structured results are compared loosely.
const comparable = (entries: any[]) => entries.map((e) => ({ time: e.time, level: e.level, service: e.service, message: e.message }));

describe('Loki backend: the same answers as the files', () => {
  test('list_services: services, counts, first and last seen, now', async () => {
    const a = await call(files.client, 'list_services');
    const b = await call(viaLoki.client, 'list_services');
    expect(b.isError, b.text).toBe(false);
    type Row = { service: string; entries: number; errors: number; warnings: number; firstSeen: string; lastSeen: string };
    const strip = (s: { services: Row[] }) =>
      s.services.map(({ service, entries, errors, warnings, firstSeen, lastSeen }) => ({
        service,
        entries,
        errors,
        warnings,
        firstSeen,
        lastSeen,
      }));
    expect(strip(b.structured)).toEqual(strip(a.structured));
    expect(b.structured.now).toBe(a.structured.now);
    expect(b.text).toContain('Loki at http://127.0.0.1');
  });

  for (const args of [{}, { service: 'checkout-api' }, { since: '2h' }, { since: '2024-03-12T14:40:00Z', until: '2024-03-12T14:50:00Z' }]) {
    test(`error_summary ${JSON.stringify(args)}: same signatures and totals`, async () => {
      const a = await call(files.client, 'error_summary', args);
      const b = await call(viaLoki.client, 'error_summary', args);
      expect(b.isError, b.text).toBe(false);
      // The example is a signature's first line in time order here, in file order with files (a rotated file is read after the live one).
      // biome-ignore lint/suspicious/noExplicitAny: loose structured content.
      const noExample = (list: any[]) => list.map(({ example: _, ...rest }) => rest);
      expect(noExample(b.structured.signatures)).toEqual(noExample(a.structured.signatures));
      expect([b.structured.totalErrors, b.structured.totalWarnings]).toEqual([a.structured.totalErrors, a.structured.totalWarnings]);
    });
  }

  for (const args of [
    { pattern: 'timeout' },
    { pattern: 'TIMEOUT', service: 'checkout-api', limit: 2 },
    { pattern: 'time(out|d out)', regex: true },
    { pattern: 'a.b' },
    { pattern: 'HikariPool', level: 'error' },
  ]) {
    test(`search_logs ${JSON.stringify(args)}: same matches, total, first and last`, async () => {
      const a = await call(files.client, 'search_logs', args);
      const b = await call(viaLoki.client, 'search_logs', args);
      expect(b.isError, b.text).toBe(false);
      expect(comparable(b.structured.matches)).toEqual(comparable(a.structured.matches));
      expect([b.structured.total, b.structured.firstMatch, b.structured.lastMatch]).toEqual([
        a.structured.total,
        a.structured.firstMatch,
        a.structured.lastMatch,
      ]);
    });
  }

  for (const args of [{ limit: 5 }, { service: 'checkout-api', level: 'warn' }, { level: 'error', limit: 3, until: '1h' }]) {
    test(`read_logs ${JSON.stringify(args)}: same entries and total`, async () => {
      const a = await call(files.client, 'read_logs', args);
      const b = await call(viaLoki.client, 'read_logs', args);
      expect(b.isError, b.text).toBe(false);
      expect(comparable(b.structured.entries)).toEqual(comparable(a.structured.entries));
      expect(b.structured.total).toBe(a.structured.total);
    });
  }

  test('an unknown service is an error listing the known ones', async () => {
    const b = await call(viaLoki.client, 'read_logs', { service: 'nope' });
    expect(b.isError).toBe(true);
    expect(b.text).toMatch(/unknown service "nope"; known: .*checkout-api/);
  });
});
