import type { AgentEvent, AnalyzeRequest, ToolOutputRecord } from '../../src/agent/types.js';
import type { Report } from '../../src/report/schema.js';
import { type BotConfig, createSlackBot, type SlackBot } from '../../src/slack/app.js';
import { FakeSlack } from '../fakes/slack/server.js';

export function makeReport(overrides: Partial<Report> = {}): Report {
  return {
    incident: 'checkout returns 502',
    window: { start: '2024-05-01T13:00:00Z', end: '2024-05-01T15:00:00Z' },
    summary: 'Deploy v2.3.1 of checkout exhausted the DB pool',
    rootCause: 'The v2.3.1 deploy lowered the connection pool size from 50 to 5; checkout requests queue and time out.',
    confidence: 'high',
    suspect: { kind: 'deployment', id: 'v2.3.1', service: 'checkout' },
    timeline: [
      { at: '2024-05-01T14:00:00Z', source: 'deployments', event: 'checkout v2.3.1 deployed', evidence: ['E1'] },
      { at: '2024-05-01T14:02:00Z', source: 'logs', event: 'pool exhausted errors start', evidence: ['E2'] },
    ],
    evidence: [
      { id: 'E1', source: 'deployments', tool: 'T1', summary: 'deploy at 14:00', quote: 'deployed checkout v2.3.1' },
      { id: 'E2', source: 'logs', tool: 'T2', summary: 'errors after deploy', quote: 'ERROR pool exhausted (size=5)' },
    ],
    recommendations: ['Roll back checkout to v2.3.0', 'Restore pool size 50'],
    engine: 'scripted',
    toolCalls: [
      { id: 'T1', server: 'git', tool: 'list_deployments', args: { service: 'checkout' }, ms: 12, ok: true },
      { id: 'T2', server: 'logs', tool: 'search_logs', args: { query: 'error' }, ms: 30, ok: true },
    ],
    durationMs: 1234,
    ...overrides,
  };
}

export interface ScriptedCall {
  request: AnalyzeRequest;
}

/**
 * An analyze function that emits tool events like an engine and returns a report. `hold` keeps it running until
 * released or aborted, so tests can look at queued/running states without timing assumptions.
 */
/** An engine that waits inside its analysis until released: the analysis stays running for as long as a test needs. */
export function heldEngine(): ScriptedEngine {
  const engine = new ScriptedEngine();
  engine.hold = true;
  return engine;
}

export class ScriptedEngine {
  readonly requests: AnalyzeRequest[] = [];
  toolCalls = 2;
  /** Called before each tool event; tests use it to wait for Slack state (e.g. the previous reply). */
  beforeTool?: (index: number) => Promise<void>;
  notes: string[] = [];
  /** Stage titles emitted before the tool calls, as an engine with a plan does. */
  stages: string[] = [];
  /** Tool outputs handed to the recorder (what a real engine's tool calls return); the next run uses them. */
  outputs: ToolOutputRecord[] = [];
  reportOverrides: Partial<Report> = {};
  fail?: Error;
  private holds: (() => void)[] = [];
  hold = false;

  release(): void {
    for (const resume of this.holds.splice(0)) resume();
  }

  get held(): number {
    return this.holds.length;
  }

  analyze = async (request: AnalyzeRequest): Promise<Report> => {
    this.requests.push(request);
    const emit = (event: AgentEvent) => request.onEvent?.(event);
    emit({ type: 'started', engine: 'scripted', incident: request.incident });
    if (this.hold) {
      await new Promise<void>((resolve) => {
        this.holds.push(resolve);
        request.signal?.addEventListener('abort', () => resolve(), { once: true });
      });
      request.signal?.throwIfAborted();
    }
    for (const title of this.stages) emit({ type: 'stage', title });
    for (let i = 0; i < this.toolCalls; i++) {
      await this.beforeTool?.(i);
      const call = {
        callId: `T${i + 1}`,
        server: i % 2 ? 'logs' : 'git',
        tool: i % 2 ? 'search_logs' : 'list_deployments',
        args: { service: 'checkout', n: i },
      };
      emit({ type: 'tool_started', ...call });
      emit({ type: 'tool_finished', ...call, ok: true, ms: 10 + i, summary: `result ${i + 1}: 42 lines` });
    }
    for (const output of this.outputs) request.onToolOutput?.(output);
    for (const note of this.notes) emit({ type: 'note', message: note });
    if (this.fail) throw this.fail;
    return makeReport({ incident: request.incident, ...this.reportOverrides });
  };
}

export function botConfig(fake: FakeSlack, overrides: Partial<BotConfig> = {}): BotConfig {
  return {
    SLACK_BOT_TOKEN: 'xoxb-fake-bot-token',
    SLACK_APP_TOKEN: 'xapp-fake-app-token',
    SLACK_SIGNING_SECRET: undefined,
    PORT: 0,
    SLACK_API_URL: fake.apiUrl,
    ANALYSIS_CONCURRENCY: 2,
    QUEUE_MAX: 10,
    ANALYSIS_TIMEOUT_MS: 60_000,
    ALERT_CHANNELS: ['C0ALERTS'],
    ALERT_COOLDOWN: 15 * 60_000,
    FEEDBACK_FILE: undefined,
    SLACK_LOG_LEVEL: 'error',
    ...overrides,
  };
}

export interface Harness {
  fake: FakeSlack;
  bot: SlackBot;
  engine: ScriptedEngine;
  /** The listener's port (alert webhooks, /metrics) when one was started. */
  port?: number;
  close(): Promise<void>;
}

export async function startSocketHarness(overrides: Partial<BotConfig> = {}, engine = new ScriptedEngine()): Promise<Harness> {
  const fake = await FakeSlack.start();
  const bot = createSlackBot({ config: botConfig(fake, overrides), analyze: engine.analyze, pacingMs: 5 });
  const { port } = await bot.start();
  return {
    fake,
    bot,
    ...(port !== undefined ? { port } : {}),
    engine,
    async close() {
      engine.release();
      await bot.stop();
      await fake.close();
    },
  };
}
