import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { DEFAULT_CALL_TIMEOUT_MS, type HttpAuth, type HttpTarget } from './http.js';

/**
 * Which store the logs server reads, from the environment: LOGS_BACKEND, or inferred from the one store variable
 * that is set. Every mistake is a BackendConfigError naming the variable (the stdio entry exits 2 with it).
 */

export class BackendConfigError extends Error {}

export const BACKENDS = ['files', 'loki', 'elasticsearch', 'journald'] as const;
export type BackendKind = (typeof BACKENDS)[number];

export interface LokiConfig {
  kind: 'loki';
  target: HttpTarget;
  /** LOKI_SELECTOR without its braces: matchers added to every query. */
  selector: string[];
  serviceLabel?: string | undefined;
  timeoutMs: number;
}

export interface ElasticsearchConfig {
  kind: 'elasticsearch';
  target: HttpTarget;
  index: string;
  fields?: Partial<Record<'time' | 'message' | 'level' | 'service' | 'host' | 'stack', string>> | undefined;
  timeoutMs: number;
}

export interface JournaldConfig {
  kind: 'journald';
  path: string;
  /** The journalctl to run (JOURNALCTL; default the one on PATH), and extra environment for it (its libraries). */
  journalctl: string;
  timeoutMs: number;
}

export type BackendConfig = { kind: 'files' } | LokiConfig | ElasticsearchConfig | JournaldConfig;

/** Variables whose presence picks a backend when LOGS_BACKEND is unset. */
const INFERRED: [string, BackendKind][] = [
  ['LOKI_URL', 'loki'],
  ['ELASTICSEARCH_URL', 'elasticsearch'],
  ['JOURNAL_PATH', 'journald'],
];

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

export function backendFromEnv(env: NodeJS.ProcessEnv = process.env): BackendConfig {
  const named = nonEmpty(env.LOGS_BACKEND)?.toLowerCase();
  let kind: BackendKind;
  if (named) {
    if (!(BACKENDS as readonly string[]).includes(named))
      throw new BackendConfigError(`LOGS_BACKEND must be one of ${BACKENDS.join(', ')}, got "${named}"`);
    kind = named as BackendKind;
  } else {
    const set = INFERRED.filter(([variable]) => nonEmpty(env[variable]));
    if (set.length > 1)
      throw new BackendConfigError(
        `${set.map(([v]) => v).join(' and ')} are both set: set LOGS_BACKEND to choose one, or run one logs server per store`,
      );
    kind = set[0]?.[1] ?? 'files';
  }
  const timeoutMs = positiveInt(env, 'LOGS_TIMEOUT_MS') ?? DEFAULT_CALL_TIMEOUT_MS;
  if (kind === 'files') return { kind };
  if (kind === 'journald') {
    const path = nonEmpty(env.JOURNAL_PATH);
    if (!path)
      throw new BackendConfigError(
        'LOGS_BACKEND=journald needs JOURNAL_PATH (a journal folder such as /var/log/journal, or a .journal file)',
      );
    return { kind, path, journalctl: nonEmpty(env.JOURNALCTL) ?? 'journalctl', timeoutMs };
  }
  if (kind === 'loki') return lokiConfig(env, timeoutMs);
  return elasticsearchConfig(env, timeoutMs);
}

function lokiConfig(env: NodeJS.ProcessEnv, timeoutMs: number): LokiConfig {
  const token = nonEmpty(env.LOKI_TOKEN);
  const auth = authFrom(env, 'LOKI', token ? { kind: 'bearer', token } : undefined, 'LOKI_TOKEN');
  const url = storeUrl(env, 'LOKI_URL', auth);
  const tenant = nonEmpty(env.LOKI_TENANT);
  const serviceLabel = nonEmpty(env.LOKI_SERVICE_LABEL);
  if (serviceLabel !== undefined && !/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(serviceLabel))
    throw new BackendConfigError(`LOKI_SERVICE_LABEL "${serviceLabel}" is not a label name`);
  return {
    kind: 'loki',
    target: {
      name: 'Loki',
      url,
      auth,
      ...(tenant ? { headers: { 'X-Scope-OrgID': tenant } } : {}),
      ca: caFile(env),
      credentialHint: 'LOKI_TOKEN or LOKI_USERNAME/LOKI_PASSWORD (and LOKI_TENANT)',
      urlVariable: 'LOKI_URL',
    },
    selector: parseSelector(nonEmpty(env.LOKI_SELECTOR)),
    serviceLabel,
    timeoutMs,
  };
}

function elasticsearchConfig(env: NodeJS.ProcessEnv, timeoutMs: number): ElasticsearchConfig {
  const key = nonEmpty(env.ELASTICSEARCH_API_KEY);
  const auth = authFrom(env, 'ELASTICSEARCH', key ? { kind: 'apiKey', key } : undefined, 'ELASTICSEARCH_API_KEY');
  const url = storeUrl(env, 'ELASTICSEARCH_URL', auth);
  const fieldsText = nonEmpty(env.ELASTICSEARCH_FIELDS);
  let fields: ElasticsearchConfig['fields'];
  if (fieldsText) {
    let data: unknown;
    try {
      data = JSON.parse(fieldsText);
    } catch (error) {
      throw new BackendConfigError(`ELASTICSEARCH_FIELDS is not JSON (${(error as Error).message})`);
    }
    const keys = ['time', 'message', 'level', 'service', 'host', 'stack'];
    if (typeof data !== 'object' || data === null || Array.isArray(data))
      throw new BackendConfigError(`ELASTICSEARCH_FIELDS must be a JSON object with some of ${keys.join(', ')}`);
    for (const [k, v] of Object.entries(data)) {
      if (!keys.includes(k) || typeof v !== 'string' || v === '')
        throw new BackendConfigError(`ELASTICSEARCH_FIELDS: "${k}" is not one of ${keys.join(', ')} with a field name as value`);
    }
    fields = data as ElasticsearchConfig['fields'];
  }
  const index = nonEmpty(env.ELASTICSEARCH_INDEX) ?? 'logs-*';
  if (/[\s"\\/?#]/.test(index)) throw new BackendConfigError(`ELASTICSEARCH_INDEX "${index}" is not an index pattern`);
  return {
    kind: 'elasticsearch',
    target: {
      name: 'Elasticsearch',
      url,
      auth,
      ca: caFile(env),
      credentialHint: 'ELASTICSEARCH_API_KEY or ELASTICSEARCH_USERNAME/ELASTICSEARCH_PASSWORD',
      urlVariable: 'ELASTICSEARCH_URL',
    },
    index,
    fields,
    timeoutMs,
  };
}

function authFrom(env: NodeJS.ProcessEnv, prefix: string, tokenAuth: HttpAuth | undefined, tokenVariable: string): HttpAuth {
  const username = nonEmpty(env[`${prefix}_USERNAME`]);
  const password = env[`${prefix}_PASSWORD`] ?? '';
  if (tokenAuth && username) throw new BackendConfigError(`set either ${tokenVariable} or ${prefix}_USERNAME/${prefix}_PASSWORD, not both`);
  if (!username && password) throw new BackendConfigError(`${prefix}_PASSWORD is set but ${prefix}_USERNAME is not`);
  if (tokenAuth) return tokenAuth;
  return username ? { kind: 'basic', username, password } : { kind: 'none' };
}

/**
 * The store's base URL. No scheme means https; credentials in the URL are refused (they would end up in messages);
 * plain http to anything but this host with credentials is refused too, since they would cross the network in clear.
 */
function storeUrl(env: NodeJS.ProcessEnv, variable: string, auth: HttpAuth): string {
  const text = nonEmpty(env[variable]);
  if (!text) throw new BackendConfigError(`${variable} is not set`);
  let parsed: URL;
  try {
    parsed = new URL(/^[a-z][a-z\d+.-]*:\/\//i.test(text) ? text : `https://${text}`);
  } catch {
    throw new BackendConfigError(`${variable} is not a URL; expected e.g. https://logs.example.com`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    throw new BackendConfigError(`${variable} must be http:// or https://, got ${parsed.protocol}`);
  if (parsed.username || parsed.password)
    throw new BackendConfigError(`${variable} must not carry credentials; use the _USERNAME/_PASSWORD or token variables`);
  if (parsed.protocol === 'http:' && auth.kind !== 'none' && !isLoopback(parsed.hostname))
    throw new BackendConfigError(
      `${variable} is plain http:// to ${parsed.hostname} while credentials are set: use https:// (LOGS_CA_FILE for a private CA)`,
    );
  return parsed.toString().replace(/\/+$/, '');
}

export function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '');
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}

function caFile(env: NodeJS.ProcessEnv): Buffer | undefined {
  const file = nonEmpty(env.LOGS_CA_FILE);
  if (!file) return undefined;
  try {
    return readFileSync(file);
  } catch (error) {
    throw new BackendConfigError(`LOGS_CA_FILE ${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

/** `{cluster="prod", ns=~"shop-.*"}` → its matchers; a selector that is not one set of braces is refused. */
export function parseSelector(text: string | undefined): string[] {
  if (!text) return [];
  const inner = /^\{(.*)\}$/s.exec(text.trim())?.[1];
  if (inner === undefined)
    throw new BackendConfigError(`LOKI_SELECTOR must be a stream selector in braces, e.g. {cluster="prod"}, got ${text}`);
  const matchers: string[] = [];
  const re = /\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*("(?:[^"\\]|\\.)*"|`[^`]*`)\s*(,|$)/gy;
  let m: RegExpExecArray | null = re.exec(inner);
  while (m) {
    matchers.push(`${m[1]}${m[2]}${m[3]}`);
    if (re.lastIndex >= inner.length) break;
    m = re.exec(inner);
  }
  if (matchers.length === 0 || re.lastIndex < inner.length)
    throw new BackendConfigError(`LOKI_SELECTOR ${text} is not a list of label matchers such as {cluster="prod", namespace=~"shop-.*"}`);
  return matchers;
}

function positiveInt(env: NodeJS.ProcessEnv, variable: string): number | undefined {
  const text = nonEmpty(env[variable]);
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0) throw new BackendConfigError(`${variable} must be a positive integer, got "${text}"`);
  return n;
}
