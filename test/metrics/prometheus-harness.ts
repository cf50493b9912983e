import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** Where scripts/fetch-prometheus.sh puts Debian's prometheus package. */
export const PROM_DIR = path.resolve('.tools/prometheus/usr/bin');
export const PROMETHEUS_BIN = path.join(PROM_DIR, 'prometheus');
export const PROMTOOL_BIN = path.join(PROM_DIR, 'promtool');

/** /-/ready is polled this many times, 100 ms apart: a cold start on two cores takes a few seconds. */
const MAX_READY_POLLS = 300;
const POLL_MS = 100;

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
  timeline: Timeline;
  stop: () => Promise<void>;
}

/** Backfills the generated data with promtool and serves it from a real Prometheus on a loopback port. */
export async function startPrometheus(): Promise<RunningPrometheus> {
  if (!existsSync(PROMETHEUS_BIN) || !existsSync(PROMTOOL_BIN)) {
    throw new Error(`Prometheus is not installed at ${PROM_DIR}: run scripts/fetch-prometheus.sh (npm run fetch-prometheus) first`);
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'metrics-prom-'));
  const t = timeline();
  const input = path.join(dir, 'data.om');
  const tsdb = path.join(dir, 'tsdb');
  writeFileSync(input, openMetrics(t));
  execFileSync(PROMTOOL_BIN, ['tsdb', 'create-blocks-from', 'openmetrics', '--quiet', input, tsdb], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const config = path.join(dir, 'prometheus.yml');
  writeFileSync(config, 'global:\n  scrape_interval: 1m\nscrape_configs: []\n');
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const stderr: string[] = [];
  const child: ChildProcess = spawn(
    PROMETHEUS_BIN,
    [
      `--config.file=${config}`,
      `--storage.tsdb.path=${tsdb}`,
      '--storage.tsdb.retention.time=30d',
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  for (let i = 0; i < MAX_READY_POLLS; i += 1) {
    if (child.exitCode !== null) break;
    try {
      if ((await fetch(`${url}/-/ready`)).ok) return { url, timeline: t, stop };
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  await stop();
  throw new Error(`Prometheus did not become ready at ${url}: ${stderr.join('').slice(-2000)}`);
}
