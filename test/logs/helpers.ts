import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll } from 'vitest';
import { EntryAssembler } from '../../mcp-servers/logs/reader/assembler.js';
import { readLines } from '../../mcp-servers/logs/reader/lines.js';
import { createServer } from '../../mcp-servers/logs/server.js';
import type { LogEntry } from '../../mcp-servers/logs/types.js';
import { type Connected, connectInProcess } from '../support/in-process.js';

export const FIXTURE_DATASET = fileURLToPath(new URL('../fixtures/logs-dataset', import.meta.url));
export const LOGHUB = fileURLToPath(new URL('../fixtures/loghub', import.meta.url));

export type { Connected };

export function connect(options: Parameters<typeof createServer>[0]): Promise<Connected> {
  return connectInProcess(createServer(options), 'logs-test');
}

export interface CallResult {
  text: string;
  isError: boolean;
  // biome-ignore lint/suspicious/noExplicitAny: tests read structured content loosely and assert on it.
  structured: any;
}

export async function call(client: Client, name: string, args: Record<string, unknown> = {}): Promise<CallResult> {
  const result = await client.callTool({ name, arguments: args });
  const content = result.content as { type: string; text?: string }[];
  return {
    text: content.map((c) => c.text ?? '').join('\n'),
    isError: result.isError === true,
    structured: result.structuredContent,
  };
}

/** A fresh temp folder, removed after the file's tests. */
export function tempDir(prefix = 'logs-test-'): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Every entry of one file, through the same reader and assembler the server uses. */
export async function readEntries(file: string, label = path.basename(file), service = 'svc'): Promise<LogEntry[]> {
  const assembler = new EntryAssembler(label, service);
  const out: LogEntry[] = [];
  let lineNo = 0;
  for await (const line of readLines(file, file.endsWith('.gz'), label)) {
    lineNo += 1;
    out.push(...assembler.push(line, lineNo));
  }
  out.push(...assembler.flush());
  return out;
}

export const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
