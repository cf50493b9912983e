import { describe, expect, it } from 'vitest';
import { parseHead, sanitizeLine, serviceFromFileName } from '../../mcp-servers/logs/parser/index.js';
import { levelFromNumber, normalizeLevel } from '../../mcp-servers/logs/parser/levels.js';
import { errorSignature } from '../../mcp-servers/logs/signature.js';
import { iso } from './helpers.js';

function head(line: string) {
  const parsed = parseHead(line);
  if (!parsed) throw new Error(`not parsed: ${line}`);
  return { ...parsed, time: iso(parsed.time) };
}

describe('text formats', () => {
  it('plain: ISO timestamp, level, [service], message; zones honoured, zone-less is UTC', () => {
    expect(head('2024-05-01T14:03:07.120Z ERROR [checkout-api] payment failed')).toEqual({
      time: '2024-05-01T14:03:07.120Z',
      level: 'error',
      service: 'checkout-api',
      message: 'payment failed',
    });
    expect(head('2024-05-01T16:03:07+02:00 WARNING [cart] slow').time).toBe('2024-05-01T14:03:07.000Z');
    expect(head('2024-05-01 14:03:07 [INFO] [cart] ok')).toMatchObject({
      time: '2024-05-01T14:03:07.000Z',
      level: 'info',
      service: 'cart',
    });
    expect(head('2024-05-01T14:03:07Z something happened')).toMatchObject({ level: null, service: null, message: 'something happened' });
  });

  it('log4j: a service before " - " is the service; a dotted logger stays in the message', () => {
    expect(head('2024-05-01 14:03:07,250 ERROR checkout-api - card declined')).toEqual({
      time: '2024-05-01T14:03:07.250Z',
      level: 'error',
      service: 'checkout-api',
      message: 'card declined',
    });
    expect(head('2024-05-01 14:03:07,250 WARN  com.shop.Pay$Client - retrying')).toMatchObject({
      level: 'warn',
      service: null,
      message: 'com.shop.Pay$Client - retrying',
    });
    expect(head('2024-05-01 14:03:07,250 [main] FATAL org.app.Boot - cannot start')).toMatchObject({
      level: 'fatal',
      message: 'org.app.Boot - cannot start',
    });
  });

  it('JSON lines: time keys, epoch ms and s, pino numbers, severity words, service keys, err objects', () => {
    expect(head('{"time":1714572000000,"level":50,"name":"payments","msg":"pool exhausted"}')).toEqual({
      time: '2024-05-01T14:00:00.000Z',
      level: 'error',
      service: 'payments',
      message: 'pool exhausted',
    });
    expect(head('{"ts":1714572000.5,"severity":"WARNING","app":"cart","message":"slow"}')).toMatchObject({
      time: '2024-05-01T14:00:00.500Z',
      level: 'warn',
      service: 'cart',
    });
    expect(
      head('{"@timestamp":"2024-05-01T14:00:00Z","log":{"level":"critical"},"service":{"name":"api"},"message":"down"}'),
    ).toMatchObject({
      level: 'fatal',
      service: 'api',
      message: 'down',
    });
    expect(head('{"timestamp":"2024-05-01T14:00:00Z","level":10,"msg":"t"}').level).toBe('trace');
    expect(head('{"time":"2024-05-01T14:00:00Z","level":60,"msg":"x"}').level).toBe('fatal');
    const withErr = head(
      '{"time":"2024-05-01T14:00:00Z","level":"error","msg":"charge failed","err":{"message":"ECONNRESET","stack":"Error: ECONNRESET\\n    at x"}}',
    );
    expect(withErr.message).toBe('charge failed: Error: ECONNRESET\n    at x');
    expect(parseHead('{"a": 1}')).toBeNull();
    expect(parseHead('{not json')).toBeNull();
  });

  it('logfmt: quoted values with escapes', () => {
    expect(head('time=2024-05-01T14:00:00Z level=error service=inventory msg="sync \\"failed\\"" took=3s')).toEqual({
      time: '2024-05-01T14:00:00.000Z',
      level: 'error',
      service: 'inventory',
      message: 'sync "failed"',
    });
    expect(head('ts=1714572000 lvl=warn msg=hello').time).toBe('2024-05-01T14:00:00.000Z');
    expect(parseHead('just=a pair')).toBeNull();
  });

  it('years: HDFS yyMMdd and Spark yy/MM/dd; Apache month names', () => {
    expect(head('081109 203615 148 INFO dfs.DataNode$PacketResponder: done').time).toBe('2008-11-09T20:36:15.000Z');
    expect(head('17/06/09 20:10:40 WARN spark.X: y').time).toBe('2017-06-09T20:10:40.000Z');
    expect(head('[Sun Dec 04 04:47:44 2005] [error] mod_jk child')).toMatchObject({ time: '2005-12-04T04:47:44.000Z', level: 'error' });
    expect(head('[Wed Oct 11 14:32:52.123456 2023] [core:crit] [pid 99] AH00001: x')).toMatchObject({
      time: '2023-10-11T14:32:52.123Z',
      level: 'fatal',
    });
  });

  it('continuation and garbage lines are not heads', () => {
    expect(parseHead('\tat com.shop.X.y(X.java:1)')).toBeNull();
    expect(parseHead('Caused by: java.io.IOException: boom')).toBeNull();
    expect(parseHead('')).toBeNull();
    expect(parseHead('\ufffd\ufffd binary')).toBeNull();
  });
});

describe('levels, names, sanitising', () => {
  it('normalises level words', () => {
    const cases: [string, string | null][] = [
      ['WARNING', 'warn'],
      ['err', 'error'],
      ['SEVERE', 'error'],
      ['CRITICAL', 'fatal'],
      ['panic', 'fatal'],
      ['EMERG', 'fatal'],
      ['FAILURE', 'fatal'],
      ['notice', 'info'],
      ['trace3', 'trace'],
      ['banana', null],
      ['constructor', null],
      ['toString', null],
    ];
    for (const [word, level] of cases) expect(normalizeLevel(word), word).toBe(level);
    expect([10, 20, 30, 40, 50, 60].map(levelFromNumber)).toEqual(['trace', 'debug', 'info', 'warn', 'error', 'fatal']);
  });

  it('derives the service from file names', () => {
    expect(serviceFromFileName('/x/checkout-api.log.1.gz')).toBe('checkout-api');
    expect(serviceFromFileName('payments.jsonl')).toBe('payments');
    expect(serviceFromFileName('nova-api.log.1.2017-05-16_13:53:08')).toBe('nova-api');
    expect(serviceFromFileName('worker.txt')).toBe('worker');
    expect(serviceFromFileName('syslog.2.gz')).toBe('syslog');
  });

  it('replaces control characters with U+FFFD, never joining the bytes around them, and keeps tabs', () => {
    expect(sanitizeLine('time\u0000out\td\r')).toBe('time\ufffdout\td');
    expect(sanitizeLine('a\u007fb\u0085c\rd')).toBe('a\ufffdb\ufffdc\ufffdd');
  });

  it('drops ANSI colour sequences whole, so a coloured level reads as the word', () => {
    expect(sanitizeLine('\u001b[31mERROR\u001b[0m payment failed')).toBe('ERROR payment failed');
    expect(sanitizeLine('\u001b[1;33;40mWARN\u001b[m x')).toBe('WARN x');
    // A lone ESC is not a sequence: it is replaced like any other control.
    expect(sanitizeLine('a\u001bb')).toBe('a\ufffdb');
  });
});

describe('error signatures', () => {
  it('keeps host and service names: a URL keeps its host, a host:port keeps its host, digits in names survive', () => {
    expect(errorSignature('charge failed: POST http://payments-gateway.pay.svc:8080/authorize returned 503 after 3012ms')).toBe(
      'charge failed: POST <url:payments-gateway.pay.svc> returned <n> after <duration>',
    );
    expect(errorSignature('bulk request to es-node-7:9200 timed out after 2000ms')).toBe(
      'bulk request to es-node-7:<n> timed out after <duration>',
    );
    expect(errorSignature('GET http://10.0.0.1:8080/x failed')).toBe('GET <url:<ip>> failed');
    // Two lines that differ only in ids still group; lines naming different dependencies do not.
    expect(errorSignature('call to http://ledger-api/v1/p/1 failed')).toBe(errorSignature('call to http://ledger-api/v1/p/2 failed'));
    expect(errorSignature('call to http://ledger-api/x failed')).not.toBe(errorSignature('call to http://kyc-svc/x failed'));
  });

  it('masks numbers, ids, UUIDs, hex, IPs, emails, durations, paths, urls and times', () => {
    expect(errorSignature('timeout after 3012ms for order 8812 user bob@x.com file /var/lib/app/data.db from 10.0.0.12:5432')).toBe(
      'timeout after <duration> for order <n> user <email> file <path> from <ip>',
    );
    expect(
      errorSignature(
        'upstream 502 from https://pay.example.com/v1/charge?id=9 trace=4bf92f3577b34da6a3ce929d0e0e4736 req 1f2e3d4c-aaaa-bbbb-cccc-123456789012',
      ),
    ).toBe('upstream <n> from <url:pay.example.com> trace=<hex> req <uuid>');
    expect(errorSignature('took 1.5s at 2024-05-01T10:00:00Z, addr 0x7ffe, retry #3')).toBe(
      'took <duration> at <time>, addr <hex>, retry #<n>',
    );
  });

  it('gives equal signatures to messages differing only in variable parts, and different ones otherwise', () => {
    expect(errorSignature('PacketResponder 1 for block blk_-6952295868487656571 terminating')).toBe(
      errorSignature('PacketResponder 0 for block blk_38865049064139660 terminating'),
    );
    expect(errorSignature('node R02-M1-N0-C:J12-U11 parity error')).toBe(errorSignature('node R27-M0-N9-C:J16-U01 parity error'));
    expect(errorSignature('connection refused')).not.toBe(errorSignature('connection reset'));
    expect(errorSignature('first line 42\n\tat frame 1')).toBe('first line <n>');
  });

  it('masks prefixed object ids (Stripe-style) so one id per line still groups; plain snake_case words stay', () => {
    expect(errorSignature('transfer tr_9f3a0c1b2d4e failed: deadline exceeded calling ledger-grpc.finance.svc:9090')).toBe(
      'transfer <id> failed: deadline exceeded calling ledger-grpc.finance.svc:<n>',
    );
    expect(errorSignature('charge ch_3MmlLrLkdIwHu7ix0snN0B15 declined')).toBe(errorSignature('charge ch_1Pq2Wx9aBcDeFgHiJkLm declined'));
    expect(errorSignature('cache_invalidation failed for user_profile')).toBe('cache_invalidation failed for user_profile');
  });
});

describe('log4j name heuristics', () => {
  it('a bare word before " - " is a logger (the file names the service); hyphenated names are services', () => {
    expect(head('2024-03-12 09:42:19,875 INFO gc - GC(7050) Pause Young 20.771ms')).toMatchObject({
      service: null,
      message: 'gc - GC(7050) Pause Young 20.771ms',
    });
    expect(head('2024-03-12 09:42:19,875 INFO order_worker - picked job 7')).toMatchObject({
      service: 'order_worker',
      message: 'picked job 7',
    });
  });

  it('HikariPool-1 keeps its dash in a signature while blk_-1 and blk_1 agree', () => {
    expect(errorSignature('HikariPool-1 - Connection is not available')).toBe('HikariPool-<n> - Connection is not available');
    expect(errorSignature('block blk_-42 lost')).toBe(errorSignature('block blk_42 lost'));
  });
});
