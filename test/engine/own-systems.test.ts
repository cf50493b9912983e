import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Report, ReportSchema } from '../../src/report/schema.js';
import { REPO } from './helpers.js';

/**
 * A team's first run on its own systems: a git repository with service release tags and log files in the formats
 * teams write (Python logging in local time, pino JSON, Go logfmt, nginx access), built relative to now with an
 * incident in it, no Prometheus; the built CLI is run on it as a user would, from another folder.
 */

const CLI = path.join(REPO, 'dist/src/cli/rca.js');
const MINUTE = 60_000;
const ZONE = 'Europe/Berlin';
const now = Date.now();
/** The first error of the incident: the release went out five minutes before it. */
const FIRST_ERROR = now - 20 * MINUTE;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function rca(args: string[], env: Record<string, string>): Promise<Run> {
  const cwd = mkdtempSync(path.join(tmpdir(), 'ip-own-cwd-'));
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { cwd, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ANALYSIS_ENGINE: 'builtin', ...env }, timeout: 60_000 },
      (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr }),
    );
  });
}

/** `2026-12-07 19:52:38,826` as Python's logging writes it: the wall clock of `zone`, no offset. */
function pythonTime(ms: number, zone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(ms));
  const get = (type: string) => parts.find((part) => part.type === type)?.value ?? '00';
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}:${get('second')},${String(ms % 1000).padStart(3, '0')}`;
}

function git(repo: string, args: string[], at: number): string {
  const date = new Date(at).toISOString();
  return execFileSync('git', args, {
    cwd: repo,
    encoding: 'utf8',
    env: {
      PATH: process.env.PATH ?? '',
      HOME: repo,
      GIT_AUTHOR_NAME: 'Dev',
      GIT_AUTHOR_EMAIL: 'dev@example.com',
      GIT_COMMITTER_NAME: 'Dev',
      GIT_COMMITTER_EMAIL: 'dev@example.com',
      GIT_AUTHOR_DATE: date,
      GIT_COMMITTER_DATE: date,
    },
  }).trim();
}

function commit(repo: string, file: string, text: string, message: string, at: number): string {
  mkdirSync(path.dirname(path.join(repo, file)), { recursive: true });
  writeFileSync(path.join(repo, file), text);
  git(repo, ['add', '-A'], at);
  git(repo, ['commit', '-q', '-m', message], at);
  return git(repo, ['rev-parse', 'HEAD'], at);
}

let repo: string;
let logs: string;
let culprit: string;

function buildSystems(): void {
  const root = mkdtempSync(path.join(tmpdir(), 'ip-own-'));
  repo = path.join(root, 'repo');
  logs = path.join(root, 'logs');
  mkdirSync(repo);
  mkdirSync(logs);
  git(repo, ['init', '-q', '-b', 'main'], now - 7 * 60 * MINUTE);
  commit(repo, 'services/checkout/app.py', 'print(1)\n', 'checkout: first version', now - 6 * 60 * MINUTE);
  git(repo, ['tag', '-a', 'checkout/v1.4.0', '-m', 'checkout 1.4.0'], now - 5 * 60 * MINUTE);
  commit(repo, 'services/payments/main.go', 'package main\n', 'payments: add retry counters to the ledger sync', now - 4 * 60 * MINUTE);
  git(repo, ['tag', '-a', 'payments/v2.1.0', '-m', 'payments 2.1.0'], now - 230 * MINUTE);
  culprit = commit(
    repo,
    'services/checkout/payments_client.py',
    'TIMEOUT_MS = 50\n',
    'checkout: lower the payments client timeout to 50ms',
    now - 40 * MINUTE,
  );
  git(repo, ['tag', '-a', 'checkout/v1.5.0', '-m', 'checkout 1.5.0'], now - 25 * MINUTE);

  const checkout: string[] = [];
  const payments: string[] = [];
  const gateway: string[] = [];
  const access: string[] = [];
  for (let t = now - 180 * MINUTE; t <= now - 30_000; t += 30_000) {
    checkout.push(`${pythonTime(t, ZONE)} - checkout - INFO - order placed`);
    payments.push(JSON.stringify({ level: 30, time: t, pid: 7, hostname: 'pay-1', msg: 'charge accepted' }));
    gateway.push(`time=${new Date(t).toISOString()} level=info msg="proxied request" route=/api/orders status=200`);
    const stamp = new Date(t).toUTCString().replace(/^\w+, (\d+) (\w+) (\d+) ([\d:]+) GMT$/, '$1/$2/$3:$4 +0000');
    access.push(`10.0.0.5 - - [${stamp}] "POST /api/orders HTTP/1.1" 200 512 "-" "curl/8" upstream=checkout`);
    if (t >= FIRST_ERROR) {
      checkout.push(`${pythonTime(t + 1_000, ZONE)} - checkout - ERROR - payments client timed out after 50ms while charging order`);
      gateway.push(`time=${new Date(t + 2_000).toISOString()} level=error msg="upstream checkout returned 502" route=/api/orders`);
    }
  }
  writeFileSync(path.join(logs, 'checkout.log'), `${checkout.join('\n')}\n`);
  writeFileSync(path.join(logs, 'payments.log'), `${payments.join('\n')}\n`);
  writeFileSync(path.join(logs, 'gateway.log'), `${gateway.join('\n')}\n`);
  writeFileSync(path.join(logs, 'access.log'), `${access.join('\n')}\n`);
}

const own = () => ({ GIT_REPO_PATH: repo, LOGS_PATH: logs, LOG_TIMEZONE: ZONE });

function report(run: Run): Report {
  return ReportSchema.parse(JSON.parse(run.stdout));
}

/** The onset the engine settled on, from its note. */
function onsetOf(result: Report): number {
  const note = result.notes?.find((text) => text.startsWith('onset taken from the logs'));
  return Date.parse(/at (\S+)$/.exec(note ?? '')?.[1] ?? '');
}

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first`);
  buildSystems();
});

describe('first run on your own systems (built CLI, git repository and log files, no metrics)', () => {
  it('names the release and commit, with the onset from the logs within two minutes of the first error', async () => {
    const run = await rca(['checkout errors', '--without', 'metrics', '--json', '--since', '3h'], own());
    expect(run.code, run.stderr).toBe(0);
    const result = report(run);
    expect(result.suspect).toMatchObject({ kind: 'deployment', service: 'checkout' });
    expect(result.suspect?.id).toContain('checkout/v1.5.0');
    expect(JSON.stringify(result.evidence)).toContain(culprit.slice(0, 7));
    expect(Math.abs(onsetOf(result) - FIRST_ERROR)).toBeLessThanOrEqual(2 * MINUTE);
    expect(result.incomplete).toBeUndefined();
    expect(result.sampleData).toBeUndefined();
  });

  it('without LOG_TIMEZONE the local-time file is said to lie in the future, with its offset', async () => {
    const { LOG_TIMEZONE: _zone, ...utc } = own();
    const run = await rca(['checkout errors', '--without', 'metrics', '--json', '--since', '3h'], utc);
    const result = report(run);
    expect(result.notes?.find((note) => note.startsWith('checkout.log:'))).toMatch(
      /after now: likely written in local time \+[12] h from UTC/,
    );
  });

  it('counts the Python logging levels: the errors are the incident, not "no levels"', async () => {
    const run = await rca(['checkout errors', '--without', 'metrics', '--json', '--since', '3h'], own());
    const result = report(run);
    expect(result.notes?.some((note) => note.includes('no level recognised'))).toBe(false);
    expect(result.evidence.some((item) => item.summary.includes('payments client timed out'))).toBe(true);
  });

  it('a mistyped LOGS_PATH stops the CLI at start: exit 2 naming the variable and the path', async () => {
    const run = await rca(['checkout errors', '--without', 'metrics'], { ...own(), LOGS_PATH: `${logs}-typo` });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`LOGS_PATH: "${logs}-typo" does not exist`);
  });

  it('a GIT_REPO_PATH that does not exist stops the CLI at start: exit 2', async () => {
    const run = await rca(['checkout errors', '--without', 'metrics'], { ...own(), GIT_REPO_PATH: `${repo}-typo` });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`GIT_REPO_PATH: "${repo}-typo" does not exist`);
  });

  it('a logs server that cannot start makes the report incomplete (exit 3), never "no anomaly"', async () => {
    const run = await rca(['checkout errors', '--without', 'metrics', '--json', '--since', '3h'], { ...own(), LOG_FORMATS: '{not json' });
    expect(run.code).toBe(3);
    const result = report(run);
    expect(result.incomplete?.[0]).toMatchObject({ source: 'logs' });
    expect(result.incomplete?.[0]?.reason).toContain('LOG_FORMATS');
    expect(result.confidence).toBe('low');
    expect(`${result.summary} ${result.rootCause}`).not.toMatch(/no anomaly|nothing abnormal/i);
    expect(result.summary).toMatch(/^incomplete: logs unavailable/);
    expect(run.stderr).toContain('rca: incomplete: logs unavailable');
  });

  it('runs with no node on PATH: servers start with the running Node', async () => {
    // A PATH holding git and nothing else, as under a service manager with a bare environment.
    const bin = mkdtempSync(path.join(tmpdir(), 'ip-own-bin-'));
    symlinkSync(execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim(), path.join(bin, 'git'));
    const run = await rca(['checkout errors', '--without', 'metrics', '--json', '--since', '3h'], { ...own(), PATH: bin });
    expect(run.code, run.stderr).toBe(0);
    expect(report(run).suspect?.id).toContain('checkout/v1.5.0');
  });

  it('with metrics left in, it serves nothing (not the bundled sample): no mix, no missing source, same suspect', async () => {
    const run = await rca(['checkout errors', '--json', '--since', '3h'], own());
    expect(run.code, run.stderr).toBe(0);
    const result = report(run);
    expect(result.notes?.join('\n') ?? '').not.toMatch(/bundled sample dataset/);
    expect(result.sampleData).toBeUndefined();
    expect(result.incomplete ?? []).toEqual([]);
    expect(result.suspect?.id).toContain('checkout/v1.5.0');
    expect(run.stderr).toMatch(/no metrics configured: set PROMETHEUS_URL; (LOGS_PATH|GIT_REPO_PATH) reads live systems/);
  });

  it('--without names an unknown server as a usage error', async () => {
    const run = await rca(['checkout errors', '--without', 'metricz'], own());
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--without: no server named "metricz"; configured: logs, git, metrics/);
  });
});
