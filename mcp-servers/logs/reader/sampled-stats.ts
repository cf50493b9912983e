import { open } from 'node:fs/promises';
import { type HeadContext, parseHead } from '../parser/index.js';
import { headContext, type LogFile } from '../types.js';
import { headService } from './head-service.js';
import { decodeLine } from './line-bounds.js';
import { readError } from './lines.js';

/** Per-service figures of one file, exact from a full read or estimated from samples. */
export interface ServiceStats {
  entries: number;
  errors: number;
  warnings: number;
  /** Entries whose level was recognised: none at all in a file that has entries means its layout is not understood. */
  levelled: number;
  firstSeen: number | null;
  lastSeen: number | null;
}

/** Counts one entry (or head line) of a service. */
export function tally(stats: Map<string, ServiceStats>, service: string, level: string | null, time: number | null): void {
  let s = stats.get(service);
  if (!s) {
    s = { entries: 0, errors: 0, warnings: 0, levelled: 0, firstSeen: null, lastSeen: null };
    stats.set(service, s);
  }
  s.entries += 1;
  if (level !== null) s.levelled += 1;
  if (level === 'error' || level === 'fatal') s.errors += 1;
  else if (level === 'warn') s.warnings += 1;
  if (time !== null) {
    if (s.firstSeen === null || time < s.firstSeen) s.firstSeen = time;
    if (s.lastSeen === null || time > s.lastSeen) s.lastSeen = time;
  }
}

/** Places read in a sampled file: evenly spread, the first at its start and the last at its end. */
const SAMPLE_PLACES = 256;
/** Bytes read at each place: a few hundred typical lines, so rare services and levels still show up. */
const SAMPLE_BYTES = 32 * 1024;
/** Reads in flight at once while sampling (bounded: memory and file handles). */
const READS_IN_FLIGHT = 16;

/**
 * Estimates a big plain file's services without reading it whole: head lines at SAMPLE_PLACES places are counted
 * by service and level, and scaled by the file's size over the bytes sampled. First and last seen come from the
 * samples, so the file's own first and last lines are always among them. A service writing only between samples
 * is missed; callers say the figures are estimates.
 */
export async function sampleServiceStats(file: LogFile): Promise<Map<string, ServiceStats>> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(file.abs, 'r');
  } catch (error) {
    throw readError(error, file.label, false);
  }
  const referenceMs = headContext(file);
  const counts = new Map<string, ServiceStats>();
  let sampledBytes = 0;
  try {
    const span = Math.max(0, file.size - SAMPLE_BYTES);
    const offsets = [...new Set(Array.from({ length: SAMPLE_PLACES }, (_, i) => Math.round((span * i) / (SAMPLE_PLACES - 1))))];
    for (let i = 0; i < offsets.length; i += READS_IN_FLIGHT) {
      const reads = offsets.slice(i, i + READS_IN_FLIGHT).map(async (offset) => {
        const buf = Buffer.allocUnsafe(Math.min(SAMPLE_BYTES, file.size - offset));
        const { bytesRead } = await handle.read(buf, 0, buf.length, offset);
        return { offset, data: buf.subarray(0, bytesRead) };
      });
      for (const { offset, data } of await Promise.all(reads)) sampledBytes += countHeads(data, offset, file, referenceMs, counts);
    }
  } catch (error) {
    throw readError(error, file.label, false);
  } finally {
    await handle.close();
  }
  const scale = sampledBytes > 0 ? file.size / sampledBytes : 0;
  for (const stats of counts.values()) {
    // A service seen at all has at least one entry, however small its share of the samples.
    stats.entries = Math.max(1, Math.round(stats.entries * scale));
    stats.errors = Math.round(stats.errors * scale);
    stats.warnings = Math.round(stats.warnings * scale);
    stats.levelled = Math.round(stats.levelled * scale);
  }
  return counts;
}

/** Counts the whole lines of one sample (a line cut at either edge is skipped); returns the bytes they span. */
function countHeads(data: Buffer, offset: number, file: LogFile, referenceMs: HeadContext, counts: Map<string, ServiceStats>): number {
  let start = offset === 0 ? 0 : data.indexOf(10) + 1;
  if (offset > 0 && start === 0) return 0;
  const from = start;
  let end = from;
  const atFileEnd = offset + data.length >= file.size;
  for (;;) {
    const nl = data.indexOf(10, start);
    if (nl === -1 && !(atFileEnd && start < data.length)) break;
    const stop = nl === -1 ? data.length : nl;
    const head = parseHead(decodeLine(data, start, stop), referenceMs);
    if (head) tally(counts, headService(head, file.service), head.level, head.time);
    end = stop + 1;
    if (nl === -1) break;
    start = nl + 1;
  }
  return Math.max(0, Math.min(end, data.length) - from);
}
