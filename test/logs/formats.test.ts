import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseHead } from '../../mcp-servers/logs/parser/index.js';
import { inferYear } from '../../mcp-servers/logs/parser/syslog.js';
import { call, connect, iso, tempDir } from './helpers.js';

const FORMATS = fileURLToPath(new URL('../fixtures/formats/', import.meta.url));
/** The dataset's now for the fixtures: year-less lines must land in 2024 (or the year before, for a later month). */
const REF = Date.parse('2024-12-10T14:30:00Z');

function lines(file: string): string[] {
  return readFileSync(path.join(FORMATS, file), 'utf8')
    .split('\n')
    .filter((line) => line.length > 0);
}

function heads(file: string) {
  return lines(file).map((line) => {
    const parsed = parseHead(line, REF);
    if (!parsed) throw new Error(`not parsed: ${line}`);
    return { ...parsed, time: iso(parsed.time) };
  });
}

describe('web server logs', () => {
  it('nginx combined: zone honoured, 5xx error, 4xx warn, upstream read from key=value or a trailing address', () => {
    const [ok, bad, missing, v6] = heads('nginx-access.log');
    expect(ok).toEqual({
      time: '2024-12-10T13:55:36.000Z',
      level: 'info',
      service: null,
      message: 'GET /api/products/1234 HTTP/1.1 200 OK route=api/products/1234',
    });
    expect(bad).toMatchObject({
      level: 'error',
      message: 'POST /api/checkout HTTP/2.0 502 Bad Gateway route=api/checkout upstream=10.0.3.7:8080',
    });
    expect(missing).toMatchObject({
      time: '2024-12-10T13:55:38.000Z',
      level: 'warn',
      message: 'GET /api/cart/9f2 HTTP/1.1 404 Not Found route=api/cart/9f2 upstream=10.0.3.8:8080',
    });
    expect(v6).toMatchObject({ level: 'info', message: 'GET /healthz HTTP/1.1 200 OK route=healthz' });
  });

  it('Apache common format (no referer or agent, "-" bytes)', () => {
    const [first, second] = heads('apache-common.log');
    expect(first).toMatchObject({ time: '2000-10-10T20:55:36.000Z', level: 'info' });
    expect(second).toMatchObject({
      level: 'error',
      message: 'GET /cgi-bin/report.cgi HTTP/1.0 503 Service Unavailable route=cgi-bin/report.cgi',
    });
  });

  it('nginx error log: level in brackets, pid#tid and connection number dropped, upstream kept in the text', () => {
    const [error, warn, notice] = heads('nginx-error.log');
    expect(error).toMatchObject({ time: '2024-12-10T13:56:02.000Z', level: 'error', service: null });
    expect(error?.message).toMatch(/^connect\(\) failed \(111: Connection refused\).*upstream: "http:\/\/10\.0\.3\.7:8080/);
    expect(warn?.level).toBe('warn');
    expect(notice).toMatchObject({ level: 'info', message: 'signal process started' });
  });
});

describe('syslog', () => {
  it('RFC 3164: PRI severity, year inferred, program as service, kernel OOM and systemd SIGKILL are fatal for the victim', () => {
    const out = heads('syslog-3164.log');
    expect(out[0]).toEqual({
      time: '2024-10-11T22:14:15.000Z',
      level: 'fatal',
      service: 'su',
      message: "'su root' failed for lonvick on /dev/pts/8",
    });
    expect(out[1]).toMatchObject({ time: '2024-02-05T17:32:18.000Z', level: 'info', service: 'myproc', message: 'Use the BFG!' });
    expect(out[2]).toMatchObject({ time: '2024-12-10T13:55:01.000Z', level: 'info', service: 'CRON' });
    expect(out[3]).toMatchObject({ level: 'fatal', service: 'java' });
    expect(out[3]?.message).toContain('Out of memory: Killed process 4711 (java)');
    expect(out[4]).toMatchObject({ level: 'fatal', service: 'orders' });
    expect(out[5]).toMatchObject({ level: 'error', service: 'systemd' });
    expect(out[6]).toMatchObject({ level: 'info', service: 'sshd', message: 'session opened for user deploy by (uid=0)' });
  });

  it('RFC 5424: full timestamp with zone, app name, structured data skipped, cgroup OOM', () => {
    const out = heads('syslog-5424.log');
    expect(out[0]).toEqual({
      time: '2003-10-11T22:14:15.003Z',
      level: 'fatal',
      service: 'su',
      message: "'su root' failed for lonvick on /dev/pts/8",
    });
    expect(out[1]).toMatchObject({ time: '2003-08-24T12:14:15.000Z', level: 'info', service: 'myproc' });
    expect(out[2]).toMatchObject({ service: 'evntslog', message: 'An application event log entry...' });
    expect(out[3]).toMatchObject({ time: '2024-12-10T13:57:12.000Z', level: 'fatal', service: 'node' });
  });

  it('a year-less December line read in January belongs to the previous year', () => {
    expect(inferYear(11, 31, 23, 0, 0, Date.parse('2025-01-01T00:10:00Z'))).toBe(2024);
    expect(inferYear(0, 1, 0, 5, 0, Date.parse('2025-01-01T00:10:00Z'))).toBe(2025);
    const december = parseHead('Dec 31 23:59:58 h app: tick', Date.parse('2025-01-01T00:00:30Z'));
    expect(iso(december?.time ?? null)).toBe('2024-12-31T23:59:58.000Z');
  });
});

describe('journald, CRI and klog', () => {
  it('journalctl -o json: microsecond time, PRIORITY, identifier or unit as service, byte-array messages, OOM task', () => {
    const out = heads('journald.jsonl');
    expect(out[0]).toEqual({
      time: '2024-12-10T13:55:01.123Z',
      level: 'info',
      service: 'systemd',
      message: 'Started Daily apt download activities.',
    });
    expect(out[1]).toMatchObject({ level: 'error', service: 'postgres' });
    expect(out[2]).toMatchObject({ level: 'warn', service: 'payments', message: 'cache miss' });
    expect(out[3]).toMatchObject({ level: 'fatal', service: 'ledger' });
  });

  it('CRI: the container time, the inner format parsed again, stderr text given a level from its words', () => {
    const out = heads('cri.log');
    expect(out[0]).toMatchObject({ time: '2024-12-10T13:55:01.120Z', level: 'info', service: 'ledger', message: 'listening' });
    expect(out[1]).toMatchObject({ time: '2024-12-10T13:55:02.000Z', level: 'error', service: null });
    expect(out[1]?.message).toBe('ERROR: could not connect to redis-0.redis:6379: connection refused');
    expect(out[2]).toMatchObject({ level: 'info', message: 'partial line of a long message that contin' });
    expect(out[4]).toMatchObject({ level: 'warn', message: 'slow consumer' });
  });

  it('glog/klog: level letter, year inferred, file:line dropped', () => {
    const out = heads('klog.log');
    expect(out.map((entry) => entry.level)).toEqual(['info', 'warn', 'error', 'fatal']);
    expect(out[0]).toMatchObject({ time: '2024-12-10T13:55:01.123Z', message: 'Starting reconciler for deployment shop/ledger' });
    expect(out[3]?.message).toContain('unable to load config');
  });

  it('lines of other formats and continuation lines are not mistaken for the new formats', () => {
    expect(parseHead('  at com.shop.Foo.bar(Foo.java:12)', REF)).toBeNull();
    expect(parseHead('Caused by: java.io.IOException: Broken pipe', REF)).toBeNull();
    expect(parseHead('2024-05-01T14:03:07.120Z ERROR [checkout-api] payment failed', REF)).toMatchObject({ service: 'checkout-api' });
  });
});

describe('through the server', () => {
  it('dates year-less syslog by the dataset now and counts kernel OOM kills as fatal errors of the victim', async () => {
    const dir = tempDir();
    mkdirSync(path.join(dir, 'logs'));
    writeFileSync(path.join(dir, 'dataset.json'), JSON.stringify({ name: 'syslog', now: '2024-12-10T14:30:00Z' }));
    copyFileSync(path.join(FORMATS, 'syslog-3164.log'), path.join(dir, 'logs', 'syslog.log'));
    copyFileSync(path.join(FORMATS, 'nginx-access.log'), path.join(dir, 'logs', 'edge-proxy.log'));
    const conn = await connect({ dataDir: dir });
    try {
      const summary = await call(conn.client, 'error_summary', { since: '1h' });
      expect(summary.isError).toBe(false);
      const sigs = summary.structured.signatures as { services: string[]; level: string; signature: string }[];
      expect(sigs.find((sig) => sig.services.includes('java'))?.level).toBe('fatal');
      expect(sigs.find((sig) => sig.services.includes('orders'))?.level).toBe('fatal');
      expect(sigs.some((sig) => sig.services.includes('edge-proxy') && sig.level === 'error')).toBe(true);
      const services = await call(conn.client, 'list_services');
      const names = (services.structured.services as { service: string }[]).map((entry) => entry.service);
      expect(names).toEqual(expect.arrayContaining(['su', 'CRON', 'sshd', 'systemd', 'edge-proxy']));
    } finally {
      await conn.close();
    }
  });
});

const PARSER = fileURLToPath(new URL('../../dist/mcp-servers/logs/parser/index.js', import.meta.url));

describe('adversarial lines', () => {
  it('parses pathological lines of every new format in linear time (separate process, hard timeout)', () => {
    const script = `
      const { parseHead } = await import(${JSON.stringify(PARSER)});
      const n = 20000;
      const samples = [
        '1.2.3.4 - - [10/Dec/2024:13:55:36 +0000] "' + '\\\\"'.repeat(n),
        '<34>1 2024-12-10T00:00:00Z h app - - ' + '['.repeat(n),
        '<34>1 2024-12-10T00:00:00Z h app - - [a ' + 'k="v" '.repeat(n),
        'Dec 10 13:55:01 host ' + 'a'.repeat(n),
        'I1210 13:55:01.123456 ' + ' '.repeat(n) + 'x',
        '2024-12-10T13:55:01Z stdout F '.repeat(n / 40),
        '2024/12/10 13:56:02 [error] ' + '1#'.repeat(n),
        'Out of memory: Killed process ' + '1'.repeat(n),
        '{"__REALTIME_TIMESTAMP":"1","MESSAGE":"' + 'oom-kill:'.repeat(n / 10) + '"}',
      ];
      const started = Date.now();
      for (const line of samples) parseHead(line + '!', Date.now());
      console.log(Date.now() - started);
    `;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { timeout: 10_000, encoding: 'utf8' });
    expect(run.error).toBeUndefined();
    expect(run.status).toBe(0);
    expect(Number(run.stdout.trim())).toBeLessThan(5_000);
  });
});
