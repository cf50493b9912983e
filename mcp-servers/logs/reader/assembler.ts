import { type HeadContext, parseHead } from '../parser/index.js';
import type { LogEntry } from '../types.js';
import { headService } from './head-service.js';

/** A stack trace longer than this is cut into standalone lines; it bounds one entry's memory. */
export const MAX_CONTINUATION_LINES = 300;
/** Same bound in characters, for continuation lines that are individually long. */
export const MAX_ENTRY_CHARS = 256 * 1024;

/**
 * Turns lines (in file order) into entries: a recognised head line starts an entry and the lines that
 * follow it without a head of their own (stack frames) belong to it. A line before any head, or past the
 * bounds above, stays searchable as an entry with no time and no level.
 */
export class EntryAssembler {
  private head: LogEntry | null = null;
  private extra: string[] = [];
  private chars = 0;
  /** True while continuation lines may still attach to `head`. */
  private open = false;

  constructor(
    private readonly file: string,
    private readonly service: string,
    private readonly referenceMs?: number | HeadContext,
  ) {}

  /** Feeds one line; returns the entries it completed (zero, one or two). `parsed` spares a second parse when the caller has one. */
  push(line: string, lineNo: number, parsed: ReturnType<typeof parseHead> = parseHead(line, this.referenceMs)): LogEntry[] {
    if (parsed) {
      const done = this.flush();
      this.head = {
        time: parsed.time,
        level: parsed.level,
        service: headService(parsed, this.service),
        message: parsed.message,
        raw: line,
        rest: '',
        file: this.file,
        line: lineNo,
      };
      this.open = true;
      return done;
    }
    if (this.open && this.extra.length < MAX_CONTINUATION_LINES && this.chars + line.length < MAX_ENTRY_CHARS) {
      this.extra.push(line);
      this.chars += line.length + 1;
      return [];
    }
    const done = this.flush();
    this.open = false;
    if (line.trim() === '') return done;
    done.push(standalone(line, this.file, this.service, lineNo));
    return done;
  }

  /** No entry pending and no continuation can attach: the state a fresh assembler starts in. */
  get idle(): boolean {
    return this.head === null && !this.open;
  }

  /** Completes the pending entry, if any. */
  flush(): LogEntry[] {
    const head = this.head;
    if (!head) return [];
    this.head = null;
    if (this.extra.length > 0) {
      while (this.extra.length > 0 && this.extra[this.extra.length - 1]?.trim() === '') this.extra.pop();
      head.rest = this.extra.join('\n');
      if (head.rest) head.message = `${head.message}\n${head.rest}`;
    }
    this.extra = [];
    this.chars = 0;
    return [head];
  }
}

export function standalone(line: string, file: string, service: string, lineNo: number): LogEntry {
  return { time: null, level: null, service, message: line, raw: line, rest: '', file, line: lineNo };
}
