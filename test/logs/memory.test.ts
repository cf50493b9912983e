import { closeSync, openSync, writeSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CACHE_BUDGET_CHARS } from '../../mcp-servers/logs/store.js';
import { call, connect, tempDir } from './helpers.js';

/** Over the cache budget, so nothing may be kept: the file has to be streamed. */
const FILE_BYTES = CACHE_BUDGET_CHARS + 16 * 1024 * 1024;
/** Generous for streaming (buffers, garbage awaiting collection), far below holding the file's entries (several times its size). */
const HEAP_GROWTH_BOUND = 128 * 1024 * 1024;

function writeBigLog(file: string): number {
  const fd = openSync(file, 'w');
  let written = 0;
  let lines = 0;
  let t = Date.parse('2024-05-01T00:00:00Z');
  try {
    while (written < FILE_BYTES) {
      const block: string[] = [];
      for (let i = 0; i < 5000; i++) {
        t += 7;
        const stamp = new Date(t).toISOString();
        const n = lines + i;
        if (n % 100 === 0)
          block.push(
            `${stamp} ERROR [api] payment ${n} failed: upstream timeout after ${n % 5000}ms`,
            '\tat pay.Client.charge(Client.java:42)',
          );
        else block.push(`${stamp} INFO [api] request ${n} GET /api/cart/${n % 997} 200 in ${n % 300}ms user=${n % 50_000}`);
      }
      lines += 5000;
      const text = `${block.join('\n')}\n`;
      written += writeSync(fd, text);
    }
  } finally {
    closeSync(fd);
  }
  return lines;
}

describe('big files are streamed in bounded memory', () => {
  it(`error_summary and search_logs over a ${Math.round(FILE_BYTES / 2 ** 20)} MB file keep heap growth under ${HEAP_GROWTH_BOUND / 2 ** 20} MB`, async () => {
    const dir = tempDir('logs-mem-');
    const lines = writeBigLog(path.join(dir, 'api.log'));
    const conn = await connect({ logsPath: dir, now: new Date('2024-05-02T00:00:00Z') });
    const baseline = process.memoryUsage().heapUsed;
    let peak = baseline;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().heapUsed);
    }, 5);
    try {
      const summary = await call(conn.client, 'error_summary', {});
      expect(summary.isError).toBe(false);
      expect(summary.structured.totalErrors).toBe(lines / 100);
      expect(summary.structured.signatures[0].signature).toBe('payment <n> failed: upstream timeout after <duration>');
      const search = await call(conn.client, 'search_logs', { pattern: 'cart/996 ' });
      expect(search.structured.total).toBeGreaterThan(100);
      peak = Math.max(peak, process.memoryUsage().heapUsed);
    } finally {
      clearInterval(sampler);
      await conn.close();
    }
    expect(peak - baseline).toBeLessThan(HEAP_GROWTH_BOUND);
    console.info(`memory test: ${lines} lines, heap growth peak ${Math.round((peak - baseline) / 2 ** 20)} MB`);
  });
});
