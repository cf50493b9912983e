import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { getDefaultEnvironment, StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ErrorCode, McpError, type Tool } from '@modelcontextprotocol/sdk/types.js';
import { redactSecrets } from '../redaction/index.js';
import type { ServerSpec } from './config.js';
import { parseDataSource, type ServerDataSource } from './data-source.js';
import type { HostEvent } from './events.js';
import { applyToolPolicy, type Withheld } from './policy.js';

/** Attempts to bring back a server that exited before it is declared failed: a crash loop must end. */
export const MAX_RESTART_ATTEMPTS = 5;
/** Restarts in the life of one process, across all crashes: a server that dies on every call must not churn forever. */
export const MAX_TOTAL_RESTARTS = 20;
/** First restart delay; doubles per failed attempt up to RESTART_MAX_DELAY_MS. */
export const RESTART_BASE_DELAY_MS = 200;
export const RESTART_MAX_DELAY_MS = 5_000;
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
    }
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
    this.scheduleRestart(1);
  }

  private scheduleRestart(attempt: number): void {
    if (this.state === 'closed') return;
    if (attempt > MAX_RESTART_ATTEMPTS || this.totalRestarts >= MAX_TOTAL_RESTARTS) {
      this.setState('failed');
      this.options.onEvent({ type: 'server_gave_up', server: this.spec.name, error: this.lastError ?? 'restart attempts exhausted' });
      return;
    }
    this.setState('restarting');
    const delay = Math.min(RESTART_BASE_DELAY_MS * 2 ** (attempt - 1), RESTART_MAX_DELAY_MS);
    this.options.onEvent({
      type: 'server_exited',
      server: this.spec.name,
      detail: this.lastError ?? 'exited',
      attempt,
      restartInMs: delay,
    });
    this.restartTimer = setTimeout(() => void this.restart(attempt), delay);
    this.restartTimer.unref();
  }

  private async restart(attempt: number): Promise<void> {
    if (this.state === 'closed') return;
    this.totalRestarts += 1;
    try {
      await this.connect();
      if ((this.state as ServerState) === 'closed') {
        await this.close();
        return;
      }
      this.setState('ready');
      this.options.onEvent({ type: 'server_restarted', server: this.spec.name, attempt, tools: this.tools.map((tool) => tool.name) });
    } catch (error) {
      this.lastError = this.explain(error);
      this.scheduleRestart(attempt + 1);
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
