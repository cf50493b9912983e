import { describe, expect, it } from 'vitest';
import { countKind, outcomeOf, parseRecordingRule, serviceOf, workloadOfPod } from '../../mcp-servers/metrics/analysis/semantics.js';
import { errorRateSeriesFrom } from '../../mcp-servers/metrics/backends/dataset-error-rates.js';
import type { Series } from '../../mcp-servers/metrics/types.js';
import { isTrafficRise } from '../../src/engines/builtin/classes.js';

const T0 = Date.parse('2026-03-01T10:00:00Z');
const points = (values: number[]): [number, number][] => values.map((v, i) => [T0 + i * 60_000, v]);

describe('service identity from labels', () => {
  it('follows the documented priority', () => {
    expect(serviceOf('x', { job: 'kubernetes-pods', service: 'billing' })).toBe('billing');
    expect(serviceOf('x', { job: 'kubernetes-pods', service_name: 'billing' })).toBe('billing');
    expect(serviceOf('x', { job: 'kubernetes-pods', app: 'billing' })).toBe('billing');
    expect(serviceOf('x', { job: 'kubernetes-pods', application: 'billing' })).toBe('billing');
    expect(serviceOf('x', { job: 'kubernetes-pods', app_kubernetes_io_name: 'billing', container: 'istio-proxy' })).toBe('billing');
    expect(serviceOf('x', { container: 'billing' })).toBe('billing');
  });

  it('maps pod names to their workload', () => {
    expect(serviceOf('x', { pod: 'checkout-api-7d9c5f8b4-x2k9q' })).toBe('checkout-api');
    expect(workloadOfPod('postgres-0')).toBe('postgres');
    expect(workloadOfPod('fluent-bit-8k2xq')).toBe('fluent-bit');
    expect(workloadOfPod('ledger')).toBe('ledger');
  });

  it('parses recording rules and never takes their level for a service', () => {
    expect(parseRecordingRule('service_name:http_server_requests:rate5m')).toEqual({
      level: 'service_name',
      metric: 'http_server_requests',
      operations: 'rate5m',
    });
    expect(parseRecordingRule('http_requests_total')).toBeUndefined();
    expect(serviceOf('service_name:http_server_requests:rate5m', {})).toBeNull();
    expect(serviceOf('job:orders_errors:rate1m', {})).toBeNull();
    expect(serviceOf('service_name:http_server_requests:rate5m', { service_name: 'orders' })).toBe('orders');
  });
});

describe('outcome labels', () => {
  it('reads codes, classes and words', () => {
    expect(outcomeOf({ code: '503' })).toBe('server_error');
    expect(outcomeOf({ status_code: '404' })).toBe('client_error');
    expect(outcomeOf({ code_class: '5xx' })).toBe('server_error');
    expect(outcomeOf({ 'http.status_code': '200' })).toBe('success');
    expect(outcomeOf({ outcome: 'SERVER_ERROR' })).toBe('server_error');
    expect(outcomeOf({ outcome: 'SUCCESS' })).toBe('success');
    expect(outcomeOf({ region: 'eu-west-1' })).toBeUndefined();
  });

  it('tells counts from timings', () => {
    expect(countKind('http_server_requests_seconds_count')).toBe('requests');
    expect(countKind('http_server_requests_seconds_sum')).toBeUndefined();
    expect(countKind('service:request_latency_seconds:p99')).toBeUndefined();
    expect(countKind('job:payment_errors:rate5m')).toBe('errors');
    expect(countKind('svc:http_requests:rate5m')).toBe('requests');
  });

  it('does not call a rise in failed requests a traffic rise', () => {
    const base = { metric: 'http_requests_total', service: 'orders', direction: 'up' as const, ratio: 4 };
    expect(isTrafficRise({ ...base, tags: { code: '500' } } as never)).toBe(false);
    expect(isTrafficRise({ ...base, tags: { code: '200' } } as never)).toBe(true);
    expect(isTrafficRise({ ...base, tags: {}, ratio: 1.1 } as never)).toBe(false);
  });
});

describe('error rate = errors / requests of the same unit', () => {
  it('splits outcome-labelled requests into errors and totals', () => {
    const series: Series[] = [
      {
        metric: 'service_name:http_server_requests:rate5m',
        tags: { service_name: 'orders', code: '200' },
        unit: 'req/s',
        points: points([90, 90, 60]),
      },
      {
        metric: 'service_name:http_server_requests:rate5m',
        tags: { service_name: 'orders', code: '503' },
        unit: 'req/s',
        points: points([10, 10, 40]),
      },
      {
        metric: 'service_name:http_server_requests_latency:p99',
        tags: { service_name: 'orders' },
        unit: 's',
        points: points([0.2, 0.2, 2]),
      },
    ];
    const [rate, ...rest] = errorRateSeriesFrom(series);
    expect(rest).toHaveLength(0);
    expect(rate?.service).toBe('orders');
    expect(rate?.points.map(([, v]) => v)).toEqual([0.1, 0.1, 0.4]);
  });

  it('brings a counter and a rate to the same unit and never divides by latency', () => {
    const series: Series[] = [
      { metric: 'payments_errors_total', tags: { app: 'payments' }, unit: null, points: points([0, 60, 120, 180]) },
      { metric: 'job:payments_requests:rate1m', tags: { app: 'payments' }, unit: 'req/s', points: points([10, 10, 10, 10]) },
      { metric: 'payments_request_duration_seconds_sum', tags: { app: 'payments' }, unit: 's', points: points([0, 1, 2, 3]) },
    ];
    const [rate] = errorRateSeriesFrom(series);
    expect(rate?.metric).toBe('payments_errors_total / job:payments_requests:rate1m');
    expect(rate?.points.every(([, v]) => Math.abs(v - 0.1) < 1e-9)).toBe(true);
  });
});
