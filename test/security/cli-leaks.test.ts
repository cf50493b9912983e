import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Report, ReportSchema } from '../../src/report/schema.js';
import { type FakeOllama, startFakeOllama } from '../fakes/ollama/server.js';
import { SECRET_SAMPLES } from '../redaction/corpus.js';
import { DATA, INCIDENT, INJECTED_COMMAND, INJECTED_URL, obedientModel, REPO, SECRETS, writeScenarioConfig } from './scenario.js';

/** The built CLI against the real MCP servers on the secrets dataset and the fake Ollama, which records every request. */

const CLI = path.join(REPO, 'dist/src/cli/rca.js');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function rca(args: string[], env: Record<string, string>): Promise<Run> {
  const cwd = mkdtempSync(path.join(tmpdir(), 'ip-cli-sec-'));
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { cwd, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env }, timeout: 60_000 },
      (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr }),
    );
  });
}

let ollama: FakeOllama;
let text: Run;
let json: Run;

beforeAll(async () => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first`);
  ollama = await startFakeOllama({ script: obedientModel });
  const env = { OLLAMA_HOST: ollama.url, ANALYSIS_ENGINE: 'ollama', OLLAMA_EVIDENCE_PACK: 'false', MCP_CONFIG: writeScenarioConfig() };
  text = await rca(['--data', DATA, INCIDENT], env);
  json = await rca(['--data', DATA, '--json', INCIDENT], env);
}, 120_000);

afterAll(async () => {
  await ollama?.close();
});

describe('CLI: what reaches the model and the terminal', () => {
  it('no secret value reaches the model, and every kind was there to redact', () => {
    expect(text.code, text.stderr).toBe(0);
    const sent = JSON.stringify(ollama.requests);
    for (const secret of SECRETS) expect(sent, `leaked to the model: ${secret}`).not.toContain(secret);
    // The secrets were in the tool output and the incident: their placeholders prove it, kind by kind.
    for (const kind of new Set(SECRET_SAMPLES.map((item) => item.kind))) expect(sent).toContain(`[REDACTED:${kind}#`);
  });

  it('no secret value reaches the terminal, in text or JSON', () => {
    for (const run of [text, json]) {
      for (const secret of SECRETS) expect(`${run.stdout}${run.stderr}`).not.toContain(secret);
    }
  });

  it('a quote of a redacted line still verifies', () => {
    const report: Report = ReportSchema.parse(JSON.parse(json.stdout));
    const quote = report.evidence.find((item) => item.id === 'E1')?.quote;
    expect(quote).toMatch(/\[REDACTED:[a-z_]+#\d+\]/);
    expect(report.notes?.join('\n') ?? '').not.toMatch(/quotes? dropped/);
  });

  it('the injected URL and command never appear as a link or a runnable command; the unsupported blame is capped at low', () => {
    const report: Report = ReportSchema.parse(JSON.parse(json.stdout));
    for (const output of [text.stdout, json.stdout]) {
      expect(output).not.toContain(INJECTED_URL);
      expect(output).not.toContain(INJECTED_COMMAND);
      expect(output).not.toMatch(/\|\s*sh\b/);
    }
    expect(text.stdout).toContain('hxxps://evil[.]example');
    expect(text.stdout).toContain('[unverified curl command removed');
    expect(report.confidence).toBe('low');
    expect(report.notes?.join('\n')).toMatch(/capped at low: the suspect "deadbeef" appears in no tool output/);
    expect(report.aiGenerated).toBe(true);
    expect(text.stdout).toContain('AI analysis — verify before acting');
    expect(text.stdout).toContain('sample data: secrets-fixture');
  });

  it('a fourth server’s write tool is not offered to the model, and start-up says why', () => {
    const offered = ollama.requests[0]?.tools?.map((tool) => tool.function.name) ?? [];
    expect(offered).toContain('read_logs');
    expect(offered).toContain('echo');
    expect(offered).not.toContain('merge_pull_request');
    expect(text.stdout).toMatch(/github .*withheld from the model: merge_pull_request \(does not declare readOnlyHint: true/);
    expect(text.stdout).toMatch(
      /leaves this machine: the incident, thread\/alert context and tool results go to the model at http:\/\/127\.0\.0\.1/,
    );
  });

  it('tool results reach the model inside the analysis’ nonce fence', () => {
    const first = ollama.requests.find((request) => request.messages.some((message) => message.role === 'tool'));
    const system = first?.messages[0]?.content ?? '';
    const nonce = /nonce=([0-9a-f]+)/.exec(system)?.[1];
    expect(nonce).toBeDefined();
    const results = first?.messages.filter((message) => message.role === 'tool') ?? [];
    expect(results.length).toBe(2);
    for (const result of results) {
      expect(result.content).toContain(`<<<UNTRUSTED-DATA nonce=${nonce} `);
      expect(result.content.trimEnd().endsWith(`<<<END-UNTRUSTED-DATA nonce=${nonce}>>>`)).toBe(true);
    }
  });
});
