import { asToolError, LogsContext, type LogsServerOptions } from '../context.js';
import { fileNotes } from '../file-notes.js';
import { entryMatches, NewestN } from '../query.js';
import { levelPrefilter, literalPrefilter, regexPrefilter } from '../reader/prefilter.js';
import { SignatureGroups } from '../signature-groups.js';
import type { EntriesResult, EntryQuery, LogsBackend, ServicesResult, SummaryQuery, SummaryResult } from './types.js';

/** Log files on this host (a dataset's logs/ or LOGS_PATH): the store the other backends stand beside. */
export class FilesBackend implements LogsBackend {
  readonly kind = 'files';
  readonly logs: LogsContext;

  constructor(options: LogsServerOptions) {
    this.logs = new LogsContext(options);
  }

  describe(): string {
    return this.logs.live ? `files (LOGS_PATH)` : `files (${this.logs.options.dataDir ?? 'no dataset'})`;
  }

  limited<T>(signal: AbortSignal | undefined, work: () => Promise<T>): Promise<T> {
    return this.logs.limited(signal, work);
  }

  async services(): Promise<ServicesResult> {
    const { files, notes } = this.logs.snapshot();
    let result: Awaited<ReturnType<typeof this.logs.store.serviceStatsSampled>>;
    try {
      result = await this.logs.store.serviceStatsSampled(files);
    } catch (error) {
      throw asToolError(error);
    }
    const { stats, sampled, estimated, perFile } = result;
    for (const file of sampled) {
      notes.push(
        `${file.label} (${(file.size / 2 ** 20).toFixed(0)} MiB) was sampled, not read whole: its services' entry, error and warning counts and first/last seen are estimates (~), and a service writing rarely may be missing; error_summary and search_logs count exactly`,
      );
    }
    const now = await this.logs.now(files);
    // Clock and level trouble a team's own files carry (a zone missing, no level word): said where the services are.
    notes.push(...fileNotes(perFile, now.getTime()));
    const services = [...stats.entries()].map(([service, s]) => ({
      service,
      ...s,
      ...(estimated.has(service) ? { estimated: true } : {}),
    }));
    return {
      services,
      now,
      mode: this.logs.live ? 'live' : 'dataset',
      files: files.length,
      source: `${files.length} log files`,
      notes,
    };
  }

  async errors(query: SummaryQuery): Promise<SummaryResult> {
    const { files, notes } = this.logs.snapshot();
    const window = await this.logs.window(query, files);
    const filter = { service: query.service, minLevel: 'warn' as const, window };
    const groups = new SignatureGroups();
    let totalErrors = 0;
    let totalWarnings = 0;
    const scanOptions = {
      since: window.since?.getTime(),
      until: window.until?.getTime(),
      prefilter: levelPrefilter(),
      signal: query.signal,
      // Signatures cite times and an example line, never line numbers.
      lineNumbers: false,
    };
    const scan = await this.logs.scan(files, scanOptions, (entry) => {
      if (!entryMatches(entry, filter)) return false;
      if (entry.level === 'warn') totalWarnings += 1;
      else totalErrors += 1;
      groups.add(entry);
      return true;
    });
    notes.push(...scan.notes);
    if (totalErrors + totalWarnings === 0) await this.logs.checkService(query.service, files);
    return { window, groups, totalErrors, totalWarnings, notes };
  }

  async entries(query: EntryQuery): Promise<EntriesResult> {
    const { files, notes } = this.logs.snapshot();
    const window = await this.logs.window(query, files);
    const filter = { service: query.service, minLevel: query.minLevel, window, text: query.text?.matches };
    const newest = new NewestN(query.limit);
    let total = 0;
    let first: number | null = null;
    let last: number | null = null;
    const { text } = query;
    const scanOptions = {
      since: window.since?.getTime(),
      until: window.until?.getTime(),
      signal: query.signal,
      // A search counts every match (its prefilter finds them fast); a read needs only the newest.
      ...(text
        ? { prefilter: text.regex ? regexPrefilter(text.pattern) : literalPrefilter(text.pattern) }
        : { newestPerFile: query.limit }),
    };
    const scan = await this.logs.scan(files, scanOptions, (entry, sortTime, file) => {
      if (!entryMatches(entry, filter)) return false;
      total += 1;
      if (entry.time !== null) {
        if (first === null || entry.time < first) first = entry.time;
        if (last === null || entry.time > last) last = entry.time;
      }
      newest.add(entry, sortTime, file);
      return true;
    });
    notes.push(...scan.notes);
    if (total === 0) await this.logs.checkService(query.service, files);
    const entries = newest.result();
    await this.logs.store.resolveLines(entries, scan);
    return { window, entries, total, totalExact: scan.exact, first, last, notes };
  }
}
