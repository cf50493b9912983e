import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * The bot as `npm start` runs it (dist/src/slack/main.js) in a child process, so tests can kill -9 it or send it
 * SIGTERM. Its log (stderr) is collected for assertions; pids of its MCP servers are read from the log.
 */

export const REPO = path.resolve(import.meta.dirname, '../../..');
const MAIN = path.join(REPO, 'dist/src/slack/main.js');
/** How long a started bot may take to connect; MCP servers start first. */
const START_LIMIT_MS = 30_000;

export interface BotProcess {
  child: ChildProcess;
  log(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Pids of the MCP servers this bot started (from its log), so none outlives a test. */
  serverPids(): number[];
  waitForLog(pattern: RegExp, limitMs?: number): Promise<string>;
}

export function assertBuilt(): void {
  for (const file of [MAIN, ...['logs', 'git', 'metrics'].map((server) => path.join(REPO, `dist/mcp-servers/${server}/index.js`))]) {
    if (!existsSync(file)) throw new Error(`${file} is missing: run npm run build`);
  }
}

export async function startBot(env: Record<string, string>, cwd: string, nodeArgs: string[] = []): Promise<BotProcess> {
  const child = spawn(process.execPath, [...nodeArgs, MAIN], {
    cwd,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const bot: BotProcess = {
    child,
    log: () => output,
    exited,
    serverPids: () => [...output.matchAll(/\(pid (\d+)\)/g)].map((match) => Number(match[1])),
    async waitForLog(pattern, limitMs = 15_000) {
      const deadline = Date.now() + limitMs;
      let done = false;
      void exited.then(() => {
        done = true;
      });
      for (;;) {
        const match = pattern.exec(output);
        if (match) return match[0];
        if (done || Date.now() > deadline)
          throw new Error(`bot log never matched ${pattern}${done ? ' (bot exited)' : ''}:\n${output.slice(-3000)}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
  };
  await bot.waitForLog(/IncidentPilot connected as/, START_LIMIT_MS);
  return bot;
}

/** Kills whatever of the bot and its servers is still alive. */
export async function cleanup(bot: BotProcess | undefined): Promise<void> {
  if (!bot) return;
  if (bot.child.exitCode === null && bot.child.signalCode === null) {
    bot.child.kill('SIGKILL');
    await bot.exited;
  }
  for (const pid of bot.serverPids()) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}
