import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { startFakeKube } from '../fakes/kubernetes/server.js';
import { FIXTURE_DIR, TOOLS, WINDOW } from './helpers.js';

const ENTRY = path.resolve('dist/mcp-servers/kubernetes/index.js');

beforeAll(() => {
  if (!existsSync(ENTRY)) throw new Error(`${ENTRY} is missing: run npm run build first`);
});

async function withClient<T>(env: Record<string, string>, use: (client: Client) => Promise<T>): Promise<T> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [ENTRY],
    env: { PATH: process.env.PATH ?? '', ...env },
    stderr: 'pipe',
  });
  const client = new Client({ name: 'stdio-test', version: '0.0.0' });
  await client.connect(transport);
  try {
    return await use(client);
  } finally {
    await client.close();
  }
}

function exitOf(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [ENTRY], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stderr }));
  });
}

describe('kubernetes server over stdio', () => {
  it('serves a dataset: five tools and an answer', async () => {
    await withClient({ DATA_DIR: FIXTURE_DIR }, async (client) => {
      expect((await client.listTools()).tools.map((t) => t.name).sort()).toEqual([...TOOLS]);
      const result = (await client.callTool({ name: 'get_rollouts', arguments: WINDOW })) as CallToolResult;
      expect(result.isError).toBeFalsy();
      expect((result.structuredContent as { total: number }).total).toBe(5);
    });
  });

  it('reads the fake cluster through a kubeconfig, as a live server', async () => {
    const fake = await startFakeKube({ dataDir: FIXTURE_DIR });
    try {
      const kubeconfig = fake.writeKubeconfig(path.join(mkdtempSync(path.join(os.tmpdir(), 'kube-')), 'config'));
      await withClient({ KUBECONFIG: kubeconfig, KUBE_CONTEXT: 'fake' }, async (client) => {
        expect(client.getInstructions()).toContain('Data source: live (cluster https://127.0.0.1:');
        const result = (await client.callTool({
          name: 'get_workload_health',
          arguments: { ...WINDOW, unhealthyOnly: true },
        })) as CallToolResult;
        expect((result.structuredContent as { workloads: { workload: string }[] }).workloads.map((w) => w.workload)).toEqual([
          'checkout',
          'frontend',
        ]);
      });
      expect(fake.requests.length).toBeGreaterThan(0);
    } finally {
      await fake.close();
    }
  });

  it('refuses a bad configuration with one line naming the variable and exit code 2', async () => {
    const { code, stderr } = await exitOf({ KUBECONFIG: '/nonexistent/kubeconfig' });
    expect(code).toBe(2);
    expect(stderr.trim()).toBe('incidentpilot-kubernetes: invalid configuration: KUBECONFIG file /nonexistent/kubeconfig does not exist');
  });
});
