import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentEvent } from '../../src/agent/types.js';
import { createOllamaEngine } from '../../src/engines/ollama/engine.js';
import { OllamaProvider } from '../../src/engines/ollama/ollama-provider.js';
import { McpHost } from '../../src/host/host.js';
import { ReportSchema } from '../../src/report/schema.js';
import { createRuntime } from '../../src/runtime/runtime.js';
import {
  type ChatBody,
  type FakeOllama,
  type FakeTurn,
  finalAnswer,
  firstToolOutputLine,
  startFakeOllama,
} from '../fakes/ollama/server.js';
import { REPO } from './helpers.js';

/**
 * End to end through the real logs, git and metrics servers (built to dist/) on data/checkout-outage. The scripted
 * model knows nothing of the dataset: it quotes whatever the real tools returned, so the test holds for any data.
 */

const DATA = path.join(REPO, 'data/checkout-outage');
const CONFIG = path.join(REPO, 'mcp-servers.json');
const SERVERS = ['logs', 'git', 'metrics', 'runbooks', 'kubernetes'];
const TOOLS_PER_SERVER: Record<string, number> = { logs: 4, git: 4, metrics: 4, runbooks: 2, kubernetes: 5 };
const TOOLS = [
  'read_logs',
  'search_logs',
  'error_summary',
  'list_services',
  'get_recent_commits',
  'get_deployments',
  'search_commits',
  'get_commit',
  'get_rollouts',
  'get_config_changes',
  'get_workload_health',
  'get_events',
  'get_node_health',
  'list_metrics',
  'get_metrics',
  'get_anomalies',
  'get_error_rates',
  'search_runbooks',
  'read_runbook',
];

let host: McpHost;
let fake: FakeOllama;

/** Turn 1 calls three servers at once; turn 2 stops; the answer quotes the real outputs and one invented line. */
function script(request: ChatBody): FakeTurn {
  const toolResults = request.messages.filter((message) => message.role === 'tool');
  if (request.format) {
    return finalAnswer({
      summary: 'scripted summary',
      rootCause: 'scripted root cause',
      confidence: 'medium',
      timeline: [],
      evidence: [
        { id: 'E1', source: 'logs', tool: 'T1', summary: 'error summary', quote: firstToolOutputLine(request, 'T1') },
        { id: 'E2', source: 'git', tool: 'T2', summary: 'deployments', quote: firstToolOutputLine(request, 'T2') },
        { id: 'E3', source: 'logs', tool: 'T1', summary: 'invented', quote: 'kernel: Out of memory: Killed process 4242 (zz-not-in-data)' },
      ],
      recommendations: ['scripted'],
    });
  }
  if (toolResults.length > 0) return { content: 'enough' };
  return {
    toolCalls: [
      { name: 'error_summary', arguments: { since: '24h' } },
      { name: 'get_deployments', arguments: { since: '24h' } },
      { name: 'list_metrics', arguments: {} },
    ],
  };
}

beforeAll(async () => {
  for (const server of SERVERS) {
    const entry = path.join(REPO, `dist/mcp-servers/${server}/index.js`);
    if (!existsSync(entry)) throw new Error(`${entry} is missing: run npm run build`);
  }
  if (!existsSync(DATA)) throw new Error(`${DATA} is missing`);
  host = await McpHost.fromConfigFile(CONFIG, { ...process.env, DATA_DIR: DATA });
  fake = await startFakeOllama({ script });
});
afterAll(async () => {
  await host?.close();
  await fake?.close();
});

describe('end to end through the real MCP servers', () => {
  it('starts all five servers with the nineteen tools, no clashes', () => {
    expect(host.status().map((server) => [server.name, server.state])).toEqual(SERVERS.map((name) => [name, 'ready']));
    expect(
      host
        .listTools()
        .map((tool) => tool.name)
        .sort(),
    ).toEqual([...TOOLS].sort());
  });

  it('analyses with the Ollama engine: concurrent calls to three servers, real quotes kept, invented dropped', async () => {
    const events: AgentEvent[] = [];
    const engine = createOllamaEngine(host, {
      provider: new OllamaProvider({ host: fake.url, model: 'qwen3:8b' }),
      numCtx: 32_768,
      deadlineMs: 60_000,
      toolTimeoutMs: 15_000,
    });
    const report = await engine.analyze({ incident: '500 errors on checkout API', since: '24h', onEvent: (event) => events.push(event) });
    expect(report.toolCalls.map((call) => [call.server, call.tool, call.ok])).toEqual([
      ['logs', 'error_summary', true],
      ['git', 'get_deployments', true],
      ['metrics', 'list_metrics', true],
    ]);
    const quotes = Object.fromEntries(report.evidence.map((item) => [item.id, item.quote]));
    expect(quotes.E1?.length).toBeGreaterThan(0);
    expect(quotes.E2?.length).toBeGreaterThan(0);
    expect(quotes.E3).toBeUndefined();
    expect(report.notes).toContain('1 quote dropped: not found verbatim in the cited tool output');
    // All three started before the first finished: they were issued together.
    const firstFinished = events.findIndex((event) => event.type === 'tool_finished');
    expect(events.slice(0, firstFinished).filter((event) => event.type === 'tool_started')).toHaveLength(3);
    expect(ReportSchema.safeParse(report).success).toBe(true);
  });
});

describe('runtime end to end', () => {
  it('starts the model from the built-in evidence pack; the pre-analysis calls are in the same report', async () => {
    const runtime = await createRuntime({ dataDir: DATA, configPath: CONFIG, env: { ...process.env, OLLAMA_HOST: fake.url } });
    try {
      const before = fake.requests.length;
      const report = await runtime.analyze({ incident: '500 errors on checkout API', since: '24h', engine: 'ollama' });
      const first = fake.requests[before];
      expect(first?.messages[1]?.content).toContain('A deterministic pre-analysis already ran these tool calls');
      // The model's own three calls come after the correlator's, numbered on from them.
      const own = report.toolCalls.slice(-3).map((call) => call.tool);
      expect(own).toEqual(['error_summary', 'get_deployments', 'list_metrics']);
      expect(report.toolCalls.length).toBeGreaterThan(3);
      expect(report.toolCalls.map((call) => call.id)).toEqual(report.toolCalls.map((_, index) => `T${index + 1}`));
    } finally {
      await runtime.close();
    }
  });
});

describe('rca CLI end to end', () => {
  function rca(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      execFile(
        process.execPath,
        [path.join(REPO, 'dist/src/cli/rca.js'), ...args],
        { cwd: REPO, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env }, timeout: 60_000 },
        (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr }),
      );
    });
  }

  it('--engine ollama --data prints every call and a report; exit 0', async () => {
    const run = await rca(['500 errors on checkout API', '--engine', 'ollama', '--data', 'data/checkout-outage', '--since', '24h'], {
      OLLAMA_HOST: fake.url,
      OLLAMA_EVIDENCE_PACK: 'false',
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    for (const server of SERVERS) expect(run.stdout).toMatch(new RegExp(`✓ ${server}\\s+${TOOLS_PER_SERVER[server] ?? 0} tools`));
    expect(run.stdout).toMatch(/← T1 logs\.error_summary \d+ ms: /);
    expect(run.stdout).toContain('\nRoot Cause\n');
  });

  it('--engine builtin --json prints a valid report; exit 0', async () => {
    const run = await rca(['500 errors on checkout API', '--engine', 'builtin', '--data', 'data/checkout-outage', '--json'], {});
    expect(run.code).toBe(0);
    const report = ReportSchema.parse(JSON.parse(run.stdout));
    expect(report.engine).toBe('builtin');
    expect(report.toolCalls.length).toBeGreaterThan(0);
    // The sample dataset's own runbooks: the pool runbook fits, its payment-provider neighbour does not.
    expect(report.runbook?.id).toBe('checkout-api/db-connection-pool-exhausted.md');
    expect(report.runbook?.section).toBe('Mitigation');
  });
});
