import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { requiredLiterals } from '../../mcp-servers/logs/reader/literals.js';
import { candidateLines, levelPrefilter, type Prefilter, regexPrefilter } from '../../mcp-servers/logs/reader/prefilter.js';
import { call, connect, tempDir } from './helpers.js';

const DIFFERENTIAL = fileURLToPath(new URL('../../dist/scripts/logs-differential.js', import.meta.url));
/** A differential run that has not finished by then is a hang (an endless loop in a scanner), not a slow machine. */
const DIFFERENTIAL_KILL_MS = 90_000;

describe('required literals of RE2 patterns', () => {
  it.each([
    ['timeout|refused', ['timeout', 'refused']],
    ['HikariPool-\\d+ .*timed out', ['hikaripool-']],
    ['(?i)conn(ection)? refused', [' refused']],
    ['(timeout|refused) after', ['timeout after', 'refused after']],
    ['x\\d+ab+cd', ['bcd']],
    ['(Timeout|Refused)X', ['timeoutx', 'refusedx']],
    ['ab+c', ['ab']],
    ['\\Qa.b\\E+', ['a.b']],
    ['err(or)?', ['err']],
  ])('%s needs one of %j', (pattern, want) => {
    expect(requiredLiterals(pattern)).toEqual(want);
  });

  it.each(['a*', '\\d+', '[a-z]+', 'x|\\d', '(a|b)?c*', ''])('%s has none', (pattern) => {
    expect(requiredLiterals(pattern)).toBeNull();
  });
});

function candidates(lines: string[], prefilter: Prefilter): string[] {
  const data = Buffer.from(`${lines.join('\n')}\n`);
  const starts = candidateLines(data, data.length, prefilter);
  return starts.map((start) => data.toString('utf8', start, data.indexOf(10, start)));
}

describe('byte prefilter: several needles searched without their first letter', () => {
  it('finds every needle in any case and only lines holding one', () => {
    const lines = ['ts eRRor x', 'ts info', 'ts WaRnInG', 'ts Level=50', 'ts rr and arn alone', 'ts {"lev\\u0065l":50}', 'ts crit'];
    expect(candidates(lines, levelPrefilter())).toEqual(['ts eRRor x', 'ts WaRnInG', 'ts Level=50', 'ts {"lev\\u0065l":50}', 'ts crit']);
  });

  it("a needle whose rest is a prefix of another needle's rest is found whichever letter leads", () => {
    // Rests "ev" (x) and "ever" (s): at "xever" the longer rest matches with the other lead letter.
    expect(candidates(['a xever b', 'a sever', 'a zever', 'a xev'], regexPrefilter('xev|sever'))).toEqual([
      'a xever b',
      'a sever',
      'a xev',
    ]);
  });

  it('a hit whose lead letter is wrong does not hide a true hit later on the same line', () => {
    expect(candidates(['qarn then warn', 'qarn only'], levelPrefilter())).toEqual(['qarn then warn']);
  });

  it('a needle at the very start of the data is found (its lead letter is the first byte)', () => {
    expect(candidates(['warn first'], levelPrefilter())).toEqual(['warn first']);
  });
});

describe('differential: the prefiltering scan returns what parsing every line returns', () => {
  it('the harness has been built', () => {
    expect(existsSync(DIFFERENTIAL), `${DIFFERENTIAL} is missing: run npm run build`).toBe(true);
  });

  it.each([
    [1, 1000],
    [7, 1000],
  ])(
    'seed %i, %i lines: every format, stack traces, garbage, CRLF, long lines, UTF-8; plain and .gz; small and large blocks',
    (seed, lines) => {
      const run = spawnSync(process.execPath, [DIFFERENTIAL, '--seed', String(seed), '--lines', String(lines)], {
        encoding: 'utf8',
        timeout: DIFFERENTIAL_KILL_MS,
        killSignal: 'SIGKILL',
      });
      expect(run.signal, `killed after ${DIFFERENTIAL_KILL_MS} ms`).toBeNull();
      const report = JSON.parse(run.stdout.trim()) as { comparisons: number; matches: number; mismatches: string[] };
      expect(report.mismatches).toEqual([]);
      expect(report.comparisons).toBeGreaterThan(100);
      expect(report.matches).toBeGreaterThan(1000);
    },
    DIFFERENTIAL_KILL_MS + 10_000,
  );
});

function logLine(ms: number, level: string, message: string): string {
  return `${new Date(ms).toISOString()} ${level} [api] ${message}`;
}

/** 40 h of entries, one every 7 s, with stack traces; `shuffle` swaps whole hours to make the file unordered. */
function writeLog(file: string, shuffle: boolean): void {
  const start = Date.parse('2024-05-01T00:00:00Z');
  const hours: string[][] = [];
  for (let h = 0; h < 40; h++) {
    const lines: string[] = [];
    for (let s = 0; s < 3600; s += 7) {
      const t = start + h * 3_600_000 + s * 1000;
      const n = h * 1000 + s;
      if (n % 13 === 0)
        lines.push(
          logLine(t, 'ERROR', `payment ${n} failed: upstream timeout after ${n % 900}ms`),
          '\tat pay.Client.charge(Client.java:42)',
        );
      else if (n % 17 === 0) lines.push(logLine(t, 'WARN', `slow query ${n} took ${n % 2000}ms`), 'Caused by: connection refused');
      else lines.push(logLine(t, 'INFO', `GET /api/cart/${n % 97} 200`));
    }
    hours.push(lines);
  }
  if (shuffle) hours.push(...hours.splice(5, 3));
  writeFileSync(file, `${hours.flat().join('\n')}\n`);
}

describe('through the server: fast path and full reads agree; windows seek', () => {
  const dir = tempDir('logs-fast-');
  writeLog(path.join(dir, 'api.log'), false);
  const unorderedDir = tempDir('logs-fast-unordered-');
  writeLog(path.join(unorderedDir, 'api.log'), true);
  const now = new Date('2024-05-02T16:00:00Z');

  const calls: Array<[string, Record<string, unknown>]> = [
    ['search_logs', { pattern: 'timeout', limit: 500 }],
    ['search_logs', { pattern: 'connection REFUSED', since: '2024-05-01T10:00:00Z', until: '2024-05-01T12:00:00Z', limit: 500 }],
    ['search_logs', { pattern: 'payment \\d+ failed|refused', regex: true, since: '2024-05-02T01:30:00Z', limit: 50 }],
    ['search_logs', { pattern: 'cart/5 ', level: 'info', until: '2024-05-01T03:00:00Z' }],
    ['search_logs', { pattern: 'Client.java', since: '2024-05-01T06:00:00Z', until: '2024-05-01T06:30:00Z' }],
    ['error_summary', {}],
    ['error_summary', { since: '2024-05-01T20:00:00Z', until: '2024-05-01T22:00:00Z' }],
    ['error_summary', { since: '2h' }],
  ];

  it.each([
    ['ordered', dir],
    ['unordered', unorderedDir],
  ])('%s file: every call returns the same structured result', async (_kind, logsPath) => {
    const fast = await connect({ logsPath, now, fastMinBytes: 0 });
    const full = await connect({ logsPath, now, fastMinBytes: Number.POSITIVE_INFINITY });
    try {
      for (const [tool, args] of calls) {
        const a = await call(fast.client, tool, args);
        const b = await call(full.client, tool, args);
        expect(a.isError, `${tool} ${JSON.stringify(args)}: ${a.text}`).toBe(false);
        const { notes: fastNotes, ...fastRest } = a.structured;
        const { notes: fullNotes, ...fullRest } = b.structured;
        expect(fastRest, `${tool} ${JSON.stringify(args)}`).toEqual(fullRest);
        expect(fullNotes).toBeUndefined();
        const windowed = 'since' in args || 'until' in args;
        if (logsPath === unorderedDir && windowed) expect(fastNotes?.join(' ')).toMatch(/out of order, so the whole file was scanned/);
        else expect(fastNotes).toBeUndefined();
      }
      const some = await call(fast.client, 'search_logs', { pattern: 'timeout', limit: 500 });
      expect(some.structured.total).toBeGreaterThan(500);
    } finally {
      await fast.close();
      await full.close();
    }
  });

  it('a cancelled call stops and the server answers the next one', async () => {
    const conn = await connect({ logsPath: dir, now, fastMinBytes: 0 });
    try {
      const controller = new AbortController();
      const pending = conn.client.callTool({ name: 'error_summary', arguments: {} }, undefined, { signal: controller.signal });
      controller.abort();
      await expect(pending).rejects.toThrow(/abort/i);
      const next = await call(conn.client, 'search_logs', { pattern: 'timeout', limit: 1 });
      expect(next.isError).toBe(false);
      expect(next.structured.matches).toHaveLength(1);
    } finally {
      await conn.close();
    }
  });
});

describe('rotated .gz files are chosen by time before they are read', () => {
  it('a .gz that starts after the window is skipped: its corrupt tail is never inflated', async () => {
    const { gzipSync } = await import('node:zlib');
    const dir = tempDir('logs-gz-skip-');
    const t = Date.parse('2024-05-03T00:00:00Z');
    const later = Array.from({ length: 2000 }, (_, i) => logLine(t + i * 1000, 'ERROR', `later failure ${i} ${'x'.repeat(i % 50)}`)).join(
      '\n',
    );
    const gz = gzipSync(`${later}\n`);
    // Cut the stream: its first block inflates, its end is missing.
    writeFileSync(path.join(dir, 'api.log.1.gz'), gz.subarray(0, Math.floor(gz.length * 0.8)));
    writeFileSync(path.join(dir, 'api.log'), `${logLine(Date.parse('2024-05-01T10:00:00Z'), 'ERROR', 'early timeout')}\n`);
    const conn = await connect({ logsPath: dir, now: new Date('2024-05-04T00:00:00Z'), fastMinBytes: 0 });
    try {
      const windowed = await call(conn.client, 'search_logs', { pattern: 'timeout', until: '2024-05-02T00:00:00Z' });
      expect(windowed.isError, windowed.text).toBe(false);
      expect(windowed.structured.total).toBe(1);
      const whole = await call(conn.client, 'search_logs', { pattern: 'failure' });
      expect(whole.isError).toBe(true);
      expect(whole.text).toMatch(/api\.log\.1\.gz is not a readable gzip file/);
    } finally {
      await conn.close();
    }
  });
});

describe('formats whose severity is not a word: error_summary on the fast path still sees their errors', () => {
  // Each line is warn-or-worse by structure alone (a 5xx status, a syslog priority, a klog letter, journald's
  // PRIORITY, a kernel OOM kill) and holds none of the level prefilter's words.
  const lines = (i: number): Record<string, string> => {
    const minute = String(i % 60).padStart(2, '0');
    return {
      'access.log': `10.0.0.${i % 250} - - [01/May/2024:10:${minute}:00 +0000] "GET /api/cart/${i} HTTP/1.1" ${i % 3 === 0 ? 503 : 200} 512 "-" "curl/8.0"`,
      'kernel.log': `<${i % 3 === 0 ? 3 : 6}>May  1 10:${minute}:00 node-${i % 4} kernel: Out of memory: Killed process ${4000 + i} (java)`,
      'klog.log': `${i % 3 === 0 ? 'E' : 'I'}0501 10:${minute}:00.000000    1234 controller.go:${i}] sync cart ${i} did not finish`,
      'envoy.log': `[2024-05-01T10:${minute}:00.000Z] "POST /authorize HTTP/1.1" ${i % 3 === 0 ? '503 UF' : '200 -'} 154 91 12 11 "-" "cart/4.2" "req-${i}" "payments:8080" "10.44.2.9:8080"`,
      'journal.log': JSON.stringify({
        __REALTIME_TIMESTAMP: String(Date.parse(`2024-05-01T10:${minute}:00Z`) * 1000),
        PRIORITY: i % 3 === 0 ? '3' : '6',
        SYSLOG_IDENTIFIER: 'cartd',
        MESSAGE: `cart ${i} could not be saved`,
      }),
      // Serilog's WRN and FTL, and .NET console's `fail:`, hold no longer level word.
      'serilog.log': `2024-05-01 10:${minute}:00.000 +00:00 [${['FTL', 'WRN', 'INF'][i % 3]}] cart ${i} could not be saved`,
      'dotnet.log': `${i % 3 === 0 ? 'fail' : 'info'}: Cart.Store[${i}]\n      cart ${i} could not be saved`,
    };
  };

  it.each(['access.log', 'envoy.log', 'kernel.log', 'klog.log', 'journal.log', 'serilog.log', 'dotnet.log'])(
    '%s: fast and full error summaries agree',
    async (name) => {
      const dir = tempDir('logs-wordless-');
      const body = Array.from({ length: 3000 }, (_, i) => lines(i)[name]).join('\n');
      writeFileSync(path.join(dir, name), `${body}\n`);
      const now = new Date('2024-05-01T12:00:00Z');
      const fast = await connect({ logsPath: dir, now, fastMinBytes: 0 });
      const full = await connect({ logsPath: dir, now, fastMinBytes: Number.POSITIVE_INFINITY });
      try {
        const a = await call(fast.client, 'error_summary', {});
        const b = await call(full.client, 'error_summary', {});
        expect(b.isError, b.text).toBe(false);
        expect(JSON.stringify(b.structured)).toMatch(/"count":\s*[1-9]/);
        const { notes: _fastNotes, ...fastRest } = a.structured;
        const { notes: _fullNotes, ...fullRest } = b.structured;
        expect(fastRest).toEqual(fullRest);
      } finally {
        await fast.close();
        await full.close();
      }
    },
  );
});
