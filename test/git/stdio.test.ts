import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { describe, expect, it } from 'vitest';
import { DeploymentListOutput } from '../../mcp-servers/git/schemas.js';
import { FIXTURE_DATASET, tempDir } from './helpers.js';

const ENTRY = fileURLToPath(new URL('../../dist/mcp-servers/git/index.js', import.meta.url));

function baseEnv(extra: Record<string, string>): Record<string, string> {
  return { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...extra };
}

/** Runs the server with no client; resolves with its exit code and stderr once it exits. */
function runUntilExit(env: Record<string, string>, closeStdin: boolean): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [ENTRY], { env: baseEnv(env), stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      // Close stdin only once the server says it is serving, so the test proves "exits when stdin closes".
      if (closeStdin && stderr.includes('ready on stdio')) child.stdin.end();
    });
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stderr }));
  });
}

describe('git server over stdio (built dist)', () => {
  it('has been built', () => {
    expect(existsSync(ENTRY), `${ENTRY} is missing: run npm run build`).toBe(true);
  });

  it('lists tools and answers a call through the real stdio transport', async () => {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [ENTRY],
      env: baseEnv({ DATA_DIR: FIXTURE_DATASET }),
      stderr: 'pipe',
    });
    const client = new Client({ name: 'git-stdio-test', version: '0.0.0' });
    await client.connect(transport);
    try {
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name).sort()).toEqual(['get_commit', 'get_deployments', 'get_recent_commits', 'search_commits']);
      const result = await client.callTool({ name: 'get_deployments', arguments: { service: 'checkout-api', environment: 'production' } });
      expect(result.isError).toBeFalsy();
      expect(DeploymentListOutput.parse(result.structuredContent).deployments.map((d) => d.id)).toEqual(['dep-101']);
    } finally {
      await client.close();
    }
  });

  it('exits with code 0 when stdin closes', async () => {
    const { code, stderr } = await runUntilExit({ DATA_DIR: FIXTURE_DATASET }, true);
    expect(stderr).toContain('ready on stdio');
    expect(code).toBe(0);
  });

  it('refuses a bad configuration with one stderr line and exit code 2', async () => {
    const notRepo = tempDir('ip-git-stdio-');
    const repo = await runUntilExit({ GIT_REPO_PATH: notRepo }, false);
    expect(repo.code).toBe(2);
    expect(repo.stderr.trim().split('\n')).toHaveLength(1);
    expect(repo.stderr).toContain(`GIT_REPO_PATH ${notRepo} is not a git repository`);
    const pattern = await runUntilExit({ DATA_DIR: FIXTURE_DATASET, GIT_SERVICE_PATHS: 'services/**' }, false);
    expect(pattern.code).toBe(2);
    expect(pattern.stderr).toContain('GIT_SERVICE_PATHS');
  });

  it('refuses two history sources, or a GitHub repository without a token, naming the variables', async () => {
    const secret = 'ghp_stdioSECRET000000000000000000000000';
    const both = await runUntilExit(
      { GIT_REPO_PATH: tempDir('ip-git-stdio-'), GITHUB_REPOSITORY: 'acme/shop', GITHUB_TOKEN: secret },
      false,
    );
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('both GIT_REPO_PATH and GITHUB_REPOSITORY are set');
    expect(both.stderr).not.toContain(secret);
    const tokenless = await runUntilExit({ GITHUB_REPOSITORY: 'acme/shop' }, false);
    expect(tokenless.code).toBe(2);
    expect(tokenless.stderr.trim().split('\n')).toHaveLength(1);
    expect(tokenless.stderr).toContain('GITHUB_TOKEN is not');
  });
});
