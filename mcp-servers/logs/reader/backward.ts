import { open } from 'node:fs/promises';
import { sanitizeLine } from '../parser/index.js';
import { plainChunks } from './blocks.js';
import { CUT_MARKER, MAX_READ_LINE_CHARS, readError } from './lines.js';

const CHUNK_BYTES = 1024 * 1024;
/** Bytes kept of one line while reading backwards; matches the forward reader's cut (UTF-8 is ≥ 1 byte per char). */
const MAX_LINE_BYTES = MAX_READ_LINE_CHARS * 4;

export interface BackLine {
  text: string;
  /** Byte offset of the line's start. */
  offset: number;
}

/**
 * Yields a plain file's lines newest first by reading fixed chunks from the end, so the tail of a
 * gigabyte file costs a few reads. Yields exactly the lines the forward reader would, in reverse.
 */
export async function* readLinesBackward(abs: string, size: number, label: string): AsyncGenerator<BackLine> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(abs, 'r');
  } catch (error) {
    throw readError(error, label, false);
  }
  try {
    let pos = size;
    let carry: Buffer = Buffer.alloc(0);
    let carryCut = false;
    while (pos > 0) {
      const len = Math.min(CHUNK_BYTES, pos);
      pos -= len;
      const buf = Buffer.allocUnsafe(len);
      const { bytesRead } = await handle.read(buf, 0, len, pos);
      const data = carry.length > 0 ? Buffer.concat([buf.subarray(0, bytesRead), carry]) : buf.subarray(0, bytesRead);
      let end = data.length;
      let nl = end > 0 ? data.lastIndexOf(10, end - 1) : -1;
      while (nl !== -1) {
        const start = nl + 1;
        // The newline that ends the file ends its last line; it does not start an empty one.
        if (pos + start !== size) {
          yield { text: decode(data, start, end, carryCut), offset: pos + start };
          carryCut = false;
        }
        end = nl;
        nl = end > 0 ? data.lastIndexOf(10, end - 1) : -1;
      }
      // Keep the earliest bytes seen: once the line's start is found they are its head.
      if (end > MAX_LINE_BYTES) {
        carry = Buffer.from(data.subarray(0, MAX_LINE_BYTES));
        carryCut = true;
      } else {
        carry = Buffer.from(data.subarray(0, end));
      }
    }
    if (size > 0) yield { text: decode(carry, 0, carry.length, carryCut), offset: 0 };
  } finally {
    await handle.close();
  }
}

function decode(data: Buffer, start: number, end: number, cut: boolean): string {
  const text = data.toString('utf8', start, end);
  if (cut || text.length > MAX_READ_LINE_CHARS) return sanitizeLine(text.slice(0, MAX_READ_LINE_CHARS)) + CUT_MARKER;
  return sanitizeLine(text);
}

/**
 * Newline counts are remembered at these byte offsets, so a repeat count reads only what is new, and a window's
 * start, wherever it falls, is at most this far past a remembered count.
 */
const CHECKPOINT_BYTES = CHUNK_BYTES;

/**
 * Line numbers for entries found by reading backwards: counts newlines before an offset, reusing
 * checkpoints per file while the file keeps its inode and does not shrink (a live file only grows).
 */
export class LineCounter {
  private readonly files = new Map<string, { ino: number; checkpoints: number[] }>();

  /** `signal`: the caller's cancellation, checked per megabyte (a first count can cover gigabytes). */
  async newlinesBefore(abs: string, ino: number, size: number, upTo: number, label: string, signal?: AbortSignal): Promise<number> {
    let state = this.files.get(abs);
    if (!state || state.ino !== ino || (state.checkpoints.length - 1) * CHECKPOINT_BYTES > size) {
      state = { ino, checkpoints: [0] };
      this.files.set(abs, state);
    }
    const index = Math.min(Math.floor(upTo / CHECKPOINT_BYTES), state.checkpoints.length - 1);
    let count = state.checkpoints[index] ?? 0;
    let pos = index * CHECKPOINT_BYTES;
    if (pos >= upTo) return count;
    // Double-buffered reads: the next block is read while this one is counted.
    // Reads of exactly one checkpoint's bytes, so every checkpoint passed is remembered.
    for await (const block of plainChunks(abs, label, pos, upTo, CHECKPOINT_BYTES)) {
      signal?.throwIfAborted();
      for (let i = block.indexOf(10, 0); i !== -1; i = block.indexOf(10, i + 1)) count += 1;
      pos += block.length;
      if (pos % CHECKPOINT_BYTES === 0 && pos / CHECKPOINT_BYTES === state.checkpoints.length) state.checkpoints.push(count);
    }
    return count;
  }
}
