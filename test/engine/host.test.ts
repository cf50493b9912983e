import { afterEach, describe, expect, it } from 'vitest';
import type { McpHost } from '../../src/host/host.js';
import { eventually, isAlive, startFixtureHost } from './helpers.js';

const hosts: McpHost[] = [];
afterEach(async () => {
  await Promise.all(hosts.splice(0).map((host) => host.close()));
});

async function start(...args: Parameters<typeof startFixtureHost>) {
  const started = await startFixtureHost(...args);
  hosts.push(started.host);
  return started;
}

describe('McpHost with stdio servers', () => {
  it('lists tools, routes calls and reports start-up as events', async () => {
    const { host, events } = await start([
      { name: 'alpha', args: ['--only', 'echo,pid'] },
      { name: 'beta', args: ['--only', 'status'] },
    ]);
    expect(
      host
        .listTools()
        .map((tool) => `${tool.server}/${tool.name}`)
        .sort(),
    ).toEqual(['alpha/echo', 'alpha/pid', 'beta/status']);
    const started = events.filter((event) => event.type === 'server_started');
    expect(started.map((event) => event.server).sort()).toEqual(['alpha', 'beta']);
    expect(events.at(-1)).toMatchObject({ type: 'ready', servers: 2, failed: [], tools: 3 });

    const outcome = await host.callTool('echo', { text: 'hello' });
    expect(outcome).toMatchObject({ ok: true, text: 'echo: hello' });
    const status = await host.callTool('status', {});
    expect(status.structured).toEqual({ now: '2024-05-01T15:00:00Z' });
  });

  it('prefixes tool names with the server only when two servers clash', async () => {
    const { host } = await start([
      { name: 'one', args: ['--only', 'echo,pid'] },
      { name: 'two', args: ['--only', 'echo,status'] },
    ]);
    const names = host
      .listTools()
      .map((tool) => tool.name)
      .sort();
    expect(names).toEqual(['one__echo', 'pid', 'status', 'two__echo']);
    const viaTwo = host.listTools().find((tool) => tool.name === 'two__echo');
    expect(viaTwo).toMatchObject({ server: 'two', serverToolName: 'echo' });
    expect(await host.callTool('two__echo', { text: 'x' })).toMatchObject({ ok: true, text: 'echo: x' });
  });

  it('turns a thrown tool error, an unknown tool and bad arguments into isError outcomes', async () => {
    const { host } = await start([{ name: 'fx' }]);
    const thrown = await host.callTool('fail', {});
    expect(thrown.ok).toBe(false);
    expect(thrown.text).toContain('database exploded');
    const unknown = await host.callTool('nope', {});
    expect(unknown.ok).toBe(false);
    expect(unknown.text).toMatch(/unknown tool "nope"[\s\S]*Hint: available tools: .*echo/);
    const badArgs = await host.callTool('echo', { text: 42 });
    expect(badArgs.ok).toBe(false);
    expect(badArgs.text).toMatch(/^Error: /);
  });

  it('times out a hanging call with a hint, and the server keeps serving', async () => {
    const { host } = await start([{ name: 'fx' }]);
    const outcome = await host.callTool('hang', {}, { timeoutMs: 300 });
    expect(outcome.ok).toBe(false);
    expect(outcome.text).toMatch(/hang timed out after 300 ms\nHint: narrow the query/);
    expect(await host.callTool('echo', { text: 'still here' })).toMatchObject({ ok: true });
  });

  it('cancels a call when its AbortSignal fires', async () => {
    const { host } = await start([{ name: 'fx' }]);
    const controller = new AbortController();
    const pending = host.callTool('hang', {}, { signal: controller.signal, timeoutMs: 60_000 });
    controller.abort();
    const outcome = await pending;
    expect(outcome).toMatchObject({ ok: false });
    expect(outcome.text).toContain('cancelled');
  });

  it('restarts a server killed mid-call: the call fails, its tools say restarting, then work again', async () => {
    const { host, events } = await start([
      { name: 'fx', args: ['--only', 'hang,echo'] },
      { name: 'other', args: ['--only', 'status'] },
    ]);
    const [firstPid] = host
      .status()
      .filter((server) => server.name === 'fx')
      .map((server) => server.pid);
    expect(firstPid).toBeTypeOf('number');

    const hanging = host.callTool('hang', {}, { timeoutMs: 60_000 });
    process.kill(firstPid as number, 'SIGKILL');
    const failed = await hanging;
    expect(failed.ok).toBe(false);
    expect(failed.text).toMatch(/server fx exited during the call/);

    const duringRestart = await host.callTool('echo', { text: 'x' });
    expect(duringRestart.ok).toBe(false);
    expect(duringRestart.text).toContain('server fx is restarting');
    // The other server is not affected.
    expect(await host.callTool('status', {})).toMatchObject({ ok: true });

    expect(await host.waitForServer('fx')).toBe('ready');
    expect(await host.callTool('echo', { text: 'back' })).toMatchObject({ ok: true, text: 'echo: back' });
    const newPid = host.status().find((server) => server.name === 'fx')?.pid;
    expect(newPid).not.toBe(firstPid);
    expect(events.some((event) => event.type === 'server_exited' && event.server === 'fx')).toBe(true);
    expect(events.some((event) => event.type === 'server_restarted' && event.server === 'fx')).toBe(true);
  });

  it('restarts a server whose tool kills its own process', async () => {
    const { host } = await start([{ name: 'fx' }]);
    const outcome = await host.callTool('crash', {});
    expect(outcome.ok).toBe(false);
    expect(outcome.text).toContain('exited during the call to crash');
    expect(await host.waitForServer('fx')).toBe('ready');
    expect(await host.callTool('pid', {})).toMatchObject({ ok: true });
  });

  it('leaves the other servers working when one will not start, and says why', async () => {
    const { host, events } = await start([
      { name: 'broken', args: ['--fail-start'] },
      { name: 'fine', args: ['--only', 'echo'] },
    ]);
    const failed = events.find((event) => event.type === 'server_failed');
    expect(failed).toMatchObject({ server: 'broken' });
    expect(failed?.type === 'server_failed' && failed.error).toContain('cannot open data folder');
    expect(events.at(-1)).toMatchObject({ type: 'ready', failed: ['broken'] });
    expect(host.listTools().map((tool) => tool.name)).toEqual(['echo']);
    expect(host.status().find((server) => server.name === 'broken')).toMatchObject({ state: 'failed' });
    expect(await host.callTool('echo', { text: 'ok' })).toMatchObject({ ok: true });
  });

  it('reports a command that does not exist as a failed server', async () => {
    const { McpHost } = await import('../../src/host/host.js');
    const events: string[] = [];
    const host = await McpHost.start(
      [{ name: 'ghost', kind: 'stdio', command: '/nonexistent/bin/server', args: [], env: {}, cwd: process.cwd() }],
      { onEvent: (event) => event.type === 'server_failed' && events.push(event.error) },
    );
    hosts.push(host);
    expect(events[0]).toMatch(/ENOENT/);
    expect(host.listTools()).toEqual([]);
  });

  it('gives a child only safe variables plus its own env: no secrets from the host', async () => {
    process.env.OLLAMA_API_KEY = 'sk-secret-for-test';
    try {
      const { host } = await start([{ name: 'fx', env: { DATA_DIR: '/data/x' } }]);
      expect((await host.callTool('env', { name: 'DATA_DIR' })).text).toBe('DATA_DIR=/data/x');
      expect((await host.callTool('env', { name: 'PATH' })).text).not.toBe('PATH=(unset)');
      expect((await host.callTool('env', { name: 'OLLAMA_API_KEY' })).text).toBe('OLLAMA_API_KEY=(unset)');
    } finally {
      delete process.env.OLLAMA_API_KEY;
    }
  });

  it('closes every child on shutdown: no orphans', async () => {
    const { host } = await start([{ name: 'a' }, { name: 'b' }]);
    const pids = host.pids();
    expect(pids).toHaveLength(2);
    for (const pid of pids) expect(isAlive(pid)).toBe(true);
    // A call in flight must not keep a child alive either.
    void host.callTool('hang', {}, { timeoutMs: 60_000 });
    await host.close();
    await eventually(() => pids.every((pid) => !isAlive(pid)));
    expect(pids.filter(isAlive)).toEqual([]);
  });
});

describe('McpHost signal hygiene', () => {
  it('leaves no abort listener behind on a long-lived signal after many calls', async () => {
    const { host } = await startFixtureHost([{ name: 'fx', args: ['--only', 'echo'] }]);
    try {
      const controller = new AbortController();
      let added = 0;
      let removed = 0;
      const signal = controller.signal;
      const add = signal.addEventListener.bind(signal);
      const remove = signal.removeEventListener.bind(signal);
      signal.addEventListener = ((...args: Parameters<AbortSignal['addEventListener']>) => {
        added += 1;
        add(...args);
      }) as AbortSignal['addEventListener'];
      signal.removeEventListener = ((...args: Parameters<AbortSignal['removeEventListener']>) => {
        removed += 1;
        remove(...args);
      }) as AbortSignal['removeEventListener'];
      for (let i = 0; i < 15; i += 1) expect(await host.callTool('echo', { text: `${i}` }, { signal })).toMatchObject({ ok: true });
      expect(added).toBe(15);
      expect(removed).toBe(added);
    } finally {
      await host.close();
    }
  });
});
