import { ToolInputError } from '../../shared/tool-result.js';
import type { LokiConfig } from './config.js';
import { type CallBudget, StoreClient, StoreHttpError } from './http.js';
import { fromNs, toNs } from './loki-query.js';

/**
 * Loki's query API (/loki/api/v1/query_range, /query, /labels, /label/<name>/values) with its limits respected:
 * a limit Loki names in its 400 answer (max_entries_limit_per_query, max_query_length) is learned and the request
 * narrowed and sent again, once, with a note; the limits learned stay for the server's life.
 */

export interface LokiLine {
  timeMs: number;
  line: string;
  labels: Record<string, string>;
}

export interface LokiSample {
  labels: Record<string, string>;
  value: number;
}

interface LokiAnswer<T> {
  status: string;
  data: T;
}

/** Loki's default max_entries_limit_per_query; lowered when Loki says its own is lower. */
const DEFAULT_MAX_ENTRIES = 5_000;
/** Points of one range query's matrix: Loki refuses more than 11,000 per series. */
export const MAX_MATRIX_POINTS = 1_000;

export class LokiClient {
  readonly http: StoreClient;
  maxEntries = DEFAULT_MAX_ENTRIES;
  /** Longest range Loki accepts (max_query_length), once it has said so. */
  maxRangeMs: number | undefined;

  constructor(readonly config: LokiConfig) {
    this.http = new StoreClient(config.target);
  }

  async labels(budget: CallBudget, start: number, end: number): Promise<string[]> {
    const answer = await this.get<string[]>(budget, '/loki/api/v1/labels', { start: toNs(start), end: toNs(end) });
    return answer ?? [];
  }

  async labelValues(budget: CallBudget, label: string, start: number, end: number, query?: string): Promise<string[]> {
    const params: Record<string, string> = { start: toNs(start), end: toNs(end) };
    if (query) params.query = query;
    return (await this.get<string[]>(budget, `/loki/api/v1/label/${encodeURIComponent(label)}/values`, params)) ?? [];
  }

  /** Lines of a log query, newest first (backward) or oldest first (forward); `limit` is lowered to Loki's own. */
  async lines(
    budget: CallBudget,
    query: string,
    start: number,
    end: number,
    limit: number,
    direction: 'backward' | 'forward',
    notes: string[],
  ): Promise<LokiLine[]> {
    const data = await this.retryingLimits(budget, notes, (range) =>
      this.get<{ resultType: string; result: { stream: Record<string, string>; values: [string, string][] }[] }>(
        budget,
        '/loki/api/v1/query_range',
        {
          query,
          start: toNs(range.clamp(start, end)),
          end: toNs(end + 1),
          limit: String(Math.min(limit, this.maxEntries)),
          direction,
        },
      ),
    );
    const out: LokiLine[] = [];
    for (const stream of data.result ?? []) {
      for (const [ns, line] of stream.values ?? []) out.push({ timeMs: fromNs(ns), line, labels: stream.stream ?? {} });
    }
    out.sort((a, b) => (direction === 'backward' ? b.timeMs - a.timeMs : a.timeMs - b.timeMs));
    return out.slice(0, limit);
  }

  /** An instant metric query evaluated at `end` (its range vector reaches back to `start`). */
  async instant(
    budget: CallBudget,
    build: (rangeMs: number) => string,
    start: number,
    end: number,
    notes: string[],
  ): Promise<LokiSample[]> {
    const data = await this.retryingLimits(budget, notes, (range) =>
      this.get<{ result: { metric: Record<string, string>; value: [number, string] }[] }>(budget, '/loki/api/v1/query', {
        query: build(end + 1 - range.clamp(start, end)),
        // The last nanosecond of `end`'s millisecond: a range vector (time - range, time] then covers [start, end] in ms.
        time: `${BigInt(Math.floor(end)) * 1_000_000n + 999_999n}`,
      }),
    );
    return (data.result ?? []).map((r) => ({ labels: r.metric ?? {}, value: Number(r.value?.[1] ?? 0) }));
  }

  /** A range metric query: per series, [ms, value] points. */
  async matrix(
    budget: CallBudget,
    build: (stepMs: number) => string,
    start: number,
    end: number,
    notes: string[],
  ): Promise<{ labels: Record<string, string>; points: [number, number][] }[]> {
    const data = await this.retryingLimits(budget, notes, (range) => {
      const from = range.clamp(start, end);
      const stepMs = Math.max(1000, Math.ceil((end + 1 - from) / MAX_MATRIX_POINTS / 1000) * 1000);
      return this.get<{ result: { metric: Record<string, string>; values: [number, string][] }[] }>(budget, '/loki/api/v1/query_range', {
        query: build(stepMs),
        start: toNs(from),
        end: toNs(end + 1),
        step: `${stepMs / 1000}s`,
      });
    });
    return (data.result ?? []).map((r) => ({
      labels: r.metric ?? {},
      points: (r.values ?? []).map(([t, v]): [number, number] => [Math.round(t * 1000), Number(v)]),
    }));
  }

  private async get<T>(budget: CallBudget, pathname: string, params: Record<string, string>): Promise<T> {
    let answer: LokiAnswer<T>;
    try {
      answer = await this.http.json<LokiAnswer<T>>(budget, 'GET', pathname, new URLSearchParams(params));
    } catch (error) {
      throw explain(error);
    }
    if (answer.status !== 'success') throw new ToolInputError(`Loki answered status "${answer.status}"`, 'check LOKI_URL');
    return answer.data;
  }

  /** Runs a request; when Loki names a limit it broke, narrows to it and runs it once more. */
  private async retryingLimits<T>(budget: CallBudget, notes: string[], run: (range: RangeLimit) => Promise<T>): Promise<T> {
    const range = new RangeLimit(this.maxRangeMs);
    try {
      return await run(range);
    } catch (error) {
      if (!(error instanceof LimitError)) throw error;
      if (error.entries !== undefined) this.maxEntries = error.entries;
      if (error.rangeMs !== undefined) {
        this.maxRangeMs = error.rangeMs;
        range.maxMs = error.rangeMs;
        notes.push(`Loki's max_query_length is ${error.rangeText}: the window was narrowed to its newest ${error.rangeText}`);
      }
      budget.signal?.throwIfAborted();
      return run(range);
    }
  }
}

/** The longest range a query may cover; the start moves up to fit and a note says so. */
class RangeLimit {
  constructor(public maxMs: number | undefined) {}

  /** Queries cover [start, end + 1 ms): that span is what Loki measures. */
  clamp(start: number, end: number): number {
    return this.maxMs !== undefined && end + 1 - start > this.maxMs ? end + 1 - this.maxMs : start;
  }
}

class LimitError extends ToolInputError {
  entries?: number;
  rangeMs?: number;
  rangeText?: string;
}

const ENTRIES_LIMIT = /max_entries_limit(?:_per_query)? \((\d+) > (\d+)\)/;
const LENGTH_LIMIT = /query length: [^,]+, limit: ([\dhmsd.]+)\)/;

/** Loki's 400 answers turned into what the backend can act on, or into errors with a hint that names what to fix. */
function explain(error: unknown): unknown {
  if (!(error instanceof StoreHttpError)) return error;
  const body = error.body;
  const entries = ENTRIES_LIMIT.exec(body);
  if (entries) {
    const limit = new LimitError(error.message, error.hint);
    limit.entries = Number(entries[2]);
    return limit;
  }
  const length = LENGTH_LIMIT.exec(body);
  if (length?.[1]) {
    const ms = parseGoDuration(length[1]);
    if (ms !== undefined) {
      const limit = new LimitError(error.message, error.hint);
      limit.rangeMs = ms;
      limit.rangeText = length[1];
      return limit;
    }
  }
  if (/no org id/i.test(body))
    return new ToolInputError(error.message, 'this Loki is multi-tenant: set LOKI_TENANT (sent as X-Scope-OrgID)');
  if (/parse error|syntax error/i.test(body))
    return new ToolInputError(error.message, 'check LOKI_SELECTOR, or the pattern (Loki runs RE2 regexes)');
  if (/maximum number of series/i.test(body))
    return new ToolInputError(error.message, 'narrow LOKI_SELECTOR or the window: too many streams for one query');
  return error;
}

/** Go durations as Loki prints them: `721h0m0s`, `30d1h`, `1h30m`. */
export function parseGoDuration(text: string): number | undefined {
  const units: Record<string, number> = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000, ms: 1 };
  let total = 0;
  let matched = '';
  for (const m of text.matchAll(/(\d+(?:\.\d+)?)(ms|d|h|m|s)/g)) {
    total += Number(m[1]) * (units[m[2] ?? ''] ?? 0);
    matched += m[0];
  }
  return matched === text && total > 0 ? total : undefined;
}
