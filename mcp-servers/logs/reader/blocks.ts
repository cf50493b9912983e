import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { readError } from './lines.js';

/** Bytes read per step: large enough that per-read costs vanish, small enough to keep memory flat. */
export const BLOCK_BYTES = 4 * 1024 * 1024;
/**
 * A line still unfinished past this many bytes keeps only its head: the reader cuts lines at 64 Ki UTF-16
 * units, and any UTF-8 text of this many bytes decodes to more than that (at most 3 bytes per unit).
 */
export const MAX_KEPT_LINE_BYTES = 256 * 1024;

/**
 * Yields buffers of whole lines in file order: every buffer ends with a newline except the file's unterminated
 * last line. A line longer than MAX_KEPT_LINE_BYTES that spans reads is shortened to its first bytes.
 */
export async function* lineBlocks(chunks: AsyncIterable<Buffer>, signal?: AbortSignal): AsyncGenerator<Buffer> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let skipping = false;
  for await (const raw of chunks) {
    signal?.throwIfAborted();
    let chunk = raw;
    if (skipping) {
      const nl = chunk.indexOf(10);
      if (nl === -1) continue;
      // Keep the newline: it ends the shortened line.
      chunk = chunk.subarray(nl);
      skipping = false;
    }
    const lastNl = chunk.lastIndexOf(10);
    if (lastNl === -1) {
      const room = MAX_KEPT_LINE_BYTES - pendingBytes;
      if (chunk.length > room) {
        pending.push(Buffer.from(chunk.subarray(0, Math.max(0, room))));
        pendingBytes += Math.max(0, room);
        skipping = true;
      } else {
        pending.push(Buffer.from(chunk));
        pendingBytes += chunk.length;
      }
      continue;
    }
    const whole = chunk.subarray(0, lastNl + 1);
    yield pendingBytes > 0 ? Buffer.concat([...pending, whole]) : whole;
    const rest = chunk.subarray(lastNl + 1);
    pending = rest.length > 0 ? [Buffer.from(rest)] : [];
    pendingBytes = rest.length;
    if (pendingBytes > MAX_KEPT_LINE_BYTES) {
      pending = [Buffer.from(rest.subarray(0, MAX_KEPT_LINE_BYTES))];
      pendingBytes = MAX_KEPT_LINE_BYTES;
      skipping = true;
    }
  }
  if (pendingBytes > 0) yield Buffer.concat(pending);
}

/** Raw reads of a plain file's byte range [start, end); a yielded buffer is reused once the next one is asked for. */
export async function* plainChunks(abs: string, label: string, start: number, end: number, step = BLOCK_BYTES): AsyncGenerator<Buffer> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(abs, 'r');
  } catch (error) {
    throw readError(error, label, false);
  }
  // Two buffers in turn: one is read into while the consumer, done with the previous one, parses the other.
  const size = Math.min(step, end - start);
  const buffers = [takeBuffer(size), takeBuffer(size)];
  let turn = 0;
  const readAt = async (pos: number): Promise<Buffer> => {
    const whole = buffers[turn++ % 2] as Buffer;
    const buf = whole.subarray(0, Math.min(whole.length, end - pos));
    try {
      const { bytesRead } = await handle.read(buf, 0, buf.length, pos);
      return buf.subarray(0, bytesRead);
    } catch (error) {
      throw readError(error, label, false);
    }
  };
  // The next read is issued before the current block is handed over, so disk or page-cache latency overlaps parsing.
  let next: Promise<Buffer> | null = start < end ? readAt(start) : null;
  try {
    for (let pos = start; next !== null; ) {
      const buf = await next;
      pos += buf.length;
      next = buf.length > 0 && pos < end ? readAt(pos) : null;
      if (buf.length === 0) break;
      yield buf;
    }
  } finally {
    // A read still in flight when the consumer stops must finish before its handle closes.
    await next?.catch(() => undefined);
    await handle.close();
    for (const buffer of buffers) giveBuffer(buffer);
  }
}

/**
 * Full-size read buffers kept between scans: a windowed search is a few reads, and two fresh 4 MB buffers per
 * call made the garbage collector a fifth of its time. Bounded: two calls at once, two buffers each.
 */
const spareBuffers: Buffer[] = [];
const MAX_SPARE_BUFFERS = 4;

function takeBuffer(size: number): Buffer {
  return size === BLOCK_BYTES ? (spareBuffers.pop() ?? Buffer.allocUnsafe(size)) : Buffer.allocUnsafe(size);
}

/** Only once the generator is done with it: a consumer never keeps a yielded buffer past its next step. */
function giveBuffer(buffer: Buffer): void {
  if (buffer.length === BLOCK_BYTES && spareBuffers.length < MAX_SPARE_BUFFERS) spareBuffers.push(buffer);
}

/** A gzip file inflated in BLOCK_BYTES steps; a corrupt stream becomes the reader's clear error. */
export async function* gzipChunks(abs: string, label: string, step = BLOCK_BYTES): AsyncGenerator<Buffer> {
  const source = createReadStream(abs, { highWaterMark: step });
  const gunzip = createGunzip({ chunkSize: Math.max(step, 64) });
  source.on('error', (error) => gunzip.destroy(error));
  source.pipe(gunzip);
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) yield chunk;
  } catch (error) {
    throw readError(error, label, true);
  } finally {
    source.destroy();
    gunzip.destroy();
  }
}
