import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_TEXT_CHARS } from '../../mcp-servers/shared/tool-result.js';
import { BURST_START, END, FIXTURE_DIR, FIXTURE_META, RAMP_START, START } from './fixture-data.js';
import { call, connect, structured, text } from './helpers.js';

const MIN = 60_000;
const iso = (t: number) => new Date(t).toISOString();

let client: Client;
let close: () => Promise<void>;
const scratch = mkdtempSync(path.join(tmpdir(), 'metrics-ds-'));

beforeAll(async () => {
  ({ client, close } = await connect({ backend: 'dataset', dataDir: FIXTURE_DIR }));
});
afterAll(async () => {
  await close();
  rmSync(scratch, { recursive: true, force: true });
});

/** A dataset folder in the scratch dir with the given metrics.json text (or none). */
function dataset(name: string, metricsJson?: string): string {
  const dir = path.join(scratch, name);
  mkdirSync(path.join(dir, 'metrics'), { recursive: true });
  if (metricsJson !== undefined) writeFileSync(path.join(dir, 'metrics', 'metrics.json'), metricsJson);
  return dir;
}

async function withDataset<T>(dir: string, run: (c: Client) => Promise<T>): Promise<T> {
  const { client: c, close: done } = await connect({ backend: 'dataset', dataDir: dir });
  try {
    return await run(c);
  } finally {
    await done();
  }
}

describe('tool catalogue', () => {
  it('offers four read-only tools whose every input field is described', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(['get_anomalies', 'get_error_rates', 'get_metrics', 'list_metrics']);
    for (const tool of tools) {
      expect(tool.annotations?.readOnlyHint, tool.name).toBe(true);
      expect(tool.outputSchema, tool.name).toBeDefined();
      const properties = (tool.inputSchema.properties ?? {}) as Record<string, { description?: string }>;
      for (const [field, schema] of Object.entries(properties)) expect(schema.description, `${tool.name}.${field}`).toBeTruthy();
    }
  });
});

describe('list_metrics', () => {
  it('lists every series with its span and the dataset now', async () => {
    const result = await call(client, 'list_metrics');
    const out = structured(result);
    expect(out.now).toBe(FIXTURE_META.now);
    expect(out.total).toBe(9);
    const memory = out.metrics.find((m: { metric: string }) => m.metric === 'process_memory_bytes');
    expect(memory).toEqual({
      metric: 'process_memory_bytes',
      tags: { service: 'inventory' },
      unit: 'bytes',
      points: 361,
      start: iso(START),
      end: iso(END),
    });
    expect(text(result)).toContain('http_error_rate{service=checkout} [%]');
  });

  it('filters and bounds the list, saying how many more matched', async () => {
    const out = structured(await call(client, 'list_metrics', { filter: 'HTTP_', limit: 2 }));
    expect(out.total).toBe(5);
    expect(out.metrics).toHaveLength(2);
    expect(text(await call(client, 'list_metrics', { filter: 'http_', limit: 2 }))).toContain('3 more matched');
  });
});

describe('get_metrics', () => {
  it('downsamples to at most 120 points and keeps the raw maximum visible', async () => {
    const out = structured(
      await call(client, 'get_metrics', { metric: 'http_error_rate', tags: { service: 'checkout' }, since: iso(START) }),
    );
    expect(out.series).toHaveLength(1);
    const [s] = out.series;
    expect(s.count).toBe(361);
    expect(s.downsampled).toBe(true);
    expect(s.points.length).toBeLessThanOrEqual(120);
    expect(s.points.length).toBeGreaterThan(60);
    expect(s.max).toBeGreaterThan(12);
    expect(Date.parse(s.maxAt)).toBeGreaterThanOrEqual(BURST_START);
    expect(s.min).toBeLessThan(0.2);
    expect(s.avg).toBeGreaterThan(s.min);
    expect(s.avg).toBeLessThan(s.max);
    // Bucket averages never exceed the raw max.
    for (const [, v] of s.points) expect(v).toBeLessThanOrEqual(s.max);
  });

  it('defaults to the last 2h and honours maxPoints', async () => {
    const out = structured(await call(client, 'get_metrics', { metric: 'cpu_usage_percent', maxPoints: 10 }));
    expect(out.window).toEqual({ start: iso(END - 120 * MIN), end: iso(END) });
    expect(out.series[0].count).toBe(121);
    expect(out.series[0].points.length).toBeLessThanOrEqual(10);
  });

  it('returns every series of a metric when no tags are given', async () => {
    const out = structured(await call(client, 'get_metrics', { metric: 'http_requests' }));
    expect(out.series.map((s: { tags: { service: string } }) => s.tags.service).sort()).toEqual(['checkout', 'frontend']);
  });

  it('names the known metrics, closest first, for an unknown one', async () => {
    const result = await call(client, 'get_metrics', { metric: 'http_eror_rate' });
    expect(result.isError).toBe(true);
    expect(text(result)).toMatch(/unknown metric http_eror_rate; known: http_error_rate, /);
  });

  it('lists the tag sets when the tags match nothing', async () => {
    const result = await call(client, 'get_metrics', { metric: 'http_requests', tags: { service: 'nope' } });
    expect(result.isError).toBe(true);
    expect(text(result)).toContain('{service=checkout}');
  });

  it('refuses raw PromQL on a dataset with a hint', async () => {
    const result = await call(client, 'get_metrics', { metric: 'x', query: 'rate(x[5m])' });
    expect(result.isError).toBe(true);
    expect(text(result)).toContain('PROMETHEUS_URL');
  });
});

describe('get_anomalies', () => {
  it('finds the error burst, the memory ramp and the throughput drop, and leaves noise and the daily swing alone', async () => {
    for (const since of [iso(START), '3h', undefined]) {
      const out = structured(await call(client, 'get_anomalies', since ? { since } : {}));
      const by = (metric: string, service: string) =>
        out.anomalies.find((a: { metric: string; service: string }) => a.metric === metric && a.service === service);
      const burst = by('http_error_rate', 'checkout');
      expect(out.anomalies[0], `since ${since}`).toEqual(burst);
      expect(burst.severity).toBe('critical');
      expect(burst.onset).toBe(iso(BURST_START));
      expect(burst.ratio).toBeGreaterThan(50);
      expect(by('http_request_duration_p95_ms', 'checkout').onset).toBe(iso(BURST_START));
      expect(by('http_requests', 'checkout').kind).toBe('drop');
      const ramp = by('process_memory_bytes', 'inventory');
      expect(ramp.direction).toBe('up');
      expect(['high', 'critical']).toContain(ramp.severity);
      const swing = by('http_requests', 'frontend');
      if (swing) expect(['low', 'medium']).toContain(swing.severity);
      expect(by('cpu_usage_percent', 'search')).toBeUndefined();
      expect(by('payments_requests_total', 'payments')).toBeUndefined();
      expect(by('http_error_rate', 'search')).toBeUndefined();
      expect(out.seriesScanned).toBe(9);
    }
  });

  it('dates the ramp where it first leaves the band, not at its peak', async () => {
    const out = structured(await call(client, 'get_anomalies', { since: iso(START), metric: 'process_memory_bytes' }));
    expect(out.anomalies).toHaveLength(1);
    const onset = Date.parse(out.anomalies[0].onset);
    expect(onset).toBeGreaterThanOrEqual(RAMP_START);
    expect(onset).toBeLessThanOrEqual(RAMP_START + 20 * MIN);
    expect(Date.parse(out.anomalies[0].peakAt)).toBeGreaterThan(END - 30 * MIN);
  });

  it('filters by service and by severity', async () => {
    const inventory = structured(await call(client, 'get_anomalies', { since: iso(START), service: 'Inventory' }));
    expect(inventory.anomalies.map((a: { service: string }) => a.service)).toEqual(['inventory']);
    const critical = structured(await call(client, 'get_anomalies', { since: iso(START), minSeverity: 'critical' }));
    expect(critical.anomalies.length).toBeGreaterThan(0);
    for (const a of critical.anomalies) expect(a.severity).toBe('critical');
  });

  it('lists the known services for an unknown one', async () => {
    const result = await call(client, 'get_anomalies', { service: 'chekout' });
    expect(result.isError).toBe(true);
    expect(text(result)).toMatch(/unknown service chekout; known: checkout, /);
  });
});

describe('get_error_rates', () => {
  it('finds checkout critical against a calm baseline, and the others ok', async () => {
    const out = structured(await call(client, 'get_error_rates'));
    expect(out.currentWindow).toEqual({ start: iso(END - 30 * MIN), end: iso(END) });
    expect(out.baselineWindow).toEqual({ start: iso(END - 120 * MIN), end: iso(END - 30 * MIN) });
    const status = Object.fromEntries(out.services.map((s: { service: string; status: string }) => [s.service, s.status]));
    expect(status).toEqual({ checkout: 'critical', payments: 'ok', search: 'ok' });
    const checkout = out.services[0];
    expect(checkout.service).toBe('checkout');
    expect(checkout.unit).toBe('%');
    expect(checkout.baseline).toBeCloseTo(0.1, 1);
    expect(checkout.current).toBeGreaterThan(10);
    expect(checkout.peak).toBeGreaterThan(14);
    // payments' rate comes from its cumulative request and error counters.
    const payments = out.services.find((s: { service: string }) => s.service === 'payments');
    expect(payments.unit).toBe('ratio');
    expect(payments.baseline).toBeGreaterThan(0.0003);
    expect(payments.baseline).toBeLessThan(0.003);
  });

  it('before the burst, checkout is ok', async () => {
    const out = structured(
      await call(client, 'get_error_rates', { since: iso(START), until: iso(BURST_START - MIN), service: 'checkout' }),
    );
    expect(out.services).toHaveLength(1);
    expect(out.services[0].status).toBe('ok');
  });

  it('rejects a current window that leaves no baseline', async () => {
    const result = await call(client, 'get_error_rates', { since: '20m', currentWindow: '30m' });
    expect(result.isError).toBe(true);
    expect(text(result)).toContain('no baseline');
  });
});

describe('bad input', () => {
  it('explains a malformed time and a reversed window', async () => {
    const bad = await call(client, 'get_metrics', { metric: 'cpu_usage_percent', since: 'yesterday-ish' });
    expect(bad.isError).toBe(true);
    expect(text(bad)).toContain('since "yesterday-ish" is not a time');
    const reversed = await call(client, 'get_anomalies', { since: '1h', until: '2h' });
    expect(reversed.isError).toBe(true);
    expect(text(reversed)).toContain('swap them');
  });

  it('names the file and the line and column of corrupt JSON', async () => {
    const dir = dataset(
      'corrupt',
      '{"series": [\n  {"metric": "a", "points": [\n    ["2024-05-01T00:00:00Z", 1] ["2024-05-01T00:01:00Z", 2]\n  ]}\n]}\n',
    );
    for (const tool of ['list_metrics', 'get_anomalies', 'get_error_rates']) {
      const result = await withDataset(dir, (c) => call(c, tool));
      expect(result.isError, tool).toBe(true);
      expect(text(result)).toContain(path.join(dir, 'metrics', 'metrics.json'));
      expect(text(result)).toMatch(/line 3, column \d+/);
    }
  });

  it('names the place where the file breaks the format', async () => {
    const dir = dataset('wrong-shape', JSON.stringify({ series: [{ metric: 'a', points: [['2024-05-01T00:00:00Z', 'high']] }] }));
    const result = await withDataset(dir, (c) => call(c, 'list_metrics'));
    expect(result.isError).toBe(true);
    expect(text(result)).toContain('series.0.points.0.1');
    const badTime = dataset('bad-time', JSON.stringify({ series: [{ metric: 'a', points: [['noon', 1]] }] }));
    const timeResult = await withDataset(badTime, (c) => call(c, 'list_metrics'));
    expect(text(timeResult)).toContain('"noon", which is not ISO-8601');
  });

  it('says plainly when the dataset has no metrics', async () => {
    const dir = dataset('empty');
    await withDataset(dir, async (c) => {
      for (const [tool, args] of [
        ['list_metrics', {}],
        ['get_metrics', { metric: 'x' }],
        ['get_anomalies', {}],
        ['get_error_rates', {}],
      ] as const) {
        const result = await call(c, tool, args);
        expect(result.isError, tool).toBeFalsy();
        expect(text(result), tool).toContain('has no metrics (no metrics/metrics.json)');
      }
    });
  });

  it('keeps a huge listing under the text budget and says how many more matched', async () => {
    const series = Array.from({ length: 600 }, (_, i) => ({
      metric: `metric_${i}_${'x'.repeat(40)}`,
      tags: { service: `svc${i % 7}` },
      points: [['2024-05-01T00:00:00Z', i]],
    }));
    const dir = dataset('huge', JSON.stringify({ series }));
    const result = await withDataset(dir, (c) => call(c, 'list_metrics', { limit: 500 }));
    const body = text(result);
    expect(body.length).toBeLessThan(MAX_TEXT_CHARS);
    expect(body).toMatch(/… \d+ more matched/);
    expect(structured(result).total).toBe(600);
  });
});
