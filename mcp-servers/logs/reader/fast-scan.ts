import { type HeadContext, parseHead } from '../parser/index.js';
import { headContext, type LogEntry, type LogFile } from '../types.js';
import { EntryAssembler, MAX_CONTINUATION_LINES } from './assembler.js';
import { BLOCK_BYTES, gzipChunks, MAX_KEPT_LINE_BYTES, plainChunks } from './blocks.js';
import { decodeLine, firstHeadAfterNewline, lineEnd, prevLineStart, splitPoint } from './line-bounds.js';
import { candidateLines, type Prefilter } from './prefilter.js';

/** Receives each entry with the time it sorts by (its own, else the last time above it in the file). */
export type EntrySink = (entry: LogEntry, sortTime: number) => void;

export interface FastScanState {
  /** Newlines before the first byte of the first block (line numbers continue from here). */
  linesBefore: number;
  /** Time of the last timed entry before the first block (NEGATIVE_INFINITY at a file's start). */
  lastTime: number;
  /** False: no newline is counted and entries carry line 0 (the caller never reads line numbers). */
  numbered?: boolean;
}

/**
 * Turns blocks of whole lines into the entries a full read would produce, but parses only the entries around
 * candidate lines (those the prefilter cannot rule out); every other entry is skipped unread. An entry is
 * rebuilt from its head line, found by walking up from the candidate, so a hit in a stack frame yields the
 * whole entry. Blocks are cut at entry boundaries, carrying the unfinished tail into the next block.
 */
export class FastScanner {
  /** Reused across blocks (fresh 4 MB buffers cost page faults and GC): the carried bytes, then the new chunk. */
  private work: Buffer = Buffer.alloc(0);
  private carried = 0;
  /** Inside a line longer than MAX_KEPT_LINE_BYTES: its head is kept, the rest is dropped up to its newline. */
  private skipping = false;
  private linesBefore: number;
  private lastTime: number;
  /** Within the current data: the last time of a timed head before `timePos` is `timeAtPos`. */
  private timePos = 0;
  private timeAtPos: number;
  /** Line counting within the current data: newlines in [0, countPos) are `countAt`. */
  private countPos = 0;
  private countAt = 0;
  private readonly numbered: boolean;
  /** Byte offsets of the lines fed to an assembler in this block, by line number, to place emitted entries. */
  private readonly fed = new Map<number, number>();
  /** The last line decoded and parsed: a candidate's walk and the feed after it often ask for the same line twice. */
  private memoPos = -1;
  private memoData: Buffer | null = null;
  private memoLine = '';
  private memoHead: ReturnType<typeof parseHead> = null;
  private headContext: HeadContext | undefined;

  constructor(
    private readonly file: LogFile,
    private readonly prefilter: Prefilter,
    private readonly sink: EntrySink,
    state: FastScanState,
  ) {
    this.linesBefore = state.linesBefore;
    this.numbered = state.numbered !== false;
    this.lastTime = state.lastTime;
    this.timeAtPos = state.lastTime;
  }

  /** What a year-less timestamp (syslog, klog) is dated against, as the full-parse path does. */
  private get referenceMs(): HeadContext {
    this.headContext ??= headContext(this.file);
    return this.headContext;
  }

  /** Feeds the next raw chunk of the file (any size, lines may straddle chunks); `final` marks the end. */
  push(raw: Buffer, final: boolean): void {
    let chunk = raw;
    if (this.skipping) {
      const nl = chunk.indexOf(10);
      if (nl === -1 && !final) return;
      // Keep the newline: it ends the shortened line.
      chunk = nl === -1 ? chunk.subarray(chunk.length) : chunk.subarray(nl);
      this.skipping = false;
    }
    if (!final && chunk.length >= IN_PLACE_MIN_BYTES) {
      const head = firstHeadAfterNewline(chunk);
      if (head > 0) {
        // The entry straddling the previous read is finished in the work buffer; the rest is scanned where it was
        // read, saving a copy of every byte (a tenth of a literal search).
        this.append(chunk.subarray(0, head));
        const prefix = this.work.subarray(0, this.carried);
        this.finish(prefix, prefix.length, prefix.length);
        this.scan(chunk.subarray(head), false);
        return;
      }
    }
    this.append(chunk);
    this.scan(this.work.subarray(0, this.carried), final);
  }

  /** Adds bytes after the carried ones in the work buffer. */
  private append(chunk: Buffer): void {
    const length = this.carried + chunk.length;
    if (this.work.length < length) {
      const grown = Buffer.allocUnsafe(Math.max(length, this.work.length * 2));
      this.work.copy(grown, 0, 0, this.carried);
      this.work = grown;
    }
    chunk.copy(this.work, this.carried);
    this.carried = length;
  }

  /** Processes `data` up to its last safe cut (all of it when final), carrying the rest to the next push. */
  private scan(data: Buffer, final: boolean): void {
    const length = data.length;
    let end = length;
    if (!final) {
      const complete = data.lastIndexOf(10) + 1;
      end = complete === 0 ? 0 : splitPoint(data.subarray(0, complete));
      if (length - complete > MAX_KEPT_LINE_BYTES) {
        // The unfinished last line is already longer than any reader keeps: keep its head, drop the rest.
        this.skipping = true;
        this.finish(data, end, complete + MAX_KEPT_LINE_BYTES);
        return;
      }
    }
    this.finish(data, end, length);
  }

  /** Processes data[0, end) and carries data[end, keep) to the next push. */
  private finish(data: Buffer, end: number, keep: number): void {
    this.countPos = 0;
    this.countAt = 0;
    this.timePos = 0;
    this.timeAtPos = this.lastTime;
    this.fed.clear();
    if (this.prefilter.needles === null) this.feedAll(data, end);
    else this.feedCandidates(data, end);
    this.lastTime = this.timeBefore(data, end);
    if (this.numbered) this.linesBefore = this.lineAt(data, end) - 1;
    // Data scanned in place can carry more than the work buffer holds yet (copy() would silently cut it).
    if (this.work.length < keep - end) this.work = Buffer.allocUnsafe(Math.max(keep - end, this.work.length * 2));
    data.copy(this.work, 0, end, keep);
    this.carried = keep - end;
    this.memoData = null;
  }

  private feedAll(data: Buffer, end: number): void {
    const asm = new EntryAssembler(this.file.label, this.file.service, this.referenceMs);
    for (let pos = 0; pos < end; ) {
      const nl = lineEnd(data, pos, end);
      this.emit(asm.push(decodeLine(data, pos, nl), this.lineNo(data, pos)), data);
      pos = nl + 1;
    }
    this.emit(asm.flush(), data);
  }

  private feedCandidates(data: Buffer, end: number): void {
    let cursor = 0;
    for (const candidate of candidateLines(data, end, this.prefilter)) {
      if (candidate < cursor) continue;
      const start = this.entryStart(data, candidate, cursor);
      const asm = new EntryAssembler(this.file.label, this.file.service, this.referenceMs);
      let pos = start;
      for (;;) {
        if (pos >= end) {
          this.emit(asm.flush(), data);
          cursor = end;
          break;
        }
        const nl = lineEnd(data, pos, end);
        const { line, head } = this.parsed(data, pos, nl);
        if (head && pos !== start) {
          this.emit(asm.flush(), data);
          cursor = pos;
          break;
        }
        this.emit(asm.push(line, this.lineNo(data, pos), head), data);
        pos = nl + 1;
        if (asm.idle) {
          cursor = pos;
          break;
        }
      }
    }
  }

  /**
   * Where the entry holding the line at `pos` starts: the nearest head above it within MAX_CONTINUATION_LINES
   * (and not above `floor`, where a fresh assembler's state is known to hold), else the line itself.
   */
  private entryStart(data: Buffer, pos: number, floor: number): number {
    let start = pos;
    for (let seen = 0; seen <= MAX_CONTINUATION_LINES && start >= floor; seen++) {
      if (this.parsed(data, start, lineEnd(data, start, data.length)).head) return start;
      if (start === 0) break;
      start = prevLineStart(data, start);
    }
    return pos;
  }

  private emit(entries: LogEntry[], data: Buffer): void {
    for (const entry of entries) {
      const at = this.fed.get(entry.line) ?? 0;
      this.fed.delete(entry.line);
      if (!this.numbered) entry.line = 0;
      this.sink(entry, entry.time ?? this.timeBefore(data, at));
      if (entry.time !== null) {
        // Continuation lines are never heads, so this time holds up to the entry's last line.
        if (at >= this.timePos) {
          this.timePos = at + 1;
          this.timeAtPos = entry.time;
        }
      }
    }
  }

  private parsed(data: Buffer, pos: number, end: number): { line: string; head: ReturnType<typeof parseHead> } {
    if (pos !== this.memoPos || data !== this.memoData) {
      this.memoPos = pos;
      this.memoData = data;
      this.memoLine = decodeLine(data, pos, end);
      this.memoHead = parseHead(this.memoLine, this.referenceMs);
    }
    return { line: this.memoLine, head: this.memoHead };
  }

  /** The time of the last timed head before `pos`, walking up only as far as the last known point. */
  private timeBefore(data: Buffer, pos: number): number {
    if (pos <= this.timePos) return this.timeAtPos;
    let time = this.timeAtPos;
    for (let start = pos; start > this.timePos; ) {
      start = prevLineStart(data, start);
      if (start < this.timePos) break;
      const head = parseHead(decodeLine(data, start, lineEnd(data, start, data.length)), this.referenceMs);
      if (head && head.time !== null) {
        time = head.time;
        break;
      }
    }
    this.timePos = pos;
    this.timeAtPos = time;
    return time;
  }

  /** Line number of a line about to be fed, remembering its offset; unnumbered, a stand-in unique in the block. */
  private lineNo(data: Buffer, pos: number): number {
    const line = this.numbered ? this.lineAt(data, pos) : pos + 1;
    this.fed.set(line, pos);
    return line;
  }

  /** 1-based line number of the line starting at `pos` (calls come in ascending order within a block). */
  private lineAt(data: Buffer, pos: number): number {
    if (pos < this.countPos) {
      this.countPos = 0;
      this.countAt = 0;
    }
    let count = this.countAt;
    for (let i = data.indexOf(10, this.countPos); i !== -1 && i < pos; i = data.indexOf(10, i + 1)) count += 1;
    this.countPos = pos;
    this.countAt = count;
    return this.linesBefore + count + 1;
  }
}

/** Reads at least this big are scanned in place; smaller ones (tests' tiny blocks) are simply copied. */
const IN_PLACE_MIN_BYTES = 64 * 1024;

export interface FastScanRange extends FastScanState {
  /** Byte range of a plain file to read; a head line starts at `start` (or it is 0). Ignored for .gz. */
  start: number;
  end: number;
}

/** Reads a file (a byte range of a plain file, or all of a .gz) and passes the entries around candidates to `sink`. */
export async function fastScanFile(
  file: LogFile,
  prefilter: Prefilter,
  range: FastScanRange,
  sink: EntrySink,
  signal?: AbortSignal,
  /** Read size; tests make it small so entries and matches straddle many block boundaries. */
  blockBytes = BLOCK_BYTES,
): Promise<void> {
  const scanner = new FastScanner(file, prefilter, sink, range);
  const chunks = file.gz
    ? gzipChunks(file.abs, file.label, blockBytes)
    : plainChunks(file.abs, file.label, range.start, range.end, blockBytes);
  for await (const chunk of chunks) {
    signal?.throwIfAborted();
    scanner.push(chunk, false);
  }
  scanner.push(Buffer.alloc(0), true);
}
