import { FastPath } from './fast-path.js';
import { parseHead } from './parser/index.js';
import { EntryAssembler } from './reader/assembler.js';
import { LineCounter, readLinesBackward } from './reader/backward.js';
import { readBackward } from './reader/backward-scan.js';
import { LogReadError, readLines } from './reader/lines.js';
import type { Prefilter } from './reader/prefilter.js';
import { type ServiceStats, sampleServiceStats, tally } from './reader/sampled-stats.js';
import { headContext, type LogEntry, type LogFile, type Visitor } from './types.js';

export type { Visitor } from './types.js';

/** Parsed entries are kept for repeat calls while their text totals less than this; bigger data is streamed. */
export const CACHE_BUDGET_CHARS = 64 * 1024 * 1024;
/** A plain file at least this big is read backwards when a call needs only its newest part. */
export const BACKWARD_MIN_BYTES = 8 * 1024 * 1024;
/** Plain files this big have their services sampled for list_services rather than parsed whole (about 0.3 s a gigabyte at best). */
export const SAMPLE_STATS_MIN_BYTES = 64 * 1024 * 1024;
/** Sampled files remembered; a glob reads at most MAX_LOG_FILES files per call. */
const MAX_SAMPLED_FILES = 2_000;
/** Lines read backwards while looking for a file's newest timestamp; a file with none that late has none useful. */
const MAX_PROBE_LINES = 100_000;
/** Entries up to this much older than `since` are still read: lines from threads of one process interleave slightly out of order. */
export const ORDER_SLACK_MS = 5 * 60_000;
/** gzip shrinks text about this much; used to guess whether a .gz file fits the cache before inflating it. */
const GZIP_RATIO_GUESS = 8;

export interface ScanOptions {
  /** Entries older than this (minus ORDER_SLACK_MS) are not needed, so a large file may be read backwards and stop there. */
  since?: number | undefined;
  /** Only the newest this-many matches per file are needed: a large file is read backwards until it has them. */
  newestPerFile?: number | undefined;
  /** Entries newer than this (plus ORDER_SLACK_MS) are not needed: a seekable file is read only up to there. */
  until?: number | undefined;
  /** Bytes every entry the visitor can accept contains: large files then parse only entries around them. */
  prefilter?: Prefilter | undefined;
  /** The caller's cancellation (the MCP request's signal): a scan stops within one block of it firing. */
  signal?: AbortSignal | undefined;
  /**
   * False when the visitor never reads `entry.line`: a large file's prefiltering scan then skips counting newlines
   * (a quarter of a literal search's time) and entries carry line 0.
   */
  lineNumbers?: boolean | undefined;
}

/** Lines read between cancellation checks on the line-by-line paths. */
const ABORT_CHECK_LINES = 16_384;

export interface ScanResult {
  /** False when a backward read stopped after `newestPerFile` matches, so counts are lower bounds. */
  exact: boolean;
  /** Per file read backwards: what resolveLines needs to number its entries. */
  backward: Map<string, { file: LogFile; visited: number; minOffset: number }>;
  /** Plain remarks for the caller, e.g. a file read in full because its timestamps are out of order. */
  notes: string[];
}

interface FileMemo {
  key: string;
  entries: LogEntry[] | null;
  chars: number;
  stats: Map<string, ServiceStats> | null;
}

function fileKey(file: LogFile): string {
  return `${file.ino}:${file.size}:${file.mtimeMs}`;
}

export function addToStats(stats: Map<string, ServiceStats>, entry: LogEntry): void {
  tally(stats, entry.service, entry.level, entry.time);
}

/**
 * Reads entries from log files. Small data is parsed once and kept (keyed by inode, size and mtime, so a
 * live file that grows is re-read); big data is streamed, or read backwards from the end when a call only
 * needs recent entries. Per-file service counts are kept after any full read, so list_services is cheap.
 */
export class LogStore {
  private readonly memo = new Map<string, FileMemo>();
  private cachedChars = 0;
  private readonly lines = new LineCounter();
  private readonly fast = new FastPath(this.lines, ORDER_SLACK_MS);

  private readonly sampled = new Map<string, { key: string; stats: Map<string, ServiceStats> }>();

  /**
   * `fastMinBytes`: files this big (inflated estimate for .gz) take the prefiltering path when a call has a prefilter.
   * `sampleMinBytes`: plain files this big, not read in full yet, have their services estimated from samples.
   */
  constructor(
    private readonly fastMinBytes = BACKWARD_MIN_BYTES,
    private readonly sampleMinBytes = SAMPLE_STATS_MIN_BYTES,
  ) {}

  /** Drops memos of files that are gone, so a rotated-away file frees its memory. */
  prune(files: LogFile[]): void {
    const live = new Set(files.map((f) => f.abs));
    for (const [abs, memo] of this.memo) {
      if (!live.has(abs)) {
        this.cachedChars -= memo.chars;
        this.memo.delete(abs);
      }
    }
  }

  private current(file: LogFile): FileMemo | undefined {
    const memo = this.memo.get(file.abs);
    if (!memo) return undefined;
    if (memo.key === fileKey(file)) return memo;
    this.cachedChars -= memo.chars;
    this.memo.delete(file.abs);
    return undefined;
  }

  async scan(files: LogFile[], options: ScanOptions, visit: Visitor): Promise<ScanResult> {
    const result: ScanResult = { exact: true, backward: new Map(), notes: [] };
    for (const [index, file] of files.entries()) {
      options.signal?.throwIfAborted();
      const memo = this.current(file);
      if (memo?.entries) {
        let last = Number.NEGATIVE_INFINITY;
        for (const entry of memo.entries) {
          if (entry.time !== null) last = entry.time;
          visit(entry, last, index);
        }
        continue;
      }
      if (options.prefilter && (file.gz ? file.size * GZIP_RATIO_GUESS : file.size) >= this.fastMinBytes) {
        const note = await this.fast.scan(
          file,
          {
            prefilter: options.prefilter,
            since: options.since,
            until: options.until,
            signal: options.signal,
            lineNumbers: options.lineNumbers,
          },
          (entry, sortTime) => visit(entry, sortTime, index),
        );
        if (note) result.notes.push(note);
        continue;
      }
      const wantsTail = options.since !== undefined || options.newestPerFile !== undefined;
      if (!file.gz && file.size >= BACKWARD_MIN_BYTES && wantsTail) {
        const info = await this.scanBackward(file, index, options, visit);
        result.backward.set(file.label, { file, visited: info.visited, minOffset: info.minOffset });
        if (!info.exact) result.exact = false;
        continue;
      }
      await this.scanForward(file, index, visit, options.signal);
    }
    return result;
  }

  /** Reads a whole file in order; keeps its entries when the cache has room, and its service counts always. */
  private async scanForward(file: LogFile, index: number, visit: Visitor, signal?: AbortSignal): Promise<void> {
    const estimate = file.gz ? file.size * GZIP_RATIO_GUESS : file.size;
    let keep: LogEntry[] | null = this.cachedChars + estimate <= CACHE_BUDGET_CHARS ? [] : null;
    let chars = 0;
    const stats = new Map<string, ServiceStats>();
    const assembler = new EntryAssembler(file.label, file.service, headContext(file));
    let last = Number.NEGATIVE_INFINITY;
    const take = (entries: LogEntry[]) => {
      for (const entry of entries) {
        if (entry.time !== null) last = entry.time;
        addToStats(stats, entry);
        visit(entry, last, index);
        if (keep) {
          chars += entry.raw.length + entry.message.length + 64;
          if (this.cachedChars + chars > CACHE_BUDGET_CHARS) keep = null;
          else keep.push(entry);
        }
      }
    };
    let lineNo = 0;
    for await (const line of readLines(file.abs, file.gz, file.label)) {
      lineNo += 1;
      if (lineNo % ABORT_CHECK_LINES === 0) signal?.throwIfAborted();
      take(assembler.push(line, lineNo));
    }
    take(assembler.flush());
    const old = this.memo.get(file.abs);
    if (old) this.cachedChars -= old.chars;
    this.memo.set(file.abs, { key: fileKey(file), entries: keep, chars: keep ? chars : 0, stats });
    if (keep) this.cachedChars += chars;
  }

  /** Reads a plain file newest-first from the window's end (see readBackward). */
  private async scanBackward(
    file: LogFile,
    index: number,
    options: ScanOptions,
    visit: Visitor,
  ): Promise<{ exact: boolean; visited: number; minOffset: number }> {
    const stopBefore = options.since === undefined ? undefined : options.since - ORDER_SLACK_MS;
    const end = await this.windowEnd(file, options.until);
    return readBackward(file, index, end, { stopBefore, newestPerFile: options.newestPerFile, signal: options.signal }, visit);
  }

  /**
   * Where a backward read for a window ending at `until` can start: past it every entry is newer than the window,
   * found by bisection on the file's time index; the file's end when there is no `until` or the file is unordered.
   */
  private async windowEnd(file: LogFile, until: number | undefined): Promise<number> {
    if (until === undefined) return file.size;
    const index = await this.fast.index.get(file);
    return index.ordered ? this.fast.index.seekEnd(file, index, until + ORDER_SLACK_MS) : file.size;
  }

  /** Gives entries read backwards their real 1-based line numbers (counting newlines before the oldest line read). */
  async resolveLines(entries: LogEntry[], result: ScanResult): Promise<void> {
    const base = new Map<string, number>();
    for (const entry of entries) {
      if (entry.line >= 0) continue;
      const info = result.backward.get(entry.file);
      if (!info) continue;
      let before = base.get(entry.file);
      if (before === undefined) {
        before = await this.lines.newlinesBefore(info.file.abs, info.file.ino, info.file.size, info.minOffset, info.file.label);
        base.set(entry.file, before);
      }
      entry.line = before + info.visited + entry.line + 1;
    }
  }

  /**
   * Per-service counts where big plain files not read in full yet are sampled instead (list_services is the first
   * call of most analyses; a full parse of gigabytes would time it out). `sampled` names the files estimated.
   */
  async serviceStatsSampled(files: LogFile[]): Promise<{
    stats: Map<string, ServiceStats>;
    sampled: LogFile[];
    estimated: Set<string>;
    perFile: Array<{ file: LogFile; stats: Map<string, ServiceStats> }>;
  }> {
    const total = new Map<string, ServiceStats>();
    const perFile: Array<{ file: LogFile; stats: Map<string, ServiceStats> }> = [];
    const sampled: LogFile[] = [];
    const estimated = new Set<string>();
    for (const [index, file] of files.entries()) {
      let stats = this.current(file)?.stats;
      if (!stats && !file.gz && file.size >= this.sampleMinBytes) {
        const hit = this.sampled.get(file.abs);
        if (hit?.key === fileKey(file)) stats = hit.stats;
        else {
          stats = await sampleServiceStats(file);
          if (this.sampled.size >= MAX_SAMPLED_FILES) this.sampled.clear();
          this.sampled.set(file.abs, { key: fileKey(file), stats });
        }
        sampled.push(file);
        for (const service of stats.keys()) estimated.add(service);
      }
      if (!stats) {
        await this.scanForward(file, index, () => false);
        stats = this.current(file)?.stats;
      }
      for (const [service, s] of stats ?? []) mergeStats(total, service, s);
      if (stats) perFile.push({ file, stats });
    }
    return { stats: total, sampled, estimated, perFile };
  }

  /** The newest timestamp in the data: known counts when present, else the tail of a big plain file, else a full read. */
  async newestTime(files: LogFile[]): Promise<number | undefined> {
    let newest: number | undefined;
    for (const [index, file] of files.entries()) {
      let candidate: number | null = null;
      const memo = this.current(file);
      if (memo?.stats) candidate = maxLastSeen(memo.stats);
      else if (!file.gz && file.size >= BACKWARD_MIN_BYTES) candidate = await probeNewest(file);
      else {
        await this.scanForward(file, index, () => false);
        const fresh = this.current(file);
        candidate = fresh?.stats ? maxLastSeen(fresh.stats) : null;
      }
      if (candidate !== null && (newest === undefined || candidate > newest)) newest = candidate;
    }
    return newest;
  }
}

function mergeStats(total: Map<string, ServiceStats>, service: string, s: ServiceStats): void {
  const t = total.get(service);
  if (!t) {
    total.set(service, { ...s });
    return;
  }
  t.entries += s.entries;
  t.errors += s.errors;
  t.warnings += s.warnings;
  t.levelled += s.levelled;
  if (s.firstSeen !== null && (t.firstSeen === null || s.firstSeen < t.firstSeen)) t.firstSeen = s.firstSeen;
  if (s.lastSeen !== null && (t.lastSeen === null || s.lastSeen > t.lastSeen)) t.lastSeen = s.lastSeen;
}

function maxLastSeen(stats: Map<string, ServiceStats>): number | null {
  let max: number | null = null;
  for (const s of stats.values()) if (s.lastSeen !== null && (max === null || s.lastSeen > max)) max = s.lastSeen;
  return max;
}

async function probeNewest(file: LogFile): Promise<number | null> {
  let seen = 0;
  for await (const { text } of readLinesBackward(file.abs, file.size, file.label)) {
    const head = parseHead(text, headContext(file));
    if (head?.time != null) return head.time;
    seen += 1;
    if (seen >= MAX_PROBE_LINES) return null;
  }
  return null;
}

export { LogReadError };
