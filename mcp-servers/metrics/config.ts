import { z } from 'zod';
import { resolveDataDir } from '../shared/dataset.js';
import { type LiveSwitch, liveElsewhere, noneReason } from '../shared/live-switches.js';

/** Each Prometheus request is abandoned after this long unless PROMETHEUS_TIMEOUT_MS says otherwise. */
export const DEFAULT_PROMETHEUS_TIMEOUT_MS = 15_000;

export class ConfigError extends Error {}

export interface AnomalyQuery {
  name: string;
  query: string;
  unit?: string;
}

export interface PrometheusConfig {
  url: string;
  auth: { kind: 'none' } | { kind: 'bearer'; token: string } | { kind: 'basic'; username: string; password: string };
  timeoutMs: number;
  /** Label naming the service; `job` is the fallback when a series lacks it. */
  serviceLabel: string;
  errorRateQuery?: string;
  latencyP95Query?: string;
  anomalyQueries?: AnomalyQuery[];
  /** PROMETHEUS_ALLOW_RAW_QUERY: an operator's opt-in to let the model run its own PromQL through get_metrics. */
  allowRawQuery: boolean;
  /** DATA_DIR when set explicitly: its dataset.json `now` anchors a replay against a backfilled Prometheus. */
  replayDataDir?: string;
}

export type MetricsConfig =
  | { backend: 'dataset'; dataDir: string }
  | { backend: 'prometheus'; prometheus: PrometheusConfig }
  /** No Prometheus while another server reads live systems: the tools answer "no metrics" with the reason. */
  | { backend: 'none'; reason: string };

/** This server's own live switch. */
const METRICS_SWITCHES: readonly LiveSwitch[] = ['PROMETHEUS_URL'];

const AnomalyQueriesSchema = z.array(
  z.union([z.string().min(1), z.object({ name: z.string().min(1).optional(), query: z.string().min(1), unit: z.string().optional() })]),
);

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

/**
 * PROMETHEUS_URL reads Prometheus; else the dataset, unless another server reads live systems without an explicit
 * DATA_DIR (then none). Reads the server's environment; every mistake becomes one ConfigError line naming the variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): MetricsConfig {
  const url = nonEmpty(env.PROMETHEUS_URL);
  if (!url) {
    const other = liveElsewhere(env, METRICS_SWITCHES);
    if (other) return { backend: 'none', reason: noneReason('metrics', METRICS_SWITCHES, other) };
    return { backend: 'dataset', dataDir: resolveDataDir(env) };
  }

  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError(`PROMETHEUS_URL "${redactUrl(url)}" is not a URL; expected e.g. http://localhost:9090`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new ConfigError(`PROMETHEUS_URL must be http:// or https://, got ${parsed.protocol}`);
  }

  // fetch() refuses URLs carrying credentials, so user:pass@ becomes basic auth and leaves the URL.
  const urlUser = parsed.username ? decodeURIComponent(parsed.username) : undefined;
  const urlPassword = decodeURIComponent(parsed.password);
  parsed.username = '';
  parsed.password = '';
  const token = nonEmpty(env.PROMETHEUS_BEARER_TOKEN);
  const username = nonEmpty(env.PROMETHEUS_USERNAME) ?? urlUser;
  const password = env.PROMETHEUS_PASSWORD ?? (urlUser ? urlPassword : '');
  if (token && username) throw new ConfigError('set either PROMETHEUS_BEARER_TOKEN or PROMETHEUS_USERNAME/PROMETHEUS_PASSWORD, not both');
  if (!username && nonEmpty(env.PROMETHEUS_PASSWORD)) throw new ConfigError('PROMETHEUS_PASSWORD is set but PROMETHEUS_USERNAME is not');
  const auth: PrometheusConfig['auth'] = token
    ? { kind: 'bearer', token }
    : username
      ? { kind: 'basic', username, password }
      : { kind: 'none' };

  const timeoutText = nonEmpty(env.PROMETHEUS_TIMEOUT_MS);
  const timeoutMs = timeoutText === undefined ? DEFAULT_PROMETHEUS_TIMEOUT_MS : Number(timeoutText);
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0)
    throw new ConfigError(`PROMETHEUS_TIMEOUT_MS must be a positive integer, got "${timeoutText}"`);

  const serviceLabel = nonEmpty(env.PROMETHEUS_SERVICE_LABEL) ?? 'service';
  if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(serviceLabel))
    throw new ConfigError(`PROMETHEUS_SERVICE_LABEL "${serviceLabel}" is not a label name`);

  const rawText = nonEmpty(env.PROMETHEUS_ALLOW_RAW_QUERY)?.toLowerCase();
  if (rawText !== undefined && !['true', 'false', '1', '0', 'yes', 'no'].includes(rawText))
    throw new ConfigError(`PROMETHEUS_ALLOW_RAW_QUERY must be true or false, got "${rawText}"`);
  const allowRawQuery = rawText === 'true' || rawText === '1' || rawText === 'yes';

  return {
    backend: 'prometheus',
    prometheus: {
      allowRawQuery,
      url: parsed.toString().replace(/\/+$/, ''),
      auth,
      timeoutMs,
      serviceLabel,
      errorRateQuery: nonEmpty(env.PROMQL_ERROR_RATE),
      latencyP95Query: nonEmpty(env.PROMQL_LATENCY_P95),
      anomalyQueries: parseAnomalyQueries(nonEmpty(env.PROMQL_ANOMALY_QUERIES)),
      replayDataDir: nonEmpty(env.DATA_DIR) ? resolveDataDir(env) : undefined,
    },
  };
}

function parseAnomalyQueries(text: string | undefined): AnomalyQuery[] | undefined {
  if (text === undefined) return undefined;
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(
      `PROMQL_ANOMALY_QUERIES is not JSON (${(error as Error).message}); expected ["expr", {"name": "...", "query": "..."}]`,
    );
  }
  const parsed = AnomalyQueriesSchema.safeParse(data);
  if (!parsed.success) {
    throw new ConfigError('PROMQL_ANOMALY_QUERIES must be a JSON array of PromQL strings or {"name", "query", "unit"?} objects');
  }
  return parsed.data.map((entry) =>
    typeof entry === 'string'
      ? { name: entry, query: entry }
      : { name: entry.name ?? entry.query, query: entry.query, ...(entry.unit ? { unit: entry.unit } : {}) },
  );
}

/** A URL fit for messages and logs: credentials in it (user:pass@) are replaced. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/[^/@\s]*@/, '//***@');
}
