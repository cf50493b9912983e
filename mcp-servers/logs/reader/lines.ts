import { createReadStream } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';
import { hasControlChars, sanitizeLine } from '../parser/index.js';

/** A line longer than this is cut (binary files can hold megabytes without a newline); the rest is skipped. */
export const MAX_READ_LINE_CHARS = 64 * 1024;
export const CUT_MARKER = ' …[line cut]';
const CHUNK_BYTES = 1024 * 1024;

export class LogReadError extends Error {}

/**
 * Streams a file's lines in order with constant memory: gzip is inflated on the fly, invalid UTF-8 becomes
 * U+FFFD (the decoder's default), ANSI sequences are dropped, other control characters become U+FFFD, and over-long lines are cut.
 */
export async function* readLines(file: string, gz: boolean, label: string): AsyncGenerator<string> {
  const source = createReadStream(file, { highWaterMark: CHUNK_BYTES });
  const stream = gz ? source.pipe(createGunzip({ chunkSize: CHUNK_BYTES })) : source;
  if (gz) source.on('error', (error) => stream.destroy(error));
  const decoder = new StringDecoder('utf8');
  let pending = '';
  let skipping = false;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      const text = decoder.write(chunk);
      // Most chunks are clean text: one test per chunk instead of one per line.
      const clean = !hasControlChars(text);
      let start = 0;
      for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
        const piece = text.slice(start, nl);
        start = nl + 1;
        if (skipping) {
          skipping = false;
          pending = '';
          continue;
        }
        // A line begun in an earlier chunk may carry control characters this chunk's test did not see.
        const spans = pending.length > 0;
        const line = pending + piece;
        pending = '';
        if (line.length > MAX_READ_LINE_CHARS) yield sanitizeLine(line.slice(0, MAX_READ_LINE_CHARS)) + CUT_MARKER;
        else yield clean && !spans && !line.endsWith('\r') ? line : sanitizeLine(line);
      }
      if (skipping) continue;
      pending += text.slice(start);
      if (pending.length > MAX_READ_LINE_CHARS) {
        yield sanitizeLine(pending.slice(0, MAX_READ_LINE_CHARS)) + CUT_MARKER;
        pending = '';
        skipping = true;
      }
    }
    const tail = pending + decoder.end();
    if (tail.length > MAX_READ_LINE_CHARS && !skipping) yield sanitizeLine(tail.slice(0, MAX_READ_LINE_CHARS)) + CUT_MARKER;
    else if (tail.length > 0 && !skipping) yield sanitizeLine(tail);
  } catch (error) {
    throw readError(error, label, gz);
  } finally {
    source.destroy();
  }
}

export function readError(error: unknown, label: string, gz: boolean): LogReadError {
  const err = error as NodeJS.ErrnoException;
  if (gz && (err.code?.startsWith('Z_') || /header|unexpected end/i.test(err.message))) {
    return new LogReadError(`${label} is not a readable gzip file (${err.message})`);
  }
  return new LogReadError(`cannot read ${label}: ${err.message}`);
}
