import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { McpHost } from '../../src/host/host.js';
import { HABITS, habitProblems, runHabit } from '../fakes/ollama/habits.js';
import { REPO } from './helpers.js';

/**
 * Each habit of local models (tool calls written as text, near-duplicate loops, alternation, repeated errors, a
 * filling context, thinking, Ollama Cloud's 429 …) replayed by a scripted fake model through the real `ollama`
 * client, the MCP host and the real logs, git and metrics servers (built to dist/). Each must end with a valid
 * report, run the calls it should, and stay within its stated number of model calls.
 */

const DATA = path.join(REPO, 'data/checkout-outage');
let host: McpHost;

beforeAll(async () => {
  for (const server of ['logs', 'git', 'metrics']) {
    const entry = path.join(REPO, `dist/mcp-servers/${server}/index.js`);
    if (!existsSync(entry)) throw new Error(`${entry} is missing: run npm run build`);
  }
  host = await McpHost.fromConfigFile(path.join(REPO, 'mcp-servers.json'), { ...process.env, DATA_DIR: DATA });
});
afterAll(async () => {
  await host?.close();
});

describe('local model habits, end to end', () => {
  it.each(HABITS.map((habit) => [habit.name, habit] as const))('%s', async (_name, habit) => {
    const run = await runHabit(host, habit);
    expect(habitProblems(habit, run)).toEqual([]);
    expect(run.modelCalls).toBeLessThanOrEqual(habit.maxModelCalls);
  });

  it('a habit check fails when its bound is broken (the suite can fail)', async () => {
    const habit = HABITS.find((candidate) => candidate.name === 'the same search with trivial variations');
    if (!habit) throw new Error('habit missing');
    const run = await runHabit(host, habit);
    expect(habitProblems({ ...habit, maxModelCalls: 2, runs: [...habit.runs, 'get_commit'] }, run)).toEqual([
      `${run.modelCalls} model calls, more than 2`,
      'get_commit did not run',
    ]);
  });
});
