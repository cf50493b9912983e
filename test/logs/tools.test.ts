import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorSummaryOutput, ListServicesOutput, ReadLogsOutput, SearchLogsOutput } from '../../mcp-servers/logs/schemas.js';
import { type Connected, call, connect, FIXTURE_DATASET } from './helpers.js';

describe('logs tools on the fixture dataset (in-process client)', () => {
  let conn: Connected;
  beforeAll(async () => {
    conn = await connect({ dataDir: FIXTURE_DATASET });
  });
  afterAll(async () => conn.close());

  it('lists the four tools with read-only annotations and described fields', async () => {
    const { tools } = await conn.client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(['error_summary', 'list_services', 'read_logs', 'search_logs']);
    for (const tool of tools) {
      expect(tool.annotations?.readOnlyHint).toBe(true);
      expect(tool.outputSchema).toBeDefined();
      const props = (tool.inputSchema.properties ?? {}) as Record<string, { description?: string }>;
      for (const [name, prop] of Object.entries(props)) expect(prop.description, `${tool.name}.${name}`).toBeTruthy();
    }
  });

  it('list_services counts every service from line and file names, with the dataset now', async () => {
    const r = await call(conn.client, 'list_services');
    expect(r.isError).toBe(false);
    const out = ListServicesOutput.parse(r.structured);
    expect(out.now).toBe('2024-05-01T15:00:00.000Z');
    const byName = Object.fromEntries(out.services.map((s) => [s.service, s]));
    expect(Object.keys(byName).sort()).toEqual(['checkout-api', 'gateway', 'inventory', 'legacy', 'payments']);
    expect(byName['checkout-api']).toMatchObject({ entries: 12, errors: 5, warnings: 3, firstSeen: '2024-05-01T13:00:00.000Z' });
    expect(byName.payments).toMatchObject({ entries: 5, errors: 3, warnings: 1 });
    // The log4j line naming a logger (com.shop.gateway.Upstream) falls back to the file's service.
    expect(byName.gateway).toMatchObject({ entries: 4, errors: 2, warnings: 1 });
    expect(byName.inventory).toMatchObject({ entries: 3, warnings: 1, lastSeen: '2024-05-01T13:00:00.000Z' });
    // Two unparseable lines stay as entries without time; the last line names no service and gets the file's.
    expect(byName.legacy).toMatchObject({ entries: 3, errors: 1 });
    expect(r.text).toContain('now is 2024-05-01T15:00:00.000Z');
  });

  it('read_logs returns the newest entries oldest-first, with stack traces attached', async () => {
    const r = await call(conn.client, 'read_logs', { service: 'checkout-api', level: 'error', limit: 2 });
    expect(r.isError).toBe(false);
    const out = ReadLogsOutput.parse(r.structured);
    expect(out.total).toBe(5);
    expect(out.truncated).toBe(true);
    expect(out.entries.map((e) => e.time)).toEqual(['2024-05-01T14:40:00.000Z', '2024-05-01T14:45:00.000Z']);
    const withTrace = out.entries[0]!;
    expect(withTrace.message.split('\n')).toHaveLength(4);
    expect(withTrace.message).toContain('at com.shop.payments.PaymentClient.charge');
    expect(withTrace).toMatchObject({ file: 'checkout-api.log', line: 10, level: 'error', service: 'checkout-api' });
    expect(r.text).toContain('5 entries matched');
    expect(r.text).toContain('at com.shop.checkout.CheckoutService.pay');
  });

  it('read_logs applies relative windows from the dataset now and merges files by time', async () => {
    const r = await call(conn.client, 'read_logs', { since: '30m', until: '15m' });
    const out = ReadLogsOutput.parse(r.structured);
    // 14:30–14:45 across checkout-api, payments and gateway, in time order.
    const times = out.entries.map((e) => e.time!);
    expect(times).toEqual([...times].sort());
    expect(times[0]! >= '2024-05-01T14:30:00.000Z').toBe(true);
    expect(times[times.length - 1]! <= '2024-05-01T14:45:00.000Z').toBe(true);
    expect(new Set(out.entries.map((e) => e.service))).toEqual(new Set(['checkout-api', 'payments', 'gateway']));
    expect(out.total).toBe(out.entries.length);
  });

  it('search_logs finds literal text case-insensitively, including inside stack traces', async () => {
    const r = await call(conn.client, 'search_logs', { pattern: 'SOCKETTIMEOUTEXCEPTION' });
    const out = SearchLogsOutput.parse(r.structured);
    expect(out.total).toBe(1);
    expect(out.matches[0]).toMatchObject({ time: '2024-05-01T14:40:00.000Z', service: 'checkout-api' });
    const literal = await call(conn.client, 'search_logs', { pattern: 'pool at 80% (16/20)' });
    expect(literal.structured.total).toBe(1);
  });

  it('search_logs with regex: true runs RE2 and reports first/last match', async () => {
    const r = await call(conn.client, 'search_logs', { pattern: 'timeout after \\d+ms|502 bad gateway', regex: true });
    const out = SearchLogsOutput.parse(r.structured);
    expect(out.total).toBe(6);
    expect(out.firstMatch).toBe('2024-05-01T14:30:05.000Z');
    expect(out.lastMatch).toBe('2024-05-01T14:40:00.000Z');
    const limited = await call(conn.client, 'search_logs', { pattern: 'timeout', limit: 1 });
    expect(limited.structured.matches).toHaveLength(1);
    expect(limited.structured.truncated).toBe(true);
    expect(limited.text).toMatch(/more matched/);
  });

  it('search_logs finds unparseable lines and strips binary control characters', async () => {
    const r = await call(conn.client, 'search_logs', { pattern: 'garbage' });
    expect(r.structured.total).toBe(1);
    const entry = r.structured.matches[0];
    expect(entry).toMatchObject({ time: null, level: null, service: 'legacy', file: 'legacy.txt', line: 2 });
    expect([...entry.message].some((ch) => ch.charCodeAt(0) < 0x09 || ch.charCodeAt(0) === 0x1b)).toBe(false);
    expect(entry.message).toContain('\ufffd');
  });

  it('error_summary groups by masked signature, ranked by count', async () => {
    const r = await call(conn.client, 'error_summary', { since: '2024-05-01T14:25:00Z', until: '2024-05-01T14:50:00Z' });
    expect(r.isError).toBe(false);
    const out = ErrorSummaryOutput.parse(r.structured);
    const top = out.signatures[0]!;
    expect(top.count).toBe(4);
    expect(top.signature).toBe('Payment failed for order <n>: upstream timeout after <duration> calling <ip>');
    expect(top.services).toEqual(['checkout-api']);
    expect(top.firstSeen).toBe('2024-05-01T14:30:05.000Z');
    expect(top.lastSeen).toBe('2024-05-01T14:40:00.000Z');
    expect(top.example).toBe(
      '2024-05-01T14:30:05.000Z ERROR [checkout-api] Payment failed for order 1000: upstream timeout after 3000ms calling 10.0.3.20:8443',
    );
    const pool = out.signatures.find((s) => s.signature.startsWith('connection pool exhausted'));
    expect(pool).toMatchObject({ count: 2, level: 'error', services: ['payments'] });
    const gw = out.signatures.find((s) => s.signature.includes('Bad Gateway'));
    expect(gw?.count).toBe(2);
    expect(out.totalWarnings).toBe(2);
    expect(out.totalErrors).toBe(out.signatures.filter((s) => s.level !== 'warn').reduce((n, s) => n + s.count, 0));
  });

  it('error_summary signatures are stable across windows (before vs near onset)', async () => {
    const before = ErrorSummaryOutput.parse((await call(conn.client, 'error_summary', { since: '2h', until: '40m' })).structured);
    const near = ErrorSummaryOutput.parse((await call(conn.client, 'error_summary', { since: '40m', until: 'now' })).structured);
    const slow = before.signatures.find((s) => s.signature === 'slow query on cart_items took <duration>');
    expect(slow?.count).toBe(3);
    expect(near.signatures.some((s) => s.signature === slow?.signature)).toBe(false);
    const beforeSet = new Set(before.signatures.map((s) => s.signature));
    const fresh = near.signatures.filter((s) => !beforeSet.has(s.signature)).map((s) => s.signature);
    expect(fresh).toContain('Payment failed for order <n>: upstream timeout after <duration> calling <ip>');
  });

  it('error_summary of one service and the limit', async () => {
    const r = await call(conn.client, 'error_summary', { service: 'PAYMENTS', limit: 1 });
    const out = ErrorSummaryOutput.parse(r.structured);
    expect(out.signatures).toHaveLength(1);
    expect(out.distinctSignatures).toBe(3);
    expect(out.signatures[0]!.services).toEqual(['payments']);
    expect(r.text).toMatch(/2 more matched/);
  });

  it('reads gzipped rotated logfmt files', async () => {
    const r = await call(conn.client, 'read_logs', { service: 'inventory' });
    const out = ReadLogsOutput.parse(r.structured);
    expect(out.entries.map((e) => [e.time, e.level, e.message])).toEqual([
      ['2024-05-01T12:00:00.000Z', 'info', 'stock sync done'],
      ['2024-05-01T12:30:00.000Z', 'warn', 'stock sync slow'],
      ['2024-05-01T13:00:00.000Z', 'info', 'stock sync done'],
    ]);
    expect(out.entries[0]!.file).toBe('inventory.log.1.gz');
  });
});
