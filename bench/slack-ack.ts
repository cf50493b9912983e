import { randomUUID } from 'node:crypto';
import { createSlackBot } from '../src/slack/app.js';
import { FakeSlack } from '../test/fakes/slack/server.js';
import { botConfig, ScriptedEngine } from '../test/slack/helpers.js';

/**
 * `/rca` ack latency: 100 commands from 100 distinct users arrive at once over Socket Mode (real Bolt against the
 * loopback fake Slack), each user unknown to the directory cache, with users.info answering after a realistic
 * round trip. The ack must not wait for that lookup (goal: p99 under 100 ms); the answer follows through
 * respond() once the policy decided. Run: npm run build && node dist/bench/slack-ack.js
 */

/** Commands sent at once, each from its own user (so none is a directory-cache hit). */
const COMMANDS = 100;
/** users.info round trip as Slack answers it from far away. */
const USERS_INFO_MS = 150;

function percentiles(samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return `p50 ${at(0.5).toFixed(0)} ms, p99 ${at(0.99).toFixed(0)} ms, max ${(sorted.at(-1) ?? 0).toFixed(0)} ms`;
}

async function main(): Promise<void> {
  const fake = await FakeSlack.start();
  fake.latencyMs.set('users.info', USERS_INFO_MS);
  const engine = new ScriptedEngine();
  const bot = createSlackBot({
    config: botConfig(fake),
    analyze: engine.analyze,
    pacingMs: 5,
  });
  await bot.start();
  await fake.connected();
  try {
    // One command first, so module loading and JIT are not in the figures.
    await fake.slashCommand('warm up', { user: 'U0WARMUP1' });
    const runs = Array.from({ length: COMMANDS }, (_, i) => {
      const payload = fake.slashCommandPayload(`checkout down ${i}`, { user: `U0BENCH${String(i).padStart(4, '0')}` });
      const envelope = randomUUID();
      const sent = performance.now();
      return fake.sendEnvelope('slash_commands', payload, {}, envelope).then(async (ack) => {
        const answered = await fake.firstAnswer(payload, ack);
        const path = new URL(String(payload.response_url)).pathname;
        return {
          ack: (fake.ackedAt.get(envelope) ?? sent) - sent,
          answer: (fake.firstResponseAt.get(path) ?? fake.ackedAt.get(envelope) ?? sent) - sent,
          text: String(answered.text ?? ''),
        };
      });
    });
    const results = await Promise.all(runs);
    const answered = results.filter((r) => r.text !== '').length;
    console.log(`/rca ack, ${COMMANDS} users at once, users.info ${USERS_INFO_MS} ms: ${percentiles(results.map((r) => r.ack))}`);
    console.log(
      `/rca answer (ephemeral respond()), same run: ${percentiles(results.map((r) => r.answer))}; ${answered}/${COMMANDS} answered`,
    );
  } finally {
    engine.release();
    await bot.stop();
    await fake.close();
  }
}

await main();
