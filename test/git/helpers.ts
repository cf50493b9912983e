import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll } from 'vitest';
import { createServer, type GitServerOptions } from '../../mcp-servers/git/server.js';
import { type Connected, connectInProcess } from '../support/in-process.js';

export const FIXTURE_DATASET = fileURLToPath(new URL('../fixtures/git-dataset', import.meta.url));

export type { Connected };

export function connect(options: GitServerOptions): Promise<Connected> {
  return connectInProcess(createServer(options), 'git-test');
}

export interface CallResult {
  text: string;
  isError: boolean;
  // biome-ignore lint/suspicious/noExplicitAny: tests read structured content loosely and assert on it.
  structured: any;
}

export async function call(client: Client, name: string, args: Record<string, unknown>): Promise<CallResult> {
  const result = await client.callTool({ name, arguments: args });
  const content = result.content as { type: string; text?: string }[];
  return {
    text: content.map((c) => c.text ?? '').join('\n'),
    isError: result.isError === true,
    structured: result.structuredContent,
  };
}

const created: string[] = [];

/** Registered once per test file (vitest isolates files), so every scratch folder goes when the file is done. */
afterAll(() => {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
});

export function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  created.push(dir);
  return dir;
}

/** A scratch git repository with fixed identities and dates, so shas and times are reproducible. */
export class TempRepo {
  readonly dir: string;

  constructor(name = 'shop') {
    this.dir = path.join(tempDir('ip-git-'), name);
    mkdirSync(this.dir, { recursive: true });
    this.git(['init', '-q', '-b', 'main'], '2024-05-01T00:00:00Z');
  }

  git(args: string[], date: string): string {
    return execFileSync('git', ['-c', 'user.name=Test Author', '-c', 'user.email=author@example.com', ...args], {
      cwd: this.dir,
      encoding: 'utf8',
      env: {
        ...process.env,
        GIT_AUTHOR_DATE: date,
        GIT_COMMITTER_DATE: date,
        GIT_CONFIG_NOSYSTEM: '1',
        GIT_CONFIG_GLOBAL: '/dev/null',
        GIT_TERMINAL_PROMPT: '0',
      },
    });
  }

  write(file: string, content: string): void {
    const full = path.join(this.dir, file);
    mkdirSync(path.dirname(full), { recursive: true });
    writeFileSync(full, content);
  }

  /** Writes files and commits them; returns the new commit's full sha. */
  commit(message: string, date: string, files: Record<string, string>, author?: string): string {
    for (const [file, content] of Object.entries(files)) this.write(file, content);
    this.git(['add', '-A'], date);
    const who = author ? ['-c', `user.name=${author}`] : [];
    this.git([...who, 'commit', '-q', '-m', message], date);
    return this.git(['rev-parse', 'HEAD'], date).trim();
  }

  tagAnnotated(name: string, date: string, message: string): void {
    this.git(['-c', 'user.name=Release Bot', 'tag', '-a', name, '-m', message], date);
  }

  tagLight(name: string, date: string): void {
    this.git(['tag', name], date);
  }
}
