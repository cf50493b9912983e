import type { ElasticsearchConfig } from './config.js';

/**
 * Elasticsearch / OpenSearch query DSL for the logs backend: `bool.filter` clauses for the window, service and levels,
 * `match_phrase` for literal text, sorts with a tie-breaker for `search_after` paging. Only what both stores accept.
 */

export type FieldRole = 'time' | 'message' | 'level' | 'service' | 'host' | 'stack';

/** Candidates per role, first present wins: ECS, then OpenTelemetry's mapping (Elastic's otel data streams), then plain names. */
export const FIELD_CANDIDATES: Record<FieldRole, string[]> = {
  time: ['@timestamp', 'timestamp'],
  message: ['message', 'body.text', 'body', 'msg'],
  level: ['log.level', 'severity_text', 'level'],
  service: ['service.name', 'resource.attributes.service.name', 'service'],
  host: ['host.name', 'resource.attributes.host.name', 'hostname'],
  stack: ['error.stack_trace', 'attributes.exception.stacktrace'],
};

export interface Fields {
  time: string;
  message: string;
  /** Keyword fields (a text field's `.keyword` sub-field when it has one), for term queries and aggregations. */
  level: string | null;
  service: string | null;
  host: string | null;
  stack: string | null;
}

type Caps = Record<string, Record<string, { aggregatable?: boolean; searchable?: boolean }>>;

/** Picks each role's field from _field_caps: the configured one (ELASTICSEARCH_FIELDS), else the first candidate present. */
export function pickFields(caps: Caps, configured: ElasticsearchConfig['fields'] = {}): Fields {
  const present = (name: string) => caps[name] !== undefined;
  const keyword = (name: string | undefined): string | null => {
    if (!name || !present(name)) return null;
    const types = caps[name] ?? {};
    if (Object.values(types).some((t) => t.aggregatable)) return name;
    return present(`${name}.keyword`) ? `${name}.keyword` : null;
  };
  const pick = (role: FieldRole) => configured[role] ?? FIELD_CANDIDATES[role].find(present);
  return {
    time: pick('time') ?? '@timestamp',
    message: pick('message') ?? 'message',
    level: keyword(pick('level')),
    service: keyword(pick('service')),
    host: keyword(pick('host')),
    stack: pick('stack') ?? null,
  };
}

export function allCandidates(configured: ElasticsearchConfig['fields'] = {}): string[] {
  const names = new Set<string>();
  for (const role of Object.keys(FIELD_CANDIDATES) as FieldRole[]) {
    for (const name of [configured[role], ...FIELD_CANDIDATES[role]]) {
      if (name) {
        names.add(name);
        names.add(`${name}.keyword`);
      }
    }
  }
  return [...names];
}

export interface Filters {
  start: number;
  end: number;
  service?: string | undefined;
  levels?: string[] | undefined;
  /** Literal text: a phrase on the message field. */
  phrase?: string | undefined;
}

export function filterQuery(fields: Fields, f: Filters): Record<string, unknown> {
  const filter: Record<string, unknown>[] = [{ range: { [fields.time]: { gte: f.start, lte: f.end, format: 'epoch_millis' } } }];
  if (f.service !== undefined && fields.service) filter.push({ term: { [fields.service]: { value: f.service, case_insensitive: true } } });
  if (f.levels && fields.level) filter.push({ terms: { [fields.level]: f.levels } });
  if (f.phrase !== undefined) filter.push({ match_phrase: { [fields.message]: f.phrase } });
  return { bool: { filter } };
}

/** Newest first; `_doc` breaks ties so search_after pages neither repeat nor skip entries of the same millisecond. */
export function newestFirst(fields: Fields): Record<string, unknown>[] {
  return [{ [fields.time]: { order: 'desc', format: 'strict_date_optional_time_nanos' } }, { _doc: { order: 'desc' } }];
}

/** A document's value at a dotted path, nested objects or flat dotted keys alike (both are legal in _source). */
export function valueAt(source: Record<string, unknown>, path: string): unknown {
  if (path in source) return source[path];
  let current: unknown = source;
  const parts = path.split('.');
  for (let i = 0; i < parts.length; i += 1) {
    if (typeof current !== 'object' || current === null) return undefined;
    const obj = current as Record<string, unknown>;
    const rest = parts.slice(i).join('.');
    if (rest in obj) return obj[rest];
    current = obj[parts[i] ?? ''];
  }
  return current;
}

export function aggValue(agg: unknown): number | null {
  const value = (agg as { value?: number | null } | undefined)?.value;
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

export function timeOf(value: unknown): number | null {
  if (typeof value === 'number') return value;
  if (typeof value === 'string') {
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? null : ms;
  }
  return null;
}
