import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
async function analyseInSlack(): Promise<{ store: SqliteStore; analysisId: string; bot: SlackBot }> {
  const source = loadCase(SOURCE);
  const host = await datasetHost(source.dataDir);
  cleanup.push(() => host.close());
  const fake = await FakeSlack.start();
  cleanup.push(() => fake.close());
  const store = SqliteStore.open(':memory:');
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
});
