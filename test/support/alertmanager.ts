import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from './prometheus.js';

/** Where `npm run fetch-prometheus` (scripts/fetch-alertmanager.sh) unpacks Debian's prometheus-alertmanager. */
export const AM_DIR = path.resolve(import.meta.dirname, '../../.tools/alertmanager');
/** The copy whose template directory is relative, and the folder it must run in (see the fetch script). */
const AM_BIN = path.join(AM_DIR, 'bin/alertmanager');
const AM_TEMPLATES = path.join(AM_DIR, 'usr/share/prometheus/alertmanager');

/** /-/ready is polled this many times, 100 ms apart: a cold start on two cores takes a few seconds. */
const MAX_READY_POLLS = 300;
const POLL_MS = 100;
/** Alertmanager's stderr chunks kept for the error message when it fails. */
const MAX_STDERR_CHUNKS = 200;

/** Fails (never skips) when the binary is missing, saying how to get it. */
export function alertmanagerBinary(): string {
  if (!existsSync(AM_BIN) || !existsSync(path.join(AM_TEMPLATES, 'default.tmpl'))) {
    throw new Error(
      `Alertmanager is not installed at ${AM_BIN}: run \`npm run fetch-prometheus\` first (it unpacks Debian's prometheus-alertmanager package there)`,
    );
  }
  return AM_BIN;
}

export interface RunningAlertmanager {
  url: string;
  /** Alertmanager's log so far, for failure messages. */
  log(): string;
  /** POST /api/v2/alerts: what Prometheus does on every evaluation. */
  pushAlerts(alerts: PostableAlert[]): Promise<void>;
  stop(): Promise<void>;
}

export interface PostableAlert {
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  startsAt?: string;
  endsAt?: string;
  generatorURL?: string;
}

/** Starts a real Alertmanager on a loopback port with `config` (YAML) and no clustering. */
export async function startAlertmanager(config: string): Promise<RunningAlertmanager> {
  const bin = alertmanagerBinary();
  const dir = mkdtempSync(path.join(tmpdir(), 'ip-alertmanager-'));
  const configFile = path.join(dir, 'alertmanager.yml');
  writeFileSync(configFile, config);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const stderr: string[] = [];
  const child: ChildProcess = spawn(
    bin,
    [
      `--config.file=${configFile}`,
      `--storage.path=${path.join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      // An empty cluster address turns gossip off, so parallel test runs never fight over port 9094.
      '--cluster.listen-address=',
      '--log.level=debug',
    ],
    { cwd: AM_TEMPLATES, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr.push(chunk.toString());
    if (stderr.length > MAX_STDERR_CHUNKS) stderr.shift();
  });
  const log = () => stderr.join('').slice(-4000);
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const pushAlerts = async (alerts: PostableAlert[]) => {
    const response = await fetch(`${url}/api/v2/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(alerts),
    });
    if (!response.ok) throw new Error(`Alertmanager refused the alerts: ${response.status} ${await response.text()}`);
  };
  for (let i = 0; i < MAX_READY_POLLS && child.exitCode === null; i += 1) {
    try {
      if ((await fetch(`${url}/-/ready`)).ok) return { url, log, pushAlerts, stop };
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  await stop();
  throw new Error(`Alertmanager did not become ready at ${url}: ${log()}`);
}
