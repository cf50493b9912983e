import { open } from 'node:fs/promises';
import { parseHead } from '../parser/index.js';
import { headContext, type LogFile } from '../types.js';
import { decodeLine } from './line-bounds.js';
import { readError } from './lines.js';

/** Bytes read per probe; a probe that finds no timed head in them reads on, up to PROBE_MAX_BYTES. */
const PROBE_BYTES = 16 * 1024;
/** A stretch this long without a timed head (a huge stack trace, binary data) ends a probe empty-handed. */
const PROBE_MAX_BYTES = 1024 * 1024;
/** Probes read at once while indexing: each waits on a read, so overlapping them hides the waits (bounded: memory). */
const PROBES_IN_FLIGHT = 16;
/** Samples per file: enough that a window's edges are found within size/SAMPLES bytes before bisection. */
const SAMPLES = 512;
/** Samples are at least this far apart, so small files cost few probes. */
const MIN_SAMPLE_STEP = 256 * 1024;
/** Bisection stops once the bracket is this narrow: reading that much costs less than more probes. */
const BISECT_BYTES = 128 * 1024;
/** Files whose index is kept; an analysis touches a handful, a glob at most MAX_LOG_FILES. */
const MAX_INDEXED_FILES = 256;

export interface TimedHead {
  /** Byte offset of the head line's start. */
  pos: number;
  time: number;
}

export interface TimeIndex {
  key: string;
  /** First timed head at or after each sample offset, ascending by offset. */
  samples: TimedHead[];
  /** The last timed head in the file's tail. */
  last: TimedHead | null;
  /** Whether sample times never go back by more than the order slack. */
  ordered: boolean;
}

/**
 * A sparse per-file time index (a timed head every size/SAMPLES bytes, found by probing a few KB at each
 * offset), kept by path, size and mtime so repeated calls in one analysis reuse it; and seeks that bisect
 * between samples to find where a time window starts and ends in a (nearly) time-ordered plain file.
 */
export class TimeIndexCache {
  private readonly cache = new Map<string, TimeIndex>();

  constructor(private readonly slackMs: number) {}

  async get(file: LogFile): Promise<TimeIndex> {
    const key = `${file.size}:${file.mtimeMs}:${file.ino}`;
    const hit = this.cache.get(file.abs);
    if (hit?.key === key) return hit;
    const index = await withFile(file, async (probe) => {
      const step = Math.max(MIN_SAMPLE_STEP, Math.ceil(file.size / SAMPLES));
      const offsets: number[] = [];
      for (let offset = 0; offset < file.size; offset += step) offsets.push(offset);
      const heads: (TimedHead | null)[] = [];
      for (let i = 0; i < offsets.length; i += PROBES_IN_FLIGHT) {
        heads.push(...(await Promise.all(offsets.slice(i, i + PROBES_IN_FLIGHT).map((offset) => probe.first(offset)))));
      }
      const samples: TimedHead[] = [];
      for (const head of heads) {
        if (head && (samples.length === 0 || head.pos > (samples[samples.length - 1] as TimedHead).pos)) samples.push(head);
      }
      const last = await probe.last();
      const times = [...samples.map((s) => s.time), ...(last ? [last.time] : [])];
      const ordered = times.every((t, i) => i === 0 || t >= (times[i - 1] as number) - this.slackMs);
      return { key, samples, last, ordered };
    });
    if (this.cache.size >= MAX_INDEXED_FILES) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(file.abs, index);
    return index;
  }

  /** A head line start at or before the first entry with time >= `from` (0 when the file starts inside the window). */
  async seekStart(file: LogFile, index: TimeIndex, from: number): Promise<number> {
    let k = -1;
    while (k + 1 < index.samples.length && (index.samples[k + 1] as TimedHead).time < from) k += 1;
    if (k === -1) return 0;
    let lo = (index.samples[k] as TimedHead).pos;
    let hi = k + 1 < index.samples.length ? (index.samples[k + 1] as TimedHead).pos : file.size;
    return withFile(file, async (probe) => {
      while (hi - lo > BISECT_BYTES) {
        const mid = Math.floor((lo + hi) / 2);
        const head = await probe.first(mid);
        if (head && head.pos < hi && head.time < from) lo = head.pos;
        else hi = mid;
      }
      return lo;
    });
  }

  /** A head line start after which every entry has time > `to` (the file's size when there is none). */
  async seekEnd(file: LogFile, index: TimeIndex, to: number): Promise<number> {
    let k = index.samples.length;
    while (k - 1 >= 0 && (index.samples[k - 1] as TimedHead).time > to) k -= 1;
    if (k === index.samples.length) return file.size;
    let hi = (index.samples[k] as TimedHead).pos;
    let lo = k > 0 ? (index.samples[k - 1] as TimedHead).pos + 1 : 0;
    return withFile(file, async (probe) => {
      while (hi - lo > BISECT_BYTES) {
        const mid = Math.floor((lo + hi) / 2);
        const head = await probe.first(mid);
        if (head && head.pos < hi && head.time > to) hi = head.pos;
        else lo = mid;
      }
      return hi;
    });
  }
}

interface Prober {
  /** The first timed head whose line starts at or after `offset` (a line cut by `offset` is skipped). */
  first(offset: number): Promise<TimedHead | null>;
  /** The last timed head in the file's final PROBE_MAX_BYTES. */
  last(): Promise<TimedHead | null>;
}

async function withFile<T>(file: LogFile, use: (probe: Prober) => Promise<T>): Promise<T> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(file.abs, 'r');
  } catch (error) {
    throw readError(error, file.label, false);
  }
  const read = async (pos: number, len: number): Promise<Buffer> => {
    const buf = Buffer.allocUnsafe(Math.max(0, Math.min(len, file.size - pos)));
    const { bytesRead } = await handle.read(buf, 0, buf.length, pos);
    return buf.subarray(0, bytesRead);
  };
  const probe: Prober = {
    async first(offset) {
      const base = offset > 0 ? offset - 1 : 0;
      for (const len of [PROBE_BYTES, PROBE_MAX_BYTES]) {
        // With offset > 0, buf[0] is the byte before it: a newline there means offset starts a line.
        const buf = await read(base, len);
        const atEof = base + buf.length >= file.size;
        let start = 0;
        if (offset > 0) {
          const nl = buf.indexOf(10);
          if (nl === -1) {
            if (atEof) return null;
            continue;
          }
          start = nl + 1;
        }
        while (start < buf.length) {
          const nl = buf.indexOf(10, start);
          if (nl === -1 && !atEof) break;
          const stop = nl === -1 ? buf.length : nl;
          const head = parseHead(decodeLine(buf, start, stop), headContext(file));
          if (head && head.time !== null) return { pos: base + start, time: head.time };
          start = stop + 1;
        }
        if (atEof) return null;
      }
      return null;
    },
    async last() {
      const from = Math.max(0, file.size - PROBE_MAX_BYTES);
      const buf = await read(from, PROBE_MAX_BYTES);
      let found: TimedHead | null = null;
      let start = from === 0 ? 0 : buf.indexOf(10) + 1;
      if (from > 0 && start === 0) return null;
      while (start < buf.length) {
        const nl = buf.indexOf(10, start);
        const stop = nl === -1 ? buf.length : nl;
        const head = parseHead(decodeLine(buf, start, stop), headContext(file));
        if (head && head.time !== null) found = { pos: from + start, time: head.time };
        start = stop + 1;
      }
      return found;
    },
  };
  try {
    return await use(probe);
  } finally {
    await handle.close();
  }
}
