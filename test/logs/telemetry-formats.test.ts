import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { FormatConfigError, parseFormatsJson, setCustomFormats, timeReader } from '../../mcp-servers/logs/parser/custom.js';
import { parseHead } from '../../mcp-servers/logs/parser/index.js';
import { iso } from './helpers.js';

const FORMATS = fileURLToPath(new URL('../fixtures/formats/', import.meta.url));
const REF = Date.parse('2024-12-10T14:30:00Z');

function heads(file: string) {
  return readFileSync(path.join(FORMATS, file), 'utf8')
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => {
      const parsed = parseHead(line, REF);
      return parsed ? { ...parsed, time: iso(parsed.time) } : null;
    });
}

describe('OpenTelemetry log records', () => {
  it('reads nanosecond times, severity text or number, AnyValue bodies, resource service.name and exception attributes', () => {
    const [failed, placed, batch, panic] = heads('otel-logs.jsonl');
    expect(failed).toEqual({
      time: '2024-12-10T13:55:36.123Z',
      level: 'error',
      service: 'checkout',
      message: 'charge failed: POST http://payments-gateway.pay.svc:8080/authorize returned 503: UpstreamError',
    });
    expect(placed).toMatchObject({ level: 'info', service: 'checkout', message: 'order placed' });
    // A batch line is one entry, headed by its most severe record.
    expect(batch).toMatchObject({ time: '2024-12-10T13:55:38.500Z', level: 'warn', service: 'cart' });
    expect(batch?.message).toContain('redis latency 240ms');
    // timeUnixNano 0 means unset: the observed time stands in; severityNumber 21 is fatal; the stack follows.
    expect(panic).toMatchObject({ time: '2024-12-10T13:55:39.000Z', level: 'fatal', service: null });
    expect(panic?.message.split('\n')[1]).toBe('goroutine 1 [running]:');
  });
});

describe('Kubernetes events', () => {
  it('maps type and reason to levels, the involved pod to its workload, and picks the right timestamp', () => {
    const [backoff, scaled, probe, pulled, hpa, dns] = heads('kube-events.jsonl');
    expect(backoff).toMatchObject({ time: '2024-12-10T13:55:36.000Z', level: 'error', service: 'orders' });
    expect(backoff?.message).toMatch(/^BackOff Pod shop\/orders-7c6b9d8f5d-9xk2p: Back-off restarting failed container.*\(x14\)$/);
    expect(scaled).toMatchObject({ level: 'info', service: 'orders', message: expect.stringContaining('Scaled up replica set') });
    expect(probe).toMatchObject({ time: '2024-12-10T13:56:02.123Z', level: 'error', service: 'postgres' });
    expect(pulled).toMatchObject({ time: '2024-12-10T13:57:00.000Z', level: 'info', service: 'cart' });
    expect(hpa).toMatchObject({ level: 'error', service: 'cart' });
    expect(dns).toMatchObject({ level: 'warn' });
  });
});

describe('Envoy access logs', () => {
  it('reads the default and the Istio layout: status level, response flags in words, upstream named', () => {
    const [ok, uf, teapot, uh] = heads('envoy-access.log');
    expect(ok).toMatchObject({ time: '2024-12-10T13:55:36.409Z', level: 'info', service: null });
    expect(uf).toMatchObject({ level: 'error' });
    expect(uf?.message).toContain('upstream connection failure');
    expect(uf?.message).toContain('payments-gateway.pay.svc:8080');
    expect(teapot).toMatchObject({ level: 'warn' });
    expect(teapot?.message).toContain('httpbin.foo.svc.cluster.local');
    expect(uh?.message).toContain('no healthy upstream');
    expect(uh?.message).toContain('inventory:9090');
  });
});

describe('PostgreSQL logs', () => {
  it('reads severities after any log_line_prefix; DETAIL and STATEMENT continue the entry before', () => {
    const [checkpoint, deadlock, detail, statement, slots, warning, slow] = heads('postgresql.log');
    expect(checkpoint).toEqual({ time: '2024-12-10T13:55:36.123Z', level: 'info', service: null, message: 'checkpoint starting: time' });
    expect(deadlock).toMatchObject({ level: 'error', message: 'deadlock detected' });
    expect(detail).toBeNull();
    expect(statement).toBeNull();
    expect(slots).toMatchObject({
      time: '2024-12-10T13:55:38.000Z',
      level: 'fatal',
      message: expect.stringMatching(/^remaining connection slots/),
    });
    expect(warning).toMatchObject({ time: '2024-12-10T12:55:39.000Z', level: 'warn' });
    expect(slow?.message).toMatch(/^duration: 61234\.512 ms/);
  });
});

describe('custom formats (LOG_FORMATS)', () => {
  afterEach(() => setCustomFormats([]));

  it('parses a team format with RE2 named groups and a time layout, before the built-in formats', () => {
    setCustomFormats(
      parseFormatsJson(
        JSON.stringify([
          {
            name: 'acme',
            pattern:
              '^(?P<time>\\d{2}/[A-Za-z]{3}/\\d{4} \\d{2}:\\d{2}:\\d{2}) \\| (?P<level>\\w+) \\| (?P<service>[\\w-]+) \\| (?P<message>.*)$',
            timeLayout: 'DD/MMM/YYYY HH:mm:ss',
          },
        ]),
      ),
    );
    const parsed = parseHead('10/Dec/2024 13:55:36 | ERR | billing-core | ledger write failed: timeout', REF);
    expect(parsed && { ...parsed, time: iso(parsed.time) }).toEqual({
      time: '2024-12-10T13:55:36.000Z',
      level: 'error',
      service: 'billing-core',
      message: 'ledger write failed: timeout',
    });
    // Lines it does not match still go to the built-in formats.
    expect(parseHead('2024-12-10 13:55:36.123 UTC [1] ERROR:  boom', REF)).toMatchObject({ level: 'error', message: 'boom' });
  });

  it('reads layouts with fractions and zones, and epoch times', () => {
    expect(iso(timeReader('YYYY.MM.DD-HH:mm:ss.SSSZ', 't')('2024.12.10-13:55:36.5+01:00'))).toBe('2024-12-10T12:55:36.500Z');
    expect(iso(timeReader('epoch_ms', 't')('1733838936123'))).toBe('2024-12-10T13:55:36.123Z');
  });

  it('refuses bad configurations with an error naming the format and what to fix', () => {
    expect(() => setCustomFormats([{ name: 'x', pattern: '(?P<time>\\S+) (.*)' }])).toThrow(/format "x".*\(\?P<message>/);
    expect(() => setCustomFormats([{ name: 'y', pattern: '(a)\\1(?P<message>.*)' }])).toThrow(/format "y": pattern is not valid RE2/);
    expect(() => setCustomFormats([{ name: 'z', pattern: '(?P<message>.*)', timeLayout: 'HH:mm' }])).toThrow(/format "z".*YYYY/);
    expect(() => parseFormatsJson('[{')).toThrow(FormatConfigError);
  });
});

const PARSER = fileURLToPath(new URL('../../dist/mcp-servers/logs/parser/index.js', import.meta.url));
const CUSTOM = fileURLToPath(new URL('../../dist/mcp-servers/logs/parser/custom.js', import.meta.url));

describe('adversarial telemetry lines', () => {
  it('parses pathological OTel, event, Envoy, PostgreSQL and custom-format lines in linear time (separate process, hard timeout)', () => {
    const script = `
      const { parseHead } = await import(${JSON.stringify(PARSER)});
      const { setCustomFormats } = await import(${JSON.stringify(CUSTOM)});
      const n = 20000;
      const samples = [
        '[2024-12-10T13:55:36.409Z] "GET ' + '/a'.repeat(n) + ' HTTP/1.1" 200 - ' + '"x" '.repeat(n),
        '[2024-12-10T13:55:36.409Z] "GET /a HTTP/1.1" 503 UF ' + ' '.repeat(n) + '"',
        '2024-12-10 13:55:36.123 UTC ' + 'LOG: '.repeat(n) + ' x',
        '2024-12-10 13:55:36 ' + 'a:  '.repeat(n),
        JSON.stringify({ resourceLogs: Array.from({ length: 50 }, () => ({ scopeLogs: [{ logRecords: Array.from({ length: 100 }, () => ({ timeUnixNano: '1733838936123456789', body: 'x' })) }] })) }),
        JSON.stringify({ kind: 'Event', type: 'Warning', reason: 'B'.repeat(n), involvedObject: { kind: 'Pod', name: 'a-'.repeat(n) } }),
      ];
      setCustomFormats([{ name: 'c', pattern: '^(?P<time>\\\\S+) (?:a|a)*(?P<message>.*)$', timeLayout: 'iso' }]);
      const started = Date.now();
      for (const line of samples) parseHead(line + '!', Date.now());
      parseHead('2024 ' + 'a'.repeat(n) + '!', Date.now());
      console.log(Date.now() - started);
    `;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { timeout: 10_000, encoding: 'utf8' });
    expect(run.error).toBeUndefined();
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(Number(run.stdout.trim())).toBeLessThan(5_000);
  });
});
