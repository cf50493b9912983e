import { parseHead } from './parser/index.js';
import type { LineCounter } from './reader/backward.js';
import { gzipChunks, lineBlocks, plainChunks } from './reader/blocks.js';
import { fastScanFile } from './reader/fast-scan.js';
import { decodeLine } from './reader/line-bounds.js';
import { EVERY_LINE, type Prefilter } from './reader/prefilter.js';
import { FORMAT_SAMPLE_LINES, severityOutsideWords } from './reader/severity-formats.js';
import { TimeIndexCache } from './reader/time-index.js';
import { headContext, type LogEntry, type LogFile } from './types.js';

export interface FastScanRequest {
  prefilter: Prefilter;
  since?: number | undefined;
  until?: number | undefined;
  signal?: AbortSignal | undefined;
  /** False: entries carry line 0 and no newline is counted (see ScanOptions.lineNumbers). */
  lineNumbers?: boolean | undefined;
}

/**
 * The scan for large files when a query can name bytes its matches must contain: a time window becomes a
 * byte range by bisection over a cached sparse time index, and only entries around candidate lines are parsed.
 * A file whose sampled times go backwards is read in full, and the caller is told so.
 */
export class FastPath {
  readonly index: TimeIndexCache;
  /** First timestamp of each .gz file, by path, keyed by size, mtime and inode. */
  private readonly gzFirst = new Map<string, { key: string; time: number | null }>();
  /** Whether each file's format writes severity outside level words, by path, keyed like gzFirst. */
  private readonly wordless = new Map<string, { key: string; value: boolean }>();

  constructor(
    private readonly lines: LineCounter,
    private readonly slackMs: number,
  ) {
    this.index = new TimeIndexCache(slackMs);
  }

  /** Scans one file; returns a note for the caller, if any. */
  async scan(file: LogFile, request: FastScanRequest, visit: (entry: LogEntry, sortTime: number) => void): Promise<string | undefined> {
    if (request.prefilter.levels && (await this.severityOutsideWords(file))) request = { ...request, prefilter: EVERY_LINE };
    let start = 0;
    let end = file.size;
    let note: string | undefined;
    const bounded = request.since !== undefined || request.until !== undefined;
    if (bounded && !file.gz) {
      const index = await this.index.get(file);
      const from = request.since === undefined ? undefined : request.since - this.slackMs;
      const to = request.until === undefined ? undefined : request.until + this.slackMs;
      if (!index.ordered) note = `${file.label}: timestamps are out of order, so the whole file was scanned for the time window`;
      else {
        const first = index.samples[0];
        // Chosen by time range before reading: a file wholly outside the window is skipped.
        if (to !== undefined && first && first.pos === 0 && first.time > to) return undefined;
        if (from !== undefined && index.last && index.last.time < from && index.samples.every((s) => s.time < from)) return undefined;
        if (from !== undefined) start = await this.index.seekStart(file, index, from);
        if (to !== undefined) end = await this.index.seekEnd(file, index, to);
        if (end <= start) return undefined;
      }
    }
    // A rotated .gz that starts after the window is skipped having inflated only its first block.
    if (file.gz && request.until !== undefined) {
      const first = await this.firstGzTime(file);
      if (first !== null && first > request.until + this.slackMs) return undefined;
    }
    request.signal?.throwIfAborted();
    const numbered = request.lineNumbers !== false;
    const linesBefore =
      start > 0 && numbered ? await this.lines.newlinesBefore(file.abs, file.ino, file.size, start, file.label, request.signal) : 0;
    const range = { start, end, linesBefore, lastTime: Number.NEGATIVE_INFINITY, numbered };
    await fastScanFile(file, request.prefilter, range, visit, request.signal);
    return note;
  }

  /** Samples the file's first head lines: one of a format with wordless severity makes the level prefilter unsafe. */
  private async severityOutsideWords(file: LogFile): Promise<boolean> {
    const key = `${file.size}:${file.mtimeMs}:${file.ino}`;
    const hit = this.wordless.get(file.abs);
    if (hit?.key === key) return hit.value;
    const referenceMs = file.referenceMs ?? file.mtimeMs;
    const chunks = file.gz ? gzipChunks(file.abs, file.label) : plainChunks(file.abs, file.label, 0, file.size);
    let value = false;
    for await (const block of lineBlocks(chunks)) {
      let seen = 0;
      for (let start = 0; start < block.length && seen < FORMAT_SAMPLE_LINES && !value; seen += 1) {
        const nl = block.indexOf(10, start);
        const stop = nl === -1 ? block.length : nl;
        value = severityOutsideWords(decodeLine(block, start, stop), referenceMs);
        start = stop + 1;
      }
      break;
    }
    if (this.wordless.size >= MAX_GZ_REMEMBERED) this.wordless.clear();
    this.wordless.set(file.abs, { key, value });
    return value;
  }

  private async firstGzTime(file: LogFile): Promise<number | null> {
    const key = `${file.size}:${file.mtimeMs}:${file.ino}`;
    const hit = this.gzFirst.get(file.abs);
    if (hit?.key === key) return hit.time;
    let time: number | null = null;
    for await (const block of lineBlocks(gzipChunks(file.abs, file.label))) {
      for (let start = 0; start < block.length && time === null; ) {
        const nl = block.indexOf(10, start);
        const stop = nl === -1 ? block.length : nl;
        time = parseHead(decodeLine(block, start, stop), headContext(file))?.time ?? null;
        start = stop + 1;
      }
      break;
    }
    if (this.gzFirst.size >= MAX_GZ_REMEMBERED) this.gzFirst.clear();
    this.gzFirst.set(file.abs, { key, time });
    return time;
  }
}

/** .gz first times remembered; a glob reads at most MAX_LOG_FILES files per call. */
const MAX_GZ_REMEMBERED = 2_000;
