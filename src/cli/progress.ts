import type { AgentEvent } from '../agent/types.js';
import type { HostEvent } from '../host/events.js';

/** Longest argument text printed per tool call; the full arguments are in --json output. */
const ARGS_CHARS = 120;

function shortArgs(args: Record<string, unknown>): string {
  const text = JSON.stringify(args);
  return text.length > ARGS_CHARS ? `${text.slice(0, ARGS_CHARS - 1)}…` : text;
}

/** One line per host event, or undefined for events not worth a line (stderr unless verbose). */
export function formatHostEvent(event: HostEvent, verbose = false): string | undefined {
  switch (event.type) {
    case 'server_starting':
      return verbose ? `  … ${event.server}: ${event.detail}` : undefined;
    case 'server_started':
      return `  ✓ ${event.server.padEnd(10)} ${event.tools.length} tool${event.tools.length === 1 ? '' : 's'} (${event.tools.join(', ')}) ${event.ms} ms`;
    case 'server_failed':
      return `  ✗ ${event.server.padEnd(10)} did not start: ${event.error}`;
    case 'server_exited':
      return `  ! ${event.server} exited (${event.detail}); restart ${event.attempt} in ${event.restartInMs} ms`;
    case 'server_restarted':
      return `  ✓ ${event.server} restarted (${event.tools.length} tools)`;
    case 'server_gave_up':
      return `  ✗ ${event.server} gave up restarting: ${event.error}`;
    case 'tools_withheld':
      return `  ⊘ ${event.server.padEnd(10)} withheld from the model: ${event.withheld.map((item) => `${item.tool} (${item.reason})`).join('; ')}`;
    case 'server_stderr':
      return verbose ? `    ${event.server}| ${event.line}` : undefined;
    case 'ready': {
      const failed = event.failed.length ? `; failed: ${event.failed.join(', ')}` : '';
      const renamed = event.renamed.length ? `; renamed on clash: ${event.renamed.join(', ')}` : '';
      return `  ${event.servers} server${event.servers === 1 ? '' : 's'} ready, ${event.tools} tools${failed}${renamed}`;
    }
  }
}

export function formatAgentEvent(event: AgentEvent): string | undefined {
  switch (event.type) {
    case 'started':
      return `▸ analysing with ${event.engine}: "${event.incident}"`;
    case 'model_turn': {
      const context =
        event.promptTokens !== undefined && event.contextWindow ? ` (context ${event.promptTokens}/${event.contextWindow} tokens)` : '';
      return `  model round ${event.round}: ${event.toolCalls} tool call${event.toolCalls === 1 ? '' : 's'}${context}`;
    }
    case 'tool_started':
      return `  → ${event.callId} ${event.server}.${event.tool} ${shortArgs(event.args)}`;
    case 'tool_finished':
      return `  ${event.ok ? '←' : '✗'} ${event.callId} ${event.server}.${event.tool} ${event.ms} ms: ${event.summary}`;
    case 'note':
      return `  note: ${event.message}`;
    case 'stage':
      return `▸ ${event.title}`;
    case 'final':
      return undefined;
  }
}
