import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Report, ReportSchema } from '../../src/report/schema.js';
import { createRuntime, type Runtime } from '../../src/runtime/runtime.js';
import { type RunningPrometheus, startPrometheus } from '../support/prometheus.js';
import { builtEntries, REPO, writeLiveConfig } from './support/config.js';
import { type BuiltRepo, buildRepo } from './support/git-repo.js';
import { type BuiltLogs, buildLogs, POOL_EXHAUSTED } from './support/logs.js';
import { openMetrics } from './support/prometheus.js';
import {
  CULPRIT_SERVICE,
  CULPRIT_TAG,
  CULPRIT_VERSION,
  INCIDENT,
  INNOCENT_SERVICE,
  INNOCENT_TAG,
  MIN,
  type Timeline,
  timeline,
} from './support/scenario.js';

/**
 * Issue 6, done when: the built-in engine reaches the right root cause on an incident served entirely by live
 * backends — a real git repository (release tags), a real Prometheus (promtool-backfilled) and real log files —
 * through the MCP host and the built servers, with "now" the wall clock. Nothing here is a dataset folder.
 */

const CLI = path.join(REPO, 'dist/src/cli/rca.js');
const SERVERS = ['git', 'logs', 'metrics'];

let root: string;
let t: Timeline;
let repo: BuiltRepo;
let logs: BuiltLogs;
let prom: RunningPrometheus | undefined;
let configPath: string;
let runtime: Runtime | undefined;
let report: Report | undefined;

/** Only what a child needs: the test's own environment must not choose backends or engines. */
function baseEnv(): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? root };
}

/**
 * Set-up problems (Prometheus not fetched, dist/ not built) are kept and thrown by every test, so each one FAILS with
 * the reason; a throwing beforeAll would only mark the tests skipped.
 */
let setupError: unknown;

function ready(): void {
  if (setupError) throw setupError;
}

beforeAll(async () => {
  try {
    for (const entry of builtEntries()) if (!existsSync(entry)) throw new Error(`${entry} is missing: run npm run build first`);
    root = mkdtempSync(path.join(tmpdir(), 'ip-live-'));
    t = timeline();
    repo = buildRepo(path.join(root, 'shop'), t);
    logs = buildLogs(path.join(root, 'logs'), t);
    prom = await startPrometheus(openMetrics(t));
    configPath = writeLiveConfig(path.join(root, 'mcp-servers.json'), {
      GIT_REPO_PATH: repo.dir,
      GIT_SERVICE_PATHS: 'services/*/**',
      LOGS_PATH: logs.dir,
      PROMETHEUS_URL: prom.url,
    });
  } catch (error) {
    setupError = error;
  }
}, 60_000);

afterAll(async () => {
  await runtime?.close();
  await prom?.stop();
  if (root) rmSync(root, { recursive: true, force: true });
});

function serverOf(result: Report, callId: string): string | undefined {
  return result.toolCalls.find((call) => call.id === callId)?.server;
}

/** What the issue asks of the verdict, for the runtime's report and the CLI's alike. */
function expectCulprit(result: Report): void {
  expect(result.engine).toBe('builtin');
  expect(result.suspect, `summary: ${result.summary}\nalternatives: ${JSON.stringify(result.alternatives)}`).toMatchObject({
    kind: 'deployment',
    service: CULPRIT_SERVICE,
  });
  expect([CULPRIT_TAG, CULPRIT_VERSION]).toContain(result.suspect?.id);
  expect(result.suspect?.id).not.toBe(INNOCENT_TAG);
  expect(result.confidence).not.toBe('low');
}

describe('builtin engine on live backends (git repository, Prometheus, log files)', () => {
  it('built a scenario of real size: thousands of log lines, a rotated .gz, tags in git, data in Prometheus', async () => {
    ready();
    expect(logs.lines).toBeGreaterThan(3_000);
    expect(logs.files).toContain('checkout-api.log.1.gz');
    const rotated = gunzipSync(readFileSync(path.join(logs.dir, 'checkout-api.log.1.gz'))).toString();
    expect(rotated).not.toContain(POOL_EXHAUSTED);
    expect(readFileSync(path.join(logs.dir, 'checkout-api.log'), 'utf8')).toContain(POOL_EXHAUSTED);
    const query = new URL('/api/v1/query', prom!.url);
    query.searchParams.set('query', 'count(http_requests_total)');
    const answer = (await (await fetch(query)).json()) as { data: { result: { value: [number, string] }[] } };
    expect(Number(answer.data.result[0]?.value[1])).toBe(9);
  });

  it('createRuntime starts the three built servers in live mode over the scenario', async () => {
    ready();
    runtime = await createRuntime({ configPath, env: baseEnv() });
    // The runbooks and kubernetes servers start too, with nothing configured: they serve nothing and mix with live servers.
    expect([...new Set(runtime.host.listTools().map((tool) => tool.server))].sort()).toEqual([...SERVERS, 'kubernetes', 'runbooks'].sort());
    const services = await runtime.host.callTool('list_services', {});
    expect(services.structured).toMatchObject({ mode: 'live' });
    // The trap is live: the git server lists the innocent release later than the culprit, closer to the onset.
    const listed = await runtime.host.callTool('get_deployments', { since: '3h' });
    const deployments = (listed.structured?.deployments ?? []) as { id: string; service: string; deployedAt: string }[];
    const innocent = deployments.find((deployment) => deployment.id === INNOCENT_TAG);
    const culprit = deployments.find((deployment) => deployment.id === CULPRIT_TAG);
    expect(culprit?.service).toBe(CULPRIT_SERVICE);
    expect(innocent?.service).toBe(INNOCENT_SERVICE);
    expect(Date.parse(innocent?.deployedAt ?? '')).toBeGreaterThan(Date.parse(culprit?.deployedAt ?? ''));
  }, 60_000);

  it('analyze (builtin) names the culprit release, not the later innocent one', async () => {
    ready();
    runtime ??= await createRuntime({ configPath, env: baseEnv() });
    report = ReportSchema.parse(await runtime.analyze({ incident: INCIDENT, engine: 'builtin' }));
    // Live mode: the window ends at the wall clock, not at any dataset's now, and every call succeeded.
    expect(Math.abs(Date.parse(report.window.end) - Date.now())).toBeLessThan(5 * MIN);
    expect(report.toolCalls.every((call) => call.ok)).toBe(true);
    expect(report.notes ?? []).not.toContainEqual(expect.stringMatching(/failed|outside its contract|not available/));
    const onset = report.timeline.find((entry) => entry.source === 'metrics' && /onset/.test(entry.event));
    expect(onset, JSON.stringify(report.timeline)).toBeDefined();
    expect(Math.abs(Date.parse(onset!.at) - t.onset)).toBeLessThanOrEqual(10 * MIN);
    expectCulprit(report);
  }, 60_000);

  it('the evidence cites calls to all three servers, with verbatim quotes', () => {
    ready();
    expect(report, 'the analysis above did not produce a report').toBeDefined();
    const result = report!;
    const cited = new Set(result.evidence.map((item) => serverOf(result, item.tool)));
    expect([...cited].sort()).toEqual(SERVERS);
    for (const server of SERVERS) {
      const quoted = result.evidence.filter((item) => serverOf(result, item.tool) === server && item.quote);
      expect(quoted.length, `no quoted evidence from ${server}`).toBeGreaterThan(0);
    }
    const quotes = result.evidence.map((item) => item.quote ?? '');
    expect(quotes.some((quote) => quote.includes(CULPRIT_TAG))).toBe(true);
    // A log quote is a line of the real files, as the logs server read it.
    const logQuote = result.evidence.find((item) => serverOf(result, item.tool) === 'logs' && item.quote?.includes(POOL_EXHAUSTED))?.quote;
    expect(logQuote).toBeDefined();
    expect(readFileSync(path.join(logs.dir, 'checkout-api.log'), 'utf8')).toContain(logQuote!.replace(/^.*?\] /, ''));
    // The culprit's commits come from git itself.
    const shas = Object.values(repo.culpritCommits).map((sha) => sha.slice(0, 7));
    expect(
      result.evidence.some(
        (item) => serverOf(result, item.tool) === 'git' && shas.some((sha) => item.quote?.includes(sha) || item.summary.includes(sha)),
      ),
    ).toBe(true);
  });

  it('the built CLI reaches the same verdict (--engine builtin --json --config)', async () => {
    ready();
    const cwd = path.join(root, 'cli-cwd');
    mkdirSync(cwd, { recursive: true });
    const run = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        [CLI, INCIDENT, '--engine', 'builtin', '--json', '--config', configPath],
        { cwd, env: baseEnv(), timeout: 60_000, maxBuffer: 16 * 1024 * 1024 },
        (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr }),
      );
    });
    expect(run.code, run.stderr.slice(-2000)).toBe(0);
    const cliReport = ReportSchema.parse(JSON.parse(run.stdout));
    expectCulprit(cliReport);
    if (report) expect(cliReport.suspect).toEqual(report.suspect);
  }, 60_000);
});
