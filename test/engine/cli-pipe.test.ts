import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO } from './helpers.js';

/** `rca … | head -1`: the reader takes one line and goes; the CLI must end quietly and at once. */

const CLI = path.join(REPO, 'dist/src/cli/rca.js');
/** Starting three MCP servers on a busy two-core machine takes a few seconds; a hang runs into this. */
const EXIT_LIMIT_MS = 60_000;

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first`);
});

function runIntoClosingReader(args: string[]): Promise<{ code: number | null; signal: string | null; firstLine: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: REPO,
      env: {
        PATH: process.env.PATH ?? '',
        MCP_CONFIG: path.join(REPO, 'mcp-servers.json'),
        DATA_DIR: path.join(REPO, 'data/checkout-outage'),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let firstLine = '';
    let stderr = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the CLI did not exit within ${EXIT_LIMIT_MS} ms; stderr: ${stderr.slice(-2000)}`));
    }, EXIT_LIMIT_MS);
    child.stdout.once('data', (chunk: Buffer) => {
      firstLine = chunk.toString('utf8').split('\n')[0] ?? '';
      // What `head -1` does after its line: close the pipe.
      child.stdout.destroy();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, firstLine, stderr });
    });
  });
}

describe('rca piped into a reader that closes early', () => {
  it('exits 0 without a stack trace or an error line', async () => {
    const run = await runIntoClosingReader(['--engine', 'builtin', 'checkout returns 502 since 14:00']);
    expect(run.firstLine).toMatch(/starting MCP servers/);
    expect(run.stderr).not.toMatch(/EPIPE|Error|\n\s+at /);
    expect(run.stderr).not.toMatch(/^rca:/m);
    expect(run.code).toBe(0);
  }, 90_000);
});
