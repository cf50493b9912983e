import type { HostEvent } from './events.js';

/** A server printing a huge line must not flood the bot's log. */
const STDERR_LINE_CHARS = 1_000;

export type HostLogLevel = 'debug' | 'info' | 'warn' | 'error';

/** A host event as one log line and its level, for the bot's log (the host itself never prints). */
export function formatHostEvent(event: HostEvent): { level: HostLogLevel; line: string } {
  switch (event.type) {
    case 'server_starting':
      return { level: 'info', line: `mcp ${event.server}: starting (${event.detail})` };
    case 'server_started':
      return {
        level: 'info',
        line: `mcp ${event.server}: started with ${event.tools.length} tools in ${event.ms} ms${event.pid !== undefined ? ` (pid ${event.pid})` : ''}`,
      };
    case 'server_failed':
      return { level: 'error', line: `mcp ${event.server}: failed to start: ${event.error}` };
    case 'server_exited':
      return {
        level: 'warn',
        line: `mcp ${event.server}: ${event.detail}; restarting in ${event.restartInMs} ms (attempt ${event.attempt})`,
      };
    case 'server_restarted':
      return { level: 'info', line: `mcp ${event.server}: restarted (attempt ${event.attempt}, ${event.tools.length} tools)` };
    case 'server_gave_up':
      return { level: 'error', line: `mcp ${event.server}: gave up for now: ${event.error}` };
    case 'server_stderr':
      return { level: 'info', line: `mcp ${event.server} stderr: ${event.line.slice(0, STDERR_LINE_CHARS)}` };
    case 'tools_withheld':
      return {
        level: 'warn',
        line: `mcp ${event.server}: withheld from the model: ${event.withheld.map((item) => `${item.tool} (${item.reason})`).join('; ')}`,
      };
    case 'ready':
      return {
        level: event.failed.length > 0 ? 'warn' : 'info',
        line: `mcp: ${event.servers} servers ready with ${event.tools} tools${event.failed.length > 0 ? `; not started yet: ${event.failed.join(', ')}` : ''}`,
      };
  }
}
