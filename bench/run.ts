import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * `npm run bench`: every benchmark in turn, each in its own process so one's heap and caches do not colour the next.
 * BENCH_LOG_MB sets the generated log size for the logs benchmark (default 200; try 1024 for the 1 GB figure).
 * BENCH_SCALE_GB lists the sizes of the logs-scale section (default 0.2, about 200 MB; 0.25,1,4 for the gigabyte
 * figures); its files go to .bench-data/ and are removed afterwards unless BENCH_KEEP=1.
 */

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const logMb = process.env.BENCH_LOG_MB ?? '200';

const benches: Array<{ title: string; args: string[] }> = [
  { title: 'MCP host and engine loop', args: [path.join(here, 'engine.js')] },
  { title: 'local-model habits: model calls and tool calls each', args: [path.join(here, 'habits.js')] },
  { title: `logs server on a ${logMb} MB file`, args: [path.join(here, 'logs.js'), logMb] },
  { title: 'alert webhook answer times', args: [path.join(here, 'webhooks.js')] },
  { title: 'alert webhook flood: memory', args: ['--expose-gc', path.join(here, 'webhooks-flood.js')] },
  { title: 'Slack access policy and channel hygiene', args: [path.join(here, 'slack-policy.js')] },
  { title: '/rca ack latency: 100 users at once', args: [path.join(here, 'slack-ack.js')] },
  { title: 'redaction throughput over loghub text', args: [path.join(here, 'redaction.js')] },
  { title: 'state store (SQLite)', args: [path.join(here, 'store.js')] },
  { title: 'state store (PostgreSQL 15 on loopback)', args: [path.join(here, 'store-postgres.js')] },
  {
    title: `logs at scale against grep: ${process.env.BENCH_SCALE_GB ?? '0.2'} GB (BENCH_SCALE_GB)`,
    args: [path.join(here, 'logs-scale.js')],
  },
  {
    title: 'remote log stores (Loki, Elasticsearch fakes): requests and bytes per tool call as the store grows (BENCH_STORE_LINES)',
    args: [path.join(here, 'logs-stores.js')],
  },
  { title: 'incident memory: similarity search over 10,000 past analyses', args: [path.join(here, 'memory.js')] },
  { title: 'built-in engine over every evaluation case', args: [path.join(root, 'dist', 'src', 'eval', 'cli.js'), '--engine', 'builtin'] },
];

let failed = 0;
for (const bench of benches) {
  console.log(`\n=== ${bench.title} ===`);
  const result = spawnSync(process.execPath, bench.args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    failed += 1;
    console.error(`${bench.title}: exited with ${result.status ?? result.signal}`);
  }
}
process.exitCode = failed === 0 ? 0 : 1;
