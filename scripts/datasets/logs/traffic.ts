import type { Rng } from '../prng.js';
import type { Fields, Level, LogEvent, LogFormat } from './formats.js';

/**
 * Sampled access-log lines. Real services log every request; a dataset keeps a few per minute, enough to
 * show traffic, status mix and latency moving with the metrics without bloating the files.
 */

export interface Endpoint {
  method: string;
  /** Path template: {id} → number, {uuid}, {sku}, {slug}. */
  path: string;
  weight: number;
  /** Relative cost: this endpoint's typical latency as a multiple of the service's median. */
  cost?: number;
  /** For gateways: the service this route proxies to. */
  upstream?: string;
}

export interface Request {
  t: number;
  endpoint: Endpoint;
  path: string;
  status: number;
  durationMs: number;
  requestId: string;
}

export function fillPath(template: string, rng: Rng): string {
  return template
    .replace(/\{id\}/g, () => String(rng.int(10_000, 9_999_999)))
    .replace(/\{uuid\}/g, () => rng.uuid())
    .replace(/\{sku\}/g, () => `SKU-${rng.int(100_000, 999_999)}`)
    .replace(/\{slug\}/g, () => rng.pick(['running-shoes', 'rain-jacket', 'espresso-grinder', 'usb-c-hub', 'yoga-mat', 'desk-lamp']));
}

/** Client-side errors every service sees regardless of incidents. */
const CLIENT_ERRORS: readonly (readonly [number, number])[] = [
  [200, 930],
  [201, 20],
  [204, 10],
  [304, 8],
  [400, 9],
  [401, 10],
  [403, 3],
  [404, 12],
  [409, 2],
  [429, 1],
];

export function sampleStatus(rng: Rng, errorPct: number, serverStatuses: readonly number[]): number {
  if (rng.chance(errorPct / 100)) return rng.pick(serverStatuses);
  return rng.weighted(CLIENT_ERRORS);
}

function levelFor(status: number): Level {
  if (status >= 500) return 'error';
  if (status === 429) return 'warn';
  return 'info';
}

/** Turns a request into the access line its stack would write. */
export function accessEvent(format: LogFormat, req: Request, pkg: string | undefined, rng: Rng): LogEvent {
  const { t, endpoint, path, status, durationMs, requestId } = req;
  const level = levelFor(status);
  switch (format) {
    case 'logfmt': {
      const fields: Fields = { method: endpoint.method, path, status, duration_ms: durationMs };
      if (endpoint.upstream) fields.upstream = endpoint.upstream;
      fields.request_id = requestId.replace(/-/g, '').slice(0, 16);
      const msg = status >= 500 ? (endpoint.upstream ? 'upstream returned error' : 'request failed') : 'request completed';
      return { t, level: status >= 500 ? 'error' : level, msg, fields };
    }
    case 'nginx': {
      const http: Fields = {
        client: `${rng.pick(['203.0.113', '198.51.100', '192.0.2'])}.${rng.int(1, 254)}`,
        method: endpoint.method,
        path,
        status,
        bytes: status >= 500 ? rng.int(150, 600) : rng.int(300, 40_000),
        agent: rng.pick([
          'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X)',
          'Mozilla/5.0 (Windows NT 10.0; Win64; x64)',
          'okhttp/4.12.0',
        ]),
        rt: (durationMs / 1000).toFixed(3),
        upstream: endpoint.upstream ? `${endpoint.upstream}:8080` : '-',
      };
      return { t, level, msg: 'access', fields: { http } };
    }
    case 'envoy':
      return {
        t,
        level,
        msg: 'access',
        fields: {
          envoy: {
            method: endpoint.method,
            path,
            status,
            flags: status === 503 ? 'UH' : status === 504 ? 'UT' : status >= 500 ? 'UF' : '-',
            rx: endpoint.method === 'GET' ? 0 : rng.int(80, 900),
            tx: rng.int(60, 20_000),
            duration: durationMs,
            upstreamTime: status >= 500 ? '-' : Math.max(1, durationMs - 1),
            rid: requestId,
            authority: `${endpoint.upstream ?? 'backend'}:8080`,
            upstream: status === 503 ? '-' : `10.44.${rng.int(0, 9)}.${rng.int(2, 250)}:8080`,
          },
        },
      };
    case 'otel':
    case 'kube-events':
    case 'postgres':
    case 'postgres-session':
    case 'syslog':
    case 'syslog5424':
    case 'journald':
    case 'cri':
    case 'klog':
      return {
        t,
        level: status >= 500 ? 'error' : level,
        msg: `"${endpoint.method} ${path}" ${status} ${durationMs}ms`,
        fields: { rid: requestId.slice(0, 8) },
      };
    case 'pino':
      return {
        t,
        level,
        msg: status >= 500 ? 'request errored' : 'request completed',
        fields: {
          reqId: requestId.slice(0, 8),
          req: { method: endpoint.method, url: path },
          res: { statusCode: status },
          responseTime: durationMs,
        },
      };
    case 'json':
      return {
        t,
        level,
        logger: 'uvicorn.access',
        msg: `${rng.pick(['10.42', '10.43', '10.40'])}.${rng.int(0, 255)}.${rng.int(1, 254)}:${rng.int(30_000, 60_000)} - "${endpoint.method} ${path} HTTP/1.1" ${status}`,
        fields: { duration_ms: durationMs, request_id: requestId.replace(/-/g, '').slice(0, 16) },
      };
    default: {
      // Spring Boot services with a request-logging filter: 5xx become WARN there, the error itself is logged by the handler.
      const javaLevel: Level = status >= 500 ? 'warn' : level;
      return {
        t,
        level: javaLevel,
        logger: `${pkg ?? 'com.shop'}.web.RequestLoggingFilter`,
        msg: `${endpoint.method} ${path} -> ${status} (${durationMs} ms) rid=${requestId.slice(0, 13)}`,
      };
    }
  }
}
