import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import { metrics } from '../../observability/metrics.js';
import type { Logger } from '../worker/service.js';
import type { AlertGroups, IntakeOutcome } from './groups.js';
import {
  AlertmanagerPayload,
  describeIssue,
  fromAlertmanager,
  fromGrafana,
  GrafanaPayload,
  type WebhookGroup,
  type WebhookSource,
} from './schema.js';

/**
 * The HTTP side of the alert webhooks: bearer auth in constant time, a capped body, JSON and schema checks that
 * name the field, then one synchronous hand-over to AlertGroups, so every answer leaves within milliseconds.
 * Works as a Bolt custom route (HTTP mode) and inside the small Socket Mode listener alike.
 */

/** Largest body accepted; Alertmanager groups of hundreds of alerts stay well under it. */
export const MAX_BODY_BYTES = 1024 * 1024;
/** A sender that has not finished its body by then is cut off (slowloris). */
const BODY_TIMEOUT_MS = 10_000;
/** Bytes of an oversized body read and discarded after the 413, so the sender sees the answer; then the socket goes. */
const MAX_DISCARD_BYTES = 16 * 1024 * 1024;

const CHANNEL_ID = /^[CG][A-Z0-9]{2,}$/;

export const WEBHOOK_PATHS: Record<WebhookSource, string> = {
  alertmanager: '/alerts/alertmanager',
  grafana: '/alerts/grafana',
};
export const HEALTH_PATH = '/healthz';

/** A policy hook: true to allow posting alerts in a channel, or the reason it is refused; throws when it cannot tell. */
export type ChannelAllowed = (channel: string) => true | string | Promise<true | string>;

export interface WebhookHandlerOptions {
  token: string;
  defaultChannel?: string;
  channelAllowed?: ChannelAllowed;
  groups: Pick<AlertGroups, 'receive'>;
  logger: Logger;
  maxBodyBytes?: number;
}

export type WebhookStats = Record<IntakeOutcome | 'refused', number>;

export interface WebhookHandler {
  /** Handles one request to a webhook path (POST) or /healthz (GET); anything else is answered 404/405. */
  handle(req: IncomingMessage, res: ServerResponse): void;
  readonly stats: WebhookStats;
}

function answer(res: ServerResponse, status: number, body: Record<string, unknown>, headers: Record<string, string> = {}): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers });
  res.end(JSON.stringify(body));
}

function tokenDigest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

type BodyResult = { ok: true; body: Buffer } | { ok: false; status: number; error: string };

/** Reads at most `max` bytes; a longer body is answered 413 without buffering the rest. */
function readBody(req: IncomingMessage, max: number): Promise<BodyResult> {
  return new Promise((resolve) => {
    const declared = Number(req.headers['content-length']);
    const tooLarge: BodyResult = { ok: false, status: 413, error: `body larger than ${max} bytes` };
    let discarded = 0;
    const discard = () => {
      req.removeAllListeners('data');
      req.on('data', (chunk: Buffer) => {
        discarded += chunk.length;
        if (discarded > MAX_DISCARD_BYTES) req.destroy();
      });
      req.resume();
    };
    if (Number.isFinite(declared) && declared > max) {
      discard();
      resolve(tooLarge);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const timer = setTimeout(() => {
      if (done) return;
      done = true;
      // The 408 goes out with Connection: close, which ends the connection once it is written; destroying the
      // request here would reset the socket before the sender could read why.
      resolve({ ok: false, status: 408, error: `body not received within ${BODY_TIMEOUT_MS / 1000} s` });
    }, BODY_TIMEOUT_MS);
    timer.unref();
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > max) {
        done = true;
        clearTimeout(timer);
        chunks.length = 0;
        discard();
        resolve(tooLarge);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve({ ok: true, body: Buffer.concat(chunks) });
    });
    req.on('error', () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve({ ok: false, status: 400, error: 'the request body could not be read' });
    });
  });
}

type Parsed = { ok: true; group: WebhookGroup } | { ok: false; error: string };

/** Alertmanager and Grafana payloads nest a few levels; anything deeper is not one of theirs. */
export const MAX_JSON_DEPTH = 32;

/** Whether `body` nests objects/arrays deeper than `max`: one linear pass, strings skipped, no recursion. */
export function nestsDeeperThan(body: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < body.length; i++) {
    const char = body.charCodeAt(i);
    if (inString) {
      if (char === 0x5c)
        i += 1; // backslash: skip the escaped character
      else if (char === 0x22) inString = false;
    } else if (char === 0x22) inString = true;
    else if (char === 0x5b || char === 0x7b) {
      depth += 1;
      if (depth > max) return true;
    } else if (char === 0x5d || char === 0x7d) depth -= 1;
  }
  return false;
}

export function parsePayload(source: WebhookSource, body: string): Parsed {
  // Checked before parsing: a deeply nested value would overflow the stack of whatever walks it later (a 500).
  if (nestsDeeperThan(body, MAX_JSON_DEPTH)) {
    return { ok: false, error: `JSON nested deeper than ${MAX_JSON_DEPTH} levels: not an alert payload` };
  }
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (error) {
    // Only the position: the parser's message quotes the body, which has no place in logs.
    const position = /position (\d+)/.exec(error instanceof Error ? error.message : '')?.[1];
    return { ok: false, error: `malformed JSON${position ? ` at position ${position}` : ''}: the body must be one JSON object` };
  }
  const schema: z.ZodType = source === 'alertmanager' ? AlertmanagerPayload : GrafanaPayload;
  const result = schema.safeParse(json);
  if (!result.success) return { ok: false, error: describeIssue(result.error) };
  return {
    ok: true,
    group:
      source === 'alertmanager'
        ? fromAlertmanager(result.data as z.infer<typeof AlertmanagerPayload>)
        : fromGrafana(result.data as z.infer<typeof GrafanaPayload>),
  };
}

export function createWebhookHandler(options: WebhookHandlerOptions): WebhookHandler {
  const expected = tokenDigest(options.token);
  const maxBody = options.maxBodyBytes ?? MAX_BODY_BYTES;
  const stats: WebhookStats = { started: 0, updated: 0, unchanged: 0, ignored: 0, busy: 0, refused: 0 };
  const sources = new Map<string, WebhookSource>(Object.entries(WEBHOOK_PATHS).map(([source, path]) => [path, source as WebhookSource]));

  const refuse = (req: IncomingMessage, res: ServerResponse, status: number, error: string, headers?: Record<string, string>) => {
    stats.refused += 1;
    options.logger.warn(`alert webhook ${req.method} ${new URL(req.url ?? '/', 'http://localhost').pathname}: ${status} ${error}`);
    // Whatever the sender still sends is read and dropped, so it gets to read this answer.
    req.resume();
    answer(res, status, { ok: false, error }, headers);
  };

  const authorised = (req: IncomingMessage): boolean => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
    // Digests have a fixed length, so the comparison takes the same time whatever was sent.
    return timingSafeEqual(tokenDigest(match?.[1] ?? ''), expected) && match !== null;
  };

  async function receive(source: WebhookSource, url: URL, req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!authorised(req)) {
      refuse(req, res, 401, 'missing or wrong bearer token (Authorization: Bearer <ALERT_WEBHOOK_TOKEN>)', {
        'www-authenticate': 'Bearer realm="incidentpilot-alerts"',
      });
      return;
    }
    const requested = url.searchParams.get('channel')?.trim();
    const channel = requested || options.defaultChannel;
    if (!channel) {
      refuse(req, res, 400, 'no channel: set ALERT_WEBHOOK_CHANNEL or add ?channel=C… to the webhook URL');
      return;
    }
    if (!CHANNEL_ID.test(channel)) {
      refuse(req, res, 400, 'channel: expected a channel id such as C0123ABCD (channel details in Slack → About → Channel ID)');
      return;
    }
    let allowed: true | string;
    try {
      allowed = await (options.channelAllowed?.(channel) ?? true);
    } catch {
      refuse(req, res, 503, `could not check channel ${channel} with Slack; retry later`, { 'retry-after': '30' });
      return;
    }
    if (allowed !== true) {
      refuse(req, res, 403, `channel ${channel} is not allowed: ${allowed}`);
      return;
    }
    const body = await readBody(req, maxBody);
    if (!body.ok) {
      refuse(req, res, body.status, body.error, body.status === 413 || body.status === 408 ? { connection: 'close' } : {});
      return;
    }
    const parsed = parsePayload(source, body.body.toString('utf8'));
    if (!parsed.ok) {
      refuse(req, res, 400, parsed.error);
      return;
    }
    let outcome: IntakeOutcome;
    try {
      outcome = await options.groups.receive(parsed.group, channel);
    } catch (error) {
      // The state store is unreachable (claims and groups live there): the sender keeps the alert and retries.
      options.logger.error(`alert webhook not taken: ${error instanceof Error ? error.message : String(error)}`);
      answer(res, 503, { ok: false, error: 'temporarily unavailable; retry later' }, { 'retry-after': '30' });
      return;
    }
    stats[outcome] += 1;
    if (outcome === 'busy') {
      answer(res, 503, { ok: false, error: 'the analysis queue is full; retry later' }, { 'retry-after': '60' });
      return;
    }
    answer(res, outcome === 'started' ? 202 : 200, { ok: true, outcome });
  }

  return {
    stats,
    handle(req, res) {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (url.pathname === HEALTH_PATH) {
        if (req.method === 'GET' || req.method === 'HEAD') answer(res, 200, { ok: true });
        else refuse(req, res, 405, 'use GET', { allow: 'GET' });
        return;
      }
      // Every delivery counted by the status it was answered with (/metrics).
      res.once('finish', () => metrics.webhookDelivery(res.statusCode));
      const source = sources.get(url.pathname);
      if (!source) {
        refuse(req, res, 404, `no such path; alerts go to ${Object.values(WEBHOOK_PATHS).join(' or ')}`);
        return;
      }
      // Grafana's contact point may be set to PUT; Alertmanager always POSTs.
      if (req.method !== 'POST' && req.method !== 'PUT') {
        refuse(req, res, 405, 'use POST', { allow: 'POST, PUT' });
        return;
      }
      receive(source, url, req, res).catch((error: unknown) => {
        options.logger.error(`alert webhook failed: ${error instanceof Error ? error.message : String(error)}`);
        answer(res, 500, { ok: false, error: 'internal error' });
      });
    },
  };
}
