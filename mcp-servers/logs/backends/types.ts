import type { TimeWindow } from '../../shared/time.js';
import type { LogLevel } from '../schemas.js';
import type { SignatureGroups } from '../signature-groups.js';
import type { LogEntry } from '../types.js';

/**
 * The one contract every logs store implements (files, Loki, Elasticsearch, the systemd journal). The tools parse
 * and check their arguments, call a backend and render its answer, so every store gives the same output schemas
 * and the same masked signatures. A backend throws ToolInputError (with a hint) for anything the caller can fix
 * or must know about: an unreachable store, refused credentials, an unknown service.
 */

export interface WindowArgs {
  since?: string | undefined;
  until?: string | undefined;
}

export interface EntryQuery extends WindowArgs {
  service?: string | undefined;
  minLevel?: LogLevel | undefined;
  /** search_logs: the pattern (already checked by compileMatcher) and the matcher the files backend runs. */
  text?: { pattern: string; regex: boolean; matches: (entry: LogEntry) => boolean } | undefined;
  /** Entries wanted: the newest this many. */
  limit: number;
  signal?: AbortSignal | undefined;
}

export interface EntriesResult {
  window: TimeWindow;
  /** The newest `limit` matches, oldest first. */
  entries: LogEntry[];
  total: number;
  /** False when total is a lower bound ("at least N"). */
  totalExact: boolean;
  first: number | null;
  last: number | null;
  notes: string[];
}

export interface SummaryQuery extends WindowArgs {
  service?: string | undefined;
  signal?: AbortSignal | undefined;
}

export interface SummaryResult {
  window: TimeWindow;
  groups: SignatureGroups;
  totalErrors: number;
  totalWarnings: number;
  notes: string[];
}

export interface ServiceRow {
  service: string;
  entries: number;
  errors: number;
  warnings: number;
  firstSeen: number | null;
  lastSeen: number | null;
  estimated?: boolean;
}

export interface ServicesResult {
  services: ServiceRow[];
  now: Date;
  mode: 'dataset' | 'live';
  /** Files read (the files backend only). */
  files?: number;
  /** Where the logs come from, for the text: "12 log files", "Loki at https://…". */
  source: string;
  notes: string[];
}

export interface LogsBackend {
  /** `files`, `loki`, `elasticsearch` or `journald`. */
  readonly kind: string;
  /** One line for the start-up log and the server's instructions: which store and where (never credentials). */
  describe(): string;
  services(signal?: AbortSignal): Promise<ServicesResult>;
  errors(query: SummaryQuery): Promise<SummaryResult>;
  /** read_logs (no text) and search_logs (text). */
  entries(query: EntryQuery): Promise<EntriesResult>;
  /** Runs one call's work in turn with the others (the files backend bounds concurrent scans). */
  limited<T>(signal: AbortSignal | undefined, work: () => Promise<T>): Promise<T>;
}
