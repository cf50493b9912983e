import type { LogLevel } from './schemas.js';

/** One log entry: a head line plus its continuation lines. */
export interface LogEntry {
  /** Epoch ms, null when the line carried no timestamp. */
  time: number | null;
  level: LogLevel | null;
  service: string;
  /** Message, continuation lines after newlines. */
  message: string;
  /** The head line as read (ANSI sequences dropped, other control characters as U+FFFD). */
  raw: string;
  /** Continuation lines joined by newlines, '' when none. */
  rest: string;
  /** Label of the file relative to its logs root. */
  file: string;
  /** 1-based line number of the head line. */
  line: number;
}

/** One log file the server may read. */
export interface LogFile {
  abs: string;
  label: string;
  gz: boolean;
  size: number;
  mtimeMs: number;
  ino: number;
  /** Dates year-less timestamps (syslog, glog): the dataset's now when it has one, else the file's mtime. */
  referenceMs?: number;
  /** The service of lines that do not name one. */
  service: string;
  /** IANA zone of lines without a UTC offset (LOG_TIMEZONE / LOG_TIMEZONES); unset means UTC. */
  zone?: string;
}

/** How a file's lines are dated: year-less stamps against its reference time, offset-less ones in its zone. */
export function headContext(file: LogFile): { referenceMs: number; zone?: string | undefined } {
  return { referenceMs: file.referenceMs ?? file.mtimeMs, zone: file.zone };
}

/** Receives each entry with the time it sorts by (its own, else the last time above it in the file); returns whether it matched. */
export type Visitor = (entry: LogEntry, sortTime: number, fileIndex: number) => boolean;
