import { ToolInputError } from '../../shared/tool-result.js';
import { LEVEL_RANK, normalizeLevel } from '../parser/levels.js';
import type { LogLevel } from '../schemas.js';
import { SignatureGroups } from '../signature-groups.js';
import type { LogEntry } from '../types.js';
import type { ElasticsearchConfig } from './config.js';
import { explain, noServiceField, RESULT_WINDOW } from './elasticsearch-errors.js';
import {
  aggValue,
  allCandidates,
  type Fields,
  type Filters,
  filterQuery,
  newestFirst,
  pickFields,
  timeOf,
  valueAt,
} from './elasticsearch-query.js';
import { CallBudget, StoreClient } from './http.js';
import { CallQueue, entryFromRecord, levelValuesAtLeast, RemoteClock, type RemoteOptions, unknownService } from './remote.js';
import type { EntriesResult, EntryQuery, LogsBackend, ServiceRow, ServicesResult, SummaryQuery, SummaryResult } from './types.js';

/** Warning and error documents error_summary reads for signatures; totals come from an aggregation. */
export const SUMMARY_SAMPLE = 5_000;
/** Documents a regex search reads (newest first) when the store cannot run the regex itself. */
export const REGEX_SCAN = 10_000;
/** Exact totals up to this; past it Elasticsearch reports a lower bound (relation "gte") and so do we. */
export const TOTAL_CAP = 100_000;
/** Pages one read may take (search_after): with a lowered max_result_window the read stops short, with a note. */
const MAX_PAGES = 12;
/** Services list_services asks the terms aggregation for. */
const MAX_SERVICES = 500;
/** Level spellings per aggregation (ERROR, error, err …). */
const MAX_LEVEL_VALUES = 50;
/** Elasticsearch's default index.max_result_window; lowered when it says its own is lower. */
const DEFAULT_RESULT_WINDOW = 10_000;

interface Hit {
  _source?: Record<string, unknown>;
  sort?: unknown[];
}
interface SearchAnswer {
  hits: { total?: { value: number; relation: 'eq' | 'gte' }; hits: Hit[] };
  aggregations?: Record<string, { buckets?: Bucket[]; value?: number | null }>;
}
interface Bucket {
  key: string;
  doc_count: number;
  [sub: string]: unknown;
}

/**
 * Elasticsearch and OpenSearch (the same _search and _field_caps APIs). The window, service, levels and literal text
 * are filters the store runs; totals come from hits.total with track_total_hits, services and levels from terms
 * aggregations; documents are paged with search_after. A regex runs here over a bounded newest-first read, with a note.
 */
export class ElasticsearchBackend implements LogsBackend {
  readonly kind = 'elasticsearch';
  readonly http: StoreClient;
  private readonly clock: RemoteClock;
  private readonly queue = new CallQueue();
  private resultWindow = DEFAULT_RESULT_WINDOW;

  constructor(
    readonly config: ElasticsearchConfig,
    options: RemoteOptions = {},
  ) {
    this.http = new StoreClient(config.target);
    this.clock = new RemoteClock(options);
  }

  describe(): string {
    return `Elasticsearch at ${this.config.target.url}, index ${this.config.index}`;
  }

  limited<T>(signal: AbortSignal | undefined, work: () => Promise<T>): Promise<T> {
    return this.queue.run(signal, work);
  }

  private async fields(budget: CallBudget): Promise<Fields> {
    const params = new URLSearchParams({
      fields: allCandidates(this.config.fields).join(','),
      ignore_unavailable: 'true',
      allow_no_indices: 'true',
    });
    const caps = await this.call<{ fields?: Record<string, Record<string, { aggregatable?: boolean }>> }>(
      budget,
      'GET',
      '/_field_caps',
      params,
    );
    return pickFields(caps.fields ?? {}, this.config.fields);
  }

  /** A search; a size above the index's max_result_window is lowered to the window Elasticsearch names, and sent again. */
  private async search(budget: CallBudget, body: Record<string, unknown>): Promise<SearchAnswer> {
    const params = new URLSearchParams({ ignore_unavailable: 'true', allow_no_indices: 'true' });
    try {
      return await this.call<SearchAnswer>(budget, 'POST', '/_search', params, body);
    } catch (error) {
      const window = error instanceof ToolInputError ? RESULT_WINDOW.exec(error.message)?.[1] : undefined;
      if (window === undefined) throw error;
      this.resultWindow = Number(window);
      return this.call<SearchAnswer>(budget, 'POST', '/_search', params, {
        ...body,
        size: Math.min(Number(body.size ?? 0), this.resultWindow),
      });
    }
  }

  private async call<T>(budget: CallBudget, method: 'GET' | 'POST', suffix: string, params: URLSearchParams, body?: unknown): Promise<T> {
    try {
      return await this.http.json<T>(
        budget,
        method,
        `/${encodeURIComponent(this.config.index).replace(/%2C/g, ',').replace(/%2A/g, '*')}${suffix}`,
        params,
        body,
      );
    } catch (error) {
      throw explain(error);
    }
  }

  async services(signal?: AbortSignal): Promise<ServicesResult> {
    const budget = new CallBudget(signal, this.config.timeoutMs);
    const notes: string[] = [];
    const { start, end } = this.clock.range({});
    const f = await this.fields(budget);
    if (!f.service) throw noServiceField(this.config.index);
    const levelAgg = f.level ? { levels: { terms: { field: f.level, size: MAX_LEVEL_VALUES } } } : {};
    const answer = await this.search(budget, {
      size: 0,
      track_total_hits: false,
      query: filterQuery(f, { start, end }),
      aggs: {
        services: {
          terms: { field: f.service, size: MAX_SERVICES },
          aggs: { ...levelAgg, first: { min: { field: f.time } }, last: { max: { field: f.time } } },
        },
      },
    });
    const rows: ServiceRow[] = (answer.aggregations?.services?.buckets ?? []).map((b) => {
      const row: ServiceRow = {
        service: String(b.key),
        entries: b.doc_count,
        errors: 0,
        warnings: 0,
        firstSeen: aggValue(b.first),
        lastSeen: aggValue(b.last),
      };
      for (const l of (b.levels as { buckets?: Bucket[] } | undefined)?.buckets ?? []) {
        const level = normalizeLevel(String(l.key));
        if (level === 'error' || level === 'fatal') row.errors += l.doc_count;
        else if (level === 'warn') row.warnings += l.doc_count;
      }
      return row;
    });
    if (!f.level)
      notes.push('the index has no level field: error and warning counts are not known here; error_summary parses the messages');
    return { services: rows, now: this.clock.now(), mode: this.clock.mode, source: this.describe(), notes };
  }

  /** Counts per level spelling in the filtered window, and the spellings at or above `min`. */
  private async levelCounts(
    budget: CallBudget,
    f: Fields,
    filters: Filters,
    min: LogLevel,
  ): Promise<{ values: string[]; counts: Bucket[] }> {
    if (!f.level) return { values: [], counts: [] };
    const answer = await this.search(budget, {
      size: 0,
      track_total_hits: false,
      query: filterQuery(f, filters),
      aggs: { levels: { terms: { field: f.level, size: MAX_LEVEL_VALUES } } },
    });
    const counts = answer.aggregations?.levels?.buckets ?? [];
    return {
      values: levelValuesAtLeast(
        counts.map((b) => String(b.key)),
        min,
      ),
      counts,
    };
  }

  async errors(query: SummaryQuery): Promise<SummaryResult> {
    const budget = new CallBudget(query.signal, this.config.timeoutMs);
    const notes: string[] = [];
    const { window, start, end } = this.clock.range(query);
    const f = await this.fields(budget);
    const base: Filters = { start, end, service: query.service };
    const { values, counts } = await this.levelCounts(budget, f, base, 'warn');
    let totalErrors = 0;
    let totalWarnings = 0;
    for (const b of counts) {
      const level = normalizeLevel(String(b.key));
      if (level === 'warn') totalWarnings += b.doc_count;
      else if (level === 'error' || level === 'fatal') totalErrors += b.doc_count;
    }
    const groups = new SignatureGroups();
    const { hits } = await this.page(budget, f, f.level ? { ...base, levels: values } : base, SUMMARY_SAMPLE);
    let sampled = 0;
    for (const hit of hits.reverse()) {
      const entry = this.entry(hit, f);
      if (entry.level === null || LEVEL_RANK[entry.level] < LEVEL_RANK.warn) continue;
      groups.add(entry);
      sampled += 1;
      if (!f.level) {
        if (entry.level === 'warn') totalWarnings += 1;
        else totalErrors += 1;
      }
    }
    const total = totalErrors + totalWarnings;
    if (total > sampled)
      notes.push(
        `signatures come from a sample: the newest ${sampled} of ${total} warnings and errors (counts per signature are within the sample; totals are Elasticsearch's)`,
      );
    if (total === 0 && query.service !== undefined) await this.checkService(budget, f, query.service, start, end);
    return { window, groups, totalErrors, totalWarnings, notes };
  }

  async entries(query: EntryQuery): Promise<EntriesResult> {
    const budget = new CallBudget(query.signal, this.config.timeoutMs);
    const notes: string[] = [];
    const { window, start, end } = this.clock.range(query);
    const f = await this.fields(budget);
    const filters: Filters = { start, end, service: query.service };
    if (query.minLevel) filters.levels = (await this.levelCounts(budget, f, filters, query.minLevel)).values;
    const local = !f.level && query.minLevel !== undefined ? query.minLevel : undefined;
    const text = query.text;
    if (text && !text.regex) filters.phrase = text.pattern;
    let entries: LogEntry[];
    let total: number;
    let totalExact: boolean;
    let first: number | null = null;
    if ((text?.regex || local) && text) {
      // The store cannot run an RE2 regex over message text: read newest first and match here, within a bound.
      const { hits, more } = await this.page(budget, f, filters, REGEX_SCAN);
      const matched = hits.map((h) => this.entry(h, f)).filter((e) => text.matches(e) && atLeast(e, local));
      notes.push(
        `the regex ran here over the newest ${hits.length} entries of the window${more ? ' (not all of them: narrow the window for a complete count)' : ''}`,
      );
      total = matched.length;
      totalExact = !more;
      entries = matched.slice(0, query.limit).reverse();
      first = matched[matched.length - 1]?.time ?? null;
    } else {
      const answer = await this.search(budget, {
        size: Math.min(query.limit, this.resultWindow),
        track_total_hits: TOTAL_CAP,
        sort: newestFirst(f),
        query: filterQuery(f, filters),
        aggs: { first: { min: { field: f.time } } },
      });
      const matched = answer.hits.hits.map((h) => this.entry(h, f)).filter((e) => atLeast(e, local));
      total = answer.hits.total?.value ?? matched.length;
      totalExact = answer.hits.total?.relation !== 'gte';
      entries = matched.reverse();
      first = aggValue(answer.aggregations?.first);
      if (local) notes.push('the index has no level field: the level filter ran here over the entries returned');
    }
    if (total === 0 && query.service !== undefined) await this.checkService(budget, f, query.service, start, end);
    return { window, entries, total, totalExact, first, last: entries[entries.length - 1]?.time ?? null, notes };
  }

  /** Up to `want` documents newest first, in pages no larger than the store's max_result_window, via search_after. */
  private async page(budget: CallBudget, f: Fields, filters: Filters, want: number): Promise<{ hits: Hit[]; more: boolean }> {
    const hits: Hit[] = [];
    let after: unknown[] | undefined;
    // Pages: want / window (5 or 10 at the default window), and never more than MAX_PAGES whatever the window.
    for (let pages = 0; hits.length < want && pages < MAX_PAGES; pages += 1) {
      const size = Math.min(want - hits.length, this.resultWindow);
      const answer = await this.search(budget, {
        size,
        track_total_hits: false,
        sort: newestFirst(f),
        query: filterQuery(f, filters),
        ...(after ? { search_after: after } : {}),
      });
      hits.push(...answer.hits.hits);
      // The search may have learned a smaller max_result_window and asked for fewer.
      if (answer.hits.hits.length < Math.min(size, this.resultWindow)) return { hits, more: false };
      after = answer.hits.hits[answer.hits.hits.length - 1]?.sort;
      if (!after) break;
    }
    return { hits, more: true };
  }

  private async checkService(budget: CallBudget, f: Fields, service: string, start: number, end: number): Promise<void> {
    if (!f.service) return;
    const answer = await this.search(budget, {
      size: 0,
      track_total_hits: false,
      query: filterQuery(f, { start, end }),
      aggs: { services: { terms: { field: f.service, size: MAX_SERVICES } } },
    });
    const known = (answer.aggregations?.services?.buckets ?? []).map((b) => String(b.key));
    if (!known.some((name) => name.toLowerCase() === service.toLowerCase())) throw unknownService(service, known);
  }

  private entry(hit: Hit, f: Fields): LogEntry {
    const source = hit._source ?? {};
    const message = String(valueAt(source, f.message) ?? '');
    const stack = f.stack ? valueAt(source, f.stack) : undefined;
    const text = typeof stack === 'string' && stack && !message.includes(stack) ? `${message}\n${stack}` : message;
    const time = timeOf(valueAt(source, f.time));
    const service = f.service ? valueAt(source, f.service.replace(/\.keyword$/, '')) : undefined;
    const level = f.level ? valueAt(source, f.level.replace(/\.keyword$/, '')) : undefined;
    return entryFromRecord({
      text,
      timeMs: time,
      service: typeof service === 'string' ? service : null,
      level: typeof level === 'string' ? level : null,
      source: `elasticsearch:${this.config.index}`,
    });
  }
}

function atLeast(entry: LogEntry, min: LogLevel | undefined): boolean {
  return min === undefined || (entry.level !== null && LEVEL_RANK[entry.level] >= LEVEL_RANK[min]);
}
