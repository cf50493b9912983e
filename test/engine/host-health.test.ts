import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { HostEvent } from '../../src/host/events.js';
import type { McpHost } from '../../src/host/host.js';
import { formatHostEvent } from '../../src/host/log.js';
import { eventually, startFixtureHost } from './helpers.js';

/** Restart, retry and cancellation behaviour of the MCP host: what keeps the bot's tools alive for months. */

const hosts: McpHost[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(hosts.splice(0).map((host) => host.close()));
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function start(...args: Parameters<typeof startFixtureHost>) {
  const started = await startFixtureHost(...args);
  hosts.push(started.host);
  return started;
}

const stderrOf = (events: HostEvent[]) => events.flatMap((event) => (event.type === 'server_stderr' ? [event.line] : [])).join('\n');

describe('MCP host health', () => {
  it('a server that fails its first two starts is retried with back-off and serves on the third', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ip-health-'));
    dirs.push(dir);
    const counter = path.join(dir, 'starts');
    const { host, events } = await start([{ name: 'flaky', args: ['--fail-times', '2', '--counter', counter, '--only', 'echo'] }], {
      restart: { baseDelayMs: 50 },
    });
    expect(host.status()[0]).toMatchObject({ state: 'failed' });
    expect(events.find((event) => event.type === 'server_failed')).toBeDefined();
    await eventually(() => host.status()[0]?.state === 'ready', 10_000);
    expect(await host.callTool('echo', { text: 'third time' })).toMatchObject({ ok: true, text: 'echo: third time' });
    expect(events.filter((event) => event.type === 'server_exited').length).toBe(2);
    expect(events.some((event) => event.type === 'server_restarted')).toBe(true);
    const log = events.map((event) => formatHostEvent(event).line).join('\n');
    expect(log).toMatch(/mcp flaky: failed to start: .*backend not reachable yet \(start 1\)/);
    expect(log).toMatch(/mcp flaky: restarted/);
  });

  it('past the restart budget a server is given up on for the window, then tried again', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ip-health-'));
    dirs.push(dir);
    const counter = path.join(dir, 'starts');
    // A window longer than one failed start (a node process takes up to a second here), so the budget is reached.
    const { host, events } = await start([{ name: 'flaky', args: ['--fail-times', '2', '--counter', counter, '--only', 'echo'] }], {
      restart: { baseDelayMs: 20, budget: 1, windowMs: 3_000 },
    });
    await eventually(() => events.some((event) => event.type === 'server_gave_up'), 8_000);
    expect(host.status()[0]?.state).toBe('failed');
    // The window frees up and retries go on until the server serves: never given up for good.
    await eventually(() => host.status()[0]?.state === 'ready', 15_000);
    expect(await host.callTool('echo', { text: 'back' })).toMatchObject({ ok: true });
    const gaveUp = events.find((event) => event.type === 'server_gave_up');
    expect(gaveUp?.type === 'server_gave_up' && gaveUp.error).toMatch(/1 restarts in 3 s; next try in \d+ s/);
  });

  it(`restarts a server whose calls time out three times in a row`, async () => {
    const { host, events } = await start([{ name: 'fx', args: ['--only', 'hang,echo,pid'] }], { restart: { baseDelayMs: 20 } });
    const firstPid = host.status()[0]?.pid;
    for (let i = 0; i < 3; i += 1) expect((await host.callTool('hang', {}, { timeoutMs: 150 })).ok).toBe(false);
    await eventually(() => events.some((event) => event.type === 'server_restarted'), 10_000);
    expect(await host.waitForServer('fx')).toBe('ready');
    expect(host.status()[0]?.pid).not.toBe(firstPid);
    const exited = events.find((event) => event.type === 'server_exited');
    expect(exited?.type === 'server_exited' && exited.detail).toMatch(/3 calls in a row timed out/);
  });

  it('two timeouts and an answer do not restart the server', async () => {
    const { host, events } = await start([{ name: 'fx', args: ['--only', 'hang,echo'] }]);
    for (let round = 0; round < 2; round += 1) {
      await host.callTool('hang', {}, { timeoutMs: 100 });
      await host.callTool('hang', {}, { timeoutMs: 100 });
      expect((await host.callTool('echo', { text: 'x' })).ok).toBe(true);
    }
    expect(events.some((event) => event.type === 'server_exited')).toBe(false);
  });

  it('a timed-out call stops the scan inside the server (cancellation reaches the tool)', async () => {
    const { host, events } = await start([{ name: 'fx', args: ['--only', 'scan'] }]);
    const outcome = await host.callTool('scan', { steps: 500 }, { timeoutMs: 200 });
    expect(outcome.text).toMatch(/timed out/);
    await eventually(() => /scan stopped at step \d+/.test(stderrOf(events)), 5_000);
    expect(stderrOf(events)).not.toMatch(/scan finished/);
  });

  it('an aborted call stops the scan inside the server', async () => {
    const { host, events } = await start([{ name: 'fx', args: ['--only', 'scan'] }]);
    const controller = new AbortController();
    const pending = host.callTool('scan', { steps: 500 }, { signal: controller.signal, timeoutMs: 60_000 });
    setTimeout(() => controller.abort(), 150);
    expect((await pending).text).toContain('cancelled');
    await eventually(() => /scan stopped at step \d+/.test(stderrOf(events)), 5_000);
  });

  it('formats every host event as one log line with a level', () => {
    expect(formatHostEvent({ type: 'server_gave_up', server: 'logs', error: 'boom' })).toEqual({
      level: 'error',
      line: 'mcp logs: gave up for now: boom',
    });
    expect(
      formatHostEvent({ type: 'server_exited', server: 'git', detail: 'the server process exited', attempt: 1, restartInMs: 200 }).line,
    ).toBe('mcp git: the server process exited; restarting in 200 ms (attempt 1)');
    expect(formatHostEvent({ type: 'server_stderr', server: 'x', line: 'y'.repeat(5000) }).line.length).toBeLessThan(1100);
  });
});
