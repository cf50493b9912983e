import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stripControl, terminalSafeJson } from '../../src/cli/terminal.js';
import { type FakeOllama, finalAnswer, startFakeOllama } from '../fakes/ollama/server.js';
import { REPO, writeFixtureConfig } from './helpers.js';

const CLI = path.join(REPO, 'dist/src/cli/rca.js');
const TERMINAL_MODULE = path.join(REPO, 'dist/src/cli/terminal.js');

const OSC8 = '\x1b]8;;https://evil.example/x\x07click here\x1b]8;;\x07';
const OSC52 = '\x1b]52;c;Y3VybCBldmlsIHwgc2g=\x1b\\';
const CSI_CLEAR = '\x1b[2J\x1b[1;1H';
const C1_CSI = '\x9b31m';
const CARRIAGE = 'all fine\rPWNED';
/** Anything a terminal would act on: ESC, BEL, CR, the C1 range. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the test looks for control characters
const ACTIONABLE = /[\x07\x0d\x1b\x80-\x9f]/;

describe('terminal control sequences are stripped', () => {
  it.each([
    [OSC8, 'click here'],
    [OSC52, ''],
    [`${CSI_CLEAR}text`, 'text'],
    [`${C1_CSI}red`, 'red'],
    [CARRIAGE, 'all finePWNED'],
    ['\x1b(0line\x1b(B', 'line'],
    ['tab\tand\nnewline', 'tab\tand\nnewline'],
    ['\x1b]0;title', ''],
  ])('%j → %j', (input, expected) => {
    expect(stripControl(input)).toBe(expected);
  });

  it('JSON keeps the data but writes C1 controls as escapes', () => {
    const value = { summary: `a${C1_CSI}b\x1b[2J` };
    const json = terminalSafeJson(value);
    expect(json).not.toMatch(ACTIONABLE);
    expect(JSON.parse(json)).toEqual(value);
  });

  it('an unterminated sequence over 200 KB is stripped in linear time (child process, hard kill)', () => {
    expect(existsSync(TERMINAL_MODULE), 'run npm run build first').toBe(true);
    const script = `
      import { stripControl } from ${JSON.stringify(TERMINAL_MODULE)};
      for (const unit of ['\\x1b]', '\\x1b[', '\\x1b[0', '\\x9b', '\\x1b', '\\x1b]8;;']) {
        process.stdout.write(String(stripControl(unit.repeat(200000 / unit.length)).length) + '\\n');
      }
    `;
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      timeout: 20_000,
      killSignal: 'SIGKILL',
      encoding: 'utf8',
    });
    expect(result.signal).toBeNull();
    expect(result.stdout.trim().split('\n')).toHaveLength(6);
  });
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function rca(args: string[], env: Record<string, string>): Promise<Run> {
  const cwd = mkdtempSync(path.join(tmpdir(), 'ip-cli-'));
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { cwd, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env }, timeout: 30_000 },
      (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr }),
    );
  });
}

describe('the built CLI prints no control sequence from tools, the model or the incident', () => {
  let fake: FakeOllama;
  let config: string;
  beforeAll(async () => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first`);
    config = writeFixtureConfig({ fx: ['--only', 'echo'] });
    fake = await startFakeOllama({
      script: (request) =>
        request.format
          ? finalAnswer({
              summary: `pool exhausted ${OSC8}`,
              rootCause: `The pool ran out. ${OSC52}`,
              confidence: 'low',
              timeline: [{ at: '2024-05-01T14:05:00Z', source: `git ${CSI_CLEAR}`, event: `commit ${CARRIAGE}` }],
              evidence: [{ id: 'E1', source: 'logs', tool: 'T1', summary: `echo ${C1_CSI}` }],
              recommendations: [`raise the pool ${OSC8}`],
            })
          : request.messages.some((message) => message.role === 'tool')
            ? { content: 'done' }
            : { toolCalls: [{ name: 'echo', arguments: { text: `commit msg ${OSC8} ${OSC52} ${CSI_CLEAR}` } }] },
    });
  });
  afterAll(async () => {
    await fake?.close();
  });

  it.each([[[]], [['--json']]])('text and JSON output (%j)', async (extra) => {
    const run = await rca(['--config', config, '--engine', 'ollama', ...extra, `checkout down ${OSC8}`], {
      OLLAMA_HOST: fake.url,
      OLLAMA_EVIDENCE_PACK: 'false',
    });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('pool exhausted');
    expect(run.stdout).not.toMatch(ACTIONABLE);
    expect(run.stderr).not.toMatch(ACTIONABLE);
  });
});
