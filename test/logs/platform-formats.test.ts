import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseHead } from '../../mcp-servers/logs/parser/index.js';
import type { LogLevel } from '../../mcp-servers/logs/schemas.js';
import { readEntries, tempDir } from './helpers.js';

/**
 * The next most common default layouts after Python, Ruby and Go (a survey of popular stacks): Java's logback / log4j2
 * and Spring Boot, .NET's Serilog and Microsoft.Extensions.Logging console, Node's bunyan and winston JSON.
 * Layouts as their own documentation gives them: logback's BasicConfigurator pattern, Spring Boot's "Log Format"
 * section (2.x and 3.x), Serilog's console outputTemplate and Serilog.Sinks.File's default template.
 */

const REF = Date.parse('2026-12-07T20:00:00Z');
const at = (line: string, context: Parameters<typeof parseHead>[1] = REF) => {
  const head = parseHead(line, context);
  return head && { ...head, time: head.time === null ? null : new Date(head.time).toISOString() };
};

async function levelCounts(lines: string[]): Promise<Partial<Record<LogLevel | 'none', number>>> {
  const file = path.join(tempDir(), 'service.log');
  writeFileSync(file, `${lines.join('\n')}\n`);
  const counts: Partial<Record<LogLevel | 'none', number>> = {};
  for (const entry of await readEntries(file)) counts[entry.level ?? 'none'] = (counts[entry.level ?? 'none'] ?? 0) + 1;
  return counts;
}

describe('Java: logback / log4j2 and Spring Boot', () => {
  it('logback and log4j2 default "%d{HH:mm:ss.SSS} [%thread] %-5level %logger{36} - %msg": level, and a date from the reference', () => {
    expect(at('18:52:38.826 [main] ERROR c.e.Checkout - payment declined')).toEqual({
      time: '2026-12-07T18:52:38.826Z',
      level: 'error',
      service: null,
      message: 'c.e.Checkout - payment declined',
    });
    expect(at('18:52:38.826 [http-nio-8080-exec-1] WARN  c.e.Checkout - slow')).toMatchObject({
      level: 'warn',
      message: 'c.e.Checkout - slow',
    });
    expect(at('18:52:38.826 [main] INFO  c.e.App - started')?.level).toBe('info');
    expect(at('18:52:38.826 [main] DEBUG c.e.App - x')?.level).toBe('debug');
    expect(at('18:52:38.826 [main] TRACE c.e.App - x')?.level).toBe('trace');
    // A time of day up to an hour after the reference is today; later than that it was yesterday.
    expect(at('20:59:59.000 [main] INFO  c.e.App - x')?.time).toBe('2026-12-07T20:59:59.000Z');
    expect(at('21:00:01.000 [main] INFO  c.e.App - x')?.time).toBe('2026-12-06T21:00:01.000Z');
    // Just after midnight against a reference just before it: within the hour of slack, so the next day (clocks drift).
    expect(at('00:30:00.000 [main] INFO  c.e.App - x', Date.parse('2026-12-07T23:50:00Z'))?.time).toBe('2026-12-08T00:30:00.000Z');
    // In the file's zone like every offset-less time.
    expect(at('18:52:38.826 [main] ERROR c.e.Checkout - x', { referenceMs: REF, zone: 'Europe/Berlin' })?.time).toBe(
      '2026-12-07T17:52:38.826Z',
    );
    // No level word after the thread: not this layout.
    expect(at('18:52:38.826 [main] hello c.e.App - x')).toBeNull();
    expect(at('25:52:38.826 [main] ERROR c.e.App - x')).toBeNull();
  });

  it('Spring Boot 2.x and 3.x defaults: level, pid and thread trimmed, logger padding gone, the application name as service', () => {
    expect(at('2026-12-07T18:52:38.826Z ERROR 12345 --- [main] c.e.Checkout : payment declined')).toEqual({
      time: '2026-12-07T18:52:38.826Z',
      level: 'error',
      service: null,
      message: 'c.e.Checkout: payment declined',
    });
    expect(
      at('2026-12-07T18:52:38.826+01:00  WARN 12345 --- [checkout] [           main] c.e.Checkout                             : slow'),
    ).toEqual({ time: '2026-12-07T17:52:38.826Z', level: 'warn', service: 'checkout', message: 'c.e.Checkout: slow' });
    expect(
      at('2026-12-07 18:52:38.826  INFO 45469 --- [ost-startStop-1] o.a.c.c.C.[Tomcat].[localhost].[/]       : Initializing'),
    ).toMatchObject({
      level: 'info',
      service: null,
      message: 'o.a.c.c.C.[Tomcat].[localhost].[/]: Initializing',
    });
    expect(at('2026-12-07 18:52:38.826 DEBUG 1 --- [main] c.e.App : x')?.level).toBe('debug');
    expect(at('2026-12-07 18:52:38.826 TRACE 1 --- [main] c.e.App : x')?.level).toBe('trace');
    // Without the `---` separator it is an ordinary ISO line: the text after the level is kept whole.
    expect(at('2026-12-07 18:52:38.826 ERROR 12345 [main] c.e.App : x')).toMatchObject({
      level: 'error',
      message: '12345 [main] c.e.App : x',
    });
  });

  it('counts every level of a Spring Boot file, stack traces joined to their entry', async () => {
    const line = (level: string, message: string) =>
      `2026-12-07T18:52:38.826Z ${level.padStart(5)} 12345 --- [main] c.e.Checkout : ${message}`;
    expect(
      await levelCounts([
        line('INFO', 'started'),
        line('WARN', 'slow'),
        line('ERROR', 'payment declined'),
        'java.lang.IllegalStateException: declined',
        '\tat c.e.Checkout.pay(Checkout.java:42)',
        line('ERROR', 'payment declined'),
        line('DEBUG', 'x'),
      ]),
    ).toEqual({ info: 1, warn: 1, error: 2, debug: 1 });
  });

  it('counts every level of a logback time-only file', async () => {
    expect(
      await levelCounts([
        '18:52:38.826 [main] INFO  c.e.App - started',
        '18:52:39.001 [main] ERROR c.e.Checkout - payment declined',
        'java.lang.IllegalStateException: declined',
        '\tat c.e.Checkout.pay(Checkout.java:42)',
        '18:52:40.000 [main] WARN  c.e.Checkout - slow',
      ]),
    ).toEqual({ info: 1, error: 1, warn: 1 });
  });
});

describe('.NET: Serilog and Microsoft.Extensions.Logging', () => {
  it('Serilog console "[{Timestamp:HH:mm:ss} {Level:u3}] {Message}": every u3 level', () => {
    expect(at('[18:52:38 ERR] payment declined')).toEqual({
      time: '2026-12-07T18:52:38.000Z',
      level: 'error',
      service: null,
      message: 'payment declined',
    });
    expect(at('[18:52:38 FTL] x')?.level).toBe('fatal');
    expect(at('[18:52:38 WRN] x')?.level).toBe('warn');
    expect(at('[18:52:38 INF] x')?.level).toBe('info');
    expect(at('[18:52:38 DBG] x')?.level).toBe('debug');
    expect(at('[18:52:38 VRB] x')?.level).toBe('trace');
    expect(at('[18:52:38 XYZ] x')).toBeNull();
  });

  it('Serilog file "{Timestamp:yyyy-MM-dd HH:mm:ss.fff zzz} [{Level:u3}] {Message}": the spaced offset is honoured', () => {
    expect(at('2026-12-07 18:52:38.826 +01:00 [ERR] payment declined')).toEqual({
      time: '2026-12-07T17:52:38.826Z',
      level: 'error',
      service: null,
      message: 'payment declined',
    });
    expect(at('2026-12-07 18:52:38.826 -05:00 [WRN] slow')).toMatchObject({ time: '2026-12-07T23:52:38.826Z', level: 'warn' });
    expect(at('2026-12-07 18:52:38.826 +00:00 [INF] ok')).toMatchObject({ time: '2026-12-07T18:52:38.826Z', level: 'info' });
    // Only `±hh:mm` after a space is an offset; a signed number without the colon is message text.
    expect(at('2026-12-07 18:52:38.826 -0500 [ERR] x')).toMatchObject({ time: '2026-12-07T18:52:38.826Z', level: null });
  });

  it('counts every level of a Serilog file', async () => {
    expect(
      await levelCounts([
        '2026-12-07 18:52:38.826 +01:00 [INF] Starting web host',
        '2026-12-07 18:52:39.001 +01:00 [ERR] Payment declined',
        'System.InvalidOperationException: declined',
        '   at Shop.Checkout.Pay() in /src/Checkout.cs:line 42',
        '2026-12-07 18:52:40.000 +01:00 [WRN] Slow',
        '2026-12-07 18:52:41.000 +01:00 [FTL] Host terminated unexpectedly',
      ]),
    ).toEqual({ info: 1, error: 1, warn: 1, fatal: 1 });
  });

  it('Microsoft.Extensions.Logging console: the four-letter level, the message from the next line', async () => {
    expect(at('fail: Shop.Checkout.PaymentClient[1002]')).toEqual({
      time: null,
      level: 'error',
      service: null,
      message: 'Shop.Checkout.PaymentClient[1002]',
    });
    expect(at('crit: Microsoft.AspNetCore.Server.Kestrel[0]')?.level).toBe('fatal');
    expect(at('warn: Microsoft.AspNetCore.HttpsPolicy.HttpsRedirectionMiddleware[3]')?.level).toBe('warn');
    expect(at('info: Microsoft.Hosting.Lifetime[14]')?.level).toBe('info');
    expect(at('dbug: Shop.Cache[0]')?.level).toBe('debug');
    expect(at('trce: Shop.Cache[0]')?.level).toBe('trace');
    expect(at('oops: Shop.Cache[0]')).toBeNull();
    const file = path.join(tempDir(), 'shop.log');
    writeFileSync(
      file,
      [
        'info: Microsoft.Hosting.Lifetime[14]',
        '      Now listening on: http://localhost:5000',
        'fail: Shop.Checkout.PaymentClient[1002]',
        '      Payment declined for order 4242',
        'warn: Shop.Checkout.PaymentClient[1003]',
        '      Slow gateway',
        '',
      ].join('\n'),
    );
    const entries = await readEntries(file);
    expect(entries.map((entry) => entry.level)).toEqual(['info', 'error', 'warn']);
    expect(entries[1]?.message).toContain('Payment declined for order 4242');
  });
});

describe('Rails request logs (Ruby Logger with request tags)', () => {
  it('a 500 is a FATAL entry with its exception; the "Completed 500" line Rails writes at INFO stays info', async () => {
    expect(
      await levelCounts([
        'I, [2026-12-07T18:52:38.826123 #12]  INFO -- : [req-1] Started POST "/orders" for 127.0.0.1 at 2026-12-07 18:52:38 +0100',
        'I, [2026-12-07T18:52:38.900000 #12]  INFO -- : [req-1] Completed 500 Internal Server Error in 74ms',
        'F, [2026-12-07T18:52:38.901000 #12] FATAL -- : [req-1]   ',
        '[req-1] ActiveRecord::ConnectionNotEstablished (connection to server failed):',
        'E, [2026-12-07T18:52:39.000000 #12] ERROR -- : [req-2] Stripe::APIConnectionError',
      ]),
    ).toEqual({ info: 2, fatal: 1, error: 1 });
    expect(at('I, [2026-12-07T18:52:38.826123 #12]  INFO -- : [req-1] Started GET "/orders" for 127.0.0.1')).toMatchObject({
      time: '2026-12-07T18:52:38.826Z',
      level: 'info',
      message: '[req-1] Started GET "/orders" for 127.0.0.1',
    });
  });
});

describe('Node: bunyan and winston', () => {
  it('bunyan numeric levels 10–60 and winston JSON level names are counted', async () => {
    const bunyan = (level: number) =>
      JSON.stringify({ name: 'checkout', hostname: 'h', pid: 1, level, msg: 'm', time: '2026-12-07T18:52:38.826Z', v: 0 });
    expect(await levelCounts([10, 20, 30, 40, 50, 60].map(bunyan))).toEqual({ trace: 1, debug: 1, info: 1, warn: 1, error: 1, fatal: 1 });
    const winston = (level: string) => JSON.stringify({ level, message: 'm', timestamp: '2026-12-07T18:52:38.826Z' });
    expect(await levelCounts(['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly'].map(winston))).toMatchObject({
      error: 1,
      warn: 1,
      info: 1,
      debug: 2,
    });
  });
});

const PARSER = path.resolve(import.meta.dirname, '../../dist/mcp-servers/logs/parser/index.js');

describe('adversarial lines in the JVM and .NET layouts', () => {
  it('parses pathological logback, Spring Boot, Serilog and .NET console lines in linear time (separate process, hard timeout)', () => {
    const script = `
      const { parseHead } = await import(${JSON.stringify(PARSER)});
      const n = 20000;
      const samples = [
        '18:52:38.826 [' + 'a'.repeat(n),
        '18:52:38.826 [main] ' + 'E'.repeat(n),
        '2026-12-07T18:52:38.826Z ERROR 12345 --- [' + 'a'.repeat(n),
        '2026-12-07T18:52:38.826Z ERROR 12345 --- [a] [b] ' + 'x'.repeat(n) + '   ',
        '2026-12-07T18:52:38.826Z ERROR 12345 --- [a] ' + 'x '.repeat(n),
        '2026-12-07 18:52:38.826 ' + ' +01:00'.repeat(n),
        '[18:52:38' + '.1'.repeat(n),
        'fail: ' + 'a.'.repeat(n),
        'fail: ' + 'a'.repeat(n) + '[',
      ];
      const started = Date.now();
      for (const line of samples) parseHead(line + '!', { referenceMs: Date.now(), zone: 'Europe/Berlin' });
      console.log(Date.now() - started);
    `;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { timeout: 10_000, encoding: 'utf8' });
    expect(run.error).toBeUndefined();
    expect(run.status).toBe(0);
    expect(Number(run.stdout.trim())).toBeLessThan(5_000);
  });
});
