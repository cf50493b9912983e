import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { HostTool } from '../src/agent/types.js';
import { createOllamaEngine } from '../src/engines/ollama/engine.js';
import { OllamaProvider } from '../src/engines/ollama/ollama-provider.js';
import { McpHost } from '../src/host/host.js';
import { finalAnswer, startFakeOllama } from '../test/fakes/ollama/server.js';

/**
 * Engine-side figures: MCP host start-up, tool call latency per server (p50/p95), and a full Ollama-engine analysis
 * against a scripted fake Ollama (so the figure is the loop's own overhead: HTTP, JSON, tool calls, checks).
 * Run: npm run build && node dist/bench/engine.js [--data DIR] [--calls N]
 */

/** Start-ups measured; each spawns every configured server. */
const STARTS = 3;
/** Calls per server for the latency percentiles. */
const DEFAULT_CALLS = 50;
/** Full analyses measured. */
const ANALYSES = 5;

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] as number;
}

const fmt = (ms: number) => `${ms.toFixed(1)} ms`;

/** Words for a tool that needs something to search for (runbooks refuse an empty search). */
const PROBE_QUERY = '500 errors on checkout API';

interface Probe {
  tool: HostTool;
  args: Record<string, unknown>;
}

/**
 * A call of the server that answers without error, so the latency row measures work, not a refusal: the first tool
 * needing no arguments that answers with none, or with only a query when it takes one.
 */
async function findProbe(host: McpHost, tools: HostTool[], server: string): Promise<Probe | undefined> {
  const candidates = tools.filter((tool) => tool.server === server && !((tool.inputSchema.required as unknown[] | undefined)?.length ?? 0));
  for (const tool of candidates) {
    const properties = (tool.inputSchema.properties ?? {}) as Record<string, unknown>;
    const attempts: Record<string, unknown>[] = [{}, ...('query' in properties ? [{ query: PROBE_QUERY }] : [])];
    for (const args of attempts) {
      if ((await host.callTool(tool.name, args)).ok) return { tool, args };
    }
  }
  return undefined;
}

export interface EngineBenchResult {
  startupMs: number[];
  latency: Array<{ server: string; tool: string; p50: number; p95: number; failed: number }>;
  analysisMs: number[];
}

export async function runEngineBench(options: { configPath?: string; dataDir?: string; calls?: number } = {}): Promise<EngineBenchResult> {
  const configPath = path.resolve(options.configPath ?? 'mcp-servers.json');
  const env = { ...process.env, ...(options.dataDir ? { DATA_DIR: path.resolve(options.dataDir) } : {}) };
  const calls = options.calls ?? DEFAULT_CALLS;

  const startupMs: number[] = [];
  for (let i = 0; i < STARTS; i += 1) {
    const started = performance.now();
    const host = await McpHost.fromConfigFile(configPath, env);
    startupMs.push(performance.now() - started);
    await host.close();
  }

  const host = await McpHost.fromConfigFile(configPath, env);
  try {
    const tools = host.listTools();
    const servers = host.status().filter((server) => server.state === 'ready');
    const latency: EngineBenchResult['latency'] = [];
    const probes: Probe[] = [];
    for (const server of servers) {
      const probe = await findProbe(host, tools, server.name);
      if (!probe) {
        console.error(`engine bench: no tool of ${server.name} answers without arguments; left out`);
        continue;
      }
      probes.push(probe);
      const { tool, args } = probe;
      const times: number[] = [];
      let failed = 0;
      for (let i = 0; i < calls; i += 1) {
        const started = performance.now();
        const outcome = await host.callTool(tool.name, args);
        times.push(performance.now() - started);
        if (!outcome.ok) failed += 1;
      }
      times.sort((a, b) => a - b);
      latency.push({ server: server.name, tool: tool.name, p50: percentile(times, 50), p95: percentile(times, 95), failed });
    }

    // One turn calling one tool per server at once, a closing turn, then the structured answer.
    const fake = await startFakeOllama({
      script: (request) => {
        if (request.format) {
          return finalAnswer({
            summary: 'bench',
            rootCause: 'bench',
            confidence: 'low',
            timeline: [],
            evidence: [],
            recommendations: [],
          });
        }
        const called = request.messages.some((message) => message.role === 'tool');
        return called ? { content: 'done' } : { toolCalls: probes.map(({ tool, args }) => ({ name: tool.name, arguments: args })) };
      },
    });
    const analysisMs: number[] = [];
    try {
      const engine = createOllamaEngine(host, {
        provider: new OllamaProvider({ host: fake.url, model: 'qwen3:8b' }),
        numCtx: 32_768,
        deadlineMs: 60_000,
      });
      for (let i = 0; i < ANALYSES; i += 1) {
        const started = performance.now();
        await engine.analyze({ incident: '500 errors on checkout API', since: '2h' });
        analysisMs.push(performance.now() - started);
      }
    } finally {
      await fake.close();
    }
    return { startupMs, latency, analysisMs };
  } finally {
    await host.close();
  }
}

export function printEngineBench(result: EngineBenchResult): void {
  const median = (values: number[]) =>
    percentile(
      [...values].sort((a, b) => a - b),
      50,
    );
  console.log('engine bench');
  console.log(`  host start-up (all servers, ${result.startupMs.length} runs): median ${fmt(median(result.startupMs))}`);
  for (const row of result.latency) {
    console.log(`  ${row.server}.${row.tool}: p50 ${fmt(row.p50)}, p95 ${fmt(row.p95)}${row.failed ? ` (${row.failed} failed)` : ''}`);
  }
  console.log(
    `  full analysis, scripted fake Ollama (${result.analysisMs.length} runs): median ${fmt(median(result.analysisMs))}, max ${fmt(Math.max(...result.analysisMs))}`,
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const argv = process.argv.slice(2);
  const value = (flag: string) => {
    const index = argv.indexOf(flag);
    return index >= 0 ? argv[index + 1] : undefined;
  };
  const dataDir = value('--data');
  const calls = value('--calls');
  runEngineBench({ ...(dataDir ? { dataDir } : {}), ...(calls ? { calls: Number(calls) } : {}) }).then(
    printEngineBench,
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
