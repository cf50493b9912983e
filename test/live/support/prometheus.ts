import { CULPRIT_SERVICE, MIN, SERVICES, seeded, type Timeline } from './scenario.js';

/** Requests per minute per service, and the share of 5xx before and after the onset. */
const TRAFFIC: Record<string, number> = { 'checkout-api': 1200, 'payment-service': 480, 'inventory-service': 2400 };
const BASE_5XX = 0.001;
const BURST_5XX = 0.15;
const SHARE_404 = 0.005;
const BUCKETS = ['0.05', '0.1', '0.25', '0.5', '1', '2.5', '5', '10', '+Inf'] as const;
/** Share of requests at or under each bucket bound: normally, and for checkout-api once its pool is exhausted. */
const NORMAL_CDF = [0.55, 0.9, 0.98, 0.995, 0.999, 1, 1, 1, 1];
const BURST_CDF = [0.03, 0.08, 0.2, 0.45, 0.7, 0.84, 0.86, 0.88, 1];

/**
 * OpenMetrics for promtool: http_requests_total{service,code} counters and http_request_duration_seconds histograms,
 * one sample a minute from metricsStart to now, with seeded noise. checkout-api's 5xx share goes from ~0.1% to ~15%
 * and its latency rises at the onset; the other services stay as they were.
 */
export function openMetrics(t: Timeline): string {
  const rand = seeded(7);
  const minutes: number[] = [];
  for (let m = t.metricsStart; m <= t.now; m += MIN) minutes.push(m);
  const burning = (service: string, m: number) => service === CULPRIT_SERVICE && m >= t.onset;
  // Per service and minute: requests, and how many of them were 404s and 5xx.
  const traffic = new Map<string, { requests: number; notFound: number; errors: number }[]>();
  for (const service of SERVICES) {
    traffic.set(
      service,
      minutes.map((m) => {
        const requests = (TRAFFIC[service] ?? 600) * (0.95 + 0.1 * rand());
        const share = burning(service, m) ? BURST_5XX * (0.9 + 0.2 * rand()) : BASE_5XX * (0.4 + 1.2 * rand());
        return { requests, notFound: requests * SHARE_404 * (0.5 + rand()), errors: requests * share };
      }),
    );
  }

  const sec = (ms: number) => Math.round(ms / 1000);
  const lines = ['# HELP http_requests Requests served.', '# TYPE http_requests counter'];
  for (const service of SERVICES) {
    const rows = traffic.get(service) ?? [];
    const totals = { '200': 0, '404': 0, '500': 0 };
    for (const [i, m] of minutes.entries()) {
      const row = rows[i]!;
      totals['200'] += row.requests - row.notFound - row.errors;
      totals['404'] += row.notFound;
      totals['500'] += row.errors;
      for (const [code, total] of Object.entries(totals)) {
        lines.push(`http_requests_total{service="${service}",code="${code}"} ${total.toFixed(3)} ${sec(m)}`);
      }
    }
  }

  lines.push('# HELP http_request_duration_seconds Request latency.', '# TYPE http_request_duration_seconds histogram');
  for (const service of SERVICES) {
    const rows = traffic.get(service) ?? [];
    const cumulative = BUCKETS.map(() => 0);
    let count = 0;
    let sum = 0;
    for (const [i, m] of minutes.entries()) {
      const { requests } = rows[i]!;
      const cdf = burning(service, m) ? BURST_CDF : NORMAL_CDF;
      for (const [b, share] of cdf.entries()) cumulative[b]! += requests * share;
      count += requests;
      sum += requests * (burning(service, m) ? 4.8 : 0.06) * (0.9 + 0.2 * rand());
      for (const [b, le] of BUCKETS.entries()) {
        lines.push(`http_request_duration_seconds_bucket{service="${service}",le="${le}"} ${cumulative[b]!.toFixed(3)} ${sec(m)}`);
      }
      lines.push(`http_request_duration_seconds_sum{service="${service}"} ${sum.toFixed(3)} ${sec(m)}`);
      lines.push(`http_request_duration_seconds_count{service="${service}"} ${count.toFixed(3)} ${sec(m)}`);
    }
  }
  lines.push('# EOF');
  return `${lines.join('\n')}\n`;
}
