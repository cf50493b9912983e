import type { AgentEvent } from '../agent/types.js';
import type { HostEvent } from '../host/events.js';
import { type BotMetrics, metrics } from './metrics.js';

/**
 * One analysis' agent events as metrics: time to the first progress (a tool call or a model round) from when it took
 * its slot, every tool call's outcome and latency, every model round and the tokens Ollama reported.
 */
export function analysisObserver(origin: string, now: () => number, sink: BotMetrics = metrics): (event: AgentEvent) => void {
  const startedAt = now();
  let first = true;
  let engine: string | undefined;
  return (event) => {
    if (event.type === 'started') engine = event.engine;
    if (first && (event.type === 'tool_started' || event.type === 'model_turn')) {
      first = false;
      sink.firstProgressAfter(origin, (now() - startedAt) / 1000);
    }
    if (event.type === 'tool_finished') sink.toolCall(event.server, event.tool, event.ok, event.ms);
    if (event.type === 'model_turn') sink.modelRound(engine, event.promptTokens, event.outputTokens);
  };
}

/** MCP server state from the host's events: up when started or restarted, down when it exits, fails or gives up. */
export function observeHostEvent(event: HostEvent, sink: BotMetrics = metrics): void {
  switch (event.type) {
    case 'server_started':
      sink.serverState(event.server, true);
      break;
    case 'server_restarted':
      sink.serverState(event.server, true, true);
      break;
    case 'server_exited':
    case 'server_failed':
    case 'server_gave_up':
      sink.serverState(event.server, false);
      break;
  }
}
