import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadRecording } from '../../mcp-servers/replay/recording.js';
import { createServer as createReplayServer } from '../../mcp-servers/replay/server.js';
import type { AnalyzeRequest } from '../../src/agent/types.js';
import { createBuiltinEngine } from '../../src/engines/builtin/index.js';
import { loadCase } from '../../src/eval/cases.js';
import { exportCase, TODO_TEXT } from '../../src/eval/export.js';
import { InProcessHost } from '../../src/eval/in-process-host.js';
import { builtinProvider } from '../../src/eval/providers.js';
import { runCase } from '../../src/eval/runner.js';
import { datasetHost } from '../../src/eval/servers.js';
import { recordingHost } from '../../src/memory/recording.js';
import { parseRedactionEnv, Redactor } from '../../src/redaction/index.js';
import { createSlackBot, type SlackBot } from '../../src/slack/app.js';
import { SqliteStore } from '../../src/store/sqlite.js';
import { FakeSlack } from '../fakes/slack/server.js';
import { botConfig } from '../slack/helpers.js';

const SOURCE = path.resolve('test/evals/05-config-timeout');
const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

/** A real analysis through Slack: the builtin engine over a dataset, tool outputs recorded as the runtime does. */
async function analyseInSlack(file = ':memory:'): Promise<{ store: SqliteStore; analysisId: string; bot: SlackBot }> {
  const source = loadCase(SOURCE);
  const host = await datasetHost(source.dataDir);
  cleanup.push(() => host.close());
  const fake = await FakeSlack.start();
  cleanup.push(() => fake.close());
  const store = SqliteStore.open(file);
  cleanup.push(() => store.close());
  const analyze = (request: AnalyzeRequest) => createBuiltinEngine(recordingHost(host, request.onToolOutput)).analyze(request);
  const bot = createSlackBot({ config: botConfig(fake), analyze, pacingMs: 1, store });
  await bot.start();
  cleanup.push(() => bot.stop());
  await fake.slashCommand(source.incident);
  const parent = await fake.waitFor('the parent', () => fake.messages.find((m) => !m.thread_ts));
  const report = await fake.waitFor('the report', () =>
    fake.thread(parent.channel, parent.ts).find((m) => m.blocks?.[0]?.type === 'header'),
  );
  const actions = report.blocks?.find((b) => b.type === 'actions') as { elements: Array<{ value: string }> };
  return { store, analysisId: actions.elements[0]!.value, bot };
}

function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'replay-case-'));
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

describe('production incidents as eval cases: record → export → replay', () => {
  it('an exported, confirmed analysis replays to the same report through the replay server; an edited expectation fails', async () => {
    const { store, analysisId } = await analyseInSlack();
    const original = (await store.getAnalysis(analysisId))!.report!;
    expect(original.suspect?.id).toBeTruthy();
    expect(await store.memory.confirm(analysisId, { cause: 'carrier timeout cut', culprit: original.suspect!.id!, by: 'U0RESP' })).toBe(
      true,
    );

    const out = path.join(tempDir(), '90-replayed');
    const { caseFile, calls } = await exportCase(store, analysisId, out);
    expect(calls).toBe(original.toolCalls.length);
    const exported = loadCase(out);
    expect(exported.replayFile).toBe(path.join(out, 'recording.json'));
    expect(exported.todo).toBeUndefined();

    const result = await runCase(exported, builtinProvider);
    expect(result.failures).toEqual([]);
    expect(result.verdict).toBe('pass');
    const replayed = result.report!;
    expect(replayed.summary).toBe(original.summary);
    expect(replayed.suspect).toEqual(original.suspect);
    expect(replayed.confidence).toBe(original.confidence);
    expect(replayed.toolCalls.map(({ server, tool, args, ok }) => ({ server, tool, args, ok }))).toEqual(
      original.toolCalls.map(({ server, tool, args, ok }) => ({ server, tool, args, ok })),
    );

    writeFileSync(caseFile, readFileSync(caseFile, 'utf8').replace(`- ${original.suspect!.id}`, '- some-other-release'));
    const edited = await runCase(loadCase(out), builtinProvider);
    expect(edited.verdict).toBe('fail');
    expect(edited.failures.map((f) => f.check)).toContain('suspect.id');
  });

  it('the CLI exports from the bot’s state file and `npm run eval` runs the replay case beside dataset cases (built dist/)', async () => {
    const dir = tempDir();
    const stateFile = path.join(dir, 'state.db');
    const { store, analysisId } = await analyseInSlack(stateFile);
    const original = (await store.getAnalysis(analysisId))!.report!;
    await store.memory.confirm(analysisId, { cause: 'carrier timeout cut', culprit: original.suspect!.id!, by: 'U0RESP' });
    const cli = path.resolve('dist/src/eval/cli.js');
    const cases = path.join(dir, 'cases');
    const exported = spawnSync(
      process.execPath,
      [cli, '--export', analysisId, '--out', path.join(cases, '90-replayed'), '--state', stateFile],
      {
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    expect(exported.stderr).toBe('');
    expect(exported.status).toBe(0);
    expect(exported.stdout).toMatch(/wrote .*case\.yaml \(\d+ recorded tool calls\)/);
    // A dataset case beside it: the suite runs both kinds.
    mkdirSync(path.join(cases, '05-dataset'));
    writeFileSync(
      path.join(cases, '05-dataset', 'case.yaml'),
      readFileSync(path.join(SOURCE, 'case.yaml'), 'utf8').replace(/^dataset: .*$/m, `dataset: ${path.join(SOURCE, 'dataset')}`),
    );
    const run = (extra: string[]) =>
      spawnSync(process.execPath, [cli, '--cases', cases, '--json', ...extra], { encoding: 'utf8', timeout: 120_000 });
    const passed = run([]);
    expect(passed.status).toBe(0);
    expect(JSON.parse(passed.stdout).results).toEqual([
      expect.objectContaining({ name: '05-dataset', verdict: 'pass' }),
      expect.objectContaining({ name: '90-replayed', verdict: 'pass' }),
    ]);

    const missing = spawnSync(process.execPath, [cli, '--export', 'A0-nope', '--out', path.join(dir, 'x'), '--state', stateFile], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('A0-nope is not in the state store');
    const noOut = spawnSync(process.execPath, [cli, '--export', analysisId, '--state', stateFile], { encoding: 'utf8', timeout: 60_000 });
    expect(noOut.status).toBe(2);
    expect(noOut.stderr).toContain('--export needs --out');
  });

  it('the export writes no unredacted text, whatever the store holds, with the configured settings', async () => {
    const { store, analysisId } = await analyseInSlack();
    // A row written before redaction-at-storage, and a recording whose arguments carry a secret.
    const stored = (await store.getAnalysis(analysisId))!;
    await store.saveAnalysis({ ...stored, incident: `${stored.incident} password=RowPw-91`, context: 'seen from 10.9.8.7 by EMP-123456' });
    await store.memory.confirm(analysisId, { cause: 'token=ConfTok-92 pushed from 10.9.8.7', culprit: 'config', by: 'U0RESP' });
    const recording = (await store.memory.recording(analysisId))!;
    const first = recording.calls[0]!;
    await store.memory.saveRecording(analysisId, {
      ...recording,
      scope: { instance: '10.9.8.7:9100', db_password: 'ScopePw-93' },
      calls: [{ ...first, args: { ...first.args, query: 'api_key=ArgKey-94' } }, ...recording.calls.slice(1)],
    });
    const out = path.join(tempDir(), '92-redacted');
    const redactor = new Redactor(parseRedactionEnv({ REDACT_IPS: 'true', REDACT_EXTRA_PATTERNS: '{"employee_id": "EMP-[0-9]{6}"}' }));
    await exportCase(store, analysisId, out, redactor);
    const written = `${readFileSync(path.join(out, 'case.yaml'), 'utf8')}${readFileSync(path.join(out, 'recording.json'), 'utf8')}`;
    for (const planted of ['RowPw-91', '10.9.8.7', 'EMP-123456', 'ConfTok-92', 'ScopePw-93', 'ArgKey-94']) {
      expect(written, planted).not.toContain(planted);
    }
    expect(written).toContain('[REDACTED:ip#1]');
    expect(written).toContain('[REDACTED:employee_id#1]');
  });

  it("the exported case carries the analysis' alerts and runbook_url, redacted, and loads back as AnalyzeRequest.alerts", async () => {
    const { store, analysisId } = await analyseInSlack();
    const stored = (await store.getAnalysis(analysisId))!;
    const runbookUrl = 'https://runbooks.example.com/checkout-api/5xx.md';
    await store.saveAnalysis({
      ...stored,
      alerts: [
        { name: 'HighErrorRate', runbookUrl },
        { name: 'HostDown 10.9.8.7', runbookUrl: `${runbookUrl}?token=UrlTok-96` },
      ],
    });
    const out = path.join(tempDir(), '93-alerts');
    await exportCase(store, analysisId, out, new Redactor(parseRedactionEnv({ REDACT_IPS: 'true' })));
    const written = readFileSync(path.join(out, 'case.yaml'), 'utf8');
    for (const planted of ['10.9.8.7', 'UrlTok-96']) expect(written, planted).not.toContain(planted);
    const exported = loadCase(out);
    expect(exported.alerts?.[0]).toEqual({ name: 'HighErrorRate', runbookUrl });
    expect(exported.alerts?.[1]?.name).toMatch(/^HostDown \[REDACTED:ip#\d+\]$/);
    expect(exported.alerts).toHaveLength(2);
  });

  it('without a confirmed cause the exported case carries a TODO and fails until filled in', async () => {
    const { store, analysisId } = await analyseInSlack();
    const out = path.join(tempDir(), '91-todo');
    await exportCase(store, analysisId, out);
    const exported = loadCase(out);
    expect(exported.todo).toBe(TODO_TEXT);
    const result = await runCase(exported, builtinProvider);
    expect(result.verdict).toBe('fail');
    expect(result.failures[0]).toEqual({ check: 'todo', detail: TODO_TEXT });
    await expect(exportCase(store, analysisId, out)).rejects.toThrow(/not empty/);
    await expect(exportCase(store, 'A0-missing', path.join(tempDir(), 'x'))).rejects.toThrow(/not in the state store/);
  });

  it('the replay server answers recorded calls and refuses unrecorded ones with the recorded list as a hint', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'recording.json');
    writeFileSync(
      file,
      JSON.stringify({
        analysisId: 'A1',
        calls: [
          {
            server: 'logs',
            tool: 'error_summary',
            args: { since: '2h', service: 'api' },
            ok: true,
            text: 'two signatures',
            structured: { signatures: [] },
          },
          { server: 'git', tool: 'list_deployments', args: {}, ok: false, text: 'Error: no deployments file' },
        ],
      }),
    );
    const recording = loadRecording(file);
    const host = await InProcessHost.connect([
      { name: 'logs', server: createReplayServer({ recording, server: 'logs' }) },
      { name: 'git', server: createReplayServer({ recording, server: 'git' }) },
    ]);
    cleanup.push(() => host.close());
    expect(host.listTools().map((t) => `${t.server}/${t.name}`)).toEqual(['logs/error_summary', 'git/list_deployments']);
    const hit = await host.callTool('error_summary', { service: 'api', since: '2h' });
    expect(hit).toMatchObject({ ok: true, text: 'two signatures', structured: { signatures: [] } });
    const miss = await host.callTool('error_summary', { since: '6h' });
    expect(miss.ok).toBe(false);
    expect(miss.text).toContain('was not recorded');
    expect(miss.text).toContain('recorded calls: error_summary {"service":"api","since":"2h"}');
    expect((await host.callTool('list_deployments', {})).ok).toBe(false);
    writeFileSync(file, '{"analysisId": 3}');
    expect(() => loadRecording(file)).toThrow(/analysisId/);
  });

  it('case files name exactly one of dataset and replay; a missing recording is a case error; the stdio server needs REPLAY_FILE', () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'case.yaml'), 'title: t\nincident: i\ndataset: d\nreplay: recording.json\nexpect: {}\n');
    expect(() => loadCase(dir)).toThrow(/exactly one of dataset and replay/);
    writeFileSync(path.join(dir, 'case.yaml'), 'title: t\nincident: i\nreplay: recording.json\nexpect: {}\n');
    expect(() => loadCase(dir)).toThrow(/replay recording .*recording\.json does not exist/);
    const server = spawnSync(process.execPath, [path.resolve('dist/mcp-servers/replay/index.js')], {
      encoding: 'utf8',
      timeout: 30_000,
      env: { ...process.env, REPLAY_FILE: '' },
    });
    expect(server.status).toBe(2);
    expect(server.stderr).toContain('set REPLAY_FILE');
  });
});
