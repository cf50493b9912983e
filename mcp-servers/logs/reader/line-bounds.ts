import { parseHead, sanitizeLine } from '../parser/index.js';
import { MAX_CONTINUATION_LINES } from './assembler.js';
import { CUT_MARKER, MAX_READ_LINE_CHARS } from './lines.js';

// Line boundaries inside a block of bytes: where lines start and end, and where a block can be cut without splitting an
// entry. Shared by the fast scanner, the time index and the sampled statistics, which all decode lines the same way.

/** Decodes one line exactly as readLines does: UTF-8 with U+FFFD, cut past MAX_READ_LINE_CHARS, control characters sanitized. */
export function decodeLine(data: Buffer, start: number, end: number): string {
  const text = data.toString('utf8', start, end);
  if (text.length > MAX_READ_LINE_CHARS) return sanitizeLine(text.slice(0, MAX_READ_LINE_CHARS)) + CUT_MARKER;
  return sanitizeLine(text);
}

/**
 * The first head line after `chunk`'s first newline, within the lines an entry can span (0 when none): a cut
 * there splits no entry, since every line before it belongs to an entry above it.
 */
export function firstHeadAfterNewline(chunk: Buffer): number {
  let start = chunk.indexOf(10) + 1;
  for (let seen = 0; start > 0 && start < chunk.length && seen <= MAX_CONTINUATION_LINES + 1; seen++) {
    const nl = chunk.indexOf(10, start);
    if (nl === -1) return 0;
    if (parseHead(decodeLine(chunk, start, nl))) return start;
    start = nl + 1;
  }
  return 0;
}

/** Start of the line above the one starting at `start` (> 0). */
export function prevLineStart(data: Buffer, start: number): number {
  return start < 2 ? 0 : data.lastIndexOf(10, start - 2) + 1;
}

export function lineEnd(data: Buffer, pos: number, end: number): number {
  const nl = data.indexOf(10, pos);
  return nl === -1 || nl > end ? end : nl;
}

/**
 * Where to cut a non-final block so no entry straddles the cut: at the last head line, or, when the last
 * MAX_CONTINUATION_LINES + 1 lines hold no head, at the last line (it cannot belong to an entry above).
 */
export function splitPoint(data: Buffer): number {
  let stop = data.length - 1;
  let last = -1;
  for (let seen = 0; seen <= MAX_CONTINUATION_LINES + 1 && stop >= 0; seen++) {
    const start = stop === 0 ? 0 : data.lastIndexOf(10, stop - 1) + 1;
    if (last === -1) last = start;
    if (parseHead(decodeLine(data, start, stop))) return start;
    if (start === 0) break;
    stop = start - 1;
  }
  return last === -1 ? 0 : last;
}
