import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { formatGoDuration, type LogQuery, LogqlError, type Matcher, parseQuery } from './logql.js';

/**
 * A loopback Grafana Loki written from its HTTP API reference: POST /loki/api/v1/push (JSON), GET /loki/api/v1/query,
 * /query_range, /labels, /label/<name>/values and /series. Timestamps are nanosecond epoch strings; results are
 * `streams`, `vector` or `matrix` as documented; errors are plain-text bodies with Loki's status codes and messages,
 * and its per-tenant limits (max_entries_limit_per_query, max_query_length, max_query_series) are enforced.
 */

export interface FakeLokiOptions {
  maxEntriesLimitPerQuery?: number;
  maxQueryLengthMs?: number;
  maxQuerySeries?: number;
  /** Requests must carry this bearer token (or basic credentials below). */
  token?: string;
  basic?: { username: string; password: string };
  /** Multi-tenant Loki (auth_enabled): every request names its tenant in X-Scope-OrgID, and tenants see only their own streams. */
  multiTenant?: boolean;
}

interface Stream {
  labels: Record<string, string>;
  /** Sorted by time. */
  times: number[];
  lines: string[];
}

export interface FakeLoki {
  url: string;
  /** Every request's path and query, and the bytes of every answer. */
  requests: { path: string; params: Record<string, string>; headers: http.IncomingHttpHeaders }[];
  bytesSent: number;
  /** The next `count` requests answer `status` (429 with Retry-After: 0, or a 5xx). */
  failNext(status: number, count: number): void;
  close(): Promise<void>;
}

const DEFAULTS = { maxEntriesLimitPerQuery: 5_000, maxQueryLengthMs: 721 * 3_600_000, maxQuerySeries: 500 };

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export async function startFakeLoki(options: FakeLokiOptions = {}): Promise<FakeLoki> {
  const limits = { ...DEFAULTS, ...options };
  const tenants = new Map<string, Map<string, Stream>>();
  /** The streams of the request being handled (requests are handled synchronously, one at a time). */
  let streams = new Map<string, Stream>();
  let failures: { status: number; count: number } = { status: 0, count: 0 };
  const requests: FakeLoki['requests'] = [];
  const state = { bytesSent: 0 };

  const push = (body: string) => {
    const data = JSON.parse(body) as { streams: { stream: Record<string, string>; values: [string, string][] }[] };
    for (const s of data.streams) {
      const key = JSON.stringify(Object.entries(s.stream).sort());
      let stream = streams.get(key);
      if (!stream) {
        stream = { labels: s.stream, times: [], lines: [] };
        streams.set(key, stream);
      }
      const values = s.values.map(([ns, line]) => [nsToMs(ns), line] as const).sort((a, b) => a[0] - b[0]);
      const last = stream.times[stream.times.length - 1];
      if (last === undefined || (values[0]?.[0] ?? last) >= last) {
        // Newer than everything held (a shipper's usual order): append without re-sorting the stream.
        for (const [t, l] of values) {
          stream.times.push(t);
          stream.lines.push(l);
        }
        continue;
      }
      const merged = [...stream.times.map((t, i) => [t, stream?.lines[i] ?? ''] as const), ...values];
      merged.sort((a, b) => a[0] - b[0]);
      stream.times = merged.map(([t]) => t);
      stream.lines = merged.map(([, l]) => l);
    }
  };

  const selected = (matchers: Matcher[]) => [...streams.values()].filter((s) => matchers.every((m) => m.test(s.labels[m.name] ?? '')));

  /** Lines of a stream in [start, end) passing the filters, as [time, line] pairs in time order. */
  const linesIn = (stream: Stream, log: LogQuery, start: number, end: number): [number, string][] => {
    const out: [number, string][] = [];
    for (let i = lowerBound(stream.times, start); i < stream.times.length && (stream.times[i] ?? end) < end; i += 1) {
      const line = stream.lines[i] ?? '';
      if (log.filters.every((f) => f(line))) out.push([stream.times[i] ?? 0, line]);
    }
    return out;
  };

  const checkLength = (start: number, end: number) => {
    if (end - start > limits.maxQueryLengthMs)
      throw new HttpError(
        400,
        `the query time range exceeds the limit (query length: ${formatGoDuration(end - start)}, limit: ${formatGoDuration(limits.maxQueryLengthMs)})`,
      );
  };

  /** count_over_time at each evaluation time, summed by `by`. */
  const evaluate = (metric: { log: LogQuery; rangeMs: number; by: string[] | undefined }, times: number[]) => {
    const series = new Map<string, { metric: Record<string, string>; values: number[] }>();
    for (const stream of selected(metric.log.matchers)) {
      const start = (times[0] ?? 0) - metric.rangeMs;
      const hits = linesIn(stream, metric.log, start, (times[times.length - 1] ?? 0) + 1).map(([t]) => t);
      const labels =
        metric.by === undefined
          ? stream.labels
          : Object.fromEntries(metric.by.filter((l) => stream.labels[l] !== undefined).map((l) => [l, stream.labels[l] ?? '']));
      const key = JSON.stringify(Object.entries(labels).sort());
      let s = series.get(key);
      if (!s) {
        s = { metric: labels, values: times.map(() => 0) };
        series.set(key, s);
      }
      times.forEach((t, i) => {
        // (t - range, t]: Loki's range vectors exclude their start.
        const n = lowerBound(hits, t + 1) - lowerBound(hits, t - metric.rangeMs + 1);
        if (s) s.values[i] = (s.values[i] ?? 0) + n;
      });
    }
    if (series.size > limits.maxQuerySeries)
      throw new HttpError(
        400,
        `maximum number of series (${limits.maxQuerySeries}) reached for a single query; consider reducing query cardinality by adding more specific stream selectors, reducing the time range, or aggregating results with functions like sum(), count() or topk()`,
      );
    return [...series.values()].filter((s) => s.values.some((v) => v > 0));
  };

  const handle = (path: string, params: URLSearchParams): unknown => {
    const now = Date.now();
    if (path === '/loki/api/v1/labels' || path === '/loki/api/v1/series' || path.startsWith('/loki/api/v1/label/')) {
      const end = params.has('end') ? parseTime(params.get('end') ?? '') : now;
      const start = params.has('start') ? parseTime(params.get('start') ?? '') : end - 6 * 3_600_000;
      const match = params.get('query') ?? params.get('match[]');
      const pool = (match ? selected(parseQuery(match).kind === 'log' ? logOf(match) : []) : [...streams.values()]).filter(
        (s) => lowerBound(s.times, start) < lowerBound(s.times, end + 1),
      );
      if (path === '/loki/api/v1/series') return { status: 'success', data: pool.map((s) => s.labels) };
      if (path === '/loki/api/v1/labels')
        return { status: 'success', data: [...new Set(pool.flatMap((s) => Object.keys(s.labels)))].sort() };
      const name = decodeURIComponent(path.slice('/loki/api/v1/label/'.length, -'/values'.length));
      return { status: 'success', data: [...new Set(pool.map((s) => s.labels[name]).filter((v) => v !== undefined))].sort() };
    }
    const query = parseQuery(params.get('query') ?? '');
    if (path === '/loki/api/v1/query') {
      if (query.kind === 'log')
        throw new HttpError(400, 'log queries are not supported as an instant query type, please change your query to a range query type');
      const time = params.has('time') ? parseTime(params.get('time') ?? '') : now;
      checkLength(time - query.metric.rangeMs, time);
      const result = evaluate(query.metric, [time]).map((s) => ({ metric: s.metric, value: [time / 1000, String(s.values[0] ?? 0)] }));
      return { status: 'success', data: { resultType: 'vector', result, stats: {} } };
    }
    if (path !== '/loki/api/v1/query_range') throw new HttpError(404, '404 page not found');
    const end = params.has('end') ? parseTime(params.get('end') ?? '') : now;
    const start = params.has('start') ? parseTime(params.get('start') ?? '') : end - 3_600_000;
    if (end < start) throw new HttpError(400, `invalid query, through < from (${end} < ${start})`);
    checkLength(start, end);
    if (query.kind === 'metric') {
      const stepMs = parseStep(params.get('step'), start, end);
      const times: number[] = [];
      for (let t = start; t <= end && times.length <= 11_000; t += stepMs) times.push(t);
      if (times.length > 11_000)
        throw new HttpError(
          400,
          'exceeded maximum resolution of 11,000 points per timeseries. Try increasing the value of the step parameter',
        );
      const result = evaluate(query.metric, times).map((s) => ({
        metric: s.metric,
        values: times.map((t, i) => [t / 1000, String(s.values[i] ?? 0)]),
      }));
      return { status: 'success', data: { resultType: 'matrix', result, stats: {} } };
    }
    const limit = Number(params.get('limit') ?? 100);
    if (limit > limits.maxEntriesLimitPerQuery)
      throw new HttpError(
        400,
        `max entries limit per query exceeded, limit > max_entries_limit_per_query (${limit} > ${limits.maxEntriesLimitPerQuery})`,
      );
    const backward = (params.get('direction') ?? 'backward') === 'backward';
    const all: { stream: Stream; t: number; line: string }[] = [];
    for (const stream of selected(query.log.matchers))
      for (const [t, line] of linesIn(stream, query.log, start, end)) all.push({ stream, t, line });
    all.sort((a, b) => (backward ? b.t - a.t : a.t - b.t));
    const byStream = new Map<Stream, [string, string][]>();
    for (const item of all.slice(0, limit)) {
      const values = byStream.get(item.stream) ?? [];
      values.push([msToNs(item.t), item.line]);
      byStream.set(item.stream, values);
    }
    const result = [...byStream].map(([stream, values]) => ({ stream: stream.labels, values }));
    return { status: 'success', data: { resultType: 'streams', result, stats: {} } };
  };

  const authorised = (req: http.IncomingMessage): boolean => {
    const header = req.headers.authorization ?? '';
    if (options.token) return header === `Bearer ${options.token}`;
    if (options.basic) return header === `Basic ${Buffer.from(`${options.basic.username}:${options.basic.password}`).toString('base64')}`;
    return true;
  };

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://loki');
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const send = (status: number, body: string, type: string, headers: Record<string, string> = {}) => {
        state.bytesSent += Buffer.byteLength(body);
        res.writeHead(status, { 'content-type': type, ...headers });
        res.end(body);
      };
      requests.push({ path: url.pathname, params: Object.fromEntries(url.searchParams), headers: req.headers });
      if (failures.count > 0) {
        failures.count -= 1;
        send(
          failures.status,
          failures.status === 429 ? 'too many outstanding requests' : 'upstream error',
          'text/plain; charset=utf-8',
          failures.status === 429 ? { 'retry-after': '0' } : {},
        );
        return;
      }
      if (!authorised(req)) return send(401, 'Unauthorized', 'text/plain; charset=utf-8');
      const tenant = options.multiTenant ? req.headers['x-scope-orgid'] : 'fake';
      if (typeof tenant !== 'string' || tenant === '') return send(400, 'no org id', 'text/plain; charset=utf-8');
      streams = tenants.get(tenant) ?? new Map();
      tenants.set(tenant, streams);
      try {
        if (req.method === 'POST' && url.pathname === '/loki/api/v1/push') {
          push(Buffer.concat(chunks).toString('utf8'));
          res.writeHead(204);
          res.end();
          return;
        }
        send(200, JSON.stringify(handle(url.pathname, url.searchParams)), 'application/json; charset=UTF-8');
      } catch (error) {
        if (error instanceof HttpError) send(error.status, error.message, 'text/plain; charset=utf-8');
        else if (error instanceof LogqlError) send(400, error.message, 'text/plain; charset=utf-8');
        else send(500, String(error), 'text/plain; charset=utf-8');
      }
    });
  });
  // Loaders push batch after batch on one kept-alive connection; Node's 5 s default could close it under them.
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    get bytesSent() {
      return state.bytesSent;
    },
    failNext(status, count) {
      failures = { status, count };
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function logOf(match: string): Matcher[] {
  const q = parseQuery(match);
  return q.kind === 'log' ? q.log.matchers : q.metric.log.matchers;
}

/** Nanosecond epochs (Loki's own), float seconds or RFC 3339, as the API reference allows. */
function parseTime(text: string): number {
  if (/^\d{16,}$/.test(text)) return nsToMs(text);
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw new HttpError(400, `invalid parameter: cannot parse "${text}" to a valid timestamp`);
  return ms;
}

function parseStep(text: string | null, start: number, end: number): number {
  if (!text) return Math.max(1000, Math.floor((end - start) / 250 / 1000) * 1000);
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(text);
  if (!m) throw new HttpError(400, `invalid parameter: cannot parse "${text}" to a valid duration`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] ?? 's'] ?? 1000;
  return Number(m[1]) * unit;
}

function nsToMs(ns: string): number {
  return Number(BigInt(ns) / 1_000_000n);
}

function msToNs(ms: number): string {
  return `${BigInt(Math.round(ms)) * 1_000_000n}`;
}

function lowerBound(sorted: number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((sorted[mid] ?? 0) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Pushes entries through the real push API, as Promtail or Alloy would. */
export async function pushToLoki(
  url: string,
  streams: { stream: Record<string, string>; values: [string, string][] }[],
  headers: Record<string, string> = {},
): Promise<void> {
  const response = await fetch(`${url}/loki/api/v1/push`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ streams }),
  });
  if (response.status !== 204) throw new Error(`push failed: HTTP ${response.status} ${await response.text()}`);
}
