import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { describe, expect, it } from 'vitest';
import { configFromEnv as gitConfig } from '../../mcp-servers/git/config.js';
import { createServer as createGitServer } from '../../mcp-servers/git/server.js';
import { loadConfig as kubeConfig } from '../../mcp-servers/kubernetes/config.js';
import { configFromEnv as logsConfig } from '../../mcp-servers/logs/config.js';
import { createServer as createLogsServer } from '../../mcp-servers/logs/server.js';
import { loadConfig as metricsConfig } from '../../mcp-servers/metrics/config.js';
import { createServer as createMetricsServer } from '../../mcp-servers/metrics/server.js';
import { configFromEnv as runbooksConfig } from '../../mcp-servers/runbooks/config.js';
import { dataSourceLine } from '../../mcp-servers/shared/data-source.js';
import { LIVE_SWITCHES, type LiveSwitch, liveElsewhere } from '../../mcp-servers/shared/live-switches.js';
import { checkDataSources, parseDataSource } from '../../src/host/data-source.js';
import { connectInProcess } from '../support/in-process.js';

/** A value that switches each variable on; the config checks of the server owning it never run here. */
const ON: Record<LiveSwitch, string> = {
  LOGS_PATH: '/var/log/app',
  LOKI_URL: 'http://loki:3100',
  ELASTICSEARCH_URL: 'http://es:9200',
  JOURNAL_PATH: '/var/log/journal',
  GIT_REPO_PATH: '/src/shop',
  GITHUB_REPOSITORY: 'acme/shop',
  GITLAB_PROJECT: 'acme/shop',
  PROMETHEUS_URL: 'http://prometheus:9090',
  KUBECONFIG: '/home/ops/.kube/config',
  KUBE_CONTEXT: 'prod',
  KUBE_IN_CLUSTER: 'true',
};

const SAMPLE = path.resolve('data/checkout-outage');

/** A dataset with a kubernetes/ folder (the bundled default has none), so the Kubernetes server has a sample to serve. */
function kubeDataset(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'ip-live-switches-'));
  mkdirSync(path.join(dir, 'kubernetes'));
  return dir;
}

const METRICS_KIND = { prometheus: 'live', dataset: 'sample', none: 'none' } as const;
const KUBE_KIND = { api: 'live', dataset: 'sample', none: 'none' } as const;

/** What each server serves for an environment: live, sample or none. */
const servers: Record<string, { own: readonly LiveSwitch[]; kind: (env: NodeJS.ProcessEnv) => 'live' | 'sample' | 'none' }> = {
  logs: {
    own: ['LOGS_PATH', 'LOKI_URL', 'ELASTICSEARCH_URL', 'JOURNAL_PATH'],
    kind: (env) => {
      const config = logsConfig(env);
      return config.noneReason ? 'none' : config.logsPath ? 'live' : 'sample';
    },
  },
  metrics: {
    own: ['PROMETHEUS_URL'],
    kind: (env) => METRICS_KIND[metricsConfig(env).backend],
  },
  git: {
    own: ['GIT_REPO_PATH', 'GITHUB_REPOSITORY', 'GITLAB_PROJECT'],
    kind: (env) => {
      // The hosted switches need their companions (token, instance) to pass the git server's own checks.
      const companions = {
        ...(env.GITHUB_REPOSITORY ? { GITHUB_TOKEN: 't' } : {}),
        ...(env.GITLAB_PROJECT ? { GITLAB_URL: 'https://gitlab.com', GITLAB_TOKEN: 't' } : {}),
      };
      const config = gitConfig({ ...companions, ...env });
      return config.noneReason ? 'none' : config.repoPath || config.github || config.gitlab ? 'live' : 'sample';
    },
  },
  runbooks: {
    own: [],
    kind: (env) => {
      const config = runbooksConfig(env);
      return config.sampleDataset ? 'sample' : config.paths.length > 0 ? 'live' : 'none';
    },
  },
  kubernetes: {
    own: ['KUBECONFIG', 'KUBE_CONTEXT', 'KUBE_IN_CLUSTER'],
    kind: (env) => KUBE_KIND[kubeConfig(env).backend],
  },
};

describe('the shared live switches', () => {
  it('lists every server’s live variables', () => {
    expect([...LIVE_SWITCHES].sort()).toEqual(Object.keys(ON).sort());
    for (const server of Object.values(servers)) for (const name of server.own) expect(LIVE_SWITCHES).toContain(name);
  });

  it('KUBE_IN_CLUSTER counts only when true; blank values never count; an explicit DATA_DIR always wins', () => {
    for (const value of ['true', 'TRUE', '1', 'yes']) expect(liveElsewhere({ KUBE_IN_CLUSTER: value }, [])).toBe('KUBE_IN_CLUSTER');
    for (const value of ['false', '0', 'no', '']) expect(liveElsewhere({ KUBE_IN_CLUSTER: value }, [])).toBeUndefined();
    expect(liveElsewhere({ LOGS_PATH: '  ' }, [])).toBeUndefined();
    expect(liveElsewhere({ LOGS_PATH: '/x' }, ['LOGS_PATH'])).toBeUndefined();
    expect(liveElsewhere({ LOGS_PATH: '/x', DATA_DIR: SAMPLE }, [])).toBeUndefined();
    expect(liveElsewhere({ LOGS_PATH: '/x', DATA_DIR: ' ' }, [])).toBe('LOGS_PATH');
  });

  for (const [name, server] of Object.entries(servers)) {
    describe(`the ${name} server`, () => {
      const dataDir = name === 'kubernetes' ? kubeDataset() : SAMPLE;

      it('serves nothing when any other server’s switch is set, and the sample with an explicit DATA_DIR', () => {
        for (const other of LIVE_SWITCHES.filter((s) => !server.own.includes(s))) {
          expect({ other, kind: server.kind({ [other]: ON[other] }) }).toEqual({ other, kind: 'none' });
          expect({ other, kind: server.kind({ [other]: ON[other], DATA_DIR: dataDir }) }).toEqual({ other, kind: 'sample' });
        }
      });

      it('serves the sample with nothing set (where the dataset has one)', () => {
        expect(server.kind({ DATA_DIR: dataDir })).toBe('sample');
        if (name !== 'kubernetes') expect(server.kind({})).toBe('sample');
      });
    });
  }

  it('each server’s own switch still reads live systems', () => {
    const kubeconfig = path.join(mkdtempSync(path.join(tmpdir(), 'ip-kubeconfig-')), 'config');
    writeFileSync(kubeconfig, 'apiVersion: v1\nkind: Config\n');
    expect(servers.logs?.kind({ LOGS_PATH: '/var/log/app', KUBECONFIG: kubeconfig })).toBe('live');
    expect(servers.metrics?.kind({ PROMETHEUS_URL: ON.PROMETHEUS_URL, KUBECONFIG: kubeconfig })).toBe('live');
    for (const own of ['GIT_REPO_PATH', 'GITHUB_REPOSITORY', 'GITLAB_PROJECT'] as const)
      expect(servers.git?.kind({ [own]: ON[own], KUBECONFIG: kubeconfig })).toBe('live');
    expect(servers.kubernetes?.kind({ KUBECONFIG: kubeconfig, LOGS_PATH: '/var/log/app' })).toBe('live');
  });
});

async function callTool(client: Client, name: string, args: Record<string, unknown>) {
  const result = await client.callTool({ name, arguments: args });
  const text = (result.content as { text?: string }[]).map((c) => c.text ?? '').join('\n');
  return { text, isError: result.isError === true };
}

describe('a server with nothing configured while another is live', () => {
  const env = { KUBECONFIG: ON.KUBECONFIG };
  const cases = [
    {
      name: 'logs',
      server: () => createLogsServer(logsConfig(env)),
      calls: [
        ['list_services', {}],
        ['error_summary', { since: '2h', service: 'checkout-api' }],
        ['search_logs', { pattern: 'timeout' }],
        ['read_logs', { since: '30m' }],
      ],
      set: 'set LOGS_PATH, LOKI_URL, ELASTICSEARCH_URL or JOURNAL_PATH',
    },
    {
      name: 'metrics',
      server: () => createMetricsServer({ config: metricsConfig(env) }),
      calls: [
        ['list_metrics', {}],
        ['get_metrics', { metric: 'http_requests_total' }],
        ['get_anomalies', { since: '1h', service: 'checkout-api' }],
        ['get_error_rates', { service: 'checkout-api' }],
      ],
      set: 'set PROMETHEUS_URL',
    },
    {
      name: 'git',
      server: () => createGitServer(gitConfig(env)),
      calls: [
        ['get_recent_commits', { since: '2h', service: 'checkout-api' }],
        ['get_deployments', { service: 'checkout-api' }],
        ['search_commits', { query: 'pool' }],
      ],
      set: 'set GIT_REPO_PATH, GITHUB_REPOSITORY or GITLAB_PROJECT',
    },
  ] as const;

  for (const c of cases) {
    it(`${c.name}: declares none, mixes with a live server, and every tool says what to set without an error`, async () => {
      const conn = await connectInProcess(c.server(), `${c.name}-none-test`);
      try {
        const source = parseDataSource(c.name, conn.client.getInstructions());
        expect(source.kind).toBe('none');
        expect(conn.client.getInstructions()).toContain(c.set);
        const live = parseDataSource('kubernetes', dataSourceLine({ kind: 'live', detail: 'KUBECONFIG' }));
        expect(checkDataSources([source, live])).toEqual({});
        for (const [tool, args] of c.calls) {
          const answer = await callTool(conn.client, tool, args);
          expect({ tool, isError: answer.isError }).toEqual({ tool, isError: false });
          expect(answer.text).toContain(c.set);
          expect(answer.text).toContain('KUBECONFIG reads live systems');
        }
      } finally {
        await conn.close();
      }
    });
  }
});
