import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster } from '../../scripts/datasets/kube.js';
import { Rng } from '../../scripts/datasets/prng.js';
import { type Report, ReportSchema } from '../../src/report/schema.js';
import { datasetToGitHubFixture } from '../fakes/github/from-dataset.js';
import { type FakeGitHub, startFakeGitHub } from '../fakes/github/server.js';
import { type FakeKube, startFakeKube } from '../fakes/kubernetes/server.js';
import { REPO } from './helpers.js';

/**
 * The "done when": with only a kubeconfig and a GitHub repository configured (no clone, no log files, no
 * metrics: those servers serve nothing), `npm run rca` (the built CLI, the repository's own mcp-servers.json) names the bad rollout and the
 * OOM-killed workload of a cluster served by the fake API server, through @kubernetes/client-node and Octokit.
 * The cluster's times are relative to the wall clock: with no logs or metrics, "now" is the wall clock.
 */

const CLI = path.join(REPO, 'dist/src/cli/rca.js');
const CONFIG = path.join(REPO, 'mcp-servers.json');
const MINUTE = 60_000;
const REPOSITORY = 'acme/shop';
const TOKEN = 'ghp_e2e-token-never-printed';
const SHA = 'c0ffee0123456789abcdef0123456789abcdef01';

let kube: FakeKube;
let github: FakeGitHub;
let kubeconfig: string;

/** checkout-api's v2.4.0 rollout 25 min ago cannot pull its image and stalls; report-worker is OOM-killed meanwhile. */
function writeCluster(dir: string, now: number): void {
  const cluster = new Cluster(new Rng('cluster-e2e'), now);
  const nodes = ['node-a', 'node-b'];
  for (const node of nodes) cluster.node(node);
  const image = 'ghcr.io/acme/checkout-api:v2.4.0';
  cluster.workload({
    name: 'checkout-api',
    namespace: 'shop',
    replicas: 4,
    nodes,
    stuckAt: now - 15 * MINUTE,
    trouble: { imagePull: { from: now - 25 * MINUTE, message: `${image}: not found` } },
    revisions: [
      { at: now - 3 * 24 * 60 * MINUTE, image: 'ghcr.io/acme/checkout-api:v2.3.9', replicas: 3 },
      { at: now - 25 * MINUTE, image, replicas: 2, ready: 0 },
    ],
  });
  cluster.workload({
    name: 'report-worker',
    namespace: 'shop',
    replicas: 2,
    nodes,
    trouble: { oomKilled: { from: now - 40 * MINUTE, restarts: 4 } },
    revisions: [{ at: now - 5 * 24 * 60 * MINUTE, image: 'ghcr.io/acme/report-worker:v1.8.2', memoryLimit: '256Mi', ready: 1 }],
  });
  mkdirSync(path.join(dir, 'kubernetes'), { recursive: true });
  for (const { file, list } of cluster.files()) writeFileSync(path.join(dir, 'kubernetes', file), JSON.stringify(list));
}

function rca(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const cwd = mkdtempSync(path.join(tmpdir(), 'ip-cluster-e2e-'));
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { cwd, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env }, timeout: 60_000 },
      (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr }),
    );
  });
}

beforeAll(async () => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first`);
  const now = Date.now();
  const dir = mkdtempSync(path.join(tmpdir(), 'ip-cluster-'));
  writeCluster(dir, now);
  kube = await startFakeKube({ dataDir: dir });
  kubeconfig = kube.writeKubeconfig(path.join(dir, 'kubeconfig'));
  const at = (minutesAgo: number) => new Date(now - minutesAgo * MINUTE).toISOString();
  github = await startFakeGitHub(
    datasetToGitHubFixture(
      REPOSITORY,
      [
        {
          sha: SHA,
          author: 'Dana Ode',
          date: at(50),
          message: 'feat(checkout): one-click reorder',
          files: ['checkout-api/src/reorder.ts'],
        },
      ],
      [
        {
          id: '4401',
          service: 'checkout-api',
          version: 'v2.4.0',
          environment: 'production',
          status: 'succeeded',
          deployed_at: at(26),
          commits: [SHA],
        },
      ],
    ),
    { repository: REPOSITORY, token: TOKEN },
  );
}, 60_000);

afterAll(async () => {
  await kube?.close();
  await github?.close();
});

describe('rca with only a kubeconfig and a GitHub repository', () => {
  let report: Report;
  let run: { code: number | null; stdout: string; stderr: string };

  beforeAll(async () => {
    // No --without: the logs, metrics and runbooks servers see the kubeconfig, serve nothing (data source none) and
    // say so, instead of the sample dataset the host would refuse to mix with live servers.
    const args = ['checkout is failing, what broke?', '--engine', 'builtin', '--json', '--since', '2h', '--config', CONFIG];
    run = await rca(args, {
      KUBECONFIG: kubeconfig,
      GITHUB_REPOSITORY: REPOSITORY,
      GITHUB_TOKEN: TOKEN,
      GITHUB_API_URL: github.url,
    });
    report = ReportSchema.parse(JSON.parse(run.stdout));
  }, 90_000);

  it('names the bad rollout as the suspect, as the GitHub deployment it shipped', () => {
    expect(report.suspect).toMatchObject({ kind: 'deployment', service: 'checkout-api' });
    expect(['4401', 'v2.4.0']).toContain(report.suspect?.id);
    expect(report.rootCause).toContain('ImagePullBackOff');
  });

  it('names the OOM-killed workload', () => {
    const text = [report.summary, report.rootCause, ...report.evidence.map((item) => item.summary)].join('\n');
    expect(text).toMatch(/report-worker OOMKilled/);
  });

  it('read the cluster and GitHub through their APIs, and never printed the token', () => {
    expect(kube.requests.length).toBeGreaterThan(0);
    expect(github.requests.length).toBeGreaterThan(0);
    expect(report.toolCalls.map((call) => call.tool)).toEqual(
      expect.arrayContaining(['get_rollouts', 'get_workload_health', 'get_deployments']),
    );
    expect(`${run.stdout}${run.stderr}`).not.toContain(TOKEN);
  });

  it('ran every server: logs, metrics and runbooks serve nothing, are not missing, and no sample data leaked in', () => {
    expect(report.incomplete ?? []).toEqual([]);
    expect(report.sampleData).toBeUndefined();
    expect(run.stderr).toMatch(
      /no logs configured: set LOGS_PATH, LOKI_URL, ELASTICSEARCH_URL or JOURNAL_PATH; [A-Z_]+ reads live systems/,
    );
    expect(run.stderr).not.toMatch(/HikariPool|checkout-outage/);
  });
});
