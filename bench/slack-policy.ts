import type { Report } from '../src/report/schema.js';
import { safePost } from '../src/slack/blocks/hygiene.js';
import { buildReportMessage } from '../src/slack/blocks/report.js';
import { type DirectoryClient, SlackDirectory } from '../src/slack/policy/directory.js';
import { OPEN_POLICY } from '../src/slack/policy/env.js';
import { AccessPolicy } from '../src/slack/policy/policy.js';

/**
 * What the access policy and channel hygiene add to every request: a policy check with a warm directory cache (the
 * common case; a cold one costs one users.info round trip to Slack), and sanitising a full report before posting.
 * Run: npm run build && node dist/bench/slack-policy.js
 */

/** Iterations per figure; enough for stable percentiles, a second or so in total. */
const ITERATIONS = 20_000;

const silent = { debug() {}, info() {}, warn() {}, error() {} };

/** Answers at once, as a cache miss never does: only the policy's own work is measured. */
const instant = {
  users: { info: async ({ user }: { user: string }) => ({ ok: true, user: { id: user, team_id: 'T0HOME' } }) },
  conversations: { info: async ({ channel }: { channel: string }) => ({ ok: true, channel: { id: channel, is_ext_shared: false } }) },
  usergroups: { users: { list: async () => ({ ok: true, users: Array.from({ length: 500 }, (_, i) => `U0MEMBER${i}`) }) } },
} as unknown as DirectoryClient;

function percentiles(samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return `p50 ${(at(0.5) * 1000).toFixed(1)} µs, p95 ${(at(0.95) * 1000).toFixed(1)} µs, p99 ${(at(0.99) * 1000).toFixed(1)} µs`;
}

async function main(): Promise<void> {
  const policy = new AccessPolicy(
    { ...OPEN_POLICY, ALLOWED_CHANNELS: ['C0INC1', 'C0INC2'], ALLOWED_USERS: ['S0ENG'], RESPONDERS: ['S0ONCALL'] },
    new SlackDirectory(instant),
    { teamId: 'T0HOME' },
    ['C0ALERTS'],
    silent,
  );
  await policy.check({ action: 'analyse', channel: 'C0INC1', user: 'U0MEMBER7' });
  const checks: number[] = [];
  for (let i = 0; i < ITERATIONS; i++) {
    const t = performance.now();
    await policy.check({
      action: i % 2 ? 'analyse' : 'cancel',
      channel: 'C0INC1',
      user: 'U0MEMBER7',
      target: { owner: 'U0MEMBER7', inItsThread: true },
    });
    checks.push(performance.now() - t);
  }
  console.log(`policy check, warm cache, user in a 500-member group: ${percentiles(checks)}`);

  const hostile = 'ping @here and <!channel> <!subteam^S0SRE|@sre> '.repeat(20);
  const report: Report = {
    incident: 'checkout returns 502',
    window: { start: '2024-05-01T13:00:00Z', end: '2024-05-01T15:00:00Z' },
    summary: hostile,
    rootCause: hostile,
    confidence: 'high',
    timeline: Array.from({ length: 40 }, (_, i) => ({ at: '2024-05-01T14:00:00Z', source: 'logs', event: `${hostile} ${i}` })),
    evidence: Array.from({ length: 12 }, (_, i) => ({ id: `E${i}`, source: 'logs', tool: 'T1', summary: hostile, quote: hostile })),
    recommendations: [hostile],
    engine: 'bench',
    toolCalls: [{ id: 'T1', server: 'logs', tool: 'search_logs', args: {}, ms: 1, ok: true }],
    durationMs: 1,
  };
  const message = buildReportMessage(report, { analysisId: 'A1-bench' });
  const sanitise: number[] = [];
  for (let i = 0; i < ITERATIONS / 10; i++) {
    const t = performance.now();
    safePost(message);
    sanitise.push(performance.now() - t);
  }
  console.log(`sanitising a full report (${JSON.stringify(message).length} chars, pings everywhere): ${percentiles(sanitise)}`);
}

await main();
