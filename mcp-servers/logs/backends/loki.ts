import { LEVEL_RANK, normalizeLevel } from '../parser/levels.js';
import { SignatureGroups } from '../signature-groups.js';
import type { LogEntry } from '../types.js';
import type { LokiConfig } from './config.js';
import { CallBudget } from './http.js';
import { LokiClient, type LokiLine } from './loki-client.js';
import { countQuery, logSelector, type Selection } from './loki-query.js';
import { CallQueue, entryFromRecord, levelValuesAtLeast, RemoteClock, type RemoteOptions, unknownService } from './remote.js';
import type { EntriesResult, EntryQuery, LogsBackend, ServiceRow, ServicesResult, SummaryQuery, SummaryResult } from './types.js';

/** Labels that name the service, tried in order when LOKI_SERVICE_LABEL is unset. */
export const SERVICE_LABELS = ['service_name', 'service', 'app', 'job', 'container'];
/** Labels that carry the level (Loki 3 adds detected_level on its own). */
const LEVEL_LABELS = ['level', 'detected_level'];
/** Warning and error lines error_summary fetches to compute signatures; the totals come from a count query. */
export const SUMMARY_SAMPLE = 5_000;
/** Services whose first and last line list_services looks up exactly (two small queries each); others keep the count query's step. */
const MAX_EXACT_SPAN_SERVICES = 8;

interface Discovered {
  serviceLabel: string;
  levelLabel: string | null;
}

/**
 * Grafana Loki. Filtering by time, service, level and text runs in Loki (stream selectors and line filters); counts
 * come from count_over_time metric queries, so a total never downloads lines; lines are fetched only up to what the
 * tool returns, or SUMMARY_SAMPLE for error_summary's signatures.
 */
export class LokiBackend implements LogsBackend {
  readonly kind = 'loki';
  readonly client: LokiClient;
  private readonly clock: RemoteClock;
  private readonly queue = new CallQueue();

  constructor(
    readonly config: LokiConfig,
    options: RemoteOptions = {},
  ) {
    this.client = new LokiClient(config);
    this.clock = new RemoteClock(options);
  }

  describe(): string {
    const scope = this.config.selector.length > 0 ? ` {${this.config.selector.join(', ')}}` : '';
    return `Loki at ${this.config.target.url}${scope}`;
  }

  limited<T>(signal: AbortSignal | undefined, work: () => Promise<T>): Promise<T> {
    return this.queue.run(signal, work);
  }

  private budget(signal: AbortSignal | undefined): CallBudget {
    return new CallBudget(signal, this.config.timeoutMs);
  }

  /** The service and level labels: configured, else the first present of the usual names. */
  private async discover(budget: CallBudget, start: number, end: number): Promise<Discovered> {
    const labels = await this.client.labels(budget, start, end);
    const serviceLabel = this.config.serviceLabel ?? SERVICE_LABELS.find((l) => labels.includes(l)) ?? 'service_name';
    return { serviceLabel, levelLabel: LEVEL_LABELS.find((l) => labels.includes(l)) ?? null };
  }

  private selection(d: Discovered, extra: Partial<Selection> = {}): Selection {
    return { base: this.config.selector, serviceLabel: d.serviceLabel, levelLabel: d.levelLabel, ...extra };
  }

  async services(signal?: AbortSignal): Promise<ServicesResult> {
    const budget = this.budget(signal);
    const notes: string[] = [];
    const { start, end } = this.clock.range({});
    const d = await this.discover(budget, start, end);
    const selector = logSelector(this.selection(d));
    const by = d.levelLabel ? [d.serviceLabel, d.levelLabel] : [d.serviceLabel];
    const counts = await this.client.instant(budget, (range) => countQuery(selector, range, by), start, end, notes);
    const rows = new Map<string, ServiceRow>();
    for (const sample of counts) {
      const service = sample.labels[d.serviceLabel] ?? '';
      let row = rows.get(service);
      if (!row) {
        row = { service, entries: 0, errors: 0, warnings: 0, firstSeen: null, lastSeen: null };
        rows.set(service, row);
      }
      row.entries += sample.value;
      const level = d.levelLabel ? normalizeLevel(sample.labels[d.levelLabel] ?? '') : null;
      if (level === 'error' || level === 'fatal') row.errors += sample.value;
      else if (level === 'warn') row.warnings += sample.value;
    }
    if (!d.levelLabel)
      notes.push(
        `the streams carry no level label (${LEVEL_LABELS.join(', ')}): error and warning counts are not known here; error_summary parses the lines`,
      );
    await this.spans(budget, d, [...rows.values()], start, end, notes);
    return { services: [...rows.values()], now: this.clock.now(), mode: this.clock.mode, source: this.describe(), notes };
  }

  /** First and last seen: one step-resolution count matrix for all services, then exact lines for the busiest few. */
  private async spans(budget: CallBudget, d: Discovered, rows: ServiceRow[], start: number, end: number, notes: string[]): Promise<void> {
    if (rows.length === 0) return;
    const selector = logSelector(this.selection(d));
    const series = await this.client.matrix(budget, (step) => countQuery(selector, step, [d.serviceLabel]), start, end, notes);
    const byService = new Map(rows.map((row) => [row.service, row]));
    let step = 0;
    for (const s of series) {
      const row = byService.get(s.labels[d.serviceLabel] ?? '');
      const seen = s.points.filter(([, v]) => v > 0).map(([t]) => t);
      if (!row || seen.length === 0) continue;
      if (s.points.length > 1) step = (s.points[1]?.[0] ?? 0) - (s.points[0]?.[0] ?? 0);
      row.firstSeen = Math.min(...seen);
      row.lastSeen = Math.max(...seen);
    }
    const exact = [...rows].sort((a, b) => b.entries - a.entries).slice(0, MAX_EXACT_SPAN_SERVICES);
    for (const row of exact) {
      if (row.firstSeen === null || row.lastSeen === null) continue;
      const one = logSelector(this.selection(d, { service: row.service }));
      const from = Math.max(start, row.firstSeen - step - 1000);
      const [first] = await this.client.lines(budget, one, from, Math.min(end, row.firstSeen), 1, 'forward', notes);
      // Up to `end`, not to the last bucket: lines after the matrix's last evaluation time fall in no bucket.
      const [last] = await this.client.lines(budget, one, Math.max(start, row.lastSeen - step - 1000), end, 1, 'backward', notes);
      if (first) row.firstSeen = first.timeMs;
      if (last) row.lastSeen = last.timeMs;
    }
    if (rows.length > exact.length)
      notes.push(
        `first/last seen of the ${rows.length - exact.length} quietest services are to the count query's step (${Math.round(step / 1000)} s)`,
      );
  }

  async errors(query: SummaryQuery): Promise<SummaryResult> {
    const budget = this.budget(query.signal);
    const notes: string[] = [];
    const { window, start, end } = this.clock.range(query);
    const d = await this.discover(budget, start, end);
    const levels = await this.levelValues(budget, d, start, end, 'warn');
    const selector = logSelector(this.selection(d, { service: query.service, levels }));
    const groups = new SignatureGroups();
    let totalErrors = 0;
    let totalWarnings = 0;
    if (d.levelLabel) {
      const counts = await this.client.instant(budget, (range) => countQuery(selector, range, [d.levelLabel ?? '']), start, end, notes);
      for (const s of counts) {
        if (normalizeLevel(s.labels[d.levelLabel] ?? '') === 'warn') totalWarnings += s.value;
        else totalErrors += s.value;
      }
    }
    const lines = await this.client.lines(budget, selector, start, end, SUMMARY_SAMPLE, 'backward', notes);
    let sampled = 0;
    // Oldest first, as the files are read: a signature's example is its first occurrence.
    for (const line of lines.reverse()) {
      const entry = this.entry(line, d);
      if (entry.level === null || LEVEL_RANK[entry.level] < LEVEL_RANK.warn) continue;
      groups.add(entry);
      sampled += 1;
      if (!d.levelLabel) {
        if (entry.level === 'warn') totalWarnings += 1;
        else totalErrors += 1;
      }
    }
    const total = totalErrors + totalWarnings;
    if (total > sampled)
      notes.push(
        `signatures come from a sample: the newest ${sampled} of ${total} warnings and errors (counts per signature are within the sample; totals are Loki's)`,
      );
    else if (!d.levelLabel && lines.length >= SUMMARY_SAMPLE)
      notes.push(
        `the streams carry no level label: levels were parsed from the newest ${lines.length} lines only, so totals are lower bounds`,
      );
    if (total === 0 && query.service !== undefined) await this.checkService(budget, d, query.service, start, end);
    return { window, groups, totalErrors, totalWarnings, notes };
  }

  async entries(query: EntryQuery): Promise<EntriesResult> {
    const budget = this.budget(query.signal);
    const notes: string[] = [];
    const { window, start, end } = this.clock.range(query);
    const d = await this.discover(budget, start, end);
    const levels = query.minLevel ? await this.levelValues(budget, d, start, end, query.minLevel) : undefined;
    const text = query.text ? { pattern: query.text.pattern, regex: query.text.regex } : undefined;
    const selector = logSelector(this.selection(d, { service: query.service, levels, text }));
    const localLevel = query.minLevel !== undefined && !d.levelLabel;
    const [count] = localLevel ? [] : await this.client.instant(budget, (range) => countQuery(selector, range, []), start, end, notes);
    const fetchLimit = localLevel ? SUMMARY_SAMPLE : query.limit;
    const newest = await this.client.lines(budget, selector, start, end, fetchLimit, 'backward', notes);
    let matched = newest.map((line) => this.entry(line, d));
    if (localLevel) {
      const min = LEVEL_RANK[query.minLevel ?? 'trace'];
      matched = matched.filter((e) => e.level !== null && LEVEL_RANK[e.level] >= min);
      notes.push(`the streams carry no level label: the level filter ran here over the newest ${newest.length} lines`);
    }
    const total = localLevel ? matched.length : (count?.value ?? matched.length);
    const entries = matched.slice(0, query.limit).reverse();
    let first = entries[0]?.time ?? null;
    if (total > entries.length && !localLevel) {
      const [oldest] = await this.client.lines(budget, selector, start, end, 1, 'forward', notes);
      if (oldest) first = oldest.timeMs;
    }
    if (total === 0 && query.service !== undefined) await this.checkService(budget, d, query.service, start, end);
    const totalExact = !(localLevel && newest.length >= SUMMARY_SAMPLE);
    return { window, entries, total, totalExact, first, last: entries[entries.length - 1]?.time ?? null, notes };
  }

  /** The values of the level label at or above `min`, as this Loki spells them (ERROR, err, error …). */
  private async levelValues(
    budget: CallBudget,
    d: Discovered,
    start: number,
    end: number,
    min: 'warn' | LogEntry['level'],
  ): Promise<string[] | undefined> {
    if (!d.levelLabel || min === null) return undefined;
    return levelValuesAtLeast(await this.client.labelValues(budget, d.levelLabel, start, end), min);
  }

  private async checkService(budget: CallBudget, d: Discovered, service: string, start: number, end: number): Promise<void> {
    const known = await this.client.labelValues(budget, d.serviceLabel, start, end);
    if (!known.some((name) => name.toLowerCase() === service.toLowerCase())) throw unknownService(service, known);
  }

  private entry(line: LokiLine, d: Discovered): LogEntry {
    return entryFromRecord({
      text: line.line,
      timeMs: line.timeMs,
      service: line.labels[d.serviceLabel] ?? null,
      level: d.levelLabel ? (line.labels[d.levelLabel] ?? null) : null,
      source: `loki:${d.serviceLabel}=${line.labels[d.serviceLabel] ?? '?'}`,
    });
  }
}
