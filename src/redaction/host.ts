import type { ToolHost, ToolOutcome } from '../agent/types.js';
import type { Redactor } from './redactor.js';

/**
 * The analysis' view of the MCP host with every tool result redacted where it enters: the text and the
 * structuredContent. The model, the quote check, the report and the CLI all see this same text, so a quote of a
 * redacted line still verifies.
 */
export function redactingHost(host: ToolHost, redactor: Redactor): ToolHost {
  return {
    listTools: () => host.listTools(),
    async callTool(name, args, options) {
      const outcome: ToolOutcome = await host.callTool(name, args, options);
      return {
        ...outcome,
        text: redactor.text(outcome.text),
        ...(outcome.structured ? { structured: redactor.value(outcome.structured) } : {}),
      };
    },
  };
}
