import dotenv from 'dotenv';
import { formatHostEvent } from '../host/log.js';
import { observeHostEvent } from '../observability/events.js';
import { formatLogLine, type LevelName, type LogFormat } from '../observability/log.js';
import { metrics } from '../observability/metrics.js';
import { failing, installFatalHandlers } from '../process/fatal.js';
import { guardStdio, safeWrite } from '../process/stdio-guard.js';
import { createRuntime as createEngineRuntime } from '../runtime/runtime.js';
import { redactSecrets } from './blocks/text.js';
import { type LaunchResult, launch, type RuntimeFactory } from './launch.js';

/**
 * `npm start`: the Slack bot. Loads .env, parses the configuration once, opens the state store, wires the engine
 * runtime and connects (Socket Mode with SLACK_APP_TOKEN, otherwise HTTP on PORT). SIGTERM/SIGINT drain gracefully;
 * an uncaught exception marks running analyses failed in their threads and exits 1 for the supervisor to restart;
 * a closed log stream is silenced, never a crash (process/stdio-guard.ts).
 */

dotenv.config({ quiet: true });

// Before anything logs: a closed stdout/stderr silences that stream instead of throwing into the process.
guardStdio();

/** LOG_FORMAT is validated with the rest of the configuration in launch(); the log format is needed before that. */
const logFormat: LogFormat = process.env.LOG_FORMAT?.trim().toLowerCase() === 'json' ? 'json' : 'text';
const log = (level: LevelName, line: string) => safeWrite('stderr', formatLogLine(logFormat, level, 'incidentpilot', line));

/** Past the grace, stopping Slack and the MCP servers gets this long before the process exits anyway. */
const SHUTDOWN_MARGIN_MS = 5_000;
/** How long the crash path may take (telling threads is bounded at 10 s, then closing) before exiting anyway. */
const CRASH_LIMIT_MS = 15_000;

let running: Extract<LaunchResult, { ok: true }> | undefined;
installFatalHandlers({
  log,
  redact: redactSecrets,
  limitMs: CRASH_LIMIT_MS,
  onFatal: async (reason) => {
    await running?.crash(reason);
  },
});

/** MCP servers start once here and live as long as the bot; every analysis shares them; their events reach the log. */
const createRuntime: RuntimeFactory = (_config, env) =>
  createEngineRuntime({
    env,
    refuseMixedData: true,
    onRedactions: (counts) => metrics.redacted(counts),
    onHostEvent: (event) => {
      observeHostEvent(event);
      const { level, line } = formatHostEvent(event);
      if (level !== 'debug') log(level, line);
    },
  });

const result = await launch(process.env, { error: (line) => log('error', line), info: (line) => log('info', line) }, createRuntime);
if (!result.ok) {
  // Exit now: requests the Slack clients started (their retries, a token check) would otherwise settle later as
  // unhandled rejections with stack traces, after the one line that said what failed.
  process.exit(result.exitCode);
} else {
  running = result;
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping || failing()) {
      log('warn', `${signal} again: exiting now`);
      process.exit(1);
    }
    stopping = true;
    log('info', `${signal}: no new analyses; finishing running ones`);
    setTimeout(() => process.exit(1), result.shutdownGraceMs + SHUTDOWN_MARGIN_MS);
    void result.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}
