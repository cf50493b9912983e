import { STATUS_CODES } from 'node:http';
import type { LogLevel } from '../schemas.js';
import { normalizeLevel } from './levels.js';
import { monthIndex, utcMs } from './time.js';
import type { ParsedHead } from './types.js';

/**
 * Web server logs: nginx/Apache access logs (common and combined, with whatever extra fields a site appends) and the
 * nginx error log. An access line has no level of its own: the status decides (5xx error, 4xx warn).
 */

/** `client ident user [10/Oct/2000:13:55:36 -0700] "request" status bytes` then, in combined, referer and agent. */
const ACCESS =
  /^(\S{1,255}) (\S{1,255}) (\S{1,255}) \[(\d{2})\/(\w{3})\/(\d{4}):(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))? ([+-]\d{4})\] "((?:[^"\\]|\\.){0,8192})" (\d{3}) (\d+|-)/;
/** Upstream address fields sites add to log_format: upstream=…, upstream_addr="…", ua="…". */
const UPSTREAM = /\bupstream(?:_addr)?[=:]\s*"?([^"\s,]+)/;
/** nginx `$upstream_addr` appended bare at the end of the line, as a quoted or plain host:port. */
const TRAILING_ADDR = /"?((?:\d{1,3}\.){3}\d{1,3}:\d{1,5}|\[[0-9a-f:]+\]:\d{1,5}|[a-z][\w.-]{0,200}:\d{1,5})"?\s*$/i;

export function levelForStatus(status: number): LogLevel {
  if (status >= 500) return 'error';
  if (status >= 400) return 'warn';
  return 'info';
}

export function parseAccessLine(line: string): ParsedHead | null {
  const m = ACCESS.exec(line);
  if (!m) return null;
  const month = monthIndex(m[5] ?? '');
  if (month === undefined) return null;
  const time = utcMs(Number(m[6]), month, Number(m[4]), Number(m[7]), Number(m[8]), Number(m[9]), m[10], m[11]);
  if (time === null) return null;
  const status = Number(m[13]);
  const tail = line.slice(m[0].length);
  const upstream = UPSTREAM.exec(tail)?.[1] ?? TRAILING_ADDR.exec(tail)?.[1];
  const request = m[12] ?? '';
  // Signatures mask numbers and paths: the reason phrase keeps 502 apart from 504, and the route (no leading slash,
  // no query) keeps its shape (`api/orders/<n>/pay`) where the request's path becomes `<path>`.
  const reason = STATUS_CODES[status];
  const route = routeOf(request);
  const message = `${request} ${status}${reason ? ` ${reason}` : ''}${route ? ` route=${route}` : ''}${upstream && upstream !== '-' ? ` upstream=${upstream}` : ''}`;
  const host = upstream ? upstreamHost(upstream) : undefined;
  return { time, level: levelForStatus(status), service: null, message, ...(host ? { upstream: host } : {}) };
}

/** `checkout:8080`, `http://checkout.shop.svc:8080` → `checkout`; an address (`10.0.3.7:8080`) names no service. */
function upstreamHost(upstream: string): string | undefined {
  const host = upstream.replace(/^[a-z]+:\/\//i, '').replace(/[:/].*$/, '');
  if (!/^[a-z][a-z\d-]{0,62}(?:\.[a-z\d-]{1,63})*$/i.test(host)) return undefined;
  return host.split('.')[0];
}

/** Segments of a route kept: enough for an endpoint's shape, bounded for a crafted request line. */
const MAX_ROUTE_SEGMENTS = 8;
const REQUEST_PATH = /^[A-Z]{3,10} \/([^\s?#]{0,2048})/;

/** `POST /api/orders/123/pay?x=1 HTTP/1.1` → `api/orders/123/pay`; undefined for `/` or a line with no request. */
function routeOf(request: string): string | undefined {
  const path = REQUEST_PATH.exec(request)?.[1];
  if (!path) return undefined;
  return path.split('/').filter(Boolean).slice(0, MAX_ROUTE_SEGMENTS).join('/') || undefined;
}

/** nginx error log: `2024/12/10 13:00:01 [error] 1234#1234: *5 connect() failed … upstream: "http://…"`. */
const NGINX_ERROR = /^(\d{4})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2}):(\d{2}) \[(\w+)\] (?:\d+#\d+: )?(?:\*\d+ )?/;

export function parseNginxErrorLine(line: string): ParsedHead | null {
  const m = NGINX_ERROR.exec(line);
  if (!m) return null;
  const level = normalizeLevel(m[7] ?? '');
  if (level === null) return null;
  const time = utcMs(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
  if (time === null) return null;
  return { time, level, service: null, message: line.slice(m[0].length) };
}
