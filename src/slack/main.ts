import dotenv from 'dotenv';
import { formatHostEvent } from '../cli/progress.js';
import { createRuntime as createEngineRuntime } from '../runtime/runtime.js';
import { launch, type RuntimeFactory } from './launch.js';

/**
 * `npm start`: the Slack bot. Loads .env, parses the configuration once, wires the engine runtime and connects
 * (Socket Mode with SLACK_APP_TOKEN, otherwise HTTP on PORT).
 */

dotenv.config({ quiet: true });

/** MCP servers start once here and live as long as the bot; every analysis shares them. */
const createRuntime: RuntimeFactory = (_config, env) =>
  createEngineRuntime({
    env,
    refuseMixedData: true,
    // Start-up problems and withheld tools belong in the bot's log; routine progress does not.
    onHostEvent: (event) => {
      if (event.type === 'tools_withheld' || event.type === 'server_failed' || event.type === 'server_gave_up') {
        const line = formatHostEvent(event);
        if (line) console.error(`incidentpilot: ${line.trim()}`);
      }
    },
  });

const result = await launch(
  process.env,
  { error: (line) => console.error(`incidentpilot: ${line}`), info: (line) => console.error(`incidentpilot: ${line}`) },
  createRuntime,
);
if (!result.ok) {
  process.exitCode = result.exitCode;
} else {
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.error(`incidentpilot: ${signal}, finishing`);
    void result.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}
