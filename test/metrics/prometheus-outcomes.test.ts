import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countQuery } from '../../mcp-servers/metrics/backends/prometheus-outcomes.js';
import { loadConfig } from '../../mcp-servers/metrics/config.js';
import { type RunningPrometheus, startPrometheus } from '../support/prometheus.js';
import { call, connect, structured } from './helpers.js';
import { MIN, type Timeline, timeline } from './prometheus-harness.js';

/**
 * The Prometheus backend reads outcome labels as the dataset backend does, against a real Prometheus holding four
 * label conventions side by side: Micrometer (`application`, `outcome`/`status`, with a latency `_sum` next to the
 * count), a recording rule (`job:…:rate5m` by `code_class`), a pod-only counter split by `status_code`, and separate
 * requests/errors counters with no outcome label.
 */

let prom: RunningPrometheus | undefined;
let client: Client;
let close: (() => Promise<void>) | undefined;
let t: Timeline;
const iso = (ms: number) => new Date(ms).toISOString();

function openMetrics(tl: Timeline): string {
  const lines: string[] = [];
  const minutes: number[] = [];
  for (let m = tl.start; m <= tl.end; m += MIN) minutes.push(m);
  const sec = (ms: number) => Math.round(ms / 1000);
  const wobble = (i: number, k: number) => 1 + 0.03 * Math.sin(i * 1.3 + k * 2.1);
  const burst = (m: number) => m >= tl.burstAt;

  // orders (Micrometer): 5xx share 0.2% → 20% at the burst; traffic flat; latency sum in seconds grows huge.
  lines.push('# TYPE http_server_requests_seconds summary');
  for (const [outcome, status] of [
    ['SUCCESS', '200'],
    ['SERVER_ERROR', '500'],
  ] as const) {
    let count = 0;
    let sum = 0;
    for (const [i, m] of minutes.entries()) {
      const requests = 600 * wobble(i, 0);
      const share = outcome === 'SERVER_ERROR' ? (burst(m) ? 0.2 : 0.002) : burst(m) ? 0.8 : 0.998;
      count += requests * share;
      sum += requests * share * (burst(m) ? 3 : 0.05);
      const labels = `application="orders",outcome="${outcome}",status="${status}"`;
      lines.push(`http_server_requests_seconds_count{${labels}} ${count.toFixed(3)} ${sec(m)}`);
      lines.push(`http_server_requests_seconds_sum{${labels}} ${sum.toFixed(3)} ${sec(m)}`);
    }
  }
  // ledger (recording rule, already per second): a steady 1% of 5xx.
  lines.push('# TYPE job:http_requests:rate5m gauge');
  for (const [cls, share] of [
    ['2xx', 0.99],
    ['5xx', 0.01],
  ] as const) {
    for (const [i, m] of minutes.entries()) {
      lines.push(`job:http_requests:rate5m{job="ledger",code_class="${cls}"} ${(20 * share * wobble(i, 1)).toFixed(4)} ${sec(m)}`);
    }
  }
  // inventory (pod name only, status_code): 401s jump from 1% to 30% at the burst, total traffic flat.
  lines.push('# TYPE grpc_requests counter');
  for (const code of ['200', '401', '503']) {
    let total = 0;
    for (const [i, m] of minutes.entries()) {
      const requests = 300 * wobble(i, 2);
      const share = code === '401' ? (burst(m) ? 0.3 : 0.01) : code === '503' ? 0.001 : burst(m) ? 0.699 : 0.989;
      total += requests * share;
      lines.push(`grpc_requests_total{pod="inventory-7d9c5f8b4-x2k9q",status_code="${code}"} ${total.toFixed(3)} ${sec(m)}`);
    }
  }
  // payments (no outcome label): errors and requests as separate counters, 0.5% throughout.
  lines.push('# TYPE payments_requests counter', '# TYPE payments_errors counter');
  for (const [name, share] of [
    ['payments_requests_total', 1],
    ['payments_errors_total', 0.005],
  ] as const) {
    let total = 0;
    for (const [i, m] of minutes.entries()) {
      total += 400 * share * wobble(i, 3);
      lines.push(`${name}{service="payments"} ${total.toFixed(3)} ${sec(m)}`);
    }
  }
  lines.push('# EOF');
  // OpenMetrics wants each family's samples together; the two payments families were declared back to back.
  return `${reorder(lines).join('\n')}\n`;
}

/** Puts each `# TYPE` line right before its own family's samples. */
function reorder(lines: string[]): string[] {
  const out: string[] = [];
  const types = lines.filter((l) => l.startsWith('# TYPE'));
  const samples = lines.filter((l) => !l.startsWith('#'));
  for (const type of types) {
    const family = type.split(' ')[2]!;
    out.push(type, ...samples.filter((l) => l.startsWith(`${family}_`) || l.startsWith(`${family}{`)));
  }
  return [...out, '# EOF'];
}

beforeAll(async () => {
  t = timeline();
  prom = await startPrometheus(openMetrics(t));
  ({ client, close } = await connect(loadConfig({ PROMETHEUS_URL: prom.url })));
}, 60_000);

afterAll(async () => {
  await close?.();
  await prom?.stop();
});

describe('Prometheus outcome semantics against a real Prometheus', () => {
  it('get_error_rates reads every label convention and never divides by a latency series', async () => {
    const out = structured(await call(client, 'get_error_rates', { since: iso(t.start + 60 * MIN), until: iso(t.end) }));
    const by = Object.fromEntries(out.services.map((s: { service: string }) => [s.service, s]));
    expect(Object.keys(by).sort()).toEqual(['inventory', 'ledger', 'orders', 'payments']);
    expect(by.orders).toMatchObject({ status: 'critical' });
    expect(by.orders.baseline).toBeLessThan(0.005);
    expect(by.orders.current).toBeGreaterThan(0.15);
    expect(by.orders.current).toBeLessThan(0.25);
    expect(by.ledger.status).toBe('ok');
    expect(by.ledger.current).toBeGreaterThan(0.008);
    expect(by.ledger.current).toBeLessThan(0.012);
    // 401s are client errors: inventory's server-error share stays at its 0.1% of 503s.
    expect(by.inventory.status).toBe('ok');
    expect(by.inventory.current).toBeLessThan(0.002);
    expect(by.payments.status).toBe('ok');
    expect(by.payments.current).toBeGreaterThan(0.004);
    expect(by.payments.current).toBeLessThan(0.006);
    for (const s of out.services) expect(s.peak).toBeLessThanOrEqual(1);
  });

  it('get_anomalies: the error rate rises for orders only, and no service shows a request surge', async () => {
    const out = structured(await call(client, 'get_anomalies', { since: iso(t.start + 90 * MIN), until: iso(t.end) }));
    const top = out.anomalies[0];
    expect(top).toMatchObject({ metric: 'error_rate', service: 'orders', severity: 'critical' });
    const surges = out.anomalies.filter(
      (a: { metric: string; direction: string; severity: string }) =>
        a.metric === 'request_rate' && a.direction === 'up' && ['high', 'critical'].includes(a.severity),
    );
    expect(surges).toEqual([]);
  });

  it('a pod’s workload is a known service', async () => {
    const out = structured(
      await call(client, 'get_error_rates', { service: 'inventory', since: iso(t.start + 60 * MIN), until: iso(t.end) }),
    );
    expect(out.services.map((s: { service: string }) => s.service)).toEqual(['inventory']);
  });
});

describe('countQuery', () => {
  it('sums by identity and outcome labels; pods only without an identity label; rules as they are', () => {
    expect(countQuery('http_requests_total', ['__name__', 'app', 'pod', 'code', 'instance'], 'service')).toBe(
      'sum by (app, code) (rate(http_requests_total[5m]))',
    );
    expect(countQuery('grpc_requests_total', ['pod', 'status_code'], 'service')).toBe(
      'sum by (pod, status_code) (rate(grpc_requests_total[5m]))',
    );
    expect(countQuery('job:http_requests:rate5m', ['job', 'code_class'], 'service')).toBe(
      'sum by (job, code_class) (job:http_requests:rate5m)',
    );
    expect(countQuery('svc:requests:increase5m', ['service', 'outcome'], 'service')).toBe(
      'sum by (service, outcome) (svc:requests:increase5m / 300)',
    );
  });
});
