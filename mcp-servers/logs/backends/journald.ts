import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { ToolInputError } from '../../shared/tool-result.js';
import { LEVEL_RANK } from '../parser/levels.js';
import type { LogLevel } from '../schemas.js';
import { SignatureGroups } from '../signature-groups.js';
import type { LogEntry } from '../types.js';
import type { JournaldConfig } from './config.js';
import { MAX_BYTES_PER_CALL } from './http.js';
import { CallQueue, entryFromRecord, RemoteClock, type RemoteOptions, unknownService } from './remote.js';
import type { EntriesResult, EntryQuery, LogsBackend, ServiceRow, ServicesResult, SummaryQuery, SummaryResult } from './types.js';

/** Entries one journalctl run may print (newest first): counts past it are lower bounds, said so. */
export const MAX_JOURNAL_ENTRIES = 50_000;
/** Distinct values journalctl -F may list. */
const MAX_FIELD_VALUES = 2_000;
/** The fields printed: the rest of an entry (often dozens of fields) is never read. */
const OUTPUT_FIELDS = 'MESSAGE,PRIORITY,_SYSTEMD_UNIT,SYSLOG_IDENTIFIER,_HOSTNAME';
/** syslog priorities at or above each level (0 emerg … 7 debug). */
const PRIORITY_MAX: Record<LogLevel, number> = { fatal: 2, error: 3, warn: 4, info: 6, debug: 7, trace: 7 };

interface JournalRecord {
  MESSAGE?: string | number[] | null;
  PRIORITY?: string;
  _SYSTEMD_UNIT?: string;
  SYSLOG_IDENTIFIER?: string;
  _HOSTNAME?: string;
  __REALTIME_TIMESTAMP?: string;
}

/**
 * The systemd journal, read through journalctl: `--since/--until`, `-p` and the service match are pushed down, newest
 * first with `-r -n`, so one call prints a bounded number of entries whatever the journal holds. Service is
 * _SYSTEMD_UNIT without `.service`, else SYSLOG_IDENTIFIER; level from PRIORITY; the message parsed as with files.
 */
export class JournaldBackend implements LogsBackend {
  readonly kind = 'journald';
  private readonly clock: RemoteClock;
  private readonly queue = new CallQueue();

  constructor(
    readonly config: JournaldConfig,
    options: RemoteOptions & { env?: NodeJS.ProcessEnv } = {},
  ) {
    this.clock = new RemoteClock(options);
    this.env = options.env;
  }

  private readonly env: NodeJS.ProcessEnv | undefined;

  describe(): string {
    return `systemd journal at ${this.config.path}`;
  }

  limited<T>(signal: AbortSignal | undefined, work: () => Promise<T>): Promise<T> {
    return this.queue.run(signal, work);
  }

  private source(): string[] {
    let isFile = false;
    try {
      isFile = statSync(this.config.path).isFile();
    } catch {
      throw new ToolInputError(
        `JOURNAL_PATH ${this.config.path} does not exist or cannot be read`,
        'point JOURNAL_PATH at a journal folder such as /var/log/journal, or a .journal file',
      );
    }
    return isFile ? [`--file=${this.config.path}`] : [`--directory=${this.config.path}`];
  }

  /** Runs journalctl; each JSON line goes to `onRecord`; stops (killing it) at the byte bound, the timeout or the signal. */
  private run(args: string[], signal: AbortSignal | undefined, onLine: (line: string) => void): Promise<void> {
    return new Promise((resolve, reject) => {
      const child = spawn(this.config.journalctl, [...this.source(), '--no-pager', '--utc', ...args], {
        env: { ...process.env, ...this.env, SYSTEMD_COLORS: '0', SYSTEMD_PAGER: '' },
        stdio: ['ignore', 'pipe', 'pipe'],
        signal: AbortSignal.any([AbortSignal.timeout(this.config.timeoutMs), ...(signal ? [signal] : [])]),
      });
      let bytes = 0;
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (bytes > MAX_BYTES_PER_CALL) child.kill();
      });
      child.stderr.on('data', (chunk: Buffer) => {
        if (stderr.length < 2000) stderr += chunk.toString('utf8');
      });
      createInterface({ input: child.stdout }).on('line', (line) => {
        if (line) onLine(line);
      });
      child.on('error', (error: NodeJS.ErrnoException) => {
        if (signal?.aborted) return reject(signal.reason);
        if (error.name === 'AbortError')
          return reject(
            new ToolInputError(
              `journalctl did not finish within ${this.config.timeoutMs} ms`,
              'narrow the window or the service, or raise LOGS_TIMEOUT_MS',
            ),
          );
        reject(
          new ToolInputError(
            `cannot run ${this.config.journalctl} (${error.code ?? error.message})`,
            'install systemd (journalctl) or set JOURNALCTL to its path',
          ),
        );
      });
      child.on('close', (code) => {
        // 1 with nothing on stderr is "no entries" for -F on an empty journal.
        if (code === 0 || code === null || (code === 1 && stderr.trim() === '')) resolve();
        else
          reject(
            new ToolInputError(
              `journalctl failed (exit ${code}): ${stderr.trim().split('\n')[0] ?? ''}`,
              'check JOURNAL_PATH (a journal folder or .journal file this user may read)',
            ),
          );
      });
    });
  }

  /** Newest-first entries of the window, at most `max`; `more` when the bound cut them short. */
  private async read(
    q: { start: number; end: number; service?: string | undefined; min?: LogLevel | undefined; grep?: string | undefined },
    max: number,
    signal: AbortSignal | undefined,
  ): Promise<{ entries: LogEntry[]; more: boolean }> {
    const args = ['-o', 'json', `--output-fields=${OUTPUT_FIELDS}`, '-r', '-n', String(max + 1)];
    args.push(`--since=@${Math.floor(q.start / 1000)}`, `--until=@${Math.ceil(q.end / 1000) + 1}`);
    if (q.min) args.push('-p', `0..${PRIORITY_MAX[q.min]}`);
    if (q.grep) args.push(`--grep=${q.grep}`, '--case-sensitive=false');
    // A service is a unit (checkout-api.service) or a syslog identifier: journal matches OR-ed with "+".
    if (q.service) args.push(`_SYSTEMD_UNIT=${q.service}.service`, '+', `SYSLOG_IDENTIFIER=${q.service}`);
    const entries: LogEntry[] = [];
    await this.run(args, signal, (line) => {
      const entry = toEntry(JSON.parse(line) as JournalRecord, this.config.path);
      if (entry.time !== null && (entry.time < q.start || entry.time > q.end)) return;
      entries.push(entry);
    });
    const more = entries.length > max;
    return { entries: entries.slice(0, max), more };
  }

  async services(signal?: AbortSignal): Promise<ServicesResult> {
    const notes: string[] = [];
    const { start, end } = this.clock.range({});
    const { entries, more } = await this.read({ start, end }, MAX_JOURNAL_ENTRIES, signal);
    const rows = new Map<string, ServiceRow>();
    for (const e of entries) {
      let row = rows.get(e.service);
      if (!row) {
        row = { service: e.service, entries: 0, errors: 0, warnings: 0, firstSeen: null, lastSeen: null };
        rows.set(e.service, row);
      }
      row.entries += 1;
      if (e.level === 'error' || e.level === 'fatal') row.errors += 1;
      else if (e.level === 'warn') row.warnings += 1;
      if (e.time !== null) {
        if (row.firstSeen === null || e.time < row.firstSeen) row.firstSeen = e.time;
        if (row.lastSeen === null || e.time > row.lastSeen) row.lastSeen = e.time;
      }
    }
    const services = [...rows.values()].map((r) => (more ? { ...r, estimated: true } : r));
    if (more)
      notes.push(
        `counted the newest ${MAX_JOURNAL_ENTRIES} journal entries only: counts are lower bounds and first seen is later than the journal's start`,
      );
    return { services, now: this.clock.now(), mode: this.clock.mode, source: this.describe(), notes };
  }

  async errors(query: SummaryQuery): Promise<SummaryResult> {
    const notes: string[] = [];
    const { window, start, end } = this.clock.range(query);
    const { entries, more } = await this.read({ start, end, service: query.service, min: 'warn' }, MAX_JOURNAL_ENTRIES, query.signal);
    const groups = new SignatureGroups();
    let totalErrors = 0;
    let totalWarnings = 0;
    for (const e of entries.reverse()) {
      if (e.level === null || LEVEL_RANK[e.level] < LEVEL_RANK.warn) continue;
      if (e.level === 'warn') totalWarnings += 1;
      else totalErrors += 1;
      groups.add(e);
    }
    if (more)
      notes.push(
        `signatures and totals come from the newest ${MAX_JOURNAL_ENTRIES} warnings and errors: narrow the window for exact counts`,
      );
    if (totalErrors + totalWarnings === 0 && query.service) await this.checkService(query.service, query.signal);
    return { window, groups, totalErrors, totalWarnings, notes };
  }

  async entries(query: EntryQuery): Promise<EntriesResult> {
    const notes: string[] = [];
    const { window, start, end } = this.clock.range(query);
    const text = query.text;
    // journalctl greps MESSAGE with PCRE2: a literal is escaped; an RE2 pattern is passed as is and checked here again.
    const grep = text ? (text.regex ? text.pattern : text.pattern.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&')) : undefined;
    const { entries, more } = await this.read(
      { start, end, service: query.service, min: query.minLevel, grep },
      MAX_JOURNAL_ENTRIES,
      query.signal,
    );
    const matched = text ? entries.filter((e) => text.matches(e)) : entries;
    if (more) notes.push(`read the newest ${MAX_JOURNAL_ENTRIES} matching journal entries only: the total is a lower bound`);
    if (matched.length === 0 && query.service) await this.checkService(query.service, query.signal);
    const shown = matched.slice(0, query.limit).reverse();
    return {
      window,
      entries: shown,
      total: matched.length,
      totalExact: !more,
      first: matched[matched.length - 1]?.time ?? null,
      last: matched[0]?.time ?? null,
      notes,
    };
  }

  private async checkService(service: string, signal: AbortSignal | undefined): Promise<void> {
    const known = new Set<string>();
    for (const field of ['_SYSTEMD_UNIT', 'SYSLOG_IDENTIFIER']) {
      await this.run(['-F', field], signal, (value) => {
        if (known.size < MAX_FIELD_VALUES) known.add(value.replace(/\.service$/, ''));
      });
    }
    if (![...known].some((name) => name.toLowerCase() === service.toLowerCase())) throw unknownService(service, [...known]);
  }
}

const PRIORITY_LEVEL: LogLevel[] = ['fatal', 'fatal', 'fatal', 'error', 'warn', 'info', 'info', 'debug'];

function toEntry(r: JournalRecord, path: string): LogEntry {
  // journalctl prints a MESSAGE that is not valid UTF-8 as an array of bytes.
  const message = Array.isArray(r.MESSAGE) ? Buffer.from(r.MESSAGE).toString('utf8') : String(r.MESSAGE ?? '');
  const priority = r.PRIORITY === undefined ? undefined : Number(r.PRIORITY);
  const unit = r._SYSTEMD_UNIT?.replace(/\.service$/, '');
  const micros = r.__REALTIME_TIMESTAMP ? Number(r.__REALTIME_TIMESTAMP) : Number.NaN;
  return entryFromRecord({
    text: message,
    timeMs: Number.isFinite(micros) ? Math.floor(micros / 1000) : null,
    service: unit || r.SYSLOG_IDENTIFIER || null,
    level: priority !== undefined && priority >= 0 && priority <= 7 ? (PRIORITY_LEVEL[priority] ?? null) : null,
    source: `journal:${path}`,
  });
}
