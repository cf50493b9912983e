import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** Where `npm run fetch-prometheus` unpacks Debian's prometheus package. */
export const PROM_DIR = path.resolve(import.meta.dirname, '../../.tools/prometheus/usr/bin');

/** /-/ready is polled this many times, 100 ms apart: a cold start on two cores takes a few seconds. */
const MAX_READY_POLLS = 300;
const POLL_MS = 100;
/** Prometheus's stderr chunks kept for the error message when it fails to start. */
const MAX_STDERR_CHUNKS = 200;

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

export interface RunningPrometheus {
  url: string;
  stop(): Promise<void>;
}

/**
 * Backfills OpenMetrics text (timestamps in seconds, ending in `# EOF`) into a fresh TSDB with
 * `promtool tsdb create-blocks-from openmetrics` and serves it from a real Prometheus on a loopback port.
 */
export async function startPrometheus(openMetrics: string): Promise<RunningPrometheus> {
  const bin = prometheusBinaries();
  const dir = mkdtempSync(path.join(tmpdir(), 'ip-prometheus-'));
  const input = path.join(dir, 'metrics.om');
  const tsdb = path.join(dir, 'tsdb');
  writeFileSync(input, openMetrics);
  execFileSync(bin.promtool, ['tsdb', 'create-blocks-from', 'openmetrics', '--quiet', input, tsdb], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  return servePrometheus(bin.prometheus, dir, 'global:\n  scrape_interval: 1m\nscrape_configs: []\n', [
    '--storage.tsdb.retention.time=30d',
  ]);
}

/** A real Prometheus with `config` (YAML) scraping whatever it names, on a fresh TSDB, until stopped. */
export async function startScrapingPrometheus(config: string): Promise<RunningPrometheus> {
  const bin = prometheusBinaries();
  return servePrometheus(bin.prometheus, mkdtempSync(path.join(tmpdir(), 'ip-prometheus-')), config, []);
}

/** Starts Prometheus on a loopback port with its TSDB in `dir`/tsdb; resolves once /-/ready answers. */
async function servePrometheus(binary: string, dir: string, configText: string, flags: string[]): Promise<RunningPrometheus> {
  const config = path.join(dir, 'prometheus.yml');
  writeFileSync(config, configText);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const stderr: string[] = [];
  const child: ChildProcess = spawn(
    binary,
    [`--config.file=${config}`, `--storage.tsdb.path=${path.join(dir, 'tsdb')}`, ...flags, `--web.listen-address=127.0.0.1:${port}`],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr.push(chunk.toString());
    if (stderr.length > MAX_STDERR_CHUNKS) stderr.shift();
  });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
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
