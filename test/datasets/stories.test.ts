import { describe, expect, it } from 'vitest';
import { type Dataset, loadDataset, valueAt } from './dataset-files.js';
import { type Entry, parseFile } from './log-lines.js';

/**
 * Each dataset tells the story its case expects: the symptom signatures are new at the onset, the metrics
 * move when the story says, and the red-herring changes sit where they should.
 */

function entries(ds: Dataset): Entry[] {
  return [...ds.logs].flatMap(([file, text]) => parseFile(file, text, new Date(ds.meta.now).getUTCFullYear()));
}

function countAround(ds: Dataset, needle: string, onset: string): { before: number; after: number } {
  const t = Date.parse(onset);
  const hits = entries(ds).filter((e) => e.text.includes(needle));
  return { before: hits.filter((e) => e.time < t).length, after: hits.filter((e) => e.time >= t).length };
}

const prod = (ds: Dataset) => ds.deployments.filter((d) => d.environment === 'production');
const latestProdBefore = (ds: Dataset, at: string) =>
  prod(ds)
    .filter((d) => Date.parse(d.deployed_at) <= Date.parse(at))
    .sort((a, b) => Date.parse(b.deployed_at) - Date.parse(a.deployed_at))[0];

/** [dataset, signature, onset]: the signature must be absent before the onset and frequent after it. */
const SIGNATURES: [string, string, string][] = [
  ['data/checkout-outage', 'Connection pool exhausted', '2024-03-12T14:45:00Z'],
  ['data/checkout-outage', 'HikariPool-1 - Connection is not available', '2024-03-12T14:45:00Z'],
  ['data/memory-leak', 'java.lang.OutOfMemoryError: Java heap space', '2024-05-21T10:40:00Z'],
  ['data/memory-leak', 'OOMKilled', '2024-05-21T10:40:00Z'],
  ['data/upstream-slowdown', 'timeout calling api.payprovider.example', '2024-06-04T16:20:00Z'],
  ['data/upstream-slowdown', "circuit breaker 'payprovider' half-open", '2024-06-04T16:31:00Z'],
  ['test/evals/04-pricing-typeerror/dataset', "Cannot read properties of undefined (reading 'amount')", '2024-02-08T18:45:00Z'],
  ['test/evals/05-config-timeout/dataset', 'timed out after 500 ms', '2024-04-17T11:20:00Z'],
  ['test/evals/06-dropped-index/dataset', 'where o.customer_id=?', '2024-06-11T10:05:00Z'],
  ['test/evals/06-dropped-index/dataset', 'canceling statement due to statement timeout', '2024-06-11T10:05:00Z'],
  ['test/evals/07-idp-outage/dataset', 'OIDC token exchange failed', '2024-07-02T08:41:00Z'],
  ['test/evals/08-dns-failure/dataset', 'getaddrinfo ENOTFOUND', '2024-08-20T16:58:00Z'],
  ['test/evals/08-dns-failure/dataset', 'no such host', '2024-08-20T16:58:00Z'],
  ['test/evals/09-disk-full/dataset', 'No space left on device', '2024-01-31T20:07:00Z'],
  ['test/evals/09-disk-full/dataset', 'ENOSPC', '2024-01-31T20:07:00Z'],
  ['test/evals/10-thread-pool/dataset', 'RejectedExecutionException', '2024-10-08T13:31:00Z'],
  ['test/evals/11-cert-expiry/dataset', 'certificate has expired', '2024-09-14T00:00:00Z'],
  ['test/evals/11-cert-expiry/dataset', 'PKIX path validation failed', '2024-09-14T00:00:00Z'],
  ['test/evals/12-node-heap-oom/dataset', 'MaxListenersExceededWarning', '2024-11-05T09:40:00Z'],
  ['test/evals/13-traffic-surge/dataset', 'upstream overloaded', '2024-11-29T17:00:00Z'],
  ['test/evals/14-latest-deploy-innocent/dataset', 'Lock wait timeout exceeded', '2024-12-10T13:00:00Z'],
];

describe('symptom signatures are new at the onset', () => {
  it.each(SIGNATURES)('%s: "%s" only from %s', (dir, needle, onset) => {
    const { before, after } = countAround(loadDataset(dir), needle, onset);
    expect(before).toBe(0);
    expect(after).toBeGreaterThanOrEqual(2);
  });
});

/** [dataset, metric, tags, time, min, max]: a metric value at a moment of the story. */
const POINTS: [string, string, Record<string, string>, string, number, number][] = [
  ['data/checkout-outage', 'error_rate', { service: 'checkout-api' }, '2024-03-12T14:40:00Z', 0, 0.5],
  ['data/checkout-outage', 'error_rate', { service: 'checkout-api' }, '2024-03-12T14:50:00Z', 13.5, 17.5],
  ['data/checkout-outage', 'latency_p95_ms', { service: 'checkout-api' }, '2024-03-12T14:20:00Z', 130, 260],
  ['data/checkout-outage', 'latency_p95_ms', { service: 'checkout-api' }, '2024-03-12T14:50:00Z', 3800, 5200],
  ['data/checkout-outage', 'db_connections_active', { service: 'checkout-api' }, '2024-03-12T14:50:00Z', 35, 35],
  ['data/memory-leak', 'heap_used_mb', { service: 'search-service' }, '2024-05-21T09:00:00Z', 500, 1100],
  ['data/memory-leak', 'heap_used_mb', { service: 'search-service' }, '2024-05-21T10:46:00Z', 1850, 2048],
  ['data/memory-leak', 'heap_used_mb', { service: 'search-service' }, '2024-05-21T10:52:00Z', 0, 900],
  ['data/memory-leak', 'container_restarts', { service: 'search-service' }, '2024-05-21T10:30:00Z', 0, 0],
  ['data/memory-leak', 'container_restarts', { service: 'search-service' }, '2024-05-21T12:00:00Z', 2, 2],
  ['data/upstream-slowdown', 'upstream_latency_ms', { upstream: 'api.payprovider.example' }, '2024-06-04T16:15:00Z', 100, 450],
  ['data/upstream-slowdown', 'upstream_latency_ms', { upstream: 'api.payprovider.example' }, '2024-06-04T16:40:00Z', 2000, 3500],
  ['data/upstream-slowdown', 'upstream_latency_ms', { upstream: 'api.fraudcheck.example' }, '2024-06-04T16:40:00Z', 50, 250],
  ['test/evals/05-config-timeout/dataset', 'error_rate', { service: 'shipping-service' }, '2024-04-17T11:40:00Z', 12, 25],
  [
    'test/evals/09-disk-full/dataset',
    'disk_used_percent',
    { host: 'invoice-vm-02', mount: '/var/lib/invoice' },
    '2024-01-31T17:00:00Z',
    60,
    75,
  ],
  [
    'test/evals/09-disk-full/dataset',
    'disk_used_percent',
    { host: 'invoice-vm-02', mount: '/var/lib/invoice' },
    '2024-01-31T20:10:00Z',
    100,
    100,
  ],
  ['test/evals/11-cert-expiry/dataset', 'cert_expiry_seconds', { service: 'ledger-service' }, '2024-09-13T23:59:00Z', 1, 120],
  ['test/evals/11-cert-expiry/dataset', 'cert_expiry_seconds', { service: 'ledger-service' }, '2024-09-14T00:10:00Z', -1e6, -1],
  ['test/evals/12-node-heap-oom/dataset', 'container_restarts', { service: 'realtime-gateway' }, '2024-11-05T13:10:00Z', 2, 2],
];

describe('metrics follow the story', () => {
  it.each(POINTS)('%s: %s %o at %s in [%d, %d]', (dir, metric, tags, at, min, max) => {
    const v = valueAt(loadDataset(dir), metric, tags, at);
    expect(v).toBeGreaterThanOrEqual(min);
    expect(v).toBeLessThanOrEqual(max);
  });

  it('config-timeout: the carrier is no slower after the config release than before it', () => {
    const ds = loadDataset('test/evals/05-config-timeout/dataset');
    const series = ds.series.find((s) => s.metric === 'upstream_latency_ms' && s.tags.upstream === 'api.carrier-rates.example');
    const median = (from: string, to: string) => {
      const values = (series?.points ?? [])
        .filter(([t]) => t >= from && t < to)
        .map(([, v]) => v)
        .sort((a, b) => a - b);
      return values[Math.floor(values.length / 2)] ?? Number.NaN;
    };
    const before = median('2024-04-17T09:00', '2024-04-17T11:20');
    const after = median('2024-04-17T11:20', '2024-04-17T12:10');
    expect(before).toBeGreaterThan(300);
    expect(after / before).toBeLessThan(1.25);
  });

  it('traffic-surge: gateway traffic at least triples after the 17:00 push', () => {
    const ds = loadDataset('test/evals/13-traffic-surge/dataset');
    const before = valueAt(ds, 'request_rate', { service: 'api-gateway' }, '2024-11-29T16:50:00Z');
    const after = valueAt(ds, 'request_rate', { service: 'api-gateway' }, '2024-11-29T17:10:00Z');
    expect(after / before).toBeGreaterThan(3);
  });
});

describe('changes and red herrings sit where the story puts them', () => {
  it('checkout-outage: v2.4.1 at 14:25 with the per-item stock check and the pool HOTFIX; notification-worker at 14:38 is closer', () => {
    const ds = loadDataset('data/checkout-outage');
    const release = prod(ds).find((d) => d.service === 'checkout-api' && d.version === 'v2.4.1');
    expect(release?.deployed_at).toBe('2024-03-12T14:25:00.000Z');
    const messages = ds.commits.filter((c) => release?.commits?.includes(c.sha)).map((c) => c.message);
    expect(messages.some((m) => m.startsWith('HOTFIX') && m.includes('30 to 35'))).toBe(true);
    expect(messages.some((m) => /stock for every line item/.test(m))).toBe(true);
    expect(latestProdBefore(ds, '2024-03-12T14:45:00Z')).toMatchObject({
      service: 'notification-worker',
      deployed_at: '2024-03-12T14:38:00.000Z',
    });
  });

  it('upstream-slowdown: the closest change before the onset is the innocent payment-service deploy', () => {
    const ds = loadDataset('data/upstream-slowdown');
    expect(latestProdBefore(ds, '2024-06-04T16:20:00Z')).toMatchObject({ service: 'payment-service', version: 'v4.16.2' });
  });

  it('memory-leak: search-service v3.8.0 at 09:12, user-service v5.2.3 later and closer to the first OOM', () => {
    const ds = loadDataset('data/memory-leak');
    expect(prod(ds).find((d) => d.version === 'v3.8.0')).toMatchObject({
      service: 'search-service',
      deployed_at: '2024-05-21T09:12:00.000Z',
    });
    expect(latestProdBefore(ds, '2024-05-21T10:48:00Z')).toMatchObject({ service: 'user-service', version: 'v5.2.3' });
  });

  it('latest-deploy-innocent: cart-service deployed last, 8 minutes before the onset', () => {
    const ds = loadDataset('test/evals/14-latest-deploy-innocent/dataset');
    expect(latestProdBefore(ds, '2024-12-10T13:00:00Z')).toMatchObject({
      service: 'cart-service',
      deployed_at: '2024-12-10T12:52:00.000Z',
    });
  });

  it('traffic-surge: no production deploy in the 48 hours before the surge', () => {
    const ds = loadDataset('test/evals/13-traffic-surge/dataset');
    const last = latestProdBefore(ds, '2024-11-29T17:00:00Z');
    expect(Date.parse('2024-11-29T17:00:00Z') - Date.parse(last?.deployed_at ?? '')).toBeGreaterThan(48 * 3_600_000);
  });

  it('every dataset "now" is a little after its onset, as when the on-call asks', () => {
    const onsets = new Map(SIGNATURES.map(([dir, , onset]) => [dir, Date.parse(onset)]));
    for (const [dir, onset] of onsets) {
      const gap = Date.parse(loadDataset(dir).meta.now) - onset;
      expect(gap, dir).toBeGreaterThan(0);
      expect(gap, dir).toBeLessThan(4 * 3_600_000);
    }
  });
});
