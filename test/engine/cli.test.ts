import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReportSchema } from '../../src/report/schema.js';
import { type FakeOllama, finalAnswer, startFakeOllama } from '../fakes/ollama/server.js';
import { REPO, writeFixtureConfig } from './helpers.js';

const CLI = path.join(REPO, 'dist/src/cli/rca.js');
const SECRET = 'sk-test-secret-should-never-print';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI asynchronously: the fake Ollama lives in this process and must keep answering. */
function rca(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const cwd = mkdtempSync(path.join(tmpdir(), 'ip-cli-'));
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { cwd, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env }, timeout: 30_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

let fake: FakeOllama;
let config: string;

beforeAll(async () => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first`);
  config = writeFixtureConfig({ fx: ['--only', 'status,echo'] });
  fake = await startFakeOllama({
    script: (request) =>
      request.format
        ? finalAnswer({
            summary: 'pool exhausted',
            rootCause: 'The connection pool ran out.',
            confidence: 'medium',
            timeline: [{ at: '2024-05-01T14:05:00Z', source: 'logs', event: 'errors start', evidence: ['E1'] }],
            evidence: [{ id: 'E1', source: 'logs', tool: 'T1', summary: 'pool errors', quote: 'connection pool exhausted' }],
            recommendations: ['raise the pool size'],
          })
        : request.messages.some((message) => message.role === 'tool')
          ? { content: 'done' }
          : { toolCalls: [{ name: 'status', arguments: {} }] },
  });
});
afterAll(async () => {
  await fake?.close();
});

const ollamaEnv = () => ({ OLLAMA_HOST: fake.url, OLLAMA_API_KEY: SECRET, OLLAMA_EVIDENCE_PACK: 'false' });

describe('rca CLI exit codes', () => {
  it.each([
    [[], /missing the incident description/],
    [['x', '--frobnicate'], /Unknown option '--frobnicate'/],
    [['x', '--engine', 'gpt4'], /--engine "gpt4" is not one of auto, ollama, builtin/],
    [['x', '--data', '/nonexistent/dataset'], /--data \/nonexistent\/dataset: no such folder/],
    [['x', '--since', 'yesterday'], /--since "yesterday" is not a duration/],
    [['x', '--model', 'qwen3 8b; rm'], /--model "qwen3 8b; rm" is not a model name/],
  ])('exits 2 on bad usage %j', async (args, message) => {
    const run = await rca(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).toContain('usage: rca');
  });

  it('exits 2 naming the entry of a malformed config, and the variable of a bad environment', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ip-cli-cfg-'));
    const bad = path.join(dir, 'mcp.json');
    writeFileSync(bad, JSON.stringify({ mcpServers: { logs: { command: 'node', args: 'not-a-list' } } }));
    const malformed = await rca(['x', '--config', bad]);
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toMatch(/invalid at mcpServers\.logs.*\(server "logs"\)/);

    const missing = await rca(['x', '--config', path.join(dir, 'none.json')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('file not found');

    const env = await rca(['x', '--config', config], { OLLAMA_NUM_CTX: 'big' });
    expect(env.code).toBe(2);
    expect(env.stderr).toMatch(/OLLAMA_NUM_CTX: expected a whole number/);
  });

  it('prints help with exit 0', async () => {
    const run = await rca(['--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('--engine NAME');
  });

  it('exits 1 with what to do when Ollama is not reachable', async () => {
    const run = await rca(['checkout 500s', '--config', config, '--engine', 'ollama'], {
      OLLAMA_HOST: 'http://127.0.0.1:9',
      OLLAMA_API_KEY: SECRET,
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('Ollama is not reachable at http://127.0.0.1:9');
    expect(run.stderr + run.stdout).not.toContain(SECRET);
  });
});

describe('rca CLI analysis', () => {
  it('prints servers, tools, each call and the report sections; exit 0', async () => {
    const run = await rca(['500 errors on checkout API', '--config', config, '--engine', 'ollama', '--since', '2h'], ollamaEnv());
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/✓ fx\s+2 tools \(echo, status\) \d+ ms/);
    expect(run.stdout).toMatch(/→ T1 fx\.status \{\}/);
    expect(run.stdout).toMatch(/← T1 fx\.status \d+ ms: checkout-api: 412 errors/);
    expect(run.stdout).toMatch(/\nTimeline\n {2}2024-05-01T14:05:00Z {2}logs {8}errors start \[E1\]/);
    for (const heading of ['Root Cause', 'Evidence', 'Recommendations']) expect(run.stdout).toContain(`\n${heading}\n`);
    expect(run.stdout).toContain('“connection pool exhausted”');
    expect(run.stdout).not.toContain(SECRET);
  });

  it('--model overrides OLLAMA_MODEL for one run', async () => {
    const before = fake.requests.length;
    const run = await rca(
      ['500 errors on checkout API', '--config', config, '--engine', 'ollama', '--model', 'mistral-small3.2:24b', '--json'],
      {
        ...ollamaEnv(),
        OLLAMA_MODEL: 'qwen3:8b',
      },
    );
    expect(run.code).toBe(0);
    expect(ReportSchema.parse(JSON.parse(run.stdout)).engine).toBe('ollama:mistral-small3.2:24b');
    const sent = fake.requests.slice(before).map((request) => request.model);
    expect(sent.length).toBeGreaterThan(0);
    expect(new Set(sent)).toEqual(new Set(['mistral-small3.2:24b']));
  });

  it('--json prints only the report on stdout and progress on stderr', async () => {
    const run = await rca(['500 errors on checkout API', '--config', config, '--engine', 'ollama', '--json'], ollamaEnv());
    expect(run.code).toBe(0);
    const report = ReportSchema.parse(JSON.parse(run.stdout));
    expect(report.engine).toBe('ollama:qwen3:8b');
    expect(report.toolCalls.map((call) => call.tool)).toEqual(['status']);
    expect(report.evidence[0]?.quote).toBe('connection pool exhausted');
    expect(run.stderr).toContain('→ T1 fx.status');
    expect(run.stdout + run.stderr).not.toContain(SECRET);
  });
});

describe('rca CLI with no model', () => {
  it('auto falls back to the built-in engine on the sample dataset and says why in the report', async () => {
    const run = await rca(
      [
        '500 errors on checkout API',
        '--config',
        path.join(REPO, 'mcp-servers.json'),
        '--data',
        path.join(REPO, 'data/checkout-outage'),
        '--json',
      ],
      { OLLAMA_HOST: 'http://127.0.0.1:9', OLLAMA_API_KEY: SECRET },
    );
    expect(run.code).toBe(0);
    const report = ReportSchema.parse(JSON.parse(run.stdout));
    expect(report.engine).toBe('builtin');
    expect(report.notes?.[0]).toContain('Ollama is not reachable at http://127.0.0.1:9');
    expect(report.toolCalls.length).toBeGreaterThan(3);
    expect(run.stderr).toContain('using the built-in engine');
    // The engine's stages print as they start.
    expect(run.stderr).toContain('▸ Reading deployments and commits');
    expect(run.stdout + run.stderr).not.toContain(SECRET);
  });
});

describe('rca CLI interruption', () => {
  it('Ctrl-C aborts a stuck analysis, closes the servers and exits 130', async () => {
    const stuck = await startFakeOllama({ script: () => ({ hang: true }) });
    try {
      const child = spawn(process.execPath, [CLI, 'x', '--config', config, '--engine', 'ollama'], {
        env: { PATH: process.env.PATH ?? '', OLLAMA_HOST: stuck.url, OLLAMA_EVIDENCE_PACK: 'false' },
      });
      let stdout = '';
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
      });
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
      });
      // Interrupt once the model request is in flight (the fake never answers it).
      while (stuck.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
      child.kill('SIGINT');
      const code = await new Promise<number | null>((resolve) => child.on('close', (exitCode) => resolve(exitCode)));
      expect(code).toBe(130);
      expect(stderr).toContain('interrupted');
      expect(stdout).toContain('analysing with ollama:qwen3:8b');
      await expect.poll(() => stuck.disconnects).toBe(1);
    } finally {
      await stuck.close();
    }
  });
});
