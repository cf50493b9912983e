import path from 'node:path';
import PQueue from 'p-queue';
import { type DatasetMeta, isDirectory, readDatasetMeta, resolveNow } from '../shared/dataset.js';
import { parseWindow, type TimeWindow } from '../shared/time.js';
import { ToolInputError } from '../shared/tool-result.js';
import { literalPrefilter } from './reader/prefilter.js';
import { resolveSources, SourceError } from './reader/sources.js';
import { LogReadError, LogStore, type ScanOptions, type ScanResult, type Visitor } from './store.js';
import type { LogFile } from './types.js';
import { serviceOf, type ZoneRules, zoneOf } from './zones.js';

export interface LogsServerOptions {
  /** Dataset folder: its logs/ is read and its dataset.json `now` anchors relative windows. */
  dataDir?: string | undefined;
  /** Live mode: a folder or comma-separated globs of log files (rotated and .gz included). */
  logsPath?: string | undefined;
  /** Fixed "now" for relative windows; overrides everything (tests, replays). */
  now?: Date | undefined;
  /** Files at least this big take the prefiltering scan (default 8 MiB); tests lower it to exercise that path. */
  fastMinBytes?: number | undefined;
  /** Plain files at least this big are sampled for list_services (default 64 MiB); tests lower it. */
  sampleStatsMinBytes?: number | undefined;
  /** Zones of lines without a UTC offset (LOG_TIMEZONE / LOG_TIMEZONES); UTC when absent. */
  zones?: ZoneRules | undefined;
  /** LOG_SERVICES: glob → the service of a file's lines that name none (instead of the file's name). */
  services?: ZoneRules['rules'] | undefined;
  /** Nothing to read (another server is live, this one has no source): the tools say this instead of reading. */
  noneReason?: string | undefined;
}

/** A relative time argument ("2h", "now") needs the dataset's now; ISO ones do not, which spares a read. */
function isRelative(value: string | undefined): boolean {
  return value !== undefined && !/^\s*\d{4}-\d{2}-\d{2}/.test(value);
}

export interface Snapshot {
  files: LogFile[];
  notes: string[];
}

/** Tool calls one server runs at once: a second analysis still gets a turn while one scans gigabytes, and two cores stay usable. */
export const MAX_CONCURRENT_CALLS = 2;

/** Everything the tools share: where logs are, what "now" is, and the store that reads them. */
export class LogsContext {
  readonly store: LogStore;
  private meta: DatasetMeta | undefined | null = null;
  private readonly queue = new PQueue({ concurrency: MAX_CONCURRENT_CALLS });

  constructor(readonly options: LogsServerOptions) {
    this.store = new LogStore(options.fastMinBytes, options.sampleStatsMinBytes);
  }

  /** Runs one tool call's work in turn with the others; a call cancelled while it waits never starts. */
  limited<T>(signal: AbortSignal | undefined, work: () => Promise<T>): Promise<T> {
    signal?.throwIfAborted();
    return this.queue.add(
      async () => {
        signal?.throwIfAborted();
        return work();
      },
      { signal },
    ) as Promise<T>;
  }

  get live(): boolean {
    return Boolean(this.options.logsPath);
  }

  /** Lists the log files now (live files come and go); a bad LOGS_PATH is a tool error naming it. */
  snapshot(): Snapshot {
    const dataLogsDir = this.options.dataDir ? path.join(this.options.dataDir, 'logs') : undefined;
    try {
      const sources = resolveSources({ dataLogsDir, logsPath: this.options.logsPath });
      this.store.prune(sources.files);
      const now = this.options.now?.getTime() ?? datasetNowMs(this.datasetMeta());
      const { zones, services } = this.options;
      const files = sources.files.map((file) => {
        const zone = zones ? zoneOf(zones, file) : undefined;
        const service = services ? serviceOf(services, file) : undefined;
        return now === undefined && zone === undefined && service === undefined
          ? file
          : {
              ...file,
              ...(now !== undefined ? { referenceMs: now } : {}),
              ...(zone !== undefined ? { zone } : {}),
              ...(service !== undefined ? { service } : {}),
            };
      });
      return { files, notes: sources.notes };
    } catch (error) {
      if (error instanceof SourceError) throw new ToolInputError(error.message, error.hint);
      throw error;
    }
  }

  private datasetMeta(): DatasetMeta | undefined {
    if (this.meta === null) {
      const dir = this.options.dataDir;
      this.meta = dir && isDirectory(dir) ? readDatasetMeta(dir) : undefined;
    }
    return this.meta;
  }

  /** Explicit now, else dataset.json's now, else the wall clock in live mode, else the newest timestamp in the logs. */
  async now(files: LogFile[]): Promise<Date> {
    if (this.options.now) return this.options.now;
    const meta = this.datasetMeta();
    if (meta?.now || this.live) return resolveNow(meta, undefined);
    return resolveNow(meta, await this.store.newestTime(files));
  }

  async window(args: { since?: string | undefined; until?: string | undefined }, files: LogFile[]): Promise<TimeWindow> {
    const now = isRelative(args.since) || isRelative(args.until) ? await this.now(files) : new Date();
    return parseWindow(args, now);
  }

  /** Scans with read errors (a corrupt .gz, a file without permission) turned into tool errors that name the file. */
  async scan(files: LogFile[], options: ScanOptions, visit: Visitor): Promise<ScanResult> {
    try {
      return await this.store.scan(files, options, visit);
    } catch (error) {
      throw asToolError(error);
    }
  }

  /** Called when a service filter matched nothing: an unknown name is an error listing the known ones. */
  async checkService(service: string | undefined, files: LogFile[]): Promise<void> {
    if (service === undefined) return;
    let known: string[];
    try {
      const { stats, sampled } = await this.store.serviceStatsSampled(files);
      known = [...stats.keys()].sort();
      if (known.some((name) => name.toLowerCase() === service.toLowerCase())) return;
      // Samples can miss a quiet service: a sampled file is searched for the name's bytes before it counts as unknown.
      if (await this.writesService(sampled, service)) return;
    } catch (error) {
      throw asToolError(error);
    }
    const shown = known.slice(0, 40).join(', ');
    throw new ToolInputError(
      `unknown service "${service}"; known: ${shown || '(none: no log entries)'}${known.length > 40 ? ` … and ${known.length - 40} more` : ''}`,
      'call list_services, or leave service out to read every service',
    );
  }

  /** Whether any entry of these files names the service (a literal prefilter finds the only lines that can). */
  private async writesService(files: LogFile[], service: string): Promise<boolean> {
    if (files.length === 0) return false;
    const wanted = service.toLowerCase();
    let found = false;
    await this.store.scan(files, { prefilter: literalPrefilter(service), lineNumbers: false }, (entry) => {
      if (entry.service.toLowerCase() === wanted) found = true;
      return false;
    });
    return found;
  }
}

export function asToolError(error: unknown): unknown {
  if (error instanceof LogReadError) {
    return new ToolInputError(error.message, 'repair or move that file (other files are fine), or point LOGS_PATH/DATA_DIR elsewhere');
  }
  return error;
}

/** The dataset's fixed now, which dates year-less log timestamps better than a checked-out file's mtime. */
function datasetNowMs(meta: DatasetMeta | undefined): number | undefined {
  const ms = meta?.now ? Date.parse(meta.now) : Number.NaN;
  return Number.isFinite(ms) ? ms : undefined;
}
