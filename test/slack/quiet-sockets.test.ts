import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isExpectedSocketNoise } from '../support/console-noise.js';

/**
 * A passing test run prints no error lines: the socket errors the tests cause on purpose (the fake Slack terminating
 * its sockets, bot.stop()) are dropped by vitest.config.ts, and nothing else is.
 */

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/** A child vitest over one socket-mode test; generous because two cores are shared, hard so a hang fails. */
const CHILD_TIMEOUT_MS = 90_000;

const SOCKET_LINE = '[ERROR]  socket-mode:SlackWebSocket:1 WebSocket error occurred: ';
const CLIENT_LINE = '[ERROR]  socket-mode:SocketModeClient:0 WebSocket error! SMWebsocketError';

describe('expected socket noise', () => {
  it('drops the two reason-less socket-mode lines, alone or in one burst', () => {
    expect(isExpectedSocketNoise(`${SOCKET_LINE}\n`, 'stderr')).toBe(true);
    expect(isExpectedSocketNoise(`${CLIENT_LINE}\n`, 'stderr')).toBe(true);
    expect(isExpectedSocketNoise(`${SOCKET_LINE}\n${CLIENT_LINE}\n`, 'stderr')).toBe(true);
    expect(isExpectedSocketNoise('[ERROR]  socket-mode:SlackWebSocket:17 WebSocket error occurred:', 'stderr')).toBe(true);
  });

  it('keeps socket errors that carry a reason', () => {
    expect(isExpectedSocketNoise('[ERROR]  socket-mode:SlackWebSocket:1 WebSocket error occurred: connect ECONNREFUSED', 'stderr')).toBe(
      false,
    );
    expect(
      isExpectedSocketNoise('[ERROR]  socket-mode:SocketModeClient:0 WebSocket error! SMWebsocketError: read ECONNRESET', 'stderr'),
    ).toBe(false);
  });

  it('keeps every other line, and a burst with one other line in it', () => {
    expect(isExpectedSocketNoise('[ERROR]  bolt-app unhandled listener error: boom', 'stderr')).toBe(false);
    expect(isExpectedSocketNoise(`${SOCKET_LINE}\n[ERROR]  bolt-app analysis A1 failed: boom\n`, 'stderr')).toBe(false);
    expect(isExpectedSocketNoise('', 'stderr')).toBe(false);
    expect(isExpectedSocketNoise(`${SOCKET_LINE}\n`, 'stdout')).toBe(false);
  });

  it(
    'a socket-mode test file run on its own passes and prints no [ERROR] line and no stderr block',
    () => {
      const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('VITEST')));
      const child = spawnSync(
        process.execPath,
        [path.join(root, 'node_modules', 'vitest', 'vitest.mjs'), 'run', 'test/slack/e2e-socket.test.ts', '--color=false'],
        { cwd: root, env: { ...env, NO_COLOR: '1' }, encoding: 'utf8', timeout: CHILD_TIMEOUT_MS, killSignal: 'SIGKILL' },
      );
      const output = `${child.stdout}${child.stderr}`;
      expect(child.signal, 'the child vitest hung').toBeNull();
      expect(output).toMatch(/Tests\s+12 passed/);
      expect(child.status).toBe(0);
      expect(output).not.toMatch(/\[ERROR\]/);
      expect(output).not.toMatch(/^stderr \|/m);
    },
    CHILD_TIMEOUT_MS + 10_000,
  );
});
