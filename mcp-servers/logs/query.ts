import { RE2JS } from 're2js';
import { inWindow, type TimeWindow } from '../shared/time.js';
import { ToolInputError } from '../shared/tool-result.js';
import { LEVEL_RANK, normalizeLevel } from './parser/levels.js';
import { LOG_LEVELS, type LogLevel } from './schemas.js';
import type { LogEntry } from './types.js';

/** A longer pattern is a mistake (a pasted log line is fine well under this). */
export const MAX_PATTERN_CHARS = 1_000;

export interface EntryFilter {
  service?: string | undefined;
  minLevel?: LogLevel | undefined;
  window: TimeWindow;
  text?: ((entry: LogEntry) => boolean) | undefined;
}

export function parseLevelArg(value: string | undefined): LogLevel | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const level = normalizeLevel(value);
  if (!level)
    throw new ToolInputError(`unknown level "${value}"`, `use one of ${LOG_LEVELS.join(', ')} (WARNING, ERR, CRITICAL … are accepted too)`);
  return level;
}

export function entryMatches(entry: LogEntry, filter: EntryFilter): boolean {
  if (filter.service !== undefined && entry.service.toLowerCase() !== filter.service.toLowerCase()) return false;
  if (filter.minLevel !== undefined && (entry.level === null || LEVEL_RANK[entry.level] < LEVEL_RANK[filter.minLevel])) return false;
  if (filter.window.since || filter.window.until) {
    if (entry.time === null || !inWindow(entry.time, filter.window)) return false;
  }
  return filter.text ? filter.text(entry) : true;
}

/**
 * A text matcher over an entry's head line and continuation lines. Literal patterns use an escaped native
 * RegExp (no backtracking possible); user regexes run on RE2 (linear time), so no pattern can stall the server.
 */
export function compileMatcher(pattern: string, regex: boolean): (entry: LogEntry) => boolean {
  if (pattern.length === 0) throw new ToolInputError('pattern is empty', 'give a word or phrase to look for, e.g. "timeout"');
  if (pattern.length > MAX_PATTERN_CHARS) {
    throw new ToolInputError(
      `pattern is ${pattern.length} characters; at most ${MAX_PATTERN_CHARS}`,
      'search for a distinctive part of the line',
    );
  }
  let test: (text: string) => boolean;
  if (regex) {
    let re: RE2JS;
    try {
      re = RE2JS.compile(pattern, RE2JS.CASE_INSENSITIVE);
    } catch (error) {
      throw new ToolInputError(
        `invalid regex: ${(error as Error).message}`,
        'RE2 syntax (no backreferences or lookaround); or drop regex: true to search for the literal text',
      );
    }
    test = (text) => re.test(text);
  } else {
    const re = new RegExp(pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'i');
    test = (text) => re.test(text);
  }
  return (entry) => test(entry.raw) || (entry.rest.length > 0 && test(entry.rest));
}

/**
 * Keeps the newest `limit` of many entries in bounded memory: entries pile up to twice the limit, then the
 * older half is dropped. Order: sort time, then file, then line.
 */
export class NewestN {
  private items: { entry: LogEntry; key: number; file: number }[] = [];

  constructor(private readonly limit: number) {}

  add(entry: LogEntry, sortTime: number, fileIndex: number): void {
    this.items.push({ entry, key: sortTime, file: fileIndex });
    if (this.items.length >= this.limit * 2 + 16) this.trim();
  }

  private trim(): void {
    this.items.sort((a, b) => (a.key !== b.key ? (b.key > a.key ? 1 : -1) : b.file - a.file || lineOrder(b.entry) - lineOrder(a.entry)));
    this.items.length = Math.min(this.items.length, this.limit);
  }

  /** The newest `limit`, oldest first. */
  result(): LogEntry[] {
    this.trim();
    return this.items.map((item) => item.entry).reverse();
  }
}

/** Backward-read entries carry -1 for the last line, -2 for the one before …; both orders agree. */
function lineOrder(entry: LogEntry): number {
  return entry.line < 0 ? Number.MAX_SAFE_INTEGER + entry.line : entry.line;
}
