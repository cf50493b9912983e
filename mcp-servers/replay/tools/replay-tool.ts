import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { toolError } from '../../shared/tool-result.js';
import { argsKey, type RecordedCallEntry } from '../recording.js';

/** Recorded calls listed in the hint of an unrecorded call. */
const MAX_HINT_CALLS = 20;

/**
 * One recorded tool, answering exactly what it answered when the incident was analysed: the same arguments get the
 * recorded output; anything else is an error that lists what was recorded, so a changed engine sees where it diverged.
 */
export function registerReplayTool(server: McpServer, tool: string, calls: readonly RecordedCallEntry[]): void {
  const byArgs = new Map<string, RecordedCallEntry>();
  for (const call of calls) if (!byArgs.has(argsKey(call.args))) byArgs.set(argsKey(call.args), call);
  server.registerTool(
    tool,
    {
      title: `Replay of ${tool}`,
      description: `Recorded outputs of ${tool} from a past analysis. Only the recorded argument sets have answers: ${calls.length} recorded call(s).`,
      inputSchema: z.looseObject({}).describe(`the arguments of ${tool}, exactly as recorded`),
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    async (args: Record<string, unknown>): Promise<CallToolResult> => {
      const hit = byArgs.get(argsKey(args));
      if (!hit) {
        const recorded = calls
          .slice(0, MAX_HINT_CALLS)
          .map((call) => `${tool} ${argsKey(call.args)}`)
          .join('; ');
        return toolError(`${tool} ${argsKey(args)} was not recorded in this replay case`, `recorded calls: ${recorded}`);
      }
      return {
        content: [{ type: 'text', text: hit.text }],
        ...(hit.structured && hit.ok ? { structuredContent: hit.structured } : {}),
        ...(hit.ok ? {} : { isError: true }),
      };
    },
  );
}
