import PQueue from 'p-queue';
import { type DatasetMeta, isDirectory, readDatasetMeta, resolveNow } from '../../shared/dataset.js';
import { parseWindow, type TimeWindow } from '../../shared/time.js';
import { ToolInputError } from '../../shared/tool-result.js';
import { MAX_CONCURRENT_CALLS } from '../context.js';
import { parseHead } from '../parser/index.js';
import { LEVEL_RANK, normalizeLevel } from '../parser/levels.js';
import type { LogLevel } from '../schemas.js';
import type { LogEntry } from '../types.js';
import type { WindowArgs } from './types.js';

/** What the remote backends (Loki, Elasticsearch, the journal) share: their clock, windows and entries. */

/** A window without `since` reaches back this far: a store is never asked for all of its history. */
export const DEFAULT_LOOKBACK_MS = 30 * 86_400_000;

export interface RemoteOptions {
  /** DATA_DIR when set explicitly: its dataset.json `now` anchors relative windows (replays, the equivalence test). */
  dataDir?: string | undefined;
  /** A fixed now (tests). */
  now?: Date | undefined;
}

export class RemoteClock {
  private meta: DatasetMeta | undefined | null = null;

  constructor(private readonly options: RemoteOptions) {}

  get mode(): 'dataset' | 'live' {
    return this.options.now || this.datasetMeta()?.now ? 'dataset' : 'live';
  }

  now(): Date {
    if (this.options.now) return this.options.now;
    return resolveNow(this.datasetMeta(), undefined);
  }

  private datasetMeta(): DatasetMeta | undefined {
    if (this.meta === null) {
      const dir = this.options.dataDir;
      this.meta = dir && isDirectory(dir) ? readDatasetMeta(dir) : undefined;
    }
    return this.meta;
  }

  /** The tool's window, and the closed range [start, end] in ms a store query covers (a missing edge defaulted). */
  range(args: WindowArgs): { window: TimeWindow; start: number; end: number } {
    const now = this.now();
    const window = parseWindow(args, now);
    const end = window.until?.getTime() ?? now.getTime();
    const start = window.since?.getTime() ?? end - DEFAULT_LOOKBACK_MS;
    return { window, start, end };
  }
}

/**
 * One store record as the files backend would have made it from the same text: the first line is parsed by the
 * same parsers (so signatures and messages agree), later lines are its continuation. The store's own time, service
 * and level win over what the line says.
 */
export function entryFromRecord(record: {
  text: string;
  timeMs: number | null;
  service: string | null;
  level: string | null;
  source: string;
}): LogEntry {
  const newline = record.text.indexOf('\n');
  const raw = newline === -1 ? record.text : record.text.slice(0, newline);
  const rest = newline === -1 ? '' : record.text.slice(newline + 1).replace(/\n+$/, '');
  const head = parseHead(raw, record.timeMs ?? undefined);
  const level: LogLevel | null = (record.level ? normalizeLevel(record.level) : null) ?? head?.level ?? null;
  const message = head?.message ?? raw;
  return {
    time: record.timeMs ?? head?.time ?? null,
    level,
    service: record.service ?? head?.service ?? 'unknown',
    message: rest ? `${message}\n${rest}` : message,
    raw,
    rest,
    file: record.source,
    line: 0,
  };
}

/** An unknown service name is an error listing the known ones, as with files. */
export function unknownService(service: string, known: string[]): ToolInputError {
  const sorted = [...known].sort();
  return new ToolInputError(
    `unknown service "${service}"; known: ${sorted.slice(0, 40).join(', ') || '(none: no log entries)'}${sorted.length > 40 ? ` … and ${sorted.length - 40} more` : ''}`,
    'call list_services, or leave service out to read every service',
  );
}

/** Levels at or above a minimum, as the store spells them: every value of its level field that normalises there. */
export function levelValuesAtLeast(values: string[], min: LogLevel): string[] {
  return values.filter((value) => {
    const level = normalizeLevel(value);
    return level !== null && LEVEL_RANK[level] >= LEVEL_RANK[min];
  });
}

/** Tool calls one remote backend runs at once, as the files backend: a second analysis still gets a turn. */
export class CallQueue {
  private readonly queue = new PQueue({ concurrency: MAX_CONCURRENT_CALLS });

  run<T>(signal: AbortSignal | undefined, work: () => Promise<T>): Promise<T> {
    signal?.throwIfAborted();
    return this.queue.add(work, { signal }) as Promise<T>;
  }
}
