import type { RecordedCall } from '../report/calls.js';
import type { ToolCallRecord } from '../report/schema.js';
import type { AgentEvent, HostTool, ToolHost, ToolOutcome } from './types.js';

export type { RecordedCall };

/** The longest one-line result summary shown in progress output. */
const SUMMARY_CHARS = 160;

/**
 * One analysis' view of the tool host: numbers calls T1, T2 …, emits tool_started / tool_finished events and
 * keeps every output so quotes in the report can be checked against what the tools really said.
 */
export class ToolSession {
  private readonly calls: RecordedCall[] = [];

  constructor(
    private readonly host: ToolHost,
    private readonly onEvent: (event: AgentEvent) => void = () => {},
    private readonly signal?: AbortSignal,
  ) {}

  tools(): HostTool[] {
    return this.host.listTools();
  }

  hasTool(name: string): boolean {
    return this.resolve(name) !== undefined;
  }

  /**
   * Finds a tool by its exposed name, or else by the name its server gives it: adding a server whose tool names
   * clash with ours (GitHub's MCP server also has get_commit) renames both, and engines that ask for `get_commit`
   * should still reach one. On a clash the server listed first in the host's configuration wins.
   */
  resolve(name: string): HostTool | undefined {
    const tools = this.host.listTools();
    return tools.find((tool) => tool.name === name) ?? tools.find((tool) => tool.serverToolName === name);
  }

  async call(name: string, args: Record<string, unknown>, options: { timeoutMs?: number } = {}): Promise<RecordedCall> {
    const id = `T${this.calls.length + 1}`;
    const resolved = this.resolve(name);
    const server = resolved?.server ?? 'unknown';
    const toolName = resolved?.name ?? name;
    const placeholder: RecordedCall = { id, server, tool: toolName, args, ms: 0, ok: false, outcome: { ok: false, text: '', ms: 0 } };
    this.calls.push(placeholder);
    this.onEvent({ type: 'tool_started', callId: id, server, tool: toolName, args });
    const outcome = await this.host.callTool(toolName, args, { signal: this.signal, timeoutMs: options.timeoutMs });
    placeholder.ms = outcome.ms;
    placeholder.ok = outcome.ok;
    placeholder.outcome = outcome;
    this.onEvent({
      type: 'tool_finished',
      callId: id,
      server,
      tool: toolName,
      args,
      ok: outcome.ok,
      ms: outcome.ms,
      summary: summarize(outcome),
    });
    return placeholder;
  }

  records(): ToolCallRecord[] {
    return this.calls.map(({ outcome: _outcome, ...record }) => record);
  }

  /** Output text of a call by id, for quote verification. */
  outputOf(callId: string): string | undefined {
    return this.calls.find((call) => call.id === callId)?.outcome.text;
  }

  all(): readonly RecordedCall[] {
    return this.calls;
  }
}

/** First meaningful line of a tool's output, for progress displays. */
export function summarize(outcome: ToolOutcome): string {
  const firstLine = outcome.text.split('\n').find((line) => line.trim().length > 0) ?? (outcome.ok ? 'ok' : 'failed');
  return firstLine.length > SUMMARY_CHARS ? `${firstLine.slice(0, SUMMARY_CHARS - 1)}…` : firstLine;
}
