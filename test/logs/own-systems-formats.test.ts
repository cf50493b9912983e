import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileNotes } from '../../mcp-servers/logs/file-notes.js';
import { parseHead } from '../../mcp-servers/logs/parser/index.js';
import { errorSignature } from '../../mcp-servers/logs/signature.js';
import { servicesFromEnv, ZoneConfigError, zoneOf, zonesFromEnv } from '../../mcp-servers/logs/zones.js';
import { call, connect, tempDir } from './helpers.js';

const REF = Date.parse('2026-12-07T20:00:00Z');
const at = (line: string, context: Parameters<typeof parseHead>[1] = REF) => {
  const head = parseHead(line, context);
  return head && { ...head, time: head.time === null ? null : new Date(head.time).toISOString() };
};

describe("standard-library loggers' default layouts", () => {
  it('Python "%(asctime)s - %(name)s - %(levelname)s - %(message)s": every level, a service-like logger as service', () => {
    expect(at('2026-12-07 18:52:38,826 - payments-api - ERROR - charge failed: card declined')).toEqual({
      time: '2026-12-07T18:52:38.826Z',
      level: 'error',
      service: 'payments-api',
      message: 'charge failed: card declined',
    });
    expect(at('2026-12-07 18:52:38,826 - payments.gateway - WARNING - slow')?.level).toBe('warn');
    expect(at('2026-12-07 18:52:38,826 - root - CRITICAL - down')).toMatchObject({ level: 'fatal', service: null, message: 'down' });
    expect(at('2026-12-07 18:52:38,826 - __main__ - INFO - started')).toMatchObject({ level: 'info', service: null });
    expect(at('2026-12-07 18:52:38,826 - app - DEBUG - x')?.level).toBe('debug');
    // A dash-separated line whose third field is no level keeps its text and stays levelless.
    expect(at('2026-12-07 18:52:38,826 - app - hello - x')).toMatchObject({ level: null, message: '- app - hello - x' });
  });

  it('Python basicConfig "%(levelname)s:%(name)s:%(message)s": levels without a time', () => {
    expect(at('ERROR:payments.api:charge failed')).toEqual({ time: null, level: 'error', service: null, message: 'charge failed' });
    expect(at('WARNING:order-worker:queue deep')).toMatchObject({ level: 'warn', service: 'order-worker', message: 'queue deep' });
    expect(at('CRITICAL:root:gone')?.level).toBe('fatal');
    expect(at('INFO:root:ok')?.level).toBe('info');
    expect(at('DEBUG:root:x')?.level).toBe('debug');
    expect(at('NOTE:root:x')).toBeNull();
  });

  it("Ruby's Logger: severity, offset-less time, progname", () => {
    expect(at('E, [2026-12-07T18:52:38.826123 #12] ERROR -- checkout-web: PG::ConnectionBad')).toEqual({
      time: '2026-12-07T18:52:38.826Z',
      level: 'error',
      service: 'checkout-web',
      message: 'PG::ConnectionBad',
    });
    expect(at('W, [2026-12-07T18:52:38.826 #12]  WARN -- : slow')).toMatchObject({ level: 'warn', service: null, message: 'slow' });
    expect(at('F, [2026-12-07T18:52:38 #1] FATAL -- app: boom')?.level).toBe('fatal');
    expect(at('I, [2026-12-07T18:52:38 #1]  INFO -- app: ok')?.level).toBe('info');
    expect(at('A, [2026-12-07T18:52:38 #1]   ANY -- app: note')?.level).toBe('info');
  });

  it("Go's log: time with or without microseconds and file, a leading level word or panic when there is one", () => {
    expect(at('2026/12/07 18:52:38 ERROR: upstream timeout')).toEqual({
      time: '2026-12-07T18:52:38.000Z',
      level: 'error',
      service: null,
      message: 'upstream timeout',
    });
    expect(at('2026/12/07 18:52:38.123456 main.go:42: [warn] retrying')).toMatchObject({ time: '2026-12-07T18:52:38.123Z', level: 'warn' });
    expect(at('2026/12/07 18:52:38 level=error msg=x')?.level).toBe('error');
    expect(at('2026/12/07 18:52:38 panic: runtime error')?.level).toBe('fatal');
    expect(at('2026/12/07 18:52:38 listening on :8080')).toMatchObject({ level: null, message: 'listening on :8080' });
    // nginx's error log shares the date shape and keeps its own reading.
    expect(at('2026/12/07 18:52:38 [error] 12#12: *5 connect() failed')).toMatchObject({ level: 'error', message: 'connect() failed' });
  });
});

describe('LOG_TIMEZONE / LOG_TIMEZONES', () => {
  it('reads offset-less times in the file zone, across daylight saving, and leaves times with an offset alone', () => {
    const berlin = { referenceMs: REF, zone: 'Europe/Berlin' };
    expect(at('2026-12-07 18:52:38,826 - app - ERROR - x', berlin)?.time).toBe('2026-12-07T17:52:38.826Z');
    expect(at('2026-07-07 18:52:38,826 - app - ERROR - x', berlin)?.time).toBe('2026-07-07T16:52:38.826Z');
    expect(at('2026-12-07T18:52:38Z ERROR x', berlin)?.time).toBe('2026-12-07T18:52:38.000Z');
    expect(at('2026-12-07T18:52:38+05:30 ERROR x', berlin)?.time).toBe('2026-12-07T13:22:38.000Z');
    expect(at('E, [2026-12-07T18:52:38 #1] ERROR -- app: x', { referenceMs: REF, zone: 'America/New_York' })?.time).toBe(
      '2026-12-07T23:52:38.000Z',
    );
    // No zone: UTC, as before.
    expect(at('2026-12-07 18:52:38,826 - app - ERROR - x', { referenceMs: REF })?.time).toBe('2026-12-07T18:52:38.826Z');
  });

  it('matches globs against path, label or name, first rule winning, LOG_TIMEZONE otherwise', () => {
    const rules = zonesFromEnv({
      LOG_TIMEZONE: 'Europe/Berlin',
      LOG_TIMEZONES: '{"legacy/*.log":"Asia/Tokyo","/srv/**/ny-*.log":"America/New_York"}',
    });
    expect(zoneOf(rules, { abs: '/var/log/legacy/a.log', label: 'legacy/a.log' })).toBe('Asia/Tokyo');
    expect(zoneOf(rules, { abs: '/srv/x/y/ny-1.log', label: 'ny-1.log' })).toBe('America/New_York');
    expect(zoneOf(rules, { abs: '/var/log/other.log', label: 'other.log' })).toBe('Europe/Berlin');
    expect(zoneOf(zonesFromEnv({}), { abs: '/a.log', label: 'a.log' })).toBeUndefined();
    expect(zoneOf(zonesFromEnv({ LOG_TIMEZONE: 'UTC' }), { abs: '/a.log', label: 'a.log' })).toBeUndefined();
  });

  it('names the variable of an unknown zone or malformed map', () => {
    expect(() => zonesFromEnv({ LOG_TIMEZONE: 'Mars/Olympus' })).toThrow(/^LOG_TIMEZONE: unknown time zone "Mars\/Olympus"/);
    expect(() => zonesFromEnv({ LOG_TIMEZONES: '{"*.log": "CEST+1"}' })).toThrow(/^LOG_TIMEZONES\["\*\.log"\]: unknown time zone/);
    expect(() => zonesFromEnv({ LOG_TIMEZONES: '[1]' })).toThrow(ZoneConfigError);
    expect(() => zonesFromEnv({ LOG_TIMEZONES: '{' })).toThrow(/^LOG_TIMEZONES: not valid JSON/);
  });
});

describe('list_services notes about a team’s own files', () => {
  const minute = 60_000;
  const now = Date.parse('2026-12-07T20:00:00Z');
  const wall = (ms: number, zoneHours: number) =>
    new Date(ms + zoneHours * 3_600_000).toISOString().replace('T', ' ').replace('Z', '').replace('.', ',');

  function folder(): string {
    const dir = tempDir();
    // A service logging in CET (UTC+1) up to now, without an offset.
    const cet = [30, 20, 10, 1].map((ago) => `${wall(now - ago * minute, 1)} - app - ERROR - failed`).join('\n');
    writeFileSync(path.join(dir, 'cet.log'), `${cet}\n`);
    writeFileSync(path.join(dir, 'plain.log'), 'just words\nmore words\n');
    writeFileSync(path.join(dir, 'utc.log'), `${wall(now - minute, 0)} - app - ERROR - failed\n`);
    return dir;
  }

  it('says a file lies in the future with its likely offset, and that a file has no levels', async () => {
    const { client, close } = await connect({ logsPath: folder(), now: new Date(now) });
    const result = await call(client, 'list_services');
    await close();
    const notes = (result.structured?.notes ?? []) as string[];
    expect(notes.find((note) => note.startsWith('cet.log:'))).toMatch(
      /newest entry \(2026-12-07T20:59:00\.000Z\) lies 59 min after now: likely written in local time \+1 h from UTC/,
    );
    expect(notes.find((note) => note.startsWith('plain.log:'))).toMatch(/2 entries but no level recognised .* LOG_FORMATS/);
    expect(notes.some((note) => note.startsWith('utc.log:'))).toBe(false);
  });

  it('has nothing to say once LOG_TIMEZONE names the zone', async () => {
    const { client, close } = await connect({
      logsPath: folder(),
      now: new Date(now),
      zones: zonesFromEnv({ LOG_TIMEZONE: 'Europe/Paris' }),
    });
    const result = await call(client, 'list_services');
    await close();
    const notes = (result.structured?.notes ?? []) as string[];
    expect(notes.some((note) => note.startsWith('cet.log:'))).toBe(false);
  });

  it('keeps clock jitter within five minutes quiet', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'a.log'), `${wall(now + 4 * minute, 0)} - app - ERROR - x\n`);
    writeFileSync(path.join(dir, 'b.log'), `${wall(now + 6 * minute, 0)} - app - ERROR - x\n`);
    const { client, close } = await connect({ logsPath: dir, now: new Date(now) });
    const notes = ((await call(client, 'list_services')).structured?.notes ?? []) as string[];
    await close();
    expect(notes.some((note) => note.startsWith('a.log:'))).toBe(false);
    expect(notes.find((note) => note.startsWith('b.log:'))).toMatch(/lies 6 min after now: its clock likely runs ahead/);
  });
});

const PARSER = path.resolve(import.meta.dirname, '../../dist/mcp-servers/logs/parser/index.js');

describe('adversarial lines in the standard-library layouts', () => {
  it('parses pathological Python, Ruby and Go lines in linear time, zoned too (separate process, hard timeout)', () => {
    const script = `
      const { parseHead } = await import(${JSON.stringify(PARSER)});
      const n = 20000;
      const samples = [
        '2026-12-07 18:52:38,826' + ' - a'.repeat(n),
        '2026-12-07 18:52:38,826 - ' + 'x'.repeat(n) + ' - ERROR',
        'ERROR:' + 'a'.repeat(n),
        'E, [2026-12-07T18:52:38' + '.1'.repeat(n),
        'E, [2026-12-07T18:52:38 #1] ERROR -- ' + 'a'.repeat(n),
        '2026/12/07 18:52:38 ' + 'a/'.repeat(n) + '.go',
        '2026/12/07 18:52:38 ' + '['.repeat(n),
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

describe('nginx access signatures', () => {
  const line = (request: string, status: number) =>
    `10.0.0.5 - - [07/Dec/2026:18:00:00 +0000] "${request}" ${status} 12 "-" "curl/8" upstream=checkout:8080`;
  const signature = (request: string, status: number) => errorSignature(parseHead(line(request, status), REF)?.message ?? '');

  it('keep the HTTP status: 502 and 504 are different failures, the same status on other ids one', () => {
    expect(signature('POST /api/orders/1/pay HTTP/1.1', 502)).not.toBe(signature('POST /api/orders/1/pay HTTP/1.1', 504));
    expect(signature('POST /api/orders/1/pay HTTP/1.1', 502)).toBe(signature('POST /api/orders/77/pay HTTP/1.1', 502));
    expect(signature('POST /api/orders/1/pay HTTP/1.1', 502)).toContain('Bad Gateway');
  });

  it('keep the route shape: ids masked, endpoints apart, the query dropped from the route', () => {
    expect(signature('POST /api/orders/1/pay HTTP/1.1', 502)).toContain('route=api/orders/<n>/pay');
    expect(signature('POST /api/orders/1/pay HTTP/1.1', 502)).not.toBe(signature('POST /api/orders/1/refund HTTP/1.1', 502));
    expect(parseHead(line('GET /api/x/8f14e45f-ceea-467f-a0e3-1b2c3d4e5f60?q=1 HTTP/1.1', 503), REF)?.message).toContain(
      'route=api/x/8f14e45f-ceea-467f-a0e3-1b2c3d4e5f60 upstream',
    );
    expect(parseHead(line('GET / HTTP/1.1', 503), REF)?.message).not.toContain('route=');
  });
});

describe('LOG_SERVICES', () => {
  it('names the service of a file whose name is none (access.log), other files keep theirs', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'access.log'), '10.0.0.5 - - [07/Dec/2026:18:00:00 +0000] "GET /api/x HTTP/1.1" 502 1\n');
    writeFileSync(path.join(dir, 'checkout.log'), '2026-12-07T18:00:00Z ERROR boom\n');
    const { client, close } = await connect({
      logsPath: dir,
      now: new Date(REF),
      services: servicesFromEnv({ LOG_SERVICES: '{"access*.log":"edge-proxy"}' }),
    });
    const result = await call(client, 'list_services');
    await close();
    const services = (result.structured?.services ?? []) as Array<{ service: string; errors: number }>;
    expect(services.map((entry) => entry.service).sort()).toEqual(['checkout', 'edge-proxy']);
  });

  it('names the entry of a bad value', () => {
    expect(() => servicesFromEnv({ LOG_SERVICES: '{"access.log":"has space"}' })).toThrow(
      /^LOG_SERVICES\["access\.log"\]: expected a service name/,
    );
    expect(() => servicesFromEnv({ LOG_SERVICES: '"x"' })).toThrow(/^LOG_SERVICES: expected a JSON object/);
    expect(servicesFromEnv({})).toEqual([]);
  });
});

describe('file notes: offsets no zone has', () => {
  it('does not blame a zone for a file more than 14 h ahead', () => {
    const stats = new Map([['app', { entries: 1, errors: 0, warnings: 0, levelled: 1, firstSeen: 0, lastSeen: REF + 15 * 3_600_000 }]]);
    const file = { abs: '/x/app.log', label: 'app.log', gz: false, size: 1, mtimeMs: 0, ino: 1, service: 'app' };
    const [note] = fileNotes([{ file, stats }], REF);
    expect(note).toMatch(/lies 900 min after now: its clock likely runs ahead/);
    const fourteen = new Map([['app', { ...stats.get('app'), lastSeen: REF + 14 * 3_600_000 } as never]]);
    expect(fileNotes([{ file, stats: fourteen }], REF)[0]).toMatch(/local time \+14 h from UTC/);
  });
});

describe('file notes: a file offset from its neighbours by whole hours', () => {
  const file = (label: string) => ({ abs: `/x/${label}`, label, gz: false, size: 1, mtimeMs: 0, ino: 1, service: 'a' });
  const stats = (first: number, last: number) =>
    new Map([['a', { entries: 2, errors: 0, warnings: 0, levelled: 2, firstSeen: first, lastSeen: last }]]);
  const H = 3_600_000;
  const span = { first: REF - 6 * H, last: REF - 10 * 60_000 };

  it('names a file whose both ends sit whole hours from the others, within two minutes', () => {
    const notes = fileNotes(
      [
        { file: file('a.log'), stats: stats(span.first, span.last) },
        { file: file('b.log'), stats: stats(span.first - 2 * H + 60_000, span.last - 2 * H - 90_000) },
        { file: file('c.log'), stats: stats(span.first + 30_000, span.last - 30_000) },
      ],
      REF,
    );
    expect(notes).toEqual([expect.stringMatching(/^b\.log: its first and last entries both sit -2 h from the other files' span/)]);
  });

  it('says nothing when only one end moved, when the shift is off the hour, or with a single neighbour', () => {
    const quiet = (first: number, last: number) =>
      fileNotes(
        [
          { file: file('a.log'), stats: stats(span.first, span.last) },
          { file: file('c.log'), stats: stats(span.first, span.last) },
          { file: file('b.log'), stats: stats(first, last) },
        ],
        REF,
      );
    expect(quiet(span.first, span.last - 2 * H)).toEqual([]);
    expect(quiet(span.first - 2 * H - 3 * 60_000, span.last - 2 * H - 3 * 60_000)).toEqual([]);
    expect(quiet(span.first, span.last)).toEqual([]);
    // One neighbour: either could be the shifted one.
    const pair = [
      { file: file('a.log'), stats: stats(span.first, span.last) },
      { file: file('b.log'), stats: stats(span.first - H, span.last - H) },
    ];
    expect(fileNotes(pair, REF)).toEqual([]);
  });
});

describe('nginx access logs: the service', () => {
  const access = (upstream: string) =>
    `10.0.0.5 - - [07/Dec/2026:18:00:00 +0000] "GET /api/x HTTP/1.1" 502 1 "-" "curl/8" upstream=${upstream}\n`;

  async function services(files: Record<string, string>, servicesMap?: string): Promise<string[]> {
    const dir = tempDir();
    for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
    const { client, close } = await connect({
      logsPath: dir,
      now: new Date(REF),
      ...(servicesMap ? { services: servicesFromEnv({ LOG_SERVICES: servicesMap }) } : {}),
    });
    const result = await call(client, 'list_services');
    const read = await call(client, 'read_logs', { limit: 10 });
    await close();
    const listed = ((result.structured?.services ?? []) as Array<{ service: string }>).map((entry) => entry.service).sort();
    const entries = [...new Set(((read.structured?.entries ?? []) as Array<{ service: string }>).map((entry) => entry.service))].sort();
    expect(entries).toEqual(listed);
    return listed;
  }

  it('comes from the upstream host name in a file named access.log, not "access"', async () => {
    expect(await services({ 'access.log': access('checkout:8080') + access('http://payments.shop.svc:8080') })).toEqual([
      'checkout',
      'payments',
    ]);
  });

  it('stays the file name when the upstream is an address, and when the file is named after a service', async () => {
    expect(await services({ 'access.log': access('10.0.3.7:8080') })).toEqual(['access']);
    expect(await services({ 'edge-proxy.log': access('checkout:8080') })).toEqual(['edge-proxy']);
  });

  it('LOG_SERVICES wins over the upstream', async () => {
    expect(await services({ 'access.log': access('checkout:8080') }, '{"access.log": "edge"}')).toEqual(['edge']);
  });
});
