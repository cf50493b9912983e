import { createHmac } from 'node:crypto';

/** Slack's request signing: `v0=` + HMAC-SHA256(signing secret, `v0:{timestamp}:{raw body}`). */
export function sign(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export interface SignedPost {
  status: number;
  body: string;
}

/** POSTs to a Bolt HTTP endpoint exactly as Slack does, signed (or deliberately mis-signed). */
export async function postSigned(
  url: string,
  body: string,
  options: {
    secret: string;
    contentType: 'application/json' | 'application/x-www-form-urlencoded';
    retryNum?: number;
    badSignature?: boolean;
  },
): Promise<SignedPost> {
  const timestamp = Math.floor(Date.now() / 1000);
  const signature = options.badSignature ? sign(`${options.secret}-wrong`, timestamp, body) : sign(options.secret, timestamp, body);
  const headers: Record<string, string> = {
    'content-type': options.contentType,
    'x-slack-request-timestamp': String(timestamp),
    'x-slack-signature': signature,
  };
  if (options.retryNum !== undefined) {
    headers['x-slack-retry-num'] = String(options.retryNum);
    headers['x-slack-retry-reason'] = 'http_timeout';
  }
  const response = await fetch(url, { method: 'POST', headers, body });
  return { status: response.status, body: await response.text() };
}

/** Slash commands and interactive payloads are form-encoded; interactive ones as a single `payload` field. */
export function formBody(fields: Record<string, unknown>): string {
  return new URLSearchParams(Object.entries(fields).map(([key, value]) => [key, String(value)] as [string, string])).toString();
}
