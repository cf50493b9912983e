import dotenv from 'dotenv';
import { formatHostEvent } from '../host/log.js';
import { createRuntime as createEngineRuntime } from '../runtime/runtime.js';
import { redactSecrets } from './blocks/text.js';
import { type LaunchResult, launch, type RuntimeFactory } from './launch.js';

/**
 * `npm start`: the Slack bot. Loads .env, parses the configuration once, opens the state store, wires the engine
 * runtime and connects (Socket Mode with SLACK_APP_TOKEN, otherwise HTTP on PORT). SIGTERM/SIGINT drain gracefully;
 * an uncaught exception marks running analyses failed in their threads and exits 1 for the supervisor to restart.
 */

dotenv.config({ quiet: true });

const log = (level: string, line: string) => console.error(`${new Date().toISOString()} [${level.toUpperCase()}] incidentpilot: ${line}`);

let running: Extract<LaunchResult, { ok: true }> | undefined;
let exiting = false;

async function crash(kind: string, error: unknown): Promise<void> {
  const message = redactSecrets(error instanceof Error ? (error.stack ?? error.message) : String(error));
  log('error', `${kind}: ${message}`);
  if (exiting) return;
  exiting = true;
  const reason = redactSecrets(error instanceof Error ? error.message : String(error)).slice(0, 300);
  await running?.crash(`${kind}: ${reason}`).catch(() => {});
  process.exit(1);
}
process.on('uncaughtException', (error) => void crash('uncaught exception', error));
process.on('unhandledRejection', (reason) => void crash('unhandled rejection', reason));

/** MCP servers start once here and live as long as the bot; every analysis shares them; their events reach the log. */
const createRuntime: RuntimeFactory = (_config, env) =>
  createEngineRuntime({
    env,
    refuseMixedData: true,
    onHostEvent: (event) => {
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
  const stop = (signal: string) => {
    if (exiting) {
      log('warn', `${signal} again: exiting now`);
      process.exit(1);
    }
    exiting = true;
    log('info', `${signal}: no new analyses; finishing running ones`);
    void result.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}
