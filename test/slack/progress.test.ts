import { describe, expect, it } from 'vitest';
import type { SlackMessage } from '../../src/slack/blocks/report.js';
import { EventDedupe } from '../../src/slack/worker/bounded-map.js';
import { ChannelPacer } from '../../src/slack/worker/pacer.js';
import { ProgressReporter } from '../../src/slack/worker/progress.js';
import type { SlackIO } from '../../src/slack/worker/slack-io.js';
import { SqliteStore } from '../../src/store/sqlite.js';
import { blockText } from '../fakes/slack/server.js';

function recordingIO(): SlackIO & { posts: { channel: string; text: string; at: number }[] } {
  const posts: { channel: string; text: string; at: number }[] = [];
  return {
    posts,
    async post(channel: string, message: SlackMessage) {
      posts.push({ channel, text: blockText(message as never), at: Date.now() });
      return String(posts.length);
    },
    async update() {},
    async ephemeral() {},
  };
}

const finished = (i: number) => ({
  type: 'tool_finished' as const,
  callId: `T${i}`,
  server: 'logs',
  tool: 'search_logs',
  args: {},
  ok: true,
  ms: 5,
  summary: `r${i}`,
});

describe('progress pacing', () => {
  it('coalesces tool calls that come faster than the pacing into one reply, keeping every call', async () => {
    const io = recordingIO();
    const counts: number[] = [];
    const reporter = new ProgressReporter(io, new ChannelPacer(30), 'C1', '1.0', async (n) => void counts.push(n), { warn() {} });
    for (let i = 1; i <= 5; i++) reporter.handle(finished(i));
    reporter.handle({ type: 'note', message: 'fell back to builtin' });
    await reporter.drain();
    for (let i = 6; i <= 7; i++) reporter.handle(finished(i));
    await reporter.drain();

    expect(io.posts.length).toBeLessThan(7);
    const all = io.posts.map((p) => p.text).join('\n');
    for (let i = 1; i <= 7; i++) expect(all).toContain(`\`T${i}\``);
    expect(all).toContain('fell back to builtin');
    expect(counts.at(-1)).toBe(7);
    expect(reporter.toolCalls).toBe(7);
  });

  it('keeps at least the interval between posts in one channel, shared across analyses', async () => {
    const io = recordingIO();
    const pacer = new ChannelPacer(25);
    const a = new ProgressReporter(io, pacer, 'C1', '1.0', async () => {}, { warn() {} });
    const b = new ProgressReporter(io, pacer, 'C1', '2.0', async () => {}, { warn() {} });
    for (let i = 0; i < 3; i++) {
      a.handle(finished(i));
      await a.drain();
      b.handle(finished(i));
      await b.drain();
    }
    expect(io.posts).toHaveLength(6);
    for (let i = 1; i < io.posts.length; i++) expect(io.posts[i]!.at - io.posts[i - 1]!.at).toBeGreaterThanOrEqual(23);
  });

  it('after close, events are ignored', async () => {
    const io = recordingIO();
    const reporter = new ProgressReporter(io, new ChannelPacer(0), 'C1', '1.0', async () => {}, { warn() {} });
    await reporter.close();
    reporter.handle(finished(1));
    await reporter.drain();
    expect(io.posts).toEqual([]);
  });
});

describe('event dedupe', () => {
  it('remembers ids, ignores missing ids, and stays bounded', async () => {
    const dedupe = new EventDedupe();
    expect(await dedupe.seen('Ev1')).toBe(false);
    expect(await dedupe.seen('Ev1')).toBe(true);
    expect(await dedupe.seen(undefined)).toBe(false);
    expect(await dedupe.seen(undefined)).toBe(false);
    for (let i = 0; i < 5000; i++) await dedupe.seen(`Ev-fill-${i}`);
    expect(await dedupe.seen('Ev1')).toBe(false);
  });

  it('with a store, an id evicted from memory (or from before a restart) is still known', async () => {
    const store = SqliteStore.open(':memory:');
    const dedupe = new EventDedupe(store);
    expect(await dedupe.seen('Ev1')).toBe(false);
    for (let i = 0; i < 5000; i++) await dedupe.seen(`Ev-fill-${i}`);
    expect(await dedupe.seen('Ev1')).toBe(true);
    expect(await new EventDedupe(store).seen('Ev1')).toBe(true);
    await store.close();
  });
});
