import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_DIR } from './fixture-data.js';

const ENTRY = path.resolve('dist/mcp-servers/metrics/index.js');

function run(env: Record<string, string>, closeStdinAfterReady: boolean): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [ENTRY], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (closeStdinAfterReady && stderr.includes('ready on stdio')) child.stdin.end();
    });
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stderr }));
  });
}

beforeAll(() => {
  if (!existsSync(ENTRY)) throw new Error(`${ENTRY} is missing: run npm run build first`);
});

describe('metrics server over stdio', () => {
  it('lists its tools and answers a call', async () => {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [ENTRY],
      env: { PATH: process.env.PATH ?? '', DATA_DIR: FIXTURE_DIR },
      stderr: 'pipe',
    });
    const client = new Client({ name: 'stdio-test', version: '0.0.0' });
    await client.connect(transport);
    try {
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name).sort()).toEqual(['get_anomalies', 'get_error_rates', 'get_metrics', 'list_metrics']);
      const result = (await client.callTool({ name: 'get_error_rates', arguments: {} })) as CallToolResult;
      expect(result.isError).toBeFalsy();
      expect((result.structuredContent as { services: Array<{ service: string; status: string }> }).services[0]).toMatchObject({
        service: 'checkout',
        status: 'critical',
      });
    } finally {
      await client.close();
    }
  });

  it('exits by itself when stdin closes', async () => {
    const { code, stderr } = await run({ DATA_DIR: FIXTURE_DIR }, true);
    expect(stderr).toContain('ready on stdio');
    expect(code).toBe(0);
  });

  it('refuses an invalid configuration with one clear line and exit code 2, leaking no secret', async () => {
    const { code, stderr } = await run({ PROMETHEUS_URL: 'ftp://metrics.example', PROMETHEUS_BEARER_TOKEN: 'tok-secret-123' }, false);
    expect(code).toBe(2);
    const lines = stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('invalid configuration: PROMETHEUS_URL must be http:// or https://');
    expect(stderr).not.toContain('tok-secret-123');
  });
});
