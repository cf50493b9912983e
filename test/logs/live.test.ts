import { appendFileSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { LineCounter } from '../../mcp-servers/logs/reader/backward.js';
import { ListServicesOutput, ReadLogsOutput } from '../../mcp-servers/logs/schemas.js';
import { createServer } from '../../mcp-servers/logs/server.js';
import { BACKWARD_MIN_BYTES, LogStore } from '../../mcp-servers/logs/store.js';
import { cutLine } from '../../mcp-servers/shared/tool-result.js';
import { call, connect, readEntries, tempDir } from './helpers.js';

function line(ms: number, level: string, service: string, message: string): string {
  return `${new Date(ms).toISOString()} ${level} [${service}] ${message}`;
}

describe('live mode (LOGS_PATH)', () => {
  it('reads a folder with rotated and gzipped files; now is the wall clock', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'api.log'), `${line(Date.parse('2024-05-01T10:02:00Z'), 'ERROR', 'api', 'boom 2')}\n`);
    writeFileSync(path.join(dir, 'api.log.1'), `${line(Date.parse('2024-05-01T10:01:00Z'), 'ERROR', 'api', 'boom 1')}\n`);
    writeFileSync(path.join(dir, 'api.log.2.gz'), gzipSync(`${line(Date.parse('2024-05-01T10:00:00Z'), 'ERROR', 'api', 'boom 0')}\n`));
    writeFileSync(path.join(dir, 'notes.md'), 'not a log');
    const before = Date.now();
    const c = await connect({ logsPath: dir });
    try {
      const list = ListServicesOutput.parse((await call(c.client, 'list_services')).structured);
      expect(list.mode).toBe('live');
      expect(list.files).toBe(3);
      expect(Date.parse(list.now)).toBeGreaterThanOrEqual(before);
      const read = ReadLogsOutput.parse((await call(c.client, 'read_logs', {})).structured);
      expect(read.entries.map((e) => [e.message, e.file])).toEqual([
        ['boom 0', 'api.log.2.gz'],
        ['boom 1', 'api.log.1'],
        ['boom 2', 'api.log'],
      ]);
      const summary = await call(c.client, 'error_summary', {});
      expect(summary.structured.signatures[0]).toMatchObject({ signature: 'boom <n>', count: 3 });
    } finally {
      await c.close();
    }
  });

  it('expands comma-separated globs with *, ?, ** and {a,b}; dataset.json now still applies', async () => {
    const dir = tempDir();
    mkdirSync(path.join(dir, 'a', 'deep', 'er'), { recursive: true });
    mkdirSync(path.join(dir, 'b'));
    mkdirSync(path.join(dir, 'data'));
    writeFileSync(path.join(dir, 'data', 'dataset.json'), JSON.stringify({ name: 'x', now: '2024-05-01T12:00:00Z' }));
    const t = Date.parse('2024-05-01T11:00:00Z');
    writeFileSync(path.join(dir, 'a', 'one.log'), `${line(t, 'INFO', 'one', 'hello one')}\n`);
    writeFileSync(path.join(dir, 'a', 'deep', 'er', 'two.log'), `${line(t, 'INFO', 'two', 'hello two')}\n`);
    writeFileSync(
      path.join(dir, 'b', 'three.jsonl'),
      `{"time":"2024-05-01T11:00:00Z","level":"info","service":"three","msg":"hello three"}\n`,
    );
    writeFileSync(path.join(dir, 'b', 'four.txt'), `${line(t, 'INFO', 'four', 'hello four')}\n`);
    const logsPath = `${path.join(dir, 'a', '**', '*.log')}, ${path.join(dir, 'b', 'th?ee.{jsonl,log}')}`;
    const c = await connect({ logsPath, dataDir: path.join(dir, 'data') });
    try {
      const list = ListServicesOutput.parse((await call(c.client, 'list_services')).structured);
      expect(list.services.map((s) => s.service).sort()).toEqual(['one', 'three', 'two']);
      expect(list.now).toBe('2024-05-01T12:00:00.000Z');
      const read = await call(c.client, 'read_logs', { since: '2h' });
      expect(read.structured.total).toBe(3);
      expect(read.structured.entries.map((e: { file: string }) => e.file).sort()).toEqual(['deep/er/two.log', 'one.log', 'three.jsonl']);
    } finally {
      await c.close();
    }
  });

  it('a glob that matches nothing is a tool error naming the glob', async () => {
    const dir = tempDir();
    const glob = path.join(dir, '*.nothing');
    const c = await connect({ logsPath: glob });
    try {
      const r = await call(c.client, 'read_logs', {});
      expect(r.isError).toBe(true);
      expect(r.text).toContain(`LOGS_PATH glob "${glob}" matched no files`);
      const missing = await call(c.client, 'list_services');
      expect(missing.isError).toBe(true);
    } finally {
      await c.close();
    }
  });

  it('refuses files that resolve outside their root, and ".." in LOGS_PATH', async () => {
    const dir = tempDir();
    mkdirSync(path.join(dir, 'logs'));
    mkdirSync(path.join(dir, 'secret'));
    writeFileSync(path.join(dir, 'secret', 'passwords.log'), `${line(Date.now(), 'INFO', 'secret', 'hunter2')}\n`);
    writeFileSync(path.join(dir, 'logs', 'app.log'), `${line(Date.now(), 'INFO', 'app', 'fine')}\n`);
    symlinkSync(path.join(dir, 'secret', 'passwords.log'), path.join(dir, 'logs', 'leak.log'));
    symlinkSync(path.join(dir, 'secret'), path.join(dir, 'logs', 'linked-dir'));
    for (const logsPath of [path.join(dir, 'logs'), path.join(dir, 'logs', '*.log')]) {
      const c = await connect({ logsPath });
      try {
        const r = await call(c.client, 'search_logs', { pattern: 'hunter2' });
        expect(r.isError).toBe(false);
        expect(r.structured.total).toBe(0);
        expect(r.text).toContain(`refused ${path.join(dir, 'logs', 'leak.log')}`);
        const all = await call(c.client, 'read_logs', {});
        expect(all.structured.entries.map((e: { message: string }) => e.message)).toEqual(['fine']);
      } finally {
        await c.close();
      }
    }
    expect(() => createServer({ logsPath: `${path.join(dir, 'logs')}/../secret/*.log` })).toThrow(/contains "\.\."/);
  });
});

describe('large plain files are read backwards for recent entries', () => {
  const dir = tempDir();
  const file = path.join(dir, 'big.log');
  const start = Date.parse('2024-05-01T00:00:00Z');
  let t = start;
  // Build a file just over the backward threshold: ordinary lines, stack traces, untimed noise.
  const lines: string[] = ['orphan line before any head'];
  let bytes = 0;
  while (bytes < BACKWARD_MIN_BYTES + 200_000) {
    t += 1000;
    const i = lines.length;
    const l = line(t, i % 10 === 0 ? 'ERROR' : 'INFO', i % 3 === 0 ? 'api' : 'worker', `request ${i} handled in ${i % 97}ms`);
    lines.push(l);
    bytes += l.length + 1;
    if (i % 50 === 0) {
      lines.push('java.lang.IllegalStateException: bad', '\tat a.B.c(B.java:1)', '');
      bytes += 60;
    }
  }
  // The tail exercises the edge cases: a stack trace past the continuation cap, blank lines, a final untimed line.
  t += 1000;
  lines.push(line(t, 'ERROR', 'api', 'giant trace follows'));
  for (let i = 0; i < 305; i++) lines.push(`\tat frame${i}(X.java:${i})`);
  t += 1000;
  lines.push('', line(t, 'WARN', 'worker', 'last timed entry'), '\tat only.frame(Y.java:2)', '');
  writeFileSync(file, `${lines.join('\n')}\n`);

  it('read_logs tail equals the forward parse: same entries, messages and line numbers', async () => {
    const forward = await readEntries(file, 'big.log', 'big');
    const c = await connect({ logsPath: dir });
    try {
      const r = await call(c.client, 'read_logs', { limit: 20 });
      const out = ReadLogsOutput.parse(r.structured);
      expect(out.totalExact).toBe(false);
      expect(r.text).toContain('at least 20 entries matched');
      const expected = forward.slice(-20).map((e) => ({
        time: e.time === null ? null : new Date(e.time).toISOString(),
        level: e.level,
        line: e.line,
        message: cutLine(e.message, 4_000),
      }));
      expect(out.entries.map((e) => ({ time: e.time, level: e.level, line: e.line, message: e.message }))).toEqual(expected);
      expect(out.entries.some((e) => e.message.startsWith('\tat frame30'))).toBe(true);

      const errors = await call(c.client, 'read_logs', { level: 'error', limit: 5 });
      const fwdErrors = forward.filter((e) => e.level === 'error' || e.level === 'fatal').slice(-5);
      expect(errors.structured.entries.map((e: { line: number }) => e.line)).toEqual(fwdErrors.map((e) => e.line));
    } finally {
      await c.close();
    }
  });

  it('read_logs for a window in the middle seeks to its end: same entries and line numbers, few lines read', async () => {
    const forward = await readEntries(file, 'big.log', 'big');
    const until = start + Math.floor((t - start) / 2);
    const since = until - 600_000;
    const inWindow = forward.filter((e) => e.time !== null && e.time >= since && e.time <= until);
    const c = await connect({ logsPath: dir });
    try {
      const r = await call(c.client, 'read_logs', {
        since: new Date(since).toISOString(),
        until: new Date(until).toISOString(),
        limit: 20,
      });
      const out = ReadLogsOutput.parse(r.structured);
      expect(out.entries.map((e) => ({ time: e.time, line: e.line, message: e.message }))).toEqual(
        inWindow
          .slice(-20)
          .map((e) => ({ time: new Date(e.time as number).toISOString(), line: e.line, message: cutLine(e.message, 4_000) })),
      );
    } finally {
      await c.close();
    }
    // Read backwards from the window's end, not the file's: the half of the file after it is never parsed.
    const st = statSync(file);
    const store = new LogStore();
    const logFile = { abs: file, label: 'big.log', gz: false, size: st.size, mtimeMs: st.mtimeMs, ino: st.ino, service: 'big' };
    const result = await store.scan([logFile], { since, until, newestPerFile: 20 }, (entry) => entry.time !== null && entry.time <= until);
    const after = forward.filter((e) => e.time !== null && e.time > until).length;
    expect(after).toBeGreaterThan(50_000);
    expect(result.backward.get('big.log')?.visited).toBeLessThan(2_000);
  });

  it('counting newlines before an offset honours cancellation, and counts right otherwise', async () => {
    const st = statSync(file);
    const counter = new LineCounter();
    const upTo = Math.floor(st.size / 2);
    await expect(counter.newlinesBefore(file, st.ino, st.size, upTo, 'big.log', AbortSignal.abort())).rejects.toThrow(/abort/i);
    const text = readFileSync(file, 'latin1').slice(0, upTo);
    expect(await counter.newlinesBefore(file, st.ino, st.size, upTo, 'big.log', new AbortController().signal)).toBe(
      text.split('\n').length - 1,
    );
  });

  it('a since-bounded window stops early yet counts exactly, and sees appended lines', async () => {
    const forward = await readEntries(file, 'big.log', 'big');
    const since = t - 600_000;
    const expected = forward.filter((e) => e.time !== null && e.time >= since && e.level === 'error').length;
    const c = await connect({ logsPath: file });
    try {
      const iso = new Date(since).toISOString();
      const r = await call(c.client, 'error_summary', { since: iso });
      expect(r.structured.totalErrors).toBe(expected);
      const s = await call(c.client, 'search_logs', { pattern: 'handled in', since: iso, level: 'error' });
      expect(s.structured.total).toBe(expected - 1);
      appendFileSync(file, `${line(t + 5000, 'FATAL', 'api', 'appended after start')}\n`);
      const again = await call(c.client, 'read_logs', { limit: 1 });
      expect(again.structured.entries[0]).toMatchObject({
        message: 'appended after start',
        level: 'fatal',
        line: forward.at(-1)!.line + 3,
      });
      const unknown = await call(c.client, 'read_logs', { service: 'nope', limit: 1 });
      expect(unknown.isError).toBe(true);
      expect(unknown.text).toContain('known: api, big, worker');
    } finally {
      await c.close();
    }
  });
});
