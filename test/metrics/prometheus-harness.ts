import { type RunningPrometheus, startPrometheus } from '../support/prometheus.js';

export const MIN = 60_000;
export const SERVICES = ['checkout', 'payments', 'search'] as const;
export const BURST_SERVICE = 'checkout';
export const RAMP_SERVICE = 'search';

export interface Timeline {
  /** First sample; a few hours back so the backfilled blocks lie in the past but inside retention. */
  start: number;
  end: number;
  /** checkout's 5xx share jumps from 0.1% to 15% and its latency from ~50 ms to ~700 ms here. */
  burstAt: number;
  /** search's resident memory starts climbing here. */
  rampAt: number;
}

export function timeline(now = Date.now()): Timeline {
  const start = Math.floor(now / MIN) * MIN - 4 * 3_600_000;
  return { start, end: start + 180 * MIN, burstAt: start + 150 * MIN, rampAt: start + 60 * MIN };
}

const BUCKETS = ['0.05', '0.1', '0.25', '0.5', '1', '2.5', '+Inf'] as const;
/** Share of requests at or under each bucket bound, normally and during the burst. */
const NORMAL_CDF = [0.5, 0.9, 0.98, 0.995, 1, 1, 1];
const BURST_CDF = [0.02, 0.05, 0.15, 0.4, 0.95, 1, 1];

/** OpenMetrics text for promtool: counters per code, a latency histogram and a memory gauge, one sample a minute. */
export function openMetrics(t: Timeline): string {
  const lines: string[] = [];
  const minutes: number[] = [];
  for (let m = t.start; m <= t.end; m += MIN) minutes.push(m);
  const sec = (ms: number) => Math.round(ms / 1000);
  const burst = (service: string, m: number) => service === BURST_SERVICE && m >= t.burstAt;
  // A small deterministic wobble so series are not perfectly flat.
  const wobble = (i: number, k: number) => 1 + 0.03 * Math.sin(i * 1.7 + k * 2.3);

  lines.push('# TYPE http_requests counter', '# HELP http_requests Requests served.');
  for (const [k, service] of SERVICES.entries()) {
    for (const code of ['200', '500']) {
      let total = 0;
      for (const [i, m] of minutes.entries()) {
        const requests = 600 * wobble(i, k);
        total += code === '500' ? requests * (burst(service, m) ? 0.15 : 0.001) : requests * (burst(service, m) ? 0.85 : 0.999);
        lines.push(`http_requests_total{service="${service}",code="${code}"} ${total.toFixed(3)} ${sec(m)}`);
      }
    }
  }

  lines.push('# TYPE http_request_duration_seconds histogram', '# HELP http_request_duration_seconds Request latency.');
  for (const [k, service] of SERVICES.entries()) {
    const cumulative: number[] = BUCKETS.map(() => 0);
    let count = 0;
    let sum = 0;
    for (const [i, m] of minutes.entries()) {
      const requests = 600 * wobble(i, k);
      const cdf = burst(service, m) ? BURST_CDF : NORMAL_CDF;
      for (let b = 0; b < BUCKETS.length; b += 1) cumulative[b]! += requests * cdf[b]!;
      count += requests;
      sum += requests * (burst(service, m) ? 0.7 : 0.05);
      for (let b = 0; b < BUCKETS.length; b += 1) {
        lines.push(`http_request_duration_seconds_bucket{service="${service}",le="${BUCKETS[b]}"} ${cumulative[b]!.toFixed(3)} ${sec(m)}`);
      }
      lines.push(`http_request_duration_seconds_sum{service="${service}"} ${sum.toFixed(3)} ${sec(m)}`);
      lines.push(`http_request_duration_seconds_count{service="${service}"} ${count.toFixed(3)} ${sec(m)}`);
    }
  }

  lines.push('# TYPE process_resident_memory_bytes gauge', '# UNIT process_resident_memory_bytes bytes');
  for (const [k, service] of SERVICES.entries()) {
    for (const [i, m] of minutes.entries()) {
      const climb = service === RAMP_SERVICE && m >= t.rampAt ? (300e6 * (m - t.rampAt)) / (t.end - t.rampAt) : 0;
      lines.push(`process_resident_memory_bytes{service="${service}"} ${Math.round(200e6 * wobble(i, k) + climb)} ${sec(m)}`);
    }
  }
  lines.push('# EOF');
  return `${lines.join('\n')}\n`;
}

export interface HarnessPrometheus extends RunningPrometheus {
  timeline: Timeline;
}

/** The generated series served from a real Prometheus on a loopback port. */
export async function startHarnessPrometheus(): Promise<HarnessPrometheus> {
  const t = timeline();
  return { ...(await startPrometheus(openMetrics(t))), timeline: t };
}
