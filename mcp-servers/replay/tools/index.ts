import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { RecordedCallEntry } from '../recording.js';
import { registerReplayTool } from './replay-tool.js';

/** One replay tool per recorded tool name, each answering its own recorded calls. */
export function registerReplayTools(server: McpServer, calls: readonly RecordedCallEntry[]): void {
  const byTool = new Map<string, RecordedCallEntry[]>();
  for (const call of calls) byTool.set(call.tool, [...(byTool.get(call.tool) ?? []), call]);
  for (const [tool, recorded] of byTool) registerReplayTool(server, tool, recorded);
}
