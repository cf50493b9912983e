import { parseWindow } from '../../shared/time.js';
import { SignatureGroups } from '../signature-groups.js';
import type { EntriesResult, EntryQuery, LogsBackend, ServicesResult, SummaryQuery, SummaryResult } from './types.js';

/**
 * No logs configured while other servers read live systems: every tool answers "no logs" with the reason, never an
 * error, so a report does not count logs as a source that failed to answer. Relative windows count from the wall clock.
 */
export class NoneBackend implements LogsBackend {
  readonly kind = 'none';

  constructor(private readonly reason: string) {}

  describe(): string {
    return this.reason;
  }

  async services(): Promise<ServicesResult> {
    return { services: [], now: new Date(), mode: 'live', source: 'no log source', notes: [this.reason] };
  }

  async errors(query: SummaryQuery): Promise<SummaryResult> {
    const window = parseWindow(query, new Date());
    return { window, groups: new SignatureGroups(), totalErrors: 0, totalWarnings: 0, notes: [this.reason] };
  }

  async entries(query: EntryQuery): Promise<EntriesResult> {
    const window = parseWindow(query, new Date());
    return { window, entries: [], total: 0, totalExact: true, first: null, last: null, notes: [this.reason] };
  }

  limited<T>(_signal: AbortSignal | undefined, work: () => Promise<T>): Promise<T> {
    return work();
  }
}
