import { describe, expect, it } from 'vitest';
import { ToolSession } from '../../src/agent/tool-session.js';
import type { AgentEvent, HostTool, ToolHost, ToolOutcome } from '../../src/agent/types.js';

/** A host whose tools clash the way ours do when GitHub's MCP server (which also has get_commit) is added. */
function clashingHost(): ToolHost & { called: string[] } {
  const tool = (server: string, name: string, exposed = name): HostTool => ({
    name: exposed,
    server,
    serverToolName: name,
    description: '',
    inputSchema: { type: 'object' },
  });
  const tools = [
    tool('git', 'get_commit', 'git__get_commit'),
    tool('github', 'get_commit', 'github__get_commit'),
    tool('logs', 'read_logs'),
  ];
  const called: string[] = [];
  return {
    called,
    listTools: () => tools,
    async callTool(name): Promise<ToolOutcome> {
      called.push(name);
      return { ok: true, text: `output of ${name}`, ms: 1 };
    },
  };
}

describe('ToolSession', () => {
  it('numbers calls, records them and keeps each output for quote checks', async () => {
    const host = clashingHost();
    const events: AgentEvent[] = [];
    const session = new ToolSession(host, (event) => events.push(event));
    await session.call('read_logs', { limit: 5 });
    await session.call('read_logs', { limit: 6 });
    expect(session.records().map((record) => [record.id, record.tool, record.server])).toEqual([
      ['T1', 'read_logs', 'logs'],
      ['T2', 'read_logs', 'logs'],
    ]);
    expect(session.outputOf('T2')).toBe('output of read_logs');
    expect(events.map((event) => event.type)).toEqual(['tool_started', 'tool_finished', 'tool_started', 'tool_finished']);
  });

  it('reaches a renamed tool by its server-side name, preferring the server configured first', async () => {
    const host = clashingHost();
    const session = new ToolSession(host);
    expect(session.hasTool('get_commit')).toBe(true);
    const call = await session.call('get_commit', { sha: 'abcd123' });
    expect(host.called).toEqual(['git__get_commit']);
    expect(call).toMatchObject({ tool: 'git__get_commit', server: 'git', ok: true });
    expect(session.hasTool('get_deployments')).toBe(false);
  });
});
