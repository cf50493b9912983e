import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { describe, expect, it } from 'vitest';
import { ErrorSummaryOutput } from '../../mcp-servers/logs/schemas.js';
import { FIXTURE_DATASET } from './helpers.js';

const ENTRY = fileURLToPath(new URL('../../dist/mcp-servers/logs/index.js', import.meta.url));

function baseEnv(extra: Record<string, string>): Record<string, string> {
  return { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...extra };
}

function runUntilExit(env: Record<string, string>): Promise<{ code: number | null; stderr: string; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [ENTRY], { env: baseEnv(env), stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (stderr.includes('ready on stdio')) child.stdin.end();
    });
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stderr, stdout }));
  });
}

describe('logs server over stdio (built dist)', () => {
  it('has been built', () => {
    expect(existsSync(ENTRY), `${ENTRY} is missing: run npm run build`).toBe(true);
  });

  it('lists tools and answers error_summary through the real stdio transport', async () => {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [ENTRY],
      env: baseEnv({ DATA_DIR: FIXTURE_DATASET }),
      stderr: 'pipe',
    });
    const client = new Client({ name: 'logs-stdio-test', version: '0.0.0' });
    await client.connect(transport);
    try {
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name).sort()).toEqual(['error_summary', 'list_services', 'read_logs', 'search_logs']);
      const result = await client.callTool({ name: 'error_summary', arguments: { since: '40m' } });
      expect(result.isError).toBeFalsy();
      const out = ErrorSummaryOutput.parse(result.structuredContent);
      expect(out.signatures[0]?.signature).toBe('Payment failed for order <n>: upstream timeout after <duration> calling <ip>');
    } finally {
      await client.close();
    }
  });

  it('exits with code 0 when stdin closes, writing nothing but protocol to stdout', async () => {
    const { code, stderr, stdout } = await runUntilExit({ DATA_DIR: FIXTURE_DATASET });
    expect(stderr).toContain('ready on stdio');
    expect(stdout).toBe('');
    expect(code).toBe(0);
  });

  it('an invalid LOG_FORMATS stops the server at startup with exit code 2 and a line naming the variable', async () => {
    const bad = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [ENTRY], {
        env: baseEnv({ DATA_DIR: FIXTURE_DATASET, LOG_FORMATS: JSON.stringify([{ name: 'acme', pattern: '(?P<time>\\S+)' }]) }),
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
      });
      child.on('exit', (code) => resolve({ code, stderr }));
    });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/LOG_FORMATS: format "acme": pattern needs a named group \(\?P<message>/);
  });

  it('an empty LOGS_PATH (as mcp-servers.json passes it) means dataset mode; ".." is refused at startup', async () => {
    const ok = await runUntilExit({ DATA_DIR: FIXTURE_DATASET, LOGS_PATH: '' });
    expect(ok.code).toBe(0);
    const bad = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [ENTRY], {
        env: baseEnv({ LOGS_PATH: '/var/log/../etc/*.log' }),
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
      });
      child.on('exit', (code) => resolve({ code, stderr }));
    });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('invalid configuration: LOGS_PATH entry');
  });

  it('names the backend and where at start-up, never a credential; a bad store configuration exits 2 naming the variable', async () => {
    const empty = { LOKI_URL: '', ELASTICSEARCH_URL: '', JOURNAL_PATH: '', LOKI_TOKEN: '', LOGS_BACKEND: '' };
    const loki = await runUntilExit({ ...empty, DATA_DIR: FIXTURE_DATASET, LOKI_URL: 'http://127.0.0.1:9', LOKI_TOKEN: 'tok-secret-123' });
    expect(loki.code).toBe(0);
    expect(loki.stderr).toContain('logs backend: Loki at http://127.0.0.1:9');
    expect(loki.stderr).not.toContain('tok-secret-123');
    const files = await runUntilExit({ ...empty, DATA_DIR: FIXTURE_DATASET });
    expect(files.stderr).toContain('logs backend: files');
    const both = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [ENTRY], {
        env: baseEnv({ LOKI_URL: 'http://127.0.0.1:9', ELASTICSEARCH_URL: 'http://127.0.0.1:9200' }),
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
      });
      child.on('exit', (code) => resolve({ code, stderr }));
    });
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('LOKI_URL and ELASTICSEARCH_URL are both set');
  });
});
