import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { createServer } from '../mcp-servers/logs/server.js';

/**
 * Logs server figures on a generated file: error_summary, search_logs (literal and RE2), read_logs tail and
 * since-bounded calls, list_services. Run: npm run build && node dist/bench/logs.js [sizeMB=200] [--keep]
 */

const DEFAULT_MB = 200;
/** Lines written per block; blocks are written until the file reaches the requested size. */
const BLOCK_LINES = 10_000;
/** Spread of the generated timestamps: the file covers this many milliseconds per line. */
const MS_PER_LINE = 20;
const SERVICES = ['checkout-api', 'payments', 'inventory', 'gateway'];

function generate(file: string, bytes: number): { lines: number; start: number; end: number } {
  const fd = openSync(file, 'w');
  const start = Date.parse('2024-05-01T00:00:00Z');
  let t = start;
  let lines = 0;
  let written = 0;
  try {
    while (written < bytes) {
      const block: string[] = [];
      for (let i = 0; i < BLOCK_LINES; i++) {
        const n = lines + i;
        t += MS_PER_LINE;
        const stamp = new Date(t).toISOString();
        const service = SERVICES[n % SERVICES.length];
        if (n % 211 === 0) {
          block.push(
            `${stamp} ERROR [${service}] payment ${n} failed: upstream timeout after ${n % 9000}ms calling 10.0.${n % 255}.${n % 200}:8443`,
          );
          block.push('java.net.SocketTimeoutException: Read timed out', '\tat com.shop.PaymentClient.charge(PaymentClient.java:88)');
        } else if (n % 97 === 0) block.push(`${stamp} WARN [${service}] slow query on cart_items took ${n % 2000}ms (rows=${n % 700})`);
        else
          block.push(
            `${stamp} INFO [${service}] GET /api/cart/${n % 10_007} 200 in ${n % 300}ms user=u_${n % 50_000} trace=${(n * 2654435761).toString(16)}`,
          );
      }
      lines += BLOCK_LINES;
      written += writeSync(fd, `${block.join('\n')}\n`);
    }
  } finally {
    closeSync(fd);
  }
  return { lines, start, end: t };
}

async function main(): Promise<void> {
  const mb = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? DEFAULT_MB);
  const keep = process.argv.includes('--keep');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'logs-bench-'));
  const file = path.join(dir, 'app.log');
  const t0 = performance.now();
  const { lines, end } = generate(file, mb * 1024 * 1024);
  console.log(`generated ${mb} MB, ${lines} entries (+ stack lines) in ${((performance.now() - t0) / 1000).toFixed(1)} s: ${file}`);

  const server = createServer({ logsPath: dir, now: new Date(end) });
  const [a, b] = InMemoryTransport.createLinkedPair();
  const client = new Client({ name: 'logs-bench', version: '0.0.0' });
  await Promise.all([server.connect(b), client.connect(a)]);
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 20);

  const rows: string[] = [];
  const time = async (label: string, name: string, args: Record<string, unknown>, fullScan: boolean) => {
    const start = performance.now();
    const result = await client.callTool({ name, arguments: args });
    const ms = performance.now() - start;
    const s = result.structuredContent as Record<string, unknown> | undefined;
    const detail = result.isError
      ? 'ERROR'
      : `total=${s?.total ?? s?.totalErrors ?? (s?.services as unknown[] | undefined)?.length ?? '?'}`;
    const rate = fullScan ? `  ${(mb / (ms / 1000)).toFixed(0)} MB/s` : '';
    rows.push(`${label.padEnd(44)} ${ms.toFixed(0).padStart(7)} ms${rate}  ${detail}`);
  };

  try {
    await time('read_logs tail (limit 50), first call', 'read_logs', { limit: 50 }, false);
    await time('read_logs tail (limit 50), repeat', 'read_logs', { limit: 50 }, false);
    await time('read_logs level=error limit 50', 'read_logs', { level: 'error', limit: 50 }, false);
    await time('read_logs since 10m', 'read_logs', { since: '10m', limit: 500 }, false);
    await time('error_summary since 1h (backward read)', 'error_summary', { since: '1h' }, false);
    await time('search_logs "timeout" since 1h', 'search_logs', { pattern: 'timeout', since: '1h' }, false);
    await time('error_summary, whole file', 'error_summary', {}, true);
    await time('search_logs literal "cart/4242 ", whole file', 'search_logs', { pattern: 'cart/4242 ' }, true);
    await time('search_logs regex "timeout after 8\\d{3}ms"', 'search_logs', { pattern: 'timeout after 8\\d{3}ms', regex: true }, true);
    await time('list_services (counts kept from full reads)', 'list_services', {}, false);
    await time('list_services, repeat', 'list_services', {}, false);
  } finally {
    clearInterval(sampler);
    await client.close();
    if (!keep) rmSync(dir, { recursive: true, force: true });
  }
  console.log(rows.join('\n'));
  console.log(`peak RSS ${(peakRss / 2 ** 20).toFixed(0)} MB; node ${process.version}; ${os.cpus().length} cores`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
