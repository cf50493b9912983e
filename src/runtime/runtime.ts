import { existsSync } from 'node:fs';
import path from 'node:path';
import type { AnalyzeRequest, Report, ToolOutputRecord } from '../agent/types.js';
import { ConfigError, DEFAULT_MCP_CONFIG, type EngineChoice, type EngineConfig, loadConfig } from '../config.js';
import { selectEngine } from '../engines/select.js';
import { loadHostConfig } from '../host/config.js';
import { checkDataSources, DataSourceError } from '../host/data-source.js';
import type { HostEvent } from '../host/events.js';
import { McpHost } from '../host/host.js';
import { recordingHost } from '../memory/recording.js';
import { configuredRedactor, configureRedaction, type Redactor, redactingHost, redactionOptions } from '../redaction/index.js';
import { downServers, failedSources, markIncomplete, mergeMissing } from '../report/completeness.js';
import { describeEgress } from './egress.js';
import { absolutePaths, checkSourcePaths, serverList, withoutServers } from './sources.js';

/** The config shipped with the package, for `incidentpilot-rca` run from a folder without its own. */
function packagedConfig(): string | undefined {
  let dir = import.meta.dirname;
  for (let depth = 0; depth < 5; depth += 1) {
    if (existsSync(path.join(dir, 'package.json'))) return path.join(dir, DEFAULT_MCP_CONFIG);
    dir = path.dirname(dir);
  }
  return undefined;
}

/** The folder the package is installed in: relative server paths of any mcp-servers.json may name its files. */
function installDir(): string | undefined {
  const packaged = packagedConfig();
  return packaged ? path.dirname(packaged) : undefined;
}

/** A relative path means the current folder; only the default name falls back to the packaged config. */
function resolveConfigPath(configured: string): string {
  const resolved = path.resolve(configured);
  if (configured !== DEFAULT_MCP_CONFIG || existsSync(resolved)) return resolved;
  const packaged = packagedConfig();
  return packaged && existsSync(packaged) ? packaged : resolved;
}

export interface RuntimeOptions {
  /** mcp-servers.json; defaults to MCP_CONFIG. */
  configPath?: string;
  /** Overrides DATA_DIR for the servers (`${DATA_DIR}` in the config expands to it). */
  dataDir?: string;
  /** The environment to read; defaults to process.env. Never mutated. */
  env?: NodeJS.ProcessEnv;
  onHostEvent?: (event: HostEvent) => void;
  /** Servers to leave out on top of DISABLE_SERVERS (the CLI's --without). */
  without?: string[];
  /** The bot refuses to start when some servers are live and others serve the bundled sample (a ConfigError). */
  refuseMixedData?: boolean;
  /** After each analysis: how many values of each kind were masked (the bot's redaction metrics). */
  onRedactions?: (counts: Record<string, number>) => void;
}

/**
 * Share of ANALYSIS_TIMEOUT_MS the engine gets: its own deadline ends in a (low-confidence) report from the evidence
 * so far, and the caller's deadline at 100% is only a backstop for an engine that does not stop.
 */
export const ENGINE_DEADLINE_SHARE = 0.85;

export function engineDeadlineMs(analysisTimeoutMs: number): number {
  return Math.max(1, Math.floor(analysisTimeoutMs * ENGINE_DEADLINE_SHARE));
}

export interface RuntimeHealth {
  /** The engine in use: the configured one, or what `auto` chose last and why. */
  engine: string;
  servers: Array<{ name: string; state: string; tools: number; restarts: number; error?: string }>;
}

export interface Runtime {
  host: McpHost;
  config: EngineConfig;
  /** Set when every server reads a dataset: stamped on every report. */
  sampleData?: string;
  /** One line: what leaves the machine and to where. */
  egress: string;
  analyze(request: AnalyzeRequest & { engine?: EngineChoice }): Promise<Report>;
  health(): RuntimeHealth;
  close(): Promise<void>;
}

/**
 * The engine side as the CLI and the Slack bot use it: configuration parsed once, MCP servers started once and kept
 * for the life of the process, an engine chosen per request. Throws ConfigError / HostConfigError before starting
 * anything when the configuration is wrong.
 */
export async function createRuntime(options: RuntimeOptions = {}): Promise<Runtime> {
  const baseEnv = options.env ?? process.env;
  const env: NodeJS.ProcessEnv = absolutePaths(baseEnv);
  // Relative data folders mean "relative to where the user ran the command", not to the config file's folder.
  if (options.dataDir !== undefined) env.DATA_DIR = path.resolve(options.dataDir);
  else if (env.DATA_DIR?.trim()) env.DATA_DIR = path.resolve(env.DATA_DIR);
  const config = loadConfig(env);
  const configPath = resolveConfigPath(options.configPath ?? config.MCP_CONFIG);
  const specs = withoutServers(
    withoutServers(loadHostConfig(configPath, env, installDir()), serverList(config.DISABLE_SERVERS), 'DISABLE_SERVERS'),
    options.without ?? [],
    '--without',
  );
  checkSourcePaths(specs);
  const redaction = redactionOptions(config);
  // The one configured redaction of this process: analyses, Slack blocks, logs and stored text all use it.
  configureRedaction(redaction);
  const host = await McpHost.start(specs, {
    toolTimeoutMs: config.TOOL_TIMEOUT_MS,
    ...(options.onHostEvent ? { onEvent: options.onHostEvent } : {}),
  });
  let sampleData: string | undefined;
  let mixed: string | undefined;
  try {
    sampleData = checkDataSources(host.dataSources()).sampleData;
  } catch (error) {
    if (!(error instanceof DataSourceError)) throw error;
    if (options.refuseMixedData) {
      await host.close();
      throw new ConfigError(error.message);
    }
    mixed = error.message;
  }
  const redactor = configuredRedactor();
  const egress = describeEgress({
    engine: config.ANALYSIS_ENGINE,
    modelHost: config.OLLAMA_HOST,
    apiKey: config.OLLAMA_API_KEY !== undefined,
    redactedKinds: redactor.kinds(),
    emails: redaction.emails,
    ips: redaction.ips,
    extraPatterns: redaction.extra.length,
  });
  const stamp = (report: Report): Report => {
    const notes = mixed ? [mixed, ...(report.notes ?? [])] : report.notes;
    return { ...report, ...(sampleData ? { sampleData } : {}), ...(notes ? { notes } : {}) };
  };
  const engineConfig = { ...config, ANALYSIS_TIMEOUT_MS: engineDeadlineMs(config.ANALYSIS_TIMEOUT_MS) };
  let lastEngine: string | undefined;
  const health = (): RuntimeHealth => {
    const configured = config.ANALYSIS_ENGINE === 'builtin' ? 'builtin' : `ollama:${config.OLLAMA_MODEL}`;
    const engine =
      config.ANALYSIS_ENGINE === 'auto'
        ? `auto → ${lastEngine ?? 'chosen at the next analysis (Ollama first, built-in as fallback)'}`
        : configured;
    return {
      engine,
      servers: host.status().map((server) => ({
        name: server.name,
        state: server.state,
        tools: server.tools.length,
        restarts: server.restarts,
        ...(server.error ? { error: server.error } : {}),
      })),
    };
  };
  const analyzeWith = async (redactor: Redactor, request: AnalyzeRequest & { engine?: EngineChoice }): Promise<Report> => {
    const { engine: choice, ...raw } = request;
    const down = downServers(health().servers);
    const rest = {
      ...raw,
      incident: redactor.text(raw.incident),
      ...(raw.context !== undefined ? { context: redactor.text(raw.context) } : {}),
      // Everything of the request the engine may show the model: the alert's labels and past incidents too.
      ...(raw.scope !== undefined ? { scope: redactor.value(raw.scope) } : {}),
      ...(raw.pastIncidents !== undefined ? { pastIncidents: redactor.value(raw.pastIncidents) } : {}),
      ...(down.length > 0 ? { unavailable: down } : {}),
    };
    // Every call's outcome, whatever the engine: a server whose every call failed is a source that never answered.
    const calls: ToolOutputRecord[] = [];
    const record = (call: ToolOutputRecord) => {
      // A call cut short by the caller's cancellation says nothing about whether its source answers.
      if (!raw.signal?.aborted) calls.push(call);
      raw.onToolOutput?.(call);
    };
    const selection = await selectEngine(
      choice ?? config.ANALYSIS_ENGINE,
      recordingHost(redactingHost(host, redactor), record),
      engineConfig,
    );
    lastEngine = selection.note ? `${selection.engine.name} (${selection.note})` : selection.engine.name;
    const complete = (report: Report) => stamp(markIncomplete(report, mergeMissing(down, failedSources(calls))));
    if (!selection.note) return complete(await selection.engine.analyze(rest));
    rest.onEvent?.({ type: 'note', message: selection.note });
    const report = await selection.engine.analyze(rest);
    // The reader of a builtin report must learn why the model was not used, wherever the report is shown.
    return complete({ ...report, notes: [selection.note, ...(report.notes ?? [])] });
  };
  return {
    host,
    config,
    ...(sampleData ? { sampleData } : {}),
    egress,
    async analyze(request) {
      // One redactor per analysis: placeholders are numbered consistently across the incident, context and tools.
      const redactor = configuredRedactor();
      try {
        return await analyzeWith(redactor, request);
      } finally {
        options.onRedactions?.(redactor.summary());
      }
    },
    health,
    close: () => host.close(),
  };
}
