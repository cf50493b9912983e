import type { ToolHost, ToolOutputRecord } from '../agent/types.js';

/**
 * Passes every call through and hands its outcome to `record`: wrapped outside the redacting host, so what is
 * recorded (and later exported as a replay case) is exactly what the engine saw, secrets already replaced.
 */
export function recordingHost(host: ToolHost, record: ((call: ToolOutputRecord) => void) | undefined): ToolHost {
  if (!record) return host;
  return {
    listTools: () => host.listTools(),
    async callTool(name, args, options) {
      const outcome = await host.callTool(name, args, options);
      const server = host.listTools().find((tool) => tool.name === name)?.server ?? 'unknown';
      try {
        record({
          server,
          tool: name,
          args,
          ok: outcome.ok,
          text: outcome.text,
          ...(outcome.structured ? { structured: outcome.structured } : {}),
        });
      } catch {
        // A recorder that fails must not fail the analysis: the replay case is a by-product.
      }
      return outcome;
    },
  };
}
