import { ToolInputError } from '../../shared/tool-result.js';
import type { PrometheusConfig } from '../config.js';
import type { Point } from '../types.js';

/**
 * A minimal Prometheus HTTP API client. Every failure becomes a ToolInputError a model can act on: which URL
 * could not be reached, Prometheus's own message for a bad query, a timeout, or refused credentials.
 * Credentials travel only in the Authorization header and never appear in a message.
 */

export interface PromSeries {
  labels: Record<string, string>;
  points: Point[];
}

interface PromResponse<T> {
  status: 'success' | 'error';
  data?: T;
  errorType?: string;
  error?: string;
  warnings?: string[];
}

/** Prometheus refuses a range query above 11,000 points per series; stay well inside. */
export const MAX_RANGE_POINTS = 10_000;

/** Longest window one query may cover: a month of incident history, not a year-long scan of the TSDB. */
export const MAX_QUERY_RANGE_MS = 31 * 86_400_000;

/**
 * Prometheus's own `timeout` for a query: a little under ours, so Prometheus stops evaluating (and frees its
 * memory) before we give up on the answer.
 */
export function serverTimeout(timeoutMs: number): string {
  // Prometheus durations take whole numbers per unit (13.5s is refused; 13500ms is not).
  return `${Math.max(500, Math.floor(timeoutMs * 0.9))}ms`;
}

export class PrometheusClient {
  constructor(private readonly config: PrometheusConfig) {}

  get url(): string {
    return this.config.url;
  }

  async rangeQuery(query: string, start: Date, end: Date, stepSeconds: number): Promise<PromSeries[]> {
    assertBoundedRange(start, end);
    const step = Math.max(1, Math.ceil(stepSeconds), Math.ceil((end.getTime() - start.getTime()) / 1000 / MAX_RANGE_POINTS));
    const data = await this.get<{
      resultType: string;
      result: Array<{ metric: Record<string, string>; values?: Array<[number, string]> }>;
    }>('/api/v1/query_range', {
      query,
      start: seconds(start),
      end: seconds(end),
      step: String(step),
      timeout: serverTimeout(this.config.timeoutMs),
    });
    return data.result.map((r) => ({ labels: r.metric, points: toPoints(r.values ?? []) }));
  }

  async labelValues(label: string, match?: string): Promise<string[]> {
    const params: Record<string, string> = {};
    if (match) params['match[]'] = match;
    return this.get<string[]>(`/api/v1/label/${encodeURIComponent(label)}/values`, params);
  }

  async labelNames(match?: string): Promise<string[]> {
    return this.get<string[]>('/api/v1/labels', match ? { 'match[]': match } : {});
  }

  async series(match: string, start: Date, end: Date, limit: number): Promise<Array<Record<string, string>>> {
    assertBoundedRange(start, end);
    // `limit` is honoured by Prometheus ≥ 2.49 and ignored by older ones; callers cap the result either way.
    return this.get('/api/v1/series', { 'match[]': match, start: seconds(start), end: seconds(end), limit: String(limit) });
  }

  async metadata(): Promise<Record<string, Array<{ type?: string; unit?: string; help?: string }>>> {
    return this.get('/api/v1/metadata', {});
  }

  private async get<T>(pathname: string, params: Record<string, string>): Promise<T> {
    const target = `${this.config.url}${pathname}?${new URLSearchParams(params).toString()}`;
    const headers: Record<string, string> = { accept: 'application/json' };
    const { auth } = this.config;
    if (auth.kind === 'bearer') headers.authorization = `Bearer ${auth.token}`;
    if (auth.kind === 'basic') headers.authorization = `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;

    let response: Response;
    try {
      response = await fetch(target, { headers, signal: AbortSignal.timeout(this.config.timeoutMs) });
    } catch (error) {
      throw this.networkError(error);
    }
    if (response.status === 401 || response.status === 403) {
      throw new ToolInputError(
        `Prometheus at ${this.config.url} refused the request (HTTP ${response.status}: ${response.status === 401 ? 'unauthenticated' : 'forbidden'})`,
        'check PROMETHEUS_BEARER_TOKEN or PROMETHEUS_USERNAME/PROMETHEUS_PASSWORD in the server environment',
      );
    }
    let body: PromResponse<T>;
    let text = '';
    try {
      text = await response.text();
      body = JSON.parse(text) as PromResponse<T>;
    } catch (error) {
      if ((error as Error).name === 'TimeoutError') throw this.networkError(error);
      throw new ToolInputError(
        `Prometheus at ${this.config.url} answered HTTP ${response.status} with a non-JSON body: ${text.slice(0, 200)}`,
        'check that PROMETHEUS_URL points at the Prometheus server itself (no /api/v1 or /graph suffix)',
      );
    }
    if (body.status !== 'success' || !response.ok) {
      throw new ToolInputError(
        `Prometheus rejected the request: ${body.error ?? `HTTP ${response.status}`}${body.errorType ? ` (${body.errorType})` : ''}`,
        pathname.includes('query') ? 'fix the PromQL expression and call again' : 'check the arguments and call again',
      );
    }
    return body.data as T;
  }

  private networkError(error: unknown): ToolInputError {
    const e = error as Error & { cause?: { code?: string; message?: string } };
    if (e.name === 'TimeoutError' || e.name === 'AbortError') {
      return new ToolInputError(
        `Prometheus at ${this.config.url} did not answer within ${this.config.timeoutMs} ms`,
        'narrow the time window or the query, or raise PROMETHEUS_TIMEOUT_MS',
      );
    }
    const reason = e.cause?.code ?? e.cause?.message ?? e.message;
    return new ToolInputError(
      `cannot reach Prometheus at ${this.config.url} (${reason})`,
      'check PROMETHEUS_URL and that Prometheus is running and reachable from this host',
    );
  }
}

function assertBoundedRange(start: Date, end: Date): void {
  if (end.getTime() - start.getTime() > MAX_QUERY_RANGE_MS) {
    throw new ToolInputError(
      `the time window ${start.toISOString()} to ${end.toISOString()} is longer than ${MAX_QUERY_RANGE_MS / 86_400_000} days`,
      'narrow since/until to the hours around the incident',
    );
  }
}

function seconds(date: Date): string {
  return (date.getTime() / 1000).toFixed(3);
}

/** Prometheus sends values as strings, NaN and ±Inf included; JSON output can carry only finite numbers. */
function toPoints(values: Array<[number, string]>): Point[] {
  const out: Point[] = [];
  for (const [t, v] of values) {
    const n = Number(v);
    if (Number.isFinite(n)) out.push([Math.round(t * 1000), n]);
  }
  return out;
}
