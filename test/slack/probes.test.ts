import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { replicaLines } from '../../src/slack/blocks/replicas.js';
import { createWebhookHandler } from '../../src/slack/webhooks/http.js';
import { createProbes, type ProbeOptions } from '../../src/slack/webhooks/probes.js';
import type { ReplicaRecord } from '../../src/store/coordination.js';

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
});

async function serve(options: ProbeOptions): Promise<string> {
  const probes = createProbes(options);
  const server = createServer((req, res) => {
    if (!probes.route(req, res)) res.writeHead(404).end();
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function get(url: string, method = 'GET'): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(url, { method });
  return { status: res.status, body: method === 'GET' ? ((await res.json()) as Record<string, unknown>) : {} };
}

describe('GET /healthz and /readyz', () => {
  it('healthz follows the store: 200 while it answers, 503 naming it when it throws or does not answer', async () => {
    let ping: () => Promise<void> = async () => {};
    const base = await serve({ ping: () => ping(), accepting: () => true, replica: 'bot-a' });
    expect(await get(`${base}/healthz`)).toEqual({ status: 200, body: { ok: true, replica: 'bot-a', store: 'reachable' } });
    ping = async () => {
      throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    };
    const refused = await get(`${base}/healthz`);
    expect(refused.status).toBe(503);
    expect(refused.body).toMatchObject({ ok: false, store: 'unreachable' });
    ping = () => new Promise(() => {});
    const hung = await get(`${base}/healthz`);
    expect(hung.status).toBe(503);
    expect(hung.body.error).toMatch(/no answer within 2000 ms/);
  });

  it('readyz fails while draining or while the store is unreachable; other paths and methods are not its', async () => {
    let accepting = true;
    let up = true;
    const base = await serve({
      ping: async () => {
        if (!up) throw new Error('down');
      },
      accepting: () => accepting,
      replica: 'bot-b',
    });
    expect((await get(`${base}/readyz`)).status).toBe(200);
    accepting = false;
    expect(await get(`${base}/readyz`)).toEqual({ status: 503, body: { ok: false, replica: 'bot-b', draining: true, store: 'reachable' } });
    accepting = true;
    up = false;
    expect((await get(`${base}/readyz`)).status).toBe(503);
    expect((await fetch(`${base}/readyz`, { method: 'POST' })).status).toBe(405);
    expect((await fetch(`${base}/other`)).status).toBe(404);
  });
});

describe('/rca status: replicas', () => {
  const replica = (id: string, overrides: Partial<ReplicaRecord> = {}): ReplicaRecord => ({
    id,
    host: 'h',
    pid: 1,
    startedAt: 0,
    heartbeatAt: 10_000,
    accepting: true,
    running: [],
    ...overrides,
  });

  it('says nothing for one replica, and for several shows health and work, other channels counted only', () => {
    const scope = { channel: 'C1', everything: false };
    expect(replicaLines([replica('a')], 'a', 10_000, 3_000, scope)).toEqual([]);
    const lines = replicaLines(
      [
        replica('a', {
          running: [
            { id: 'A1-x', state: 'running', channel: 'C1', incident: 'checkout 502' },
            { id: 'A2-y', state: 'queued', channel: 'C2', incident: 'secret other channel' },
          ],
        }),
        replica('b', { accepting: false, heartbeatAt: 9_000 }),
        replica('c', { heartbeatAt: 6_999 }),
      ],
      'a',
      10_000,
      3_000,
      scope,
    );
    expect(lines[1]).toMatch(/^:large_green_circle: up `a` \(this one\) — 1 running, 1 queued, heartbeat 0 s ago$/);
    expect(lines[2]).toMatch(/`A1-x` checkout 502/);
    expect(lines.join('\n')).not.toMatch(/secret other channel/);
    expect(lines[3]).toMatch(/^:large_yellow_circle: draining `b` — 0 running/);
    // Exactly the lease is still alive; one ms past it is not.
    expect(replicaLines([replica('a'), replica('c', { heartbeatAt: 7_000 })], 'a', 10_000, 3_000, scope)[2]).toMatch(/green/);
    expect(lines[4]).toMatch(/^:red_circle: no heartbeat `c`/);
  });
});

describe('alert webhooks while the state store is unreachable', () => {
  it('answers 503 with Retry-After, so Alertmanager keeps the alert and retries', async () => {
    const errors: string[] = [];
    const handler = createWebhookHandler({
      token: 'store-down-token-0123456789abcdef',
      defaultChannel: 'C0ALERTS',
      groups: {
        receive: async () => {
          throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
        },
      },
      logger: { info() {}, warn() {}, debug() {}, error: (line: string) => void errors.push(line) },
    });
    const server = createServer((req, res) => handler.handle(req, res));
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/alerts/alertmanager`, {
      method: 'POST',
      headers: { authorization: 'Bearer store-down-token-0123456789abcdef', 'content-type': 'application/json' },
      body: JSON.stringify({
        version: '4',
        groupKey: '{}:{alertname="X"}',
        status: 'firing',
        receiver: 'r',
        groupLabels: { alertname: 'X' },
        commonLabels: { alertname: 'X' },
        commonAnnotations: {},
        alerts: [{ status: 'firing', labels: { alertname: 'X' }, annotations: {}, startsAt: new Date().toISOString(), fingerprint: 'f1' }],
      }),
    });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('30');
    expect(errors.join('\n')).toMatch(/ECONNREFUSED/);
  });
});
