import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type MetricsConfig } from '../../mcp-servers/metrics/config.js';
import { freePort } from '../support/prometheus.js';
import { call, connect, structured, text } from './helpers.js';
import { BURST_SERVICE, type HarnessPrometheus, MIN, RAMP_SERVICE, SERVICES, startHarnessPrometheus } from './prometheus-harness.js';

/** Real Prometheus, backfilled by promtool: every tool end to end through the MCP client. */

let prom: HarnessPrometheus | undefined;
let client: Client;
let close: (() => Promise<void>) | undefined;
const iso = (t: number) => new Date(t).toISOString();

function config(env: Record<string, string>): MetricsConfig {
  return loadConfig({ ...env });
}

beforeAll(async () => {
  prom = await startHarnessPrometheus();
  ({ client, close } = await connect(config({ PROMETHEUS_URL: prom.url, PROMETHEUS_ALLOW_RAW_QUERY: 'true' })));
}, 60_000);

afterAll(async () => {
  await close?.();
  await prom?.stop();
});

describe('Prometheus backend against a real Prometheus', () => {
  it('list_metrics lists metric names and series labels', async () => {
    const out = structured(await call(client, 'list_metrics'));
    const names = new Set(out.metrics.map((m: { metric: string }) => m.metric));
    for (const name of ['http_requests_total', 'http_request_duration_seconds_bucket', 'process_resident_memory_bytes'])
      expect(names).toContain(name);
    const memory = out.metrics.filter((m: { metric: string }) => m.metric === 'process_resident_memory_bytes');
    expect(memory.map((m: { tags: { service: string } }) => m.tags.service).sort()).toEqual([...SERVICES]);
    expect(memory[0].unit).toBe('bytes');
    expect(out.backend).toBe('prometheus');
    expect(Math.abs(Date.parse(out.now) - Date.now())).toBeLessThan(5 * MIN);
  });

  it('get_metrics returns at most 120 points with the ramp visible', async () => {
    const t = prom!.timeline;
    const out = structured(
      await call(client, 'get_metrics', {
        metric: 'process_resident_memory_bytes',
        tags: { service: RAMP_SERVICE },
        since: iso(t.start),
        until: iso(t.end),
      }),
    );
    expect(out.series).toHaveLength(1);
    const [s] = out.series;
    expect(s.points.length).toBeLessThanOrEqual(120);
    expect(s.points.length).toBeGreaterThan(50);
    expect(s.max).toBeGreaterThan(450e6);
    expect(s.min).toBeLessThan(220e6);
    expect(Date.parse(s.maxAt)).toBeGreaterThan(t.end - 10 * MIN);
  });

  it('get_metrics runs a raw PromQL query when asked to', async () => {
    const t = prom!.timeline;
    const out = structured(
      await call(client, 'get_metrics', {
        metric: 'requests_per_second',
        query: 'sum by (service) (rate(http_requests_total[5m]))',
        since: iso(t.start + 30 * MIN),
        until: iso(t.end),
      }),
    );
    expect(out.series.map((s: { tags: { service: string } }) => s.tags.service).sort()).toEqual([...SERVICES]);
    for (const s of out.series) {
      expect(s.metric).toBe('requests_per_second');
      expect(s.avg).toBeGreaterThan(8);
      expect(s.avg).toBeLessThan(12);
    }
  });

  it('get_error_rates finds the service with the burst', async () => {
    const t = prom!.timeline;
    const out = structured(await call(client, 'get_error_rates', { since: iso(t.start + 60 * MIN), until: iso(t.end) }));
    const status = Object.fromEntries(out.services.map((s: { service: string; status: string }) => [s.service, s.status]));
    expect(status).toEqual({ checkout: 'critical', payments: 'ok', search: 'ok' });
    const checkout = out.services[0];
    expect(checkout.service).toBe(BURST_SERVICE);
    expect(checkout.baseline).toBeLessThan(0.002);
    expect(checkout.current).toBeGreaterThan(0.1);
    expect(checkout.peak).toBeGreaterThan(0.14);
  });

  it('get_anomalies finds the burst with an onset near the known time', async () => {
    const t = prom!.timeline;
    const out = structured(await call(client, 'get_anomalies', { since: iso(t.start + 90 * MIN), until: iso(t.end) }));
    const top = out.anomalies[0];
    expect(top.metric).toBe('error_rate');
    expect(top.service).toBe(BURST_SERVICE);
    expect(top.severity).toBe('critical');
    const onset = Date.parse(top.onset);
    // rate()[5m] lets the burst in gradually; the first step out of the band lies within a few minutes.
    expect(onset).toBeGreaterThanOrEqual(t.burstAt - 2 * MIN);
    expect(onset).toBeLessThanOrEqual(t.burstAt + 5 * MIN);
    const latency = out.anomalies.find(
      (a: { metric: string; service: string }) => a.metric === 'latency_p95' && a.service === BURST_SERVICE,
    );
    expect(latency?.direction).toBe('up');
    for (const a of out.anomalies) if (a.service !== BURST_SERVICE) expect(['low', 'medium']).toContain(a.severity);
  });

  it('get_anomalies scans a named gauge and dates its ramp', async () => {
    const t = prom!.timeline;
    const out = structured(
      await call(client, 'get_anomalies', { metric: 'process_resident_memory_bytes', since: iso(t.start + 30 * MIN), until: iso(t.end) }),
    );
    const ramp = out.anomalies.find((a: { service: string }) => a.service === RAMP_SERVICE);
    expect(ramp?.shape).toBe('gradual');
    expect(Date.parse(ramp.onset)).toBeGreaterThanOrEqual(t.rampAt);
    expect(Date.parse(ramp.onset)).toBeLessThanOrEqual(t.rampAt + 30 * MIN);
    expect(out.anomalies.filter((a: { service: string }) => a.service !== RAMP_SERVICE)).toEqual([]);
  });

  it('surfaces Prometheus’s own message for a PromQL error', async () => {
    const result = await call(client, 'get_metrics', { metric: 'x', query: 'sum(rate(http_requests_total[5m])' });
    expect(result.isError).toBe(true);
    expect(text(result)).toMatch(/Prometheus rejected the request: .*parse error/);
    expect(text(result)).toContain('fix the PromQL');
  });

  it('names the known metrics and services for unknown ones', async () => {
    const metric = await call(client, 'get_metrics', { metric: 'http_request_total' });
    expect(metric.isError).toBe(true);
    expect(text(metric)).toMatch(/unknown metric http_request_total; known: http_requests_total/);
    const service = await call(client, 'get_error_rates', { service: 'chekout' });
    expect(service.isError).toBe(true);
    expect(text(service)).toMatch(/unknown service chekout; known: checkout/);
  });

  it('honours PROMQL_ANOMALY_QUERIES and PROMQL_ERROR_RATE overrides', async () => {
    const t = prom!.timeline;
    const custom = await connect(
      config({
        PROMETHEUS_URL: prom!.url,
        PROMQL_ANOMALY_QUERIES: JSON.stringify([
          {
            name: 'p99',
            query: 'histogram_quantile(0.99, sum by (le, service) (rate(http_request_duration_seconds_bucket[5m])))',
            unit: 's',
          },
        ]),
        PROMQL_ERROR_RATE:
          'sum by (service) (rate(http_requests_total{code="500"}[5m])) / sum by (service) (rate(http_requests_total[5m]))',
      }),
    );
    try {
      const anomalies = structured(await call(custom.client, 'get_anomalies', { since: iso(t.start + 90 * MIN), until: iso(t.end) }));
      expect(anomalies.anomalies.map((a: { metric: string }) => a.metric)).toEqual(['p99']);
      expect(anomalies.anomalies[0].service).toBe(BURST_SERVICE);
      const rates = structured(await call(custom.client, 'get_error_rates', { since: iso(t.start + 60 * MIN), until: iso(t.end) }));
      expect(rates.services[0]).toMatchObject({ service: BURST_SERVICE, status: 'critical', metric: 'PROMQL_ERROR_RATE' });
    } finally {
      await custom.close();
    }
  });

  it('an unreachable URL is a clear error naming it', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const dead = await connect(config({ PROMETHEUS_URL: url }));
    try {
      for (const tool of ['list_metrics', 'get_anomalies', 'get_error_rates']) {
        const result = await call(dead.client, tool);
        expect(result.isError, tool).toBe(true);
        expect(text(result)).toContain(`cannot reach Prometheus at ${url}`);
        expect(text(result)).toContain('PROMETHEUS_URL');
      }
    } finally {
      await dead.close();
    }
  });
});
