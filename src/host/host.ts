import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import type { HostTool, ToolHost, ToolOutcome } from '../agent/types.js';
import { loadHostConfig, type ServerSpec } from './config.js';
import { ServerConnection, type ServerState } from './connection.js';
import type { ServerDataSource } from './data-source.js';
import type { HostEvent } from './events.js';
import { errorToOutcome, failure, resultToOutcome } from './outcome.js';

/** A server that has not answered `initialize` and `tools/list` by then is reported failed and left behind. */
export const DEFAULT_START_TIMEOUT_MS = 20_000;
export const DEFAULT_TOOL_TIMEOUT_MS = 30_000;
/** Separator between server and tool names when two servers offer a tool of the same name. */
export const CLASH_SEPARATOR = '__';

export interface HostOptions {
  startTimeoutMs?: number;
  /** Restart back-off and budget (tests shorten them). */
  restart?: { baseDelayMs?: number; budget?: number; windowMs?: number };
  toolTimeoutMs?: number;
  onEvent?: (event: HostEvent) => void;
  clientInfo?: { name: string; version: string };
}

export interface ServerStatus {
  name: string;
  state: ServerState;
  tools: string[];
  pid?: number;
  error?: string;
  restarts: number;
}

/**
 * The MCP host: one long-lived session per configured server, tools merged under unique names, and every call
 * turned into a ToolOutcome. Engines see only the ToolHost interface.
 */
export class McpHost implements ToolHost {
  private readonly connections: ServerConnection[];
  private readonly toolTimeoutMs: number;
  private readonly onEvent: (event: HostEvent) => void;
  private closed = false;

  private constructor(specs: ServerSpec[], options: HostOptions) {
    this.onEvent = options.onEvent ?? (() => {});
    this.toolTimeoutMs = options.toolTimeoutMs ?? DEFAULT_TOOL_TIMEOUT_MS;
    this.connections = specs.map(
      (spec) =>
        new ServerConnection(spec, {
          startTimeoutMs: options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS,
          ...(options.restart?.baseDelayMs !== undefined ? { restartBaseDelayMs: options.restart.baseDelayMs } : {}),
          ...(options.restart?.budget !== undefined ? { restartBudget: options.restart.budget } : {}),
          ...(options.restart?.windowMs !== undefined ? { restartWindowMs: options.restart.windowMs } : {}),
          onEvent: (event) => this.onEvent(event),
          clientInfo: options.clientInfo ?? { name: 'incidentpilot', version: '0.1.0' },
        }),
    );
  }

  /** Starts every server concurrently; a server that fails is reported and the others keep working. */
  static async start(specs: ServerSpec[], options: HostOptions = {}): Promise<McpHost> {
    const host = new McpHost(specs, options);
    await Promise.all(host.connections.map((connection) => connection.start()));
    const failed = host.connections.filter((connection) => connection.state === 'failed').map((connection) => connection.spec.name);
    const tools = host.listTools();
    host.onEvent({
      type: 'ready',
      servers: host.connections.length - failed.length,
      failed,
      tools: tools.length,
      renamed: tools.filter((tool) => tool.name !== tool.serverToolName).map((tool) => tool.name),
    });
    return host;
  }

  static async fromConfigFile(configPath: string, env: NodeJS.ProcessEnv, options: HostOptions = {}): Promise<McpHost> {
    return McpHost.start(loadHostConfig(configPath, env), options);
  }

  /** Tools of every server that started, including one being restarted (calls to it fail until it is back). */
  listTools(): HostTool[] {
    const live = this.connections.filter((connection) => connection.state !== 'failed' && connection.state !== 'closed');
    const counts = new Map<string, number>();
    for (const connection of live) for (const tool of connection.tools) counts.set(tool.name, (counts.get(tool.name) ?? 0) + 1);
    return live.flatMap((connection) =>
      connection.tools.map((tool) => ({
        name: (counts.get(tool.name) ?? 0) > 1 ? `${connection.spec.name}${CLASH_SEPARATOR}${tool.name}` : tool.name,
        server: connection.spec.name,
        serverToolName: tool.name,
        description: tool.description ?? '',
        inputSchema: tool.inputSchema as Record<string, unknown>,
      })),
    );
  }

  async callTool(
    name: string,
    args: Record<string, unknown>,
    options: { signal?: AbortSignal; timeoutMs?: number } = {},
  ): Promise<ToolOutcome> {
    const started = Date.now();
    const timeoutMs = options.timeoutMs ?? this.toolTimeoutMs;
    const tool = this.listTools().find((candidate) => candidate.name === name);
    if (!tool) {
      const withheld = this.connections.flatMap((connection) => connection.withheld).find((item) => item.tool === name);
      if (withheld) return failure(`tool "${name}" is withheld by the tool policy: ${withheld.reason}`, 'use one of the offered tools', 0);
      const known = this.listTools()
        .map((candidate) => candidate.name)
        .join(', ');
      return failure(`unknown tool "${name}"`, known ? `available tools: ${known}` : 'no tools are available', 0);
    }
    const connection = this.connections.find((candidate) => candidate.spec.name === tool.server);
    if (connection?.state !== 'ready') {
      const state = connection?.state ?? 'failed';
      const message =
        state === 'restarting' || state === 'starting' ? `server ${tool.server} is restarting` : `server ${tool.server} is unavailable`;
      return failure(message, 'its tools fail until it is back; use tools of other servers meanwhile', 0);
    }
    if (options.signal?.aborted) return failure(`call to ${name} was cancelled`, undefined, 0);
    // The SDK adds an abort listener per request and never removes it; a per-call signal keeps a long-lived
    // analysis signal from collecting one listener per call (and Node's MaxListeners warning).
    const perCall = new AbortController();
    const forward = () => perCall.abort(options.signal?.reason);
    options.signal?.addEventListener('abort', forward, { once: true });
    try {
      const result = await connection.call(tool.serverToolName, args, { timeoutMs, signal: perCall.signal });
      connection.noteAnswer();
      return resultToOutcome(result, Date.now() - started);
    } catch (error) {
      // The SDK sends notifications/cancelled on a timeout or abort, so the server stops the work (tools check
      // extra.signal); a server that times out call after call is presumed hung and restarted.
      if (!options.signal?.aborted && error instanceof McpError && error.code === ErrorCode.RequestTimeout) connection.noteTimeout();
      return errorToOutcome(
        error,
        { server: tool.server, tool: name, timeoutMs, ...(options.signal ? { signal: options.signal } : {}) },
        Date.now() - started,
      );
    } finally {
      options.signal?.removeEventListener('abort', forward);
    }
  }

  status(): ServerStatus[] {
    return this.connections.map((connection) => ({
      name: connection.spec.name,
      state: connection.state,
      tools: connection.tools.map((tool) => tool.name),
      restarts: connection.totalRestarts,
      ...(connection.pid !== undefined ? { pid: connection.pid } : {}),
      ...(connection.lastError !== undefined && connection.state !== 'ready' ? { error: connection.lastError } : {}),
    }));
  }

  /** What each server that started said about its data (live systems or a bundled dataset). */
  dataSources(): ServerDataSource[] {
    return this.connections.flatMap((connection) => (connection.dataSource ? [connection.dataSource] : []));
  }

  /** Child process ids of the stdio servers now running. */
  pids(): number[] {
    return this.connections.flatMap((connection) => (connection.pid !== undefined ? [connection.pid] : []));
  }

  /** Resolves when the named server is ready again, or has failed or closed. */
  async waitForServer(name: string): Promise<ServerState | undefined> {
    const connection = this.connections.find((candidate) => candidate.spec.name === name);
    if (!connection) return undefined;
    await connection.settled();
    return connection.state;
  }

  /** Closes every session; the SDK ends each child's stdin, then SIGTERM, then SIGKILL, so none is left behind. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(this.connections.map((connection) => connection.close()));
  }
}
