/**
 * The search side of the fake Elasticsearch, from the Query DSL and aggregations references: bool.filter with range
 * (epoch_millis or dates), term (case_insensitive), terms and match_phrase (standard-analyzer tokens, in order);
 * sort on a field plus _doc; search_after; size/from under index.max_result_window; track_total_hits as a boolean or
 * a cap (relation "gte" past it); terms, min and max aggregations with sub-aggregations, under search.max_buckets.
 */

export interface Doc {
  index: string;
  seq: number;
  source: Record<string, unknown>;
  /** Parsed times per field, filled on first use (a benchmark store holds millions of documents). */
  times?: Map<string, number>;
}

function docTime(doc: Doc, field: string): number {
  doc.times ??= new Map();
  let t = doc.times.get(field);
  if (t === undefined) {
    t = timeMs(valueAt(doc.source, field));
    doc.times.set(field, t);
  }
  return t;
}

export class EsError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    reason: string,
    readonly outerType = type,
  ) {
    super(reason);
  }
}

export function valueAt(source: Record<string, unknown>, path: string): unknown {
  const field = path.replace(/\.keyword$/, '');
  if (field in source) return source[field];
  let current: unknown = source;
  for (const part of field.split('.')) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

/** The standard analyzer, near enough: lower-cased runs of letters and digits. */
function tokens(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}_]+/gu) ?? [];
}

function timeMs(value: unknown): number {
  if (typeof value === 'number') return value;
  return Date.parse(String(value));
}

type Clause = Record<string, Record<string, unknown>>;

function matches(doc: Doc, clause: Clause): boolean {
  const [kind, spec] = Object.entries(clause)[0] ?? [];
  if (!kind || !spec) throw new EsError(400, 'parsing_exception', 'query malformed, empty clause found');
  const [field, arg] = Object.entries(spec)[0] ?? [];
  if (!field) throw new EsError(400, 'parsing_exception', `[${kind}] query malformed, no field`);
  const value = valueAt(doc.source, field);
  if (kind === 'range') {
    const r = arg as { gte?: number | string; lte?: number | string; gt?: number | string; lt?: number | string };
    const t = docTime(doc, field);
    if (Number.isNaN(t)) return false;
    return (
      (r.gte === undefined || t >= timeMs(r.gte)) &&
      (r.lte === undefined || t <= timeMs(r.lte)) &&
      (r.gt === undefined || t > timeMs(r.gt)) &&
      (r.lt === undefined || t < timeMs(r.lt))
    );
  }
  if (kind === 'term') {
    const t = typeof arg === 'object' && arg !== null ? (arg as { value: unknown; case_insensitive?: boolean }) : { value: arg };
    if (t.case_insensitive) return String(value).toLowerCase() === String(t.value).toLowerCase();
    return value === t.value;
  }
  if (kind === 'terms') return Array.isArray(arg) && arg.includes(value);
  if (kind === 'match_phrase') {
    const want = tokens(String(typeof arg === 'object' && arg !== null ? (arg as { query: string }).query : arg));
    const have = tokens(String(value ?? ''));
    if (want.length === 0) return true;
    for (let i = 0; i + want.length <= have.length; i += 1) if (want.every((w, j) => have[i + j] === w)) return true;
    return false;
  }
  if (kind === 'bool') {
    const b = spec as { filter?: Clause[]; must?: Clause[]; must_not?: Clause[] };
    return [...(b.filter ?? []), ...(b.must ?? [])].every((c) => matches(doc, c)) && !(b.must_not ?? []).some((c) => matches(doc, c));
  }
  if (kind === 'match_all') return true;
  throw new EsError(400, 'parsing_exception', `unknown query [${kind}]`);
}

export interface SearchLimits {
  maxResultWindow: number;
  maxBuckets: number;
}

export interface SearchBody {
  query?: Clause;
  size?: number;
  from?: number;
  sort?: Record<string, { order: 'asc' | 'desc' } | 'asc' | 'desc'>[];
  search_after?: unknown[];
  track_total_hits?: boolean | number;
  aggs?: Record<string, Record<string, unknown>>;
}

export function search(docs: Doc[], body: SearchBody, limits: SearchLimits): Record<string, unknown> {
  const size = body.size ?? 10;
  const from = body.from ?? 0;
  if (from + size > limits.maxResultWindow)
    throw new EsError(
      400,
      'illegal_argument_exception',
      `Result window is too large, from + size must be less than or equal to: [${limits.maxResultWindow}] but was [${from + size}]. See the scroll api for a more efficient way to request large data sets. This limit can be set by changing the [index.max_result_window] index level setting.`,
      'search_phase_execution_exception',
    );
  const hits = docs.filter((d) => (body.query ? matches(d, body.query) : true));
  const sortSpec = (body.sort ?? []).map((s) => {
    const [field, o] = Object.entries(s)[0] ?? ['_score', 'desc'];
    return { field, desc: (typeof o === 'string' ? o : o.order) === 'desc' };
  });
  const key = (d: Doc) => sortSpec.map((s) => (s.field === '_doc' ? d.seq : docTime(d, s.field)));
  const compare = (a: number[], b: number[]) => {
    for (let i = 0; i < sortSpec.length; i += 1) {
      const diff = (a[i] ?? 0) - (b[i] ?? 0);
      if (diff !== 0) return sortSpec[i]?.desc ? -diff : diff;
    }
    return 0;
  };
  let sorted = hits;
  if (sortSpec.length > 0) {
    const keyed = hits.map((d) => ({ d, k: key(d) }));
    keyed.sort((a, b) => compare(a.k, b.k));
    sorted = keyed.map((x) => x.d);
  }
  if (body.search_after) {
    const after = body.search_after.map((v) => (typeof v === 'string' ? timeMs(v) : Number(v)));
    sorted = sorted.filter((d) => compare(key(d), after) > 0);
  }
  const page = sorted.slice(from, from + size);
  const cap =
    body.track_total_hits === true
      ? Number.POSITIVE_INFINITY
      : typeof body.track_total_hits === 'number'
        ? body.track_total_hits
        : body.track_total_hits === false
          ? -1
          : 10_000;
  const total = cap < 0 ? undefined : hits.length > cap ? { value: cap, relation: 'gte' } : { value: hits.length, relation: 'eq' };
  const buckets = { n: 0 };
  const aggregations = body.aggs ? aggregate(hits, body.aggs, limits, buckets) : undefined;
  return {
    took: 1,
    timed_out: false,
    _shards: { total: 1, successful: 1, skipped: 0, failed: 0 },
    hits: {
      ...(total ? { total } : {}),
      max_score: null,
      hits: page.map((d) => ({
        _index: d.index,
        _id: String(d.seq),
        _score: null,
        _source: d.source,
        ...(sortSpec.length > 0 ? { sort: key(d).map((v, i) => (sortSpec[i]?.field === '_doc' ? v : new Date(v).toISOString())) } : {}),
      })),
    },
    ...(aggregations ? { aggregations } : {}),
  };
}

function aggregate(
  docs: Doc[],
  aggs: Record<string, Record<string, unknown>>,
  limits: SearchLimits,
  buckets: { n: number },
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(aggs)) {
    const sub = spec.aggs as Record<string, Record<string, unknown>> | undefined;
    if (spec.terms) {
      const { field, size = 10 } = spec.terms as { field: string; size?: number };
      const groups = new Map<string, Doc[]>();
      for (const d of docs) {
        const v = valueAt(d.source, field);
        if (v === undefined || v === null) continue;
        const list = groups.get(String(v)) ?? [];
        list.push(d);
        groups.set(String(v), list);
      }
      const ranked = [...groups].sort((a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0]));
      const shown = ranked.slice(0, size);
      buckets.n += shown.length;
      if (buckets.n > limits.maxBuckets)
        throw new EsError(
          400,
          'too_many_buckets_exception',
          `Trying to create too many buckets. Must be less than or equal to: [${limits.maxBuckets}]. This limit can be set by changing the [search.max_buckets] cluster level setting.`,
          'search_phase_execution_exception',
        );
      out[name] = {
        doc_count_error_upper_bound: 0,
        sum_other_doc_count: ranked.slice(size).reduce((n, [, list]) => n + list.length, 0),
        buckets: shown.map(([key, list]) => ({ key, doc_count: list.length, ...(sub ? aggregate(list, sub, limits, buckets) : {}) })),
      };
    } else if (spec.min || spec.max) {
      const { field } = (spec.min ?? spec.max) as { field: string };
      let value: number | null = null;
      for (const d of docs) {
        const v = docTime(d, field);
        if (!Number.isNaN(v) && (value === null || (spec.min ? v < value : v > value))) value = v;
      }
      out[name] = value === null ? { value: null } : { value, value_as_string: new Date(value).toISOString() };
    } else throw new EsError(400, 'parsing_exception', `Unknown aggregation type [${Object.keys(spec)[0]}]`);
  }
  return out;
}
