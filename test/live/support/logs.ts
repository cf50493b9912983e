import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { HOUR, MIN, seeded, type Timeline } from './scenario.js';

/**
 * Log files as three differently built services write them, eight hours of them: checkout-api in plain text
 * (rotated once, the older part gzipped), payment-service as pino JSON lines, inventory-service in log4j layout.
 * Each has its background of requests, warnings and a few recurring errors; only after the onset does checkout-api
 * log its connection pool running dry.
 */

export const POOL_EXHAUSTED = 'Connection pool exhausted';
const SQL_TIMEOUT =
  'java.sql.SQLTransientConnectionException: HikariPool-1 - Connection is not available, request timed out after 30000ms.';

interface Entry {
  at: number;
  text: string;
}

export interface BuiltLogs {
  dir: string;
  files: string[];
  lines: number;
}

type Rand = () => number;

function pick<T>(rand: Rand, items: readonly T[]): T {
  return items[Math.floor(rand() * items.length)]!;
}

function rid(rand: Rand): string {
  const hex = () =>
    Math.floor(rand() * 0x10000)
      .toString(16)
      .padStart(4, '0');
  return `${hex()}${hex()}-${hex()}`;
}

/** Entries at random intervals averaging `everyMs` between `from` and `to`. */
function every(rand: Rand, from: number, to: number, everyMs: number, make: (at: number) => string | undefined): Entry[] {
  const out: Entry[] = [];
  for (let at = from + rand() * everyMs; at < to; at += everyMs * (0.5 + rand())) {
    const text = make(Math.floor(at));
    if (text !== undefined) out.push({ at: Math.floor(at), text });
  }
  return out;
}

function plain(at: number, level: string, message: string): string {
  return `${new Date(at).toISOString()} ${level} [checkout-api] ${message}`;
}

function checkoutApi(t: Timeline): Entry[] {
  const rand = seeded(11);
  const from = t.logsStart;
  const to = t.now;
  const burning = (at: number) => at >= t.onset + MIN;
  const poolSize = (at: number) => (at >= t.culpritDeployAt ? 35 : 30);
  const entries = [
    ...every(rand, from, to, 20_000, (at) => {
      if (burning(at) && rand() < 0.3)
        return plain(at, 'INFO', `POST /api/checkout -> 500 (${30_000 + Math.floor(rand() * 40)} ms) rid=${rid(rand)}`);
      const route = pick(rand, ['POST /api/checkout', 'POST /api/checkout/quote', `GET /api/cart/${Math.floor(rand() * 9e6)}`]);
      return plain(
        at,
        'INFO',
        `${route} -> 200 (${burning(at) ? 400 + Math.floor(rand() * 900) : 20 + Math.floor(rand() * 120)} ms) rid=${rid(rand)}`,
      );
    }),
    ...every(rand, from, to, 5 * MIN, (at) => {
      const size = poolSize(at);
      const active = burning(at) ? size : 8 + Math.floor(rand() * 6);
      const waiting = burning(at) ? 30 + Math.floor(rand() * 20) : 0;
      return plain(at, 'DEBUG', `HikariPool-1 - Pool stats (total=${size}, active=${active}, idle=${size - active}, waiting=${waiting})`);
    }),
    ...every(rand, from, to, 12 * MIN, (at) =>
      plain(at, 'WARN', 'Deprecated endpoint POST /v1/cart/merge called by client=ios-app/5.2.1; use POST /api/cart/{id}/merge'),
    ),
    ...every(rand, from, to, 25 * MIN, (at) =>
      plain(at, 'WARN', 'org.apache.catalina.connector.ClientAbortException: java.io.IOException: Broken pipe'),
    ),
    ...every(rand, from, to, 45 * MIN, (at) =>
      [
        plain(at, 'ERROR', `Failed to render invoice PDF for order=ORD-${7_000_000 + Math.floor(rand() * 99_999)}`),
        'java.lang.NullPointerException: Cannot invoke "com.shop.checkout.orders.Address.getCountryCode()" because "billing" is null',
        '\tat com.shop.checkout.orders.InvoiceRenderer.renderHeader(InvoiceRenderer.java:77)',
        '\tat com.shop.checkout.orders.OrderEventsListener.onOrderPlaced(OrderEventsListener.java:58)',
      ].join('\n'),
    ),
    // The incident: checkouts wait 30 s for a connection and fail.
    ...every(rand, t.onset + MIN, to, 40_000, (at) =>
      [
        plain(
          at,
          'ERROR',
          `Checkout failed for cart=${Math.floor(rand() * 9e6)}: ${POOL_EXHAUSTED} (HikariPool-1 total=35, active=35, idle=0, waiting=${30 + Math.floor(rand() * 20)})`,
        ),
        SQL_TIMEOUT,
        '\tat com.zaxxer.hikari.pool.HikariPool.createTimeoutException(HikariPool.java:696)',
        '\tat com.shop.checkout.StockVerifier.verify(StockVerifier.java:41)',
        '\tat com.shop.checkout.CheckoutService.place(CheckoutService.java:88)',
      ].join('\n'),
    ),
  ];
  return entries;
}

function paymentService(t: Timeline): Entry[] {
  const rand = seeded(23);
  const base = { pid: 1, hostname: 'payment-service-7d9f8c6b5-x2x4q', service: 'payment-service' };
  const json = (at: number, level: number, msg: string, extra: Record<string, unknown> = {}) =>
    JSON.stringify({ level, time: at, ...base, ...extra, msg });
  return [
    ...every(rand, t.logsStart, t.now, 30_000, (at) => {
      const post = rand() < 0.6;
      const url = post ? '/v1/charges' : `/v1/charges/ch_${rid(rand)}`;
      return json(at, 30, 'request completed', {
        reqId: rid(rand),
        req: { method: post ? 'POST' : 'GET', url },
        res: { statusCode: 200 },
        responseTime: 40 + Math.floor(rand() * 300),
      });
    }),
    ...every(rand, t.logsStart, t.now, 15 * MIN, (at) =>
      json(at, 40, `card declined: ${pick(rand, ['insufficient_funds', 'expired_card', 'do_not_honor'])}`, { reqId: rid(rand) }),
    ),
    ...every(rand, t.logsStart, t.now, 70 * MIN, (at) =>
      json(at, 50, 'Stripe webhook signature verification failed', {
        err: { type: 'StripeSignatureVerificationError', message: 'No signatures found matching the expected signature for payload' },
      }),
    ),
    {
      at: t.innocentDeployAt + 40_000,
      text: json(t.innocentDeployAt + 40_000, 30, 'payment-service v1.9.0 started; partial refunds enabled'),
    },
  ];
}

function inventoryService(t: Timeline): Entry[] {
  const rand = seeded(37);
  const stamp = (at: number) => new Date(at).toISOString().replace('T', ' ').replace('.', ',').slice(0, 23);
  const log4j = (at: number, level: string, logger: string, message: string) => `${stamp(at)} ${level} ${logger} - ${message}`;
  return [
    ...every(rand, t.logsStart, t.now, 12_000, (at) =>
      log4j(
        at,
        'INFO',
        'com.shop.inventory.web.RequestLoggingFilter',
        `${pick(rand, ['GET', 'POST'])} /internal/stock/SKU-${100_000 + Math.floor(rand() * 899_999)} -> 200 (${5 + Math.floor(rand() * 40)} ms) rid=${rid(rand)}`,
      ),
    ),
    ...every(rand, t.logsStart, t.now, 30 * MIN, (at) =>
      log4j(
        at,
        'INFO',
        'com.shop.inventory.jobs.WarehouseSyncJob',
        `job warehouse-sync finished in ${(8 + rand() * 6).toFixed(1)}s, processed ${300 + Math.floor(rand() * 200)} records`,
      ),
    ),
    ...every(rand, t.logsStart, t.now, 20 * MIN, (at) =>
      log4j(at, 'WARN', 'com.shop.inventory.db.SlowQueryLogger', `slow query on stock_levels took ${1_000 + Math.floor(rand() * 800)} ms`),
    ),
    ...every(rand, t.logsStart, t.now, 2 * HOUR, (at) =>
      log4j(at, 'ERROR', 'com.shop.inventory.jobs.WarehouseSyncJob', 'warehouse-sync: record SKU-000000 rejected: negative quantity'),
    ),
  ];
}

function render(entries: readonly Entry[]): string {
  const sorted = [...entries].sort((a, b) => a.at - b.at);
  return sorted.length === 0 ? '' : `${sorted.map((entry) => entry.text).join('\n')}\n`;
}

/** Writes the log folder; returns its path, the files and the number of lines written. */
export function buildLogs(dir: string, t: Timeline): BuiltLogs {
  mkdirSync(dir, { recursive: true });
  const checkout = checkoutApi(t);
  const texts: Record<string, string> = {
    'checkout-api.log.1.gz': render(checkout.filter((entry) => entry.at < t.rotatedAt)),
    'checkout-api.log': render(checkout.filter((entry) => entry.at >= t.rotatedAt)),
    'payment-service.jsonl': render(paymentService(t)),
    'inventory-service.log': render(inventoryService(t)),
  };
  let lines = 0;
  for (const [name, text] of Object.entries(texts)) {
    writeFileSync(path.join(dir, name), name.endsWith('.gz') ? gzipSync(text) : text);
    lines += text.split('\n').length - 1;
  }
  return { dir, files: Object.keys(texts).sort(), lines };
}
