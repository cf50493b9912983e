import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/**
 * The bot's own Prometheus metrics (prom-client): one registry per process, fed at a few seams (the worker's
 * start/finish, agent events, host events, the Slack client's fetch, webhook answers, access refusals, redaction
 * counts). Label values come from fixed sets or from configuration (MCP server and tool names, redaction kinds),
 * never from incident text, channels or people; anything unexpected is folded into "other", and each label keeps at
 * most MAX_LABEL_VALUES distinct values, so the series count stays bounded whatever is analysed.
 */

/** Distinct values one label may take before new ones become "other": more MCP tools than any config has. */
export const MAX_LABEL_VALUES = 64;
/** Longest label value kept; longer is not a name from configuration. */
const MAX_LABEL_CHARS = 64;
const LABEL_VALUE = /^[A-Za-z0-9_.:-]+$/;

export const ORIGINS = ['command', 'mention', 'followup', 'alert', 'rerun'] as const;
export const OUTCOMES = ['done', 'failed', 'cancelled', 'interrupted', 'incomplete'] as const;
export const ENGINES = ['ollama', 'builtin', 'auto', 'other'] as const;
export type AnalysisOutcome = (typeof OUTCOMES)[number];

const PREFIX = 'incidentpilot_';
/** Analyses take seconds to minutes; the deadline is at most an hour. */
const DURATION_BUCKETS = [1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 1200, 3600];
/** The first progress reply should come within seconds; a slow model start shows up in the upper buckets. */
const FIRST_PROGRESS_BUCKETS = [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60];
/** Tool calls range from a cached lookup (ms) to a scan of a big log file (tens of seconds). */
const TOOL_BUCKETS = [0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/** Keeps a label's values to a known list, or to configuration-like names capped in number. */
class LabelValues {
  private readonly seen = new Map<string, Set<string>>();

  fixed<T extends string>(value: string | undefined, allowed: readonly T[]): T | 'other' {
    return value !== undefined && (allowed as readonly string[]).includes(value) ? (value as T) : 'other';
  }

  named(label: string, value: string | undefined): string {
    if (!value || value.length > MAX_LABEL_CHARS || !LABEL_VALUE.test(value)) return 'other';
    let values = this.seen.get(label);
    if (!values) {
      values = new Set();
      this.seen.set(label, values);
    }
    if (values.has(value)) return value;
    if (values.size >= MAX_LABEL_VALUES) return 'other';
    values.add(value);
    return value;
  }
}

/** 'ollama:qwen3:8b' → 'ollama'; the model name is configuration, but one label per family is enough. */
export function engineFamily(engine: string | undefined): (typeof ENGINES)[number] {
  const family = engine?.split(':')[0]?.trim();
  return (ENGINES as readonly string[]).includes(family ?? '') ? (family as (typeof ENGINES)[number]) : 'other';
}

export class BotMetrics {
  readonly registry = new Registry();
  private readonly labels = new LabelValues();
  readonly analysesStarted: Counter<'origin' | 'engine'>;
  readonly analysesFinished: Counter<'origin' | 'engine' | 'outcome'>;
  readonly analysisDuration: Histogram<'origin' | 'outcome'>;
  readonly firstProgress: Histogram<'origin'>;
  readonly queued: Gauge;
  readonly running: Gauge;
  readonly queueLimit: Gauge;
  readonly toolCalls: Counter<'server' | 'tool' | 'outcome'>;
  readonly toolDuration: Histogram<'server' | 'tool'>;
  readonly serverRestarts: Counter<'server'>;
  readonly serverUp: Gauge<'server'>;
  readonly slackRequests: Counter<'method' | 'outcome'>;
  readonly slackRetries: Counter<'method'>;
  readonly modelCalls: Counter<'engine'>;
  readonly modelTokens: Counter<'kind'>;
  readonly webhookDeliveries: Counter<'code'>;
  readonly accessRefusals: Counter<'reason'>;
  readonly redactions: Counter<'kind'>;
  private load: () => { running: number; queued: number } = () => ({ running: 0, queued: 0 });

  constructor() {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: PREFIX });
    this.analysesStarted = new Counter({
      name: `${PREFIX}analyses_started_total`,
      help: 'Analyses that took a slot and started, by trigger origin and configured engine',
      labelNames: ['origin', 'engine'],
      registers,
    });
    this.analysesFinished = new Counter({
      name: `${PREFIX}analyses_finished_total`,
      help: 'Analyses that ended, by origin, engine and outcome (done, failed, cancelled, interrupted, incomplete)',
      labelNames: ['origin', 'engine', 'outcome'],
      registers,
    });
    this.analysisDuration = new Histogram({
      name: `${PREFIX}analysis_duration_seconds`,
      help: 'From taking a slot to the end of an analysis',
      labelNames: ['origin', 'outcome'],
      buckets: DURATION_BUCKETS,
      registers,
    });
    this.firstProgress = new Histogram({
      name: `${PREFIX}analysis_first_progress_seconds`,
      help: 'From taking a slot to the first progress event (a tool call or model round)',
      labelNames: ['origin'],
      buckets: FIRST_PROGRESS_BUCKETS,
      registers,
    });
    const load = () => this.load();
    this.queued = new Gauge({
      name: `${PREFIX}analyses_queued`,
      help: 'Analyses waiting for a slot',
      registers,
      collect() {
        this.set(load().queued);
      },
    });
    this.running = new Gauge({
      name: `${PREFIX}analyses_running`,
      help: 'Analyses holding a slot',
      registers,
      collect() {
        this.set(load().running);
      },
    });
    this.queueLimit = new Gauge({
      name: `${PREFIX}analyses_queue_limit`,
      help: 'QUEUE_MAX: analyses that may wait before new ones are refused as busy',
      registers,
    });
    this.toolCalls = new Counter({
      name: `${PREFIX}tool_calls_total`,
      help: 'MCP tool calls by server, tool and outcome (ok, error)',
      labelNames: ['server', 'tool', 'outcome'],
      registers,
    });
    this.toolDuration = new Histogram({
      name: `${PREFIX}tool_call_duration_seconds`,
      help: 'MCP tool call latency',
      labelNames: ['server', 'tool'],
      buckets: TOOL_BUCKETS,
      registers,
    });
    this.serverRestarts = new Counter({
      name: `${PREFIX}mcp_server_restarts_total`,
      help: 'MCP server processes that exited and were restarted',
      labelNames: ['server'],
      registers,
    });
    this.serverUp = new Gauge({
      name: `${PREFIX}mcp_server_up`,
      help: '1 while an MCP server is ready, 0 while it is down, restarting or given up',
      labelNames: ['server'],
      registers,
    });
    this.slackRequests = new Counter({
      name: `${PREFIX}slack_api_requests_total`,
      help: 'Slack Web API HTTP requests (each retry is one) by method and outcome (ok, rate_limited, error)',
      labelNames: ['method', 'outcome'],
      registers,
    });
    this.slackRetries = new Counter({
      name: `${PREFIX}slack_api_retries_total`,
      help: 'Slack Web API requests that repeated a failed one (429, 5xx, network error)',
      labelNames: ['method'],
      registers,
    });
    this.modelCalls = new Counter({
      name: `${PREFIX}model_calls_total`,
      help: 'Model rounds (one chat request each)',
      labelNames: ['engine'],
      registers,
    });
    this.modelTokens = new Counter({
      name: `${PREFIX}model_tokens_total`,
      help: 'Tokens Ollama reported: kind=prompt (prompt_eval_count) or output (eval_count)',
      labelNames: ['kind'],
      registers,
    });
    this.webhookDeliveries = new Counter({
      name: `${PREFIX}webhook_deliveries_total`,
      help: 'Alert webhook requests by the HTTP status answered',
      labelNames: ['code'],
      registers,
    });
    this.accessRefusals = new Counter({
      name: `${PREFIX}access_refusals_total`,
      help: 'Requests the access policy refused, by reason',
      labelNames: ['reason'],
      registers,
    });
    this.redactions = new Counter({
      name: `${PREFIX}redactions_total`,
      help: 'Values masked before reaching the model, by kind',
      labelNames: ['kind'],
      registers,
    });
  }

  /** Where the queue gauges read from (the analysis service), and its QUEUE_MAX. */
  watchLoad(load: () => { running: number; queued: number }, queueMax: number): void {
    this.load = load;
    this.queueLimit.set(queueMax);
  }

  /** The configured engine (ANALYSIS_ENGINE), the label of analyses before their report says which one ran. */
  configuredEngine: string | undefined;

  analysisStarted(origin: string): void {
    this.analysesStarted.inc({ origin: this.labels.fixed(origin, ORIGINS), engine: engineFamily(this.configuredEngine) });
  }

  analysisFinished(origin: string, engine: string | undefined, outcome: AnalysisOutcome, seconds: number | undefined): void {
    const o = this.labels.fixed(origin, ORIGINS);
    this.analysesFinished.inc({ origin: o, engine: engineFamily(engine ?? this.configuredEngine), outcome });
    if (seconds !== undefined && seconds >= 0) this.analysisDuration.observe({ origin: o, outcome }, seconds);
  }

  firstProgressAfter(origin: string, seconds: number): void {
    this.firstProgress.observe({ origin: this.labels.fixed(origin, ORIGINS) }, Math.max(0, seconds));
  }

  toolCall(server: string, tool: string, ok: boolean, ms: number): void {
    const labels = { server: this.labels.named('server', server), tool: this.labels.named('tool', tool) };
    this.toolCalls.inc({ ...labels, outcome: ok ? 'ok' : 'error' });
    this.toolDuration.observe(labels, Math.max(0, ms) / 1000);
  }

  serverState(server: string, up: boolean, restarted = false): void {
    const name = this.labels.named('server', server);
    this.serverUp.set({ server: name }, up ? 1 : 0);
    if (restarted) this.serverRestarts.inc({ server: name });
  }

  slackRequest(method: string, outcome: 'ok' | 'rate_limited' | 'error', retry: boolean): void {
    const name = this.labels.named('method', method);
    this.slackRequests.inc({ method: name, outcome });
    if (retry) this.slackRetries.inc({ method: name });
  }

  modelRound(engine: string | undefined, promptTokens: number | undefined, outputTokens: number | undefined): void {
    this.modelCalls.inc({ engine: engineFamily(engine) });
    if (promptTokens !== undefined && promptTokens > 0) this.modelTokens.inc({ kind: 'prompt' }, promptTokens);
    if (outputTokens !== undefined && outputTokens > 0) this.modelTokens.inc({ kind: 'output' }, outputTokens);
  }

  webhookDelivery(status: number): void {
    this.webhookDeliveries.inc({ code: Number.isInteger(status) && status >= 100 && status < 600 ? String(status) : 'other' });
  }

  accessRefused(reason: string): void {
    this.accessRefusals.inc({ reason: this.labels.named('reason', reason) });
  }

  redacted(counts: Record<string, number>): void {
    for (const [kind, count] of Object.entries(counts))
      if (count > 0) this.redactions.inc({ kind: this.labels.named('kind', kind) }, count);
  }
}

/** The process' metrics; the seams call it, /metrics serves it. */
export const metrics = new BotMetrics();

/** A finished analysis' outcome label: "incomplete" when a configured source never answered (the report says which). */
export function outcomeOf(
  state: Exclude<AnalysisOutcome, 'incomplete'>,
  report: { incomplete?: readonly unknown[] } | undefined,
): AnalysisOutcome {
  return state === 'done' && (report?.incomplete?.length ?? 0) > 0 ? 'incomplete' : state;
}

export function secondsBetween(from: number | undefined, to: number | undefined): number | undefined {
  return from === undefined || to === undefined ? undefined : (to - from) / 1000;
}
