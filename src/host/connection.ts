import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { getDefaultEnvironment, StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ErrorCode, McpError, type Tool } from '@modelcontextprotocol/sdk/types.js';
import { redactSecrets } from '../redaction/index.js';
import type { ServerSpec } from './config.js';
import { parseDataSource, type ServerDataSource } from './data-source.js';
import type { HostEvent } from './events.js';
import { applyToolPolicy, type Withheld } from './policy.js';

/**
 * Restarts allowed per RESTART_WINDOW_MS: a crash loop is slowed to this rate, never given up on for good, so a
 * server that failed at 3 a.m. (a missing mount, a backend down) is back once its cause is fixed.
 */
export const RESTART_BUDGET = 10;
export const RESTART_WINDOW_MS = 10 * 60_000;
/** Kept for callers that print the old bound: attempts in a row before the budget slows retries. */
export const MAX_RESTART_ATTEMPTS = RESTART_BUDGET;
/** First restart delay; doubles per failed attempt up to RESTART_MAX_DELAY_MS. */
export const RESTART_BASE_DELAY_MS = 200;
export const RESTART_MAX_DELAY_MS = 30_000;
/** Calls timing out in a row before the server is presumed hung and restarted. */
export const MAX_CONSECUTIVE_TIMEOUTS = 3;
/** listTools pages followed per server: a server returning cursors forever must not stall start-up. */
const MAX_TOOL_PAGES = 20;
/** Last stderr characters kept per server, to explain a failed start. */
const STDERR_TAIL_CHARS = 2_000;

/** Variables a child may need beyond the SDK's defaults (locale, temp dir, proxies, CA bundles); never secrets. */
const EXTRA_INHERITED_ENV = ['LANG', 'LC_ALL', 'TZ', 'TMPDIR', 'NODE_EXTRA_CA_CERTS', 'HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY'];

/**
 * The environment a stdio server gets: the SDK's safe defaults (PATH, HOME …) and a few harmless extras, then the
 * entry's own `env`. Nothing else of the host's environment — API keys and tokens — leaks to a child.
 */
export function childEnvironment(entryEnv: Record<string, string>, hostEnv: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const env: Record<string, string> = { ...getDefaultEnvironment() };
  for (const key of EXTRA_INHERITED_ENV) {
    const value = hostEnv[key];
    if (value !== undefined && !value.startsWith('()')) env[key] = value;
  }
  return { ...env, ...entryEnv };
}

export type ServerState = 'starting' | 'ready' | 'restarting' | 'failed' | 'closed';

export interface ConnectionOptions {
  startTimeoutMs: number;
  /** Overrides for tests: restart back-off and budget. */
  restartBaseDelayMs?: number;
  restartBudget?: number;
  restartWindowMs?: number;
  onEvent: (event: HostEvent) => void;
  clientInfo: { name: string; version: string };
}

interface CallOptions {
  timeoutMs: number;
  signal?: AbortSignal;
}

/** One MCP server for the life of the host: connects, lists tools, routes calls, and restarts the child if it exits. */
export class ServerConnection {
  state: ServerState = 'starting';
  /** The tools the policy offers; `withheld` says which others the server has, and why they are not offered. */
  tools: Tool[] = [];
  withheld: Withheld[] = [];
  /** What the server said about its data at start-up. */
  dataSource: ServerDataSource | undefined;
  lastError: string | undefined;
  pid: number | undefined;
  totalRestarts = 0;
  private client: Client | undefined;
  /** Failed starts or restarts in a row, for the back-off. */
  private failuresInARow = 0;
  /** When restarts were attempted, within the budget window. */
  private restartTimes: number[] = [];
  private consecutiveTimeouts = 0;
  private stderrTail = '';
  private restartTimer: NodeJS.Timeout | undefined;
  private settledWaiters: Array<() => void> = [];

  constructor(
    readonly spec: ServerSpec,
    private readonly options: ConnectionOptions,
  ) {}

  describe(): string {
    return this.spec.kind === 'stdio' ? [this.spec.command, ...this.spec.args].join(' ') : this.spec.url;
  }

  /** First start; failure leaves the connection in `failed` with the reason in `lastError`. */
  async start(): Promise<void> {
    const started = Date.now();
    this.options.onEvent({ type: 'server_starting', server: this.spec.name, detail: this.describe() });
    try {
      await this.connect();
      this.setState('ready');
      this.options.onEvent({
        type: 'server_started',
        server: this.spec.name,
        tools: this.tools.map((tool) => tool.name),
        ms: Date.now() - started,
        ...(this.pid !== undefined ? { pid: this.pid } : {}),
      });
      if (this.withheld.length > 0) this.options.onEvent({ type: 'tools_withheld', server: this.spec.name, withheld: this.withheld });
    } catch (error) {
      this.lastError = this.explain(error);
      this.setState('failed');
      this.options.onEvent({ type: 'server_failed', server: this.spec.name, error: this.lastError });
      this.scheduleRestart();
    }
  }

  /** A call timed out: after MAX_CONSECUTIVE_TIMEOUTS in a row the server is presumed hung and restarted. */
  noteTimeout(): void {
    this.consecutiveTimeouts += 1;
    if (this.consecutiveTimeouts < MAX_CONSECUTIVE_TIMEOUTS || this.state !== 'ready') return;
    this.recycle(`${this.consecutiveTimeouts} calls in a row timed out; the server looks hung`);
  }

  noteAnswer(): void {
    this.consecutiveTimeouts = 0;
  }

  /** Stops the current process (the SDK ends stdin, then SIGTERM, then SIGKILL) and starts a fresh one. */
  private recycle(reason: string): void {
    const client = this.client;
    this.client = undefined;
    this.pid = undefined;
    this.consecutiveTimeouts = 0;
    this.lastError = reason;
    if (client) {
      client.onclose = undefined;
      void client.close().catch(() => undefined);
    }
    this.scheduleRestart();
  }

  async call(name: string, args: Record<string, unknown>, options: CallOptions): Promise<Record<string, unknown>> {
    const client = this.client;
    if (!client) throw new Error(`server ${this.spec.name} is not connected`);
    return (await client.callTool({ name, arguments: args }, undefined, {
      timeout: options.timeoutMs,
      ...(options.signal ? { signal: options.signal } : {}),
    })) as Record<string, unknown>;
  }

  /** Resolves once the server is ready, failed or closed: lets callers wait out a restart instead of polling. */
  settled(): Promise<void> {
    if (this.state !== 'starting' && this.state !== 'restarting') return Promise.resolve();
    return new Promise((resolve) => this.settledWaiters.push(resolve));
  }

  async close(): Promise<void> {
    this.setState('closed');
    if (this.restartTimer) clearTimeout(this.restartTimer);
    const client = this.client;
    this.client = undefined;
    if (client) await client.close().catch(() => undefined);
  }

  private setState(state: ServerState): void {
    this.state = state;
    if (state !== 'starting' && state !== 'restarting') {
      const waiters = this.settledWaiters;
      this.settledWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }

  private async connect(): Promise<void> {
    const client = new Client(this.options.clientInfo, { capabilities: {} });
    const spec = this.spec;
    let transport: StdioClientTransport | StreamableHTTPClientTransport;
    if (spec.kind === 'stdio') {
      const stdio = new StdioClientTransport({
        command: spec.command,
        args: spec.args,
        env: childEnvironment(spec.env),
        cwd: spec.cwd,
        stderr: 'pipe',
      });
      this.stderrTail = '';
      stdio.stderr?.on('data', (chunk: Buffer) => this.onStderr(chunk.toString('utf8')));
      transport = stdio;
    } else {
      transport = new StreamableHTTPClientTransport(new URL(spec.url), { requestInit: { headers: spec.headers } });
    }
    client.onclose = () => this.onClosed(client);
    try {
      await client.connect(transport, { timeout: this.options.startTimeoutMs });
      this.pid = transport instanceof StdioClientTransport ? (transport.pid ?? undefined) : undefined;
      const policy = applyToolPolicy(await this.listAllTools(client), this.spec);
      this.dataSource = parseDataSource(this.spec.name, client.getInstructions());
      this.tools = policy.offered;
      this.withheld = policy.withheld;
      // Start-up chatter ("ready on stdio") must not pass for the reason of a later exit.
      this.stderrTail = '';
    } catch (error) {
      client.onclose = undefined;
      await client.close().catch(() => undefined);
      throw error;
    }
    this.client = client;
  }

  private async listAllTools(client: Client): Promise<Tool[]> {
    const tools: Tool[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < MAX_TOOL_PAGES; page += 1) {
      const result = await client.listTools(cursor ? { cursor } : undefined, { timeout: this.options.startTimeoutMs });
      tools.push(...result.tools);
      cursor = result.nextCursor;
      if (!cursor) break;
    }
    return tools;
  }

  private onStderr(text: string): void {
    this.stderrTail = (this.stderrTail + text).slice(-STDERR_TAIL_CHARS);
    for (const line of text.split('\n')) {
      // A server's stderr reaches the terminal and the bot's log; a connection string in an error must not.
      if (line.trim()) this.options.onEvent({ type: 'server_stderr', server: this.spec.name, line: redactSecrets(line.trimEnd()) });
    }
  }

  private onClosed(client: Client): void {
    if (client !== this.client || this.state === 'closed') return;
    this.client = undefined;
    this.pid = undefined;
    this.lastError = this.explain(new McpError(ErrorCode.ConnectionClosed, 'closed'));
    this.scheduleRestart();
  }

  /**
   * Schedules the next start with exponential back-off. Past RESTART_BUDGET restarts in RESTART_WINDOW_MS the server
   * is reported given up on for now and tried again once the window has room: retries last as long as the process.
   */
  private scheduleRestart(): void {
    if (this.state === 'closed') return;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.failuresInARow += 1;
    const attempt = this.failuresInARow;
    const now = Date.now();
    const windowMs = this.options.restartWindowMs ?? RESTART_WINDOW_MS;
    const budget = this.options.restartBudget ?? RESTART_BUDGET;
    this.restartTimes = this.restartTimes.filter((at) => now - at < windowMs);
    let delay = Math.min((this.options.restartBaseDelayMs ?? RESTART_BASE_DELAY_MS) * 2 ** (attempt - 1), RESTART_MAX_DELAY_MS);
    if (this.restartTimes.length >= budget) {
      delay = Math.max(delay, (this.restartTimes[0] ?? now) + windowMs - now);
      this.setState('failed');
      this.options.onEvent({
        type: 'server_gave_up',
        server: this.spec.name,
        error: `${this.lastError ?? 'exited'} (${budget} restarts in ${Math.round(windowMs / 1000)} s; next try in ${Math.round(delay / 1000)} s)`,
      });
    } else {
      // A server that never started stays "failed" (its tools are not offered) while it is retried.
      if (this.state !== 'failed') this.setState('restarting');
      this.options.onEvent({
        type: 'server_exited',
        server: this.spec.name,
        detail: this.lastError ?? 'exited',
        attempt,
        restartInMs: delay,
      });
    }
    this.restartTimer = setTimeout(() => void this.restart(attempt), delay);
    this.restartTimer.unref();
  }

  private async restart(attempt: number): Promise<void> {
    if (this.state === 'closed') return;
    this.totalRestarts += 1;
    this.restartTimes.push(Date.now());
    try {
      await this.connect();
      if ((this.state as ServerState) === 'closed') {
        await this.close();
        return;
      }
      this.failuresInARow = 0;
      this.consecutiveTimeouts = 0;
      this.setState('ready');
      this.options.onEvent({ type: 'server_restarted', server: this.spec.name, attempt, tools: this.tools.map((tool) => tool.name) });
    } catch (error) {
      this.lastError = this.explain(error);
      this.scheduleRestart();
    }
  }

  /** The error plus the stderr line that most likely says why (missing module, bad data folder …). */
  private explain(error: unknown): string {
    let message = error instanceof Error ? error.message : String(error);
    if (error instanceof McpError && error.code === ErrorCode.ConnectionClosed) message = 'the server process exited';
    const lines = this.stderrTail
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line.length > 0);
    // A crash prints the error first and a stack after it; the first error-like line is the useful one.
    const why = lines.find((line) => /\b(error|cannot|can't|failed|not found|no such|denied|ENOENT|EACCES)\b/i.test(line)) ?? lines.at(-1);
    return why ? `${message}: ${why}` : message;
  }
}
