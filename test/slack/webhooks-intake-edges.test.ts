import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { metrics } from '../../src/observability/metrics.js';
import type { IntakeOutcome } from '../../src/slack/webhooks/groups.js';
import {
  type ChannelAllowed,
  createWebhookHandler,
  MAX_JSON_DEPTH,
  nestsDeeperThan,
  parsePayload,
  type WebhookHandler,
} from '../../src/slack/webhooks/http.js';
import type { WebhookGroup } from '../../src/slack/webhooks/schema.js';

/**
 * The webhook intake at its edges (issue 30), over a real loopback HTTP server: the body cap exactly at its limit and
 * one byte past it, declared and chunked, the total across chunks; each answer's status and headers; each outcome.
 */

const TOKEN = 'webhook-token-0123456789abcdef';
const LIMIT = 4096;

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Record<string, unknown>;
}

let server: Server | undefined;
afterEach(async () => {
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
});

async function start(
  options: { outcome?: IntakeOutcome; channelAllowed?: ChannelAllowed; defaultChannel?: string; failReceive?: boolean } = {},
) {
  const received: { group: WebhookGroup; channel: string }[] = [];
  const warnings: string[] = [];
  const errors: string[] = [];
  const handler: WebhookHandler = createWebhookHandler({
    token: TOKEN,
    maxBodyBytes: LIMIT,
    defaultChannel: options.defaultChannel ?? 'C0ALERTS',
    ...(options.channelAllowed ? { channelAllowed: options.channelAllowed } : {}),
    groups: {
      async receive(group, channel) {
        if (options.failReceive) throw new Error('store is gone');
        received.push({ group, channel });
        return options.outcome ?? 'started';
      },
    },
    logger: { debug() {}, info() {}, warn: (line: string) => warnings.push(line), error: (line: string) => errors.push(line) },
  });
  server = createServer((req, res) => handler.handle(req, res));
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  /** One request; `chunks` are written one by one without a Content-Length (chunked), unless `declare` is set. */
  function send(
    path: string,
    chunks: (string | Buffer)[],
    { method = 'POST', headers = { authorization: `Bearer ${TOKEN}` } as Record<string, string>, declare = false, hold = false } = {},
  ): Promise<Reply> {
    return new Promise((resolve, reject) => {
      const length = chunks.reduce((sum, chunk) => sum + Buffer.byteLength(chunk), 0);
      const req = request(
        { host: '127.0.0.1', port, path, method, headers: { ...headers, ...(declare ? { 'content-length': String(length) } : {}) } },
        (res) => {
          const parts: Buffer[] = [];
          res.on('data', (part: Buffer) => parts.push(part));
          res.on('end', () => {
            const text = Buffer.concat(parts).toString('utf8');
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text ? JSON.parse(text) : {} });
          });
        },
      );
      // The server may answer (413) and close before the whole body is written; the answer is what counts.
      req.on('error', reject);
      for (const chunk of chunks) req.write(chunk);
      // A held request never finishes its body (a slowloris sender): the server has to cut it off.
      if (!hold) req.end();
    });
  }
  return { handler, received, warnings, errors, send };
}

const payload = (padding = 0) =>
  JSON.stringify({
    receiver: 'incidentpilot',
    status: 'firing',
    alerts: [{ status: 'firing', labels: { alertname: 'DiskFull' }, startsAt: '2026-03-01T10:00:00Z', fingerprint: 'fp1' }],
    pad: 'x'.repeat(padding),
  });

/** A valid Alertmanager payload of exactly `bytes` bytes. */
function payloadOf(bytes: number): string {
  const body = payload(bytes - payload(0).length);
  expect(Buffer.byteLength(body)).toBe(bytes);
  return body;
}

function split(body: string, parts: number): string[] {
  const size = Math.ceil(body.length / parts);
  return Array.from({ length: parts }, (_, i) => body.slice(i * size, (i + 1) * size));
}

describe('the body cap', () => {
  it('a body of exactly the cap is taken; one byte more is refused 413 with Connection: close, declared or not', async () => {
    const h = await start();
    for (const declare of [true, false]) {
      const fits = await h.send('/alerts/alertmanager', [payloadOf(LIMIT)], { declare });
      expect(fits.status, `declared ${declare}`).toBe(202);
      const over = await h.send('/alerts/alertmanager', [payloadOf(LIMIT + 1)], { declare });
      expect(over.status, `declared ${declare}`).toBe(413);
      expect(over.headers.connection).toBe('close');
      expect(over.body).toEqual({ ok: false, error: `body larger than ${LIMIT} bytes` });
    }
    expect(h.received).toHaveLength(2);
    expect(h.handler.stats).toMatchObject({ started: 2, refused: 2 });
  });

  it('a declared length over the cap is refused at once, before the body arrives; the cap itself is waited for', async () => {
    const h = await start();
    const declared = (length: number) => ({ authorization: `Bearer ${TOKEN}`, 'content-length': String(length) });
    const early = await h.send('/alerts/alertmanager', ['{"alerts"'], { headers: declared(LIMIT + 1), hold: true });
    expect(early).toMatchObject({ status: 413, headers: { connection: 'close' } });
    // Declaring exactly the cap is fine: the server reads on, and answers once the body is complete.
    const body = payloadOf(LIMIT);
    expect((await h.send('/alerts/alertmanager', [body], { headers: declared(LIMIT) })).status).toBe(202);
  });

  it('the cap counts the whole body across chunks, not the largest chunk', async () => {
    const h = await start();
    const fits = await h.send('/alerts/alertmanager', split(payloadOf(LIMIT), 4));
    expect(fits.status).toBe(202);
    // Every chunk is well under the cap; together they are one byte over it.
    const over = await h.send('/alerts/alertmanager', split(payloadOf(LIMIT + 1), 4));
    expect(over.status).toBe(413);
    expect(h.received).toHaveLength(1);
  });

  it('the default cap is 1 MiB', async () => {
    const handler = createWebhookHandler({
      token: TOKEN,
      defaultChannel: 'C0ALERTS',
      groups: { receive: async () => 'started' as const },
      logger: { debug() {}, info() {}, warn() {}, error() {} },
    });
    server = createServer((req, res) => handler.handle(req, res));
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const post = (body: string) =>
      fetch(`http://127.0.0.1:${port}/alerts/alertmanager`, { method: 'POST', body, headers: { authorization: `Bearer ${TOKEN}` } });
    expect((await post(payloadOf(1024 * 1024))).status).toBe(202);
    expect((await post(payloadOf(1024 * 1024 + 1))).status).toBe(413);
  });
});

describe('a slow sender', () => {
  it('a body not finished within 10 s is answered 408; 1 ms earlier it still waits', async () => {
    const h = await start();
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const reply = h.send('/alerts/alertmanager', [payload().slice(0, 20)], { hold: true });
      // vi.waitFor would advance the fake clock itself; the request reaches the body timer within a few turns.
      for (let turn = 0; turn < 1000 && vi.getTimerCount() === 0; turn++) await new Promise((resolve) => setImmediate(resolve));
      expect(vi.getTimerCount()).toBe(1);
      let answered = false;
      void reply.then(() => {
        answered = true;
      });
      await vi.advanceTimersByTimeAsync(9_999);
      await new Promise((resolve) => setImmediate(resolve));
      expect(answered).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      expect(await reply).toMatchObject({
        status: 408,
        headers: { connection: 'close' },
        body: { error: 'body not received within 10 s' },
      });
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('bearer token', () => {
  it('the scheme is case-insensitive and trailing space is fine; anything else is 401 with WWW-Authenticate', async () => {
    const h = await start();
    for (const authorization of [`Bearer ${TOKEN}`, `bearer ${TOKEN}`, `BEARER  ${TOKEN}  `]) {
      expect((await h.send('/alerts/alertmanager', [payload()], { headers: { authorization } })).status, authorization).toBe(202);
    }
    for (const authorization of ['', 'Bearer', 'Bearer ', `Bearer ${TOKEN}x`, `Bearer ${TOKEN} extra`, `Token ${TOKEN}`, TOKEN]) {
      const refused = await h.send('/alerts/alertmanager', [payload()], { headers: { authorization } });
      expect(refused.status, authorization).toBe(401);
      expect(refused.headers['www-authenticate']).toBe('Bearer realm="incidentpilot-alerts"');
    }
    expect(h.received).toHaveLength(3);
  });

  it('an empty token is never accepted, even by a handler configured with an empty one', async () => {
    const handler = createWebhookHandler({
      token: '',
      defaultChannel: 'C0ALERTS',
      groups: { receive: async () => 'started' as const },
      logger: { debug() {}, info() {}, warn() {}, error() {} },
    });
    server = createServer((req, res) => handler.handle(req, res));
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    for (const authorization of ['', 'Bearer ']) {
      const res = await fetch(`http://127.0.0.1:${port}/alerts/alertmanager`, {
        method: 'POST',
        body: payload(),
        headers: { authorization },
      });
      expect(res.status).toBe(401);
    }
  });
});

describe('channel', () => {
  it('?channel= (trimmed) wins over the default; without either it is 400; a name is 400', async () => {
    const h = await start();
    expect((await h.send('/alerts/alertmanager?channel=%20C0OTHER%20', [payload()])).status).toBe(202);
    expect((await h.send('/alerts/alertmanager?channel=', [payload()])).status).toBe(202);
    expect(h.received.map((r) => r.channel)).toEqual(['C0OTHER', 'C0ALERTS']);
    const named = await h.send('/alerts/alertmanager?channel=general', [payload()]);
    expect(named).toMatchObject({ status: 400, body: { error: expect.stringMatching(/^channel: expected a channel id/) } });

    const none = await start({ defaultChannel: '' });
    const missing = await none.send('/alerts/alertmanager', [payload()]);
    expect(missing).toMatchObject({ status: 400, body: { error: expect.stringMatching(/^no channel: set ALERT_WEBHOOK_CHANNEL/) } });
    expect(none.received).toEqual([]);
  });

  it('the policy hook: a reason is 403 naming it, a failure is 503 with Retry-After: 30, true lets it in', async () => {
    const h = await start({
      channelAllowed: async (channel) => {
        if (channel === 'C0BROKEN') throw new Error('conversations.info: ratelimited');
        return channel === 'C0FORBIDDEN' ? 'not in ALLOWED_CHANNELS' : true;
      },
    });
    const forbidden = await h.send('/alerts/alertmanager?channel=C0FORBIDDEN', [payload()]);
    expect(forbidden).toMatchObject({ status: 403, body: { error: 'channel C0FORBIDDEN is not allowed: not in ALLOWED_CHANNELS' } });
    const broken = await h.send('/alerts/alertmanager?channel=C0BROKEN', [payload()]);
    expect(broken).toMatchObject({ status: 503, headers: { 'retry-after': '30' } });
    expect((await h.send('/alerts/alertmanager?channel=C0FINE', [payload()])).status).toBe(202);
    expect(h.received.map((r) => r.channel)).toEqual(['C0FINE']);
    expect(h.warnings.filter((w) => w.startsWith('alert webhook POST /alerts/alertmanager: 403'))).toHaveLength(1);
  });
});

describe('answers', () => {
  it('each outcome has its status: started 202, the rest 200, busy 503 with Retry-After: 60; each is counted', async () => {
    const expected: [IntakeOutcome, number][] = [
      ['started', 202],
      ['updated', 200],
      ['unchanged', 200],
      ['ignored', 200],
      ['busy', 503],
    ];
    for (const [outcome, status] of expected) {
      const h = await start({ outcome });
      const reply = await h.send('/alerts/alertmanager', [payload()]);
      expect(reply.status, outcome).toBe(status);
      if (outcome === 'busy') {
        expect(reply.headers['retry-after']).toBe('60');
        expect(reply.body).toEqual({ ok: false, error: 'the analysis queue is full; retry later' });
      } else expect(reply.body).toEqual({ ok: true, outcome });
      expect(h.handler.stats[outcome]).toBe(1);
      expect(h.handler.stats.refused).toBe(0);
      await new Promise((resolve) => server?.close(resolve));
      server = undefined;
    }
  });

  it('both sources reach the groups as their own kind; PUT works as POST; other methods are 405', async () => {
    const h = await start();
    expect((await h.send('/alerts/grafana', [payload()], { method: 'PUT' })).status).toBe(202);
    expect((await h.send('/alerts/alertmanager', [payload()])).status).toBe(202);
    expect(h.received.map((r) => r.group.source)).toEqual(['grafana', 'alertmanager']);
    const get = await h.send('/alerts/alertmanager', [], { method: 'GET' });
    expect(get).toMatchObject({ status: 405, headers: { allow: 'POST, PUT' } });
    const elsewhere = await h.send('/alerts/other', [payload()]);
    expect(elsewhere).toMatchObject({ status: 404, body: { error: expect.stringContaining('/alerts/alertmanager or /alerts/grafana') } });
  });

  it('every delivery to an alert path is counted by the status it was answered with; /healthz is not', async () => {
    const deliveries = async (code: string) =>
      (await metrics.webhookDeliveries.get()).values.find((sample) => sample.labels.code === code)?.value ?? 0;
    const before = await Promise.all(['202', '401', '404', '200'].map(deliveries));
    const h = await start();
    await h.send('/alerts/alertmanager', [payload()]);
    await h.send('/alerts/alertmanager', [payload()], { headers: {} });
    await h.send('/alerts/nowhere', [payload()]);
    await h.send('/healthz', [], { method: 'GET', headers: {} });
    const after = await Promise.all(['202', '401', '404', '200'].map(deliveries));
    expect(after.map((n, i) => n - (before[i] ?? 0))).toEqual([1, 1, 1, 0]);
  });

  it('/healthz answers GET and HEAD without a token; POST there is 405', async () => {
    const h = await start();
    expect(await h.send('/healthz', [], { method: 'GET', headers: {} })).toMatchObject({ status: 200, body: { ok: true } });
    expect((await h.send('/healthz', [], { method: 'HEAD', headers: {} })).status).toBe(200);
    expect(await h.send('/healthz', [], { headers: {} })).toMatchObject({ status: 405, headers: { allow: 'GET' } });
  });

  it('a failure to take the alert after the body was read is a 503 with Retry-After (the sender keeps it), and is logged', async () => {
    const h = await start({ failReceive: true });
    const reply = await h.send('/alerts/alertmanager', [payload()]);
    expect(reply).toMatchObject({ status: 503, body: { ok: false, error: 'temporarily unavailable; retry later' } });
    expect(reply.headers['retry-after']).toBe('30');
    expect(h.errors).toEqual(['alert webhook not taken: store is gone']);
  });

  it('nesting: closed brackets give their level back; an escaped backslash ends where its string ends', async () => {
    expect(nestsDeeperThan(`[${'[1],'.repeat(100)}{"a":[2]}]`, 3)).toBe(false);
    expect(nestsDeeperThan(`${JSON.stringify({ a: 'x\\' })}[[[`, 2)).toBe(true);
    expect(nestsDeeperThan(`${JSON.stringify({ a: 'x\\"[[[' })}`, 2)).toBe(false);
    const h = await start();
    const deep = `{"alerts": ${'['.repeat(MAX_JSON_DEPTH)}${']'.repeat(MAX_JSON_DEPTH)}}`;
    expect(await h.send('/alerts/alertmanager', [deep])).toMatchObject({
      status: 400,
      body: { error: `JSON nested deeper than ${MAX_JSON_DEPTH} levels: not an alert payload` },
    });
  });

  it('bad JSON is 400 with the position only; the body never reaches the log', async () => {
    const h = await start();
    const reply = await h.send('/alerts/alertmanager', ['{"receiver": "secret-hunter2" x}']);
    expect(reply).toMatchObject({ status: 400, body: { error: 'malformed JSON at position 30: the body must be one JSON object' } });
    expect(h.warnings.join('\n')).not.toContain('hunter2');
    // A parser message without a position (the body ends early) says just that.
    expect(parsePayload('alertmanager', '{"alerts": [')).toEqual({ ok: false, error: 'malformed JSON: the body must be one JSON object' });
  });
});
