import path from 'node:path';
import { McpHost } from '../src/host/host.js';
import { HABITS, habitProblems, runHabit } from '../test/fakes/ollama/habits.js';

/**
 * Model calls and tool calls per local-model habit (text tool calls, near-duplicate loops, alternation, repeated
 * errors, a filling context, thinking, 429s), each replayed by a scripted fake Ollama through the real client and
 * the real MCP servers. Model calls are what a local GPU pays for: seconds to minutes each.
 * Run: npm run build && node dist/bench/habits.js [--data DIR] [--verbose]
 */

const argv = process.argv.slice(2);
const dataIndex = argv.indexOf('--data');
const dataDir = path.resolve(dataIndex >= 0 ? (argv[dataIndex + 1] ?? 'data/checkout-outage') : 'data/checkout-outage');
const verbose = argv.includes('--verbose');

const host = await McpHost.fromConfigFile(path.resolve('mcp-servers.json'), { ...process.env, DATA_DIR: dataDir });
let failed = 0;
try {
  const width = Math.max(...HABITS.map((habit) => habit.name.length));
  console.log(`${'habit'.padEnd(width)}  model calls (bound)  tool calls  loop ms  result`);
  for (const habit of HABITS) {
    const run = await runHabit(host, habit);
    const problems = habitProblems(habit, run);
    if (problems.length > 0) failed += 1;
    const calls = `${run.modelCalls} (${habit.maxModelCalls})`;
    console.log(
      `${habit.name.padEnd(width)}  ${calls.padEnd(19)}  ${String(run.report.toolCalls.length).padEnd(10)}  ${run.ms.toFixed(0).padStart(7)}  ${problems.length ? problems.join('; ') : 'ok'}`,
    );
    if (verbose) {
      console.log(`    calls: ${run.report.toolCalls.map((record) => `${record.id} ${record.tool}${record.ok ? '' : ' ✗'}`).join(', ')}`);
      for (const note of run.report.notes ?? []) console.log(`    note: ${note}`);
    }
  }
} finally {
  await host.close();
}
process.exitCode = failed === 0 ? 0 : 1;
