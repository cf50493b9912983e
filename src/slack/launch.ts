import { webApi } from '@slack/bolt';
import type { AnalyzeRequest } from '../agent/types.js';
import { ConfigError } from '../config.js';
import { HostConfigError } from '../host/config.js';
import type { Report } from '../report/schema.js';
import { openStore } from '../store/index.js';
import { PRUNE_INTERVAL_MS, startRetention } from '../store/retention.js';
import type { StateStore } from '../store/types.js';
import { createSlackBot, type SlackBot } from './app.js';
import { loadSlackConfig, type SlackConfig } from './config.js';
import type { HealthView } from './deps.js';
import type { AnalyzeFn } from './worker/job.js';
import { within } from './worker/run.js';
import { DEFAULT_SLACK_RETRY, slackErrorCode, webClientOptions } from './worker/slack-io.js';

/** Exit code for "not configured to run": distinct from crashes (1). */
export const EXIT_NOT_CONFIGURED = 2;
/** How long the crash path may spend telling threads before the process exits anyway. */
const CRASH_NOTICE_MS = 10_000;

export interface Runtime {
  analyze(request: AnalyzeRequest & { engine?: 'auto' | 'ollama' | 'builtin' }): Promise<Report>;
  close(): Promise<void>;
  /** Set when every server reads a bundled dataset: stamped on every status message. */
  sampleData?: string;
  /** What leaves the machine and to where, logged at start-up. */
  egress?: string;
  /** MCP server health and the engine in use, for `/rca status`. */
  health?(): HealthView;
}

export type RuntimeFactory = (config: SlackConfig, env: NodeJS.ProcessEnv) => Promise<Runtime>;

export interface LaunchIO {
  error(line: string): void;
  info?(line: string): void;
}

export type LaunchResult =
  | { ok: false; exitCode: number }
  | {
      ok: true;
      bot: SlackBot;
      runtime: Runtime;
      store: StateStore;
      /** SHUTDOWN_GRACE_MS: what a SIGTERM waits for running analyses. */
      shutdownGraceMs: number;
      stop(): Promise<void>;
      crash(reason: string): Promise<void>;
    };

const NO_SLACK_HINT =
  'SLACK_BOT_TOKEN is not set, so the Slack bot cannot start (api.slack.com/apps → your app → OAuth & Permissions → Bot User OAuth Token; docs/slack.md). ' +
  'To analyse an incident without Slack: npm run rca -- "checkout returns 502 since 14:00"';

/**
 * One line for Slack out of reach or refusing at start. A refused token will be refused again: exit 2, which the unit
 * does not restart. Anything else (no network, Slack down) exits 1 for systemd's back-off.
 */
function cannotConnect(error: unknown, io: LaunchIO): LaunchResult {
  const code = slackErrorCode(error);
  const refused = /invalid_auth|not_authed|token_revoked|account_inactive/.test(code);
  io.error(`could not connect to Slack: ${code}${refused ? ' — check SLACK_BOT_TOKEN / SLACK_APP_TOKEN' : ''}`);
  return { ok: false, exitCode: refused ? EXIT_NOT_CONFIGURED : 1 };
}

/**
 * Parses the configuration once, opens the state store, builds the engine runtime and the bot, and connects. Never
 * throws: every problem becomes one line on stderr and an exit code.
 */
export async function launch(env: NodeJS.ProcessEnv, io: LaunchIO, createRuntime: RuntimeFactory): Promise<LaunchResult> {
  if (!env.SLACK_BOT_TOKEN?.trim()) {
    io.error(NO_SLACK_HINT);
    return { ok: false, exitCode: EXIT_NOT_CONFIGURED };
  }
  let config: SlackConfig;
  try {
    config = loadSlackConfig(env);
  } catch (error) {
    io.error(error instanceof ConfigError ? error.message : slackErrorCode(error));
    return { ok: false, exitCode: EXIT_NOT_CONFIGURED };
  }

  let store: StateStore;
  try {
    store = await openStore(config);
  } catch (error) {
    io.error(error instanceof Error ? error.message : String(error));
    return { ok: false, exitCode: EXIT_NOT_CONFIGURED };
  }

  let runtime: Runtime;
  try {
    runtime = await createRuntime(config, env);
  } catch (error) {
    io.error(`could not start the analysis engine: ${slackErrorCode(error)}`);
    await store.close().catch(() => {});
    // A configuration to fix (a mixed live/sample setup, a bad mcp-servers.json) is not a crash.
    return { ok: false, exitCode: error instanceof ConfigError || error instanceof HostConfigError ? EXIT_NOT_CONFIGURED : 1 };
  }
  if (runtime.egress) {
    const slack = config.SLACK_API_URL ?? 'https://slack.com/api/';
    io.info?.(`${runtime.egress}; reports, progress and redacted excerpts go to Slack at ${slack}`);
  }
  if (runtime.sampleData)
    io.info?.(`every server reads the bundled sample dataset (${runtime.sampleData}); each message is stamped "sample data"`);
  const slackRetry = { ...DEFAULT_SLACK_RETRY, timeoutMs: config.SLACK_HTTP_TIMEOUT_MS, maxRetryTimeMs: config.SLACK_RETRY_MAX_MS };
  // Checked before the bot exists: Bolt starts its own token check when constructed and nothing awaits it until the
  // first event, so an unreachable Slack would end as an unhandled rejection instead of one line and an exit code.
  try {
    await new webApi.WebClient(config.SLACK_BOT_TOKEN, webClientOptions(slackRetry, config.SLACK_API_URL)).auth.test();
  } catch (error) {
    await runtime.close().catch(() => {});
    await store.close().catch(() => {});
    return cannotConnect(error, io);
  }
  const analyze: AnalyzeFn = (request) => runtime.analyze({ ...request, engine: config.ANALYSIS_ENGINE });
  const bot = createSlackBot({
    config,
    analyze,
    store,
    ...(runtime.sampleData ? { sampleData: runtime.sampleData } : {}),
    shutdownGraceMs: config.SHUTDOWN_GRACE_MS,
    slackRetry,
    ...(runtime.health ? { health: () => runtime.health?.() ?? { engine: config.ANALYSIS_ENGINE, servers: [] } } : {}),
  });
  const replica = bot.deps.service.replica;
  const stopRetention = startRetention(store, config.STATE_RETENTION_DAYS, bot.app.logger, PRUNE_INTERVAL_MS, Date.now, (task) =>
    replica.runAlone('retention', PRUNE_INTERVAL_MS, task),
  );
  const closeAll = async () => {
    stopRetention();
    await runtime.close().catch(() => {});
    await store.close().catch(() => {});
  };
  try {
    await bot.start();
  } catch (error) {
    await bot.stop().catch(() => {});
    await closeAll();
    return cannotConnect(error, io);
  }
  return {
    ok: true,
    bot,
    runtime,
    store,
    shutdownGraceMs: config.SHUTDOWN_GRACE_MS,
    async stop() {
      await bot.stop().catch(() => {});
      await closeAll();
    },
    async crash(reason) {
      await within(bot.crash(reason), CRASH_NOTICE_MS);
      await closeAll();
    },
  };
}
