import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeSlack } from '../fakes/slack/server.js';

/** The built bot started as systemd starts it, with Slack out of reach or refusing its token. */

const REPO = path.resolve(import.meta.dirname, '../..');
const BOT = path.join(REPO, 'dist/src/slack/main.js');

interface Exit {
  code: number | null;
  stderr: string;
}

function startBot(env: Record<string, string>): Promise<Exit> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BOT], {
      cwd: mkdtempSync(path.join(tmpdir(), 'ip-bot-cwd-')),
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        SLACK_BOT_TOKEN: 'xoxb-1-2-fake',
        SLACK_APP_TOKEN: 'xapp-1-fake',
        STATE_PATH: path.join(mkdtempSync(path.join(tmpdir(), 'ip-bot-state-')), 'state.db'),
        ANALYSIS_ENGINE: 'builtin',
        SLACK_RETRY_MAX_MS: '0',
        SLACK_HTTP_TIMEOUT_MS: '2000',
        ...env,
      },
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.stdout.resume();
    const timer = setTimeout(() => child.kill('SIGKILL'), 45_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

/** A loopback port nothing listens on: connection refused, as with no network. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

let fake: FakeSlack;
beforeAll(async () => {
  if (!existsSync(BOT)) throw new Error(`${BOT} is missing: run npm run build first`);
  fake = await FakeSlack.start({ botToken: 'xoxb-the-real-one', appToken: 'xapp-the-real-one' });
});
afterAll(async () => {
  await fake?.close();
});

function ownErrors(stderr: string): string[] {
  return stderr.split('\n').filter((line) => line.includes('[ERROR] incidentpilot:'));
}

describe('Slack unreachable or refusing at start', () => {
  it('no network: one line saying so, exit 1 for systemd to retry, no unhandled rejection or stack trace', async () => {
    const exit = await startBot({ SLACK_API_URL: `http://127.0.0.1:${await closedPort()}/api/` });
    expect(exit.code).toBe(1);
    expect(ownErrors(exit.stderr)).toEqual([expect.stringMatching(/could not connect to Slack: .*fetch failed/)]);
    expect(exit.stderr).not.toMatch(/unhandled|uncaught/i);
    expect(exit.stderr).not.toMatch(/^\s+at /m);
  });

  it('a refused token: exit 2, which the unit does not restart, naming the tokens to check', async () => {
    const exit = await startBot({ SLACK_API_URL: fake.apiUrl });
    expect(exit.code).toBe(2);
    expect(ownErrors(exit.stderr)).toEqual([
      expect.stringMatching(/could not connect to Slack: invalid_auth — check SLACK_BOT_TOKEN \/ SLACK_APP_TOKEN/),
    ]);
    expect(exit.stderr).not.toMatch(/unhandled|uncaught/i);
    expect(exit.stderr).not.toMatch(/^\s+at /m);
  });
});
