import type { LogLevel } from '../schemas.js';
import { ISO_PREFIX, isoMatchMs } from './time.js';
import type { ParsedHead } from './types.js';

/**
 * Envoy's default access log format (and Istio's, which extends it):
 * `[START_TIME] "METHOD PATH PROTOCOL" CODE FLAGS [DETAILS …] BYTES_IN BYTES_OUT DURATION UPSTREAM_TIME "XFF" "UA"
 * "REQUEST_ID" "AUTHORITY" "UPSTREAM_HOST" [UPSTREAM_CLUSTER …]`. 5xx and failure flags (no healthy upstream,
 * connection failure, timeout, overflow) are errors, 4xx warnings; the message names the upstream, so the service
 * that failed shows in the error signature.
 */

/** Bounded pieces only: no nested quantifiers, so a hostile line cannot make it backtrack. */
const ENVOY =
  /^\[([^\]]{10,40})\] "([A-Z]{3,10}) (\S{1,4096}) ([A-Z0-9./]{1,16})" (\d{1,3}) ([A-Z,]{1,40}|-) (?:(\S{1,64}) (?:\S{1,64} )?"([^"]{0,512})" )?[^"]{0,200}"([^"]{0,1024})" "([^"]{0,1024})" "([^"]{0,128})" "([^"]{0,512})" "([^"]{0,512})"(?: (\S{1,512}))?/;

/** Response flags that mean the proxy could not get an answer from the upstream. */
const FLAG_MEANING: Record<string, string> = {
  UH: 'no healthy upstream',
  UF: 'upstream connection failure',
  UO: 'upstream overflow (circuit breaker)',
  NR: 'no route',
  URX: 'upstream retry limit exceeded',
  UT: 'upstream request timeout',
  UC: 'upstream connection termination',
  LR: 'connection local reset',
  UR: 'upstream remote reset',
  DC: 'downstream connection termination',
  RL: 'rate limited',
  UAEX: 'unauthorized (external auth)',
  DPE: 'downstream protocol error',
  UPE: 'upstream protocol error',
  SI: 'stream idle timeout',
};

export function parseEnvoyLine(line: string): ParsedHead | null {
  const m = ENVOY.exec(line);
  if (!m) return null;
  const iso = ISO_PREFIX.exec(m[1]!);
  const time = iso ? isoMatchMs(iso) : null;
  const status = Number(m[5]);
  const flags = m[6] === '-' ? [] : m[6]!.split(',');
  const authority = m[12] ?? '-';
  const upstreamHost = m[13] ?? '-';
  const cluster = m[14];
  const failure = m[8] && m[8] !== '-' ? m[8] : '';
  const meaning = [...flags.map((flag) => FLAG_MEANING[flag] ?? flag), failure].filter(Boolean).join(', ');
  const level: LogLevel = status >= 500 || (status === 0 && flags.length > 0) ? 'error' : status >= 400 ? 'warn' : 'info';
  const upstream = [
    authority !== '-' ? authority : '',
    upstreamHost !== '-' ? `(${upstreamHost})` : '',
    cluster && cluster !== '-' ? `cluster ${cluster}` : '',
  ]
    .filter(Boolean)
    .join(' ');
  const message = `"${m[2]} ${m[3]} ${m[4]}" ${status}${meaning ? ` ${meaning}` : ''}${upstream ? ` upstream ${upstream}` : ''}`;
  return { time, level, service: null, message };
}
