import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { CULPRIT_SERVICE, MIN, SERVICES, seeded, type Timeline } from './scenario.js';

/** Where `npm run fetch-prometheus` unpacks Debian's prometheus package. */
export const PROM_DIR = path.resolve(import.meta.dirname, '../../../.tools/prometheus/usr/bin');

/** /-/ready is polled up to this many times, 100 ms apart: a cold start on two cores takes a few seconds. */
const MAX_READY_POLLS = 300;
const POLL_MS = 100;

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

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface RunningPrometheus {
  url: string;
  stop(): Promise<void>;
}

/** Fails (never skips) when the binaries are missing, saying how to get them. */
export function prometheusBinaries(dir = PROM_DIR): { prometheus: string; promtool: string } {
  const prometheus = path.join(dir, 'prometheus');
  const promtool = path.join(dir, 'promtool');
  if (!existsSync(prometheus) || !existsSync(promtool)) {
    throw new Error(
      `Prometheus is not installed at ${dir}: run \`npm run fetch-prometheus\` first (it unpacks Debian's prometheus package there)`,
    );
  }
  return { prometheus, promtool };
}

/** Backfills the scenario's metrics into a TSDB under `dir` with promtool and serves it from Prometheus on loopback. */
export async function startPrometheus(dir: string, t: Timeline): Promise<RunningPrometheus> {
  const bin = prometheusBinaries();
  mkdirSync(dir, { recursive: true });
  const input = path.join(dir, 'metrics.om');
  const tsdb = path.join(dir, 'tsdb');
  writeFileSync(input, openMetrics(t));
  execFileSync(bin.promtool, ['tsdb', 'create-blocks-from', 'openmetrics', '--quiet', input, tsdb], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const config = path.join(dir, 'prometheus.yml');
  writeFileSync(config, 'global:\n  scrape_interval: 1m\nscrape_configs: []\n');
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const stderr: string[] = [];
  const child: ChildProcess = spawn(
    bin.prometheus,
    [
      `--config.file=${config}`,
      `--storage.tsdb.path=${tsdb}`,
      '--storage.tsdb.retention.time=30d',
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr.push(chunk.toString());
    if (stderr.length > 200) stderr.shift();
  });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  };
  for (let i = 0; i < MAX_READY_POLLS && child.exitCode === null; i += 1) {
    try {
      if ((await fetch(`${url}/-/ready`)).ok) return { url, stop };
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  await stop();
  throw new Error(`Prometheus did not become ready at ${url}: ${stderr.join('').slice(-2000)}`);
}
