import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TimeIndexCache } from '../../mcp-servers/logs/reader/time-index.js';
import type { LogFile } from '../../mcp-servers/logs/types.js';

/**
 * The sparse time index and its seeks on real files: a seek may land early (the scan then skips what is outside the
 * window) but never after the first entry in the window, and never more than the bisection's stopping width early.
 */

const dir = mkdtempSync(path.join(tmpdir(), 'ip-time-index-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const T0 = Date.parse('2026-03-01T00:00:00Z');
/** Bisection stops once the bracket is this narrow (time-index.ts). */
const BISECT_BYTES = 128 * 1024;
/** How far a seek may land early: the bracket plus the line it cut into. */
const SLACK_BYTES = BISECT_BYTES + 200;

interface Written {
  file: LogFile;
  /** Byte offset and time of every line. */
  lines: { pos: number; time: number }[];
}

/** A log of `count` lines one second apart (times from `timeOf`), padded so the file spans several samples. */
function write(name: string, count: number, timeOf: (i: number) => number = (i) => T0 + i * 1000): Written {
  const abs = path.join(dir, name);
  const lines: { pos: number; time: number }[] = [];
  const parts: string[] = [];
  let pos = 0;
  for (let i = 0; i < count; i += 1) {
    const time = timeOf(i);
    const line = `${new Date(time).toISOString()} INFO request ${i} served ${'x'.repeat(60)}\n`;
    lines.push({ pos, time });
    parts.push(line);
    pos += line.length;
  }
  writeFileSync(abs, parts.join(''));
  return { file: fileOf(abs), lines };
}
function fileOf(abs: string): LogFile {
  const stat = statSync(abs);
  return { abs, label: path.basename(abs), gz: false, size: stat.size, mtimeMs: stat.mtimeMs, ino: stat.ino, service: 'api' };
}

describe('time index', () => {
  const big = write('big.log', 40_000);

  it('samples ascend by offset, each a line start with its time; the last head is the last line', async () => {
    const index = await new TimeIndexCache(0).get(big.file);
    expect(big.file.size).toBeGreaterThan(3 * 1024 * 1024);
    expect(index.samples.length).toBeGreaterThan(10);
    const byPos = new Map(big.lines.map((l) => [l.pos, l.time]));
    for (const [i, sample] of index.samples.entries()) {
      expect(byPos.get(sample.pos)).toBe(sample.time);
      if (i > 0) expect(sample.pos).toBeGreaterThan(index.samples[i - 1]!.pos);
    }
    expect(index.samples[0]).toEqual({ pos: 0, time: T0 });
    expect(index.last).toEqual(big.lines.at(-1));
    expect(index.ordered).toBe(true);
  });

  it('is kept per file until the file changes', async () => {
    const cache = new TimeIndexCache(0);
    const file = write('grows.log', 100);
    const first = await cache.get(file.file);
    expect(await cache.get(file.file)).toBe(first);
    appendFileSync(file.file.abs, `${new Date(T0 + 1e6).toISOString()} INFO late\n`);
    const grown = await cache.get(fileOf(file.file.abs));
    expect(grown).not.toBe(first);
    expect(grown.last?.time).toBe(T0 + 1e6);
  });

  it.each([
    ['the first line', 0],
    ['one line in', 1],
    ['a line between samples', 12_345],
    ['the last line', 39_999],
  ])('seekStart to %s lands at or before it, within the bisection width', async (_name, k) => {
    const cache = new TimeIndexCache(0);
    const index = await cache.get(big.file);
    const target = big.lines[k]!;
    const pos = await cache.seekStart(big.file, index, target.time);
    expect(pos).toBeLessThanOrEqual(target.pos);
    expect(target.pos - pos).toBeLessThan(SLACK_BYTES);
    expect(big.lines.some((l) => l.pos === pos)).toBe(true);
    // A time between two lines seeks to the later one.
    const between = await cache.seekStart(big.file, index, target.time - 500);
    expect(between).toBeLessThanOrEqual(target.pos);
  });

  it('seekStart before the file starts is 0', async () => {
    const cache = new TimeIndexCache(0);
    const index = await cache.get(big.file);
    expect(await cache.seekStart(big.file, index, T0 - 1)).toBe(0);
    expect(await cache.seekStart(big.file, index, T0)).toBe(0);
  });

  it.each([
    ['the first line', 0],
    ['a line between samples', 12_345],
  ])('seekEnd after %s lands past it, at a line start, within the bisection width of the next', async (_name, k) => {
    const cache = new TimeIndexCache(0);
    const index = await cache.get(big.file);
    const pos = await cache.seekEnd(big.file, index, big.lines[k]!.time);
    const next = big.lines[k + 1]!;
    expect(pos).toBeGreaterThanOrEqual(next.pos);
    expect(pos - next.pos).toBeLessThan(SLACK_BYTES);
    expect(big.lines.some((l) => l.pos === pos)).toBe(true);
  });

  it('seekEnd past the last sample scans on to the end of the file', async () => {
    const cache = new TimeIndexCache(0);
    const index = await cache.get(big.file);
    expect(await cache.seekEnd(big.file, index, big.lines[39_998]!.time)).toBe(big.file.size);
  });

  it('seekEnd at or after the last time is the file size', async () => {
    const cache = new TimeIndexCache(0);
    const index = await cache.get(big.file);
    expect(await cache.seekEnd(big.file, index, big.lines.at(-1)!.time)).toBe(big.file.size);
    expect(await cache.seekEnd(big.file, index, T0 + 1e9)).toBe(big.file.size);
  });

  it('seekEnd before the first time is 0', async () => {
    const cache = new TimeIndexCache(0);
    const index = await cache.get(big.file);
    expect(await cache.seekEnd(big.file, index, T0 - 1)).toBe(0);
  });

  it('a file whose times go back by more than the slack is not ordered; by exactly the slack it is', async () => {
    // Halfway through, the clock jumps back three hours: more than the samples' spacing, so two samples show it.
    const jumpy = write('jumpy.log', 40_000, (i) => T0 + i * 1000 - (i >= 20_000 ? 3 * 3_600_000 : 0));
    const index = await new TimeIndexCache(0).get(jumpy.file);
    expect(index.ordered).toBe(false);
    const times = [...index.samples.map((s) => s.time), index.last!.time];
    const back = Math.max(...times.slice(1).map((t, i) => times[i]! - t));
    expect(back).toBeGreaterThan(3_600_000);
    expect((await new TimeIndexCache(back).get(jumpy.file)).ordered).toBe(true);
    expect((await new TimeIndexCache(back - 1).get(jumpy.file)).ordered).toBe(false);
  });

  it('lines without a time are skipped when sampling; a file with none has no samples and no last head', async () => {
    const abs = path.join(dir, 'untimed.log');
    writeFileSync(abs, 'no time here\nnor here\n');
    const index = await new TimeIndexCache(0).get(fileOf(abs));
    expect(index).toMatchObject({ samples: [], last: null, ordered: true });
  });

  it('a last line without a newline is still the last head', async () => {
    const abs = path.join(dir, 'unterminated.log');
    writeFileSync(abs, `${new Date(T0).toISOString()} INFO a\n${new Date(T0 + 5000).toISOString()} INFO b`);
    const index = await new TimeIndexCache(0).get(fileOf(abs));
    expect(index.last).toEqual({ pos: readFileSync(abs, 'utf8').indexOf('\n') + 1, time: T0 + 5000 });
  });

  it('a file that is gone is a read error naming it', async () => {
    const file = fileOf(write('gone.log', 10).file.abs);
    rmSync(file.abs);
    await expect(new TimeIndexCache(0).get(file)).rejects.toThrow(/gone\.log/);
  });
});
