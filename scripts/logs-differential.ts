import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { LEVEL_RANK } from '../mcp-servers/logs/parser/levels.js';
import { compileMatcher } from '../mcp-servers/logs/query.js';
import { EntryAssembler } from '../mcp-servers/logs/reader/assembler.js';
import { fastScanFile } from '../mcp-servers/logs/reader/fast-scan.js';
import { readLines } from '../mcp-servers/logs/reader/lines.js';
import { levelPrefilter, literalPrefilter, type Prefilter, regexPrefilter } from '../mcp-servers/logs/reader/prefilter.js';
import type { LogEntry, LogFile } from '../mcp-servers/logs/types.js';

/**
 * Differential check of the logs fast path: generated files in every supported format, with stack traces,
 * binary garbage, CRLF, over-long lines and multi-byte text around matches, are read by the straightforward
 * path (every line parsed) and by the prefiltering scanner at several block sizes; counts and entries must agree.
 * Run: node dist/scripts/logs-differential.js [--seed N] [--lines N]; prints one JSON line.
 */

const WORDS = [
  'timeout',
  'Timeout',
  'TIMEOUT',
  'connection refused',
  'Connection Refused',
  'refused',
  'ok',
  'cart',
  'user',
  'done',
  'retry',
];
const UTF8 = ['é', 'Ünïcödé', '日本語', '🎉', 'K', 'ſ', 'ı', '…', '\u00a0'];
const LEVELS = ['INFO', 'DEBUG', 'WARN', 'ERROR', 'FATAL', 'info', 'error', 'Warning', 'SEVERE', 'CRIT', 'ERR', 'TRACE'];

export const QUERIES: Array<{ name: string; prefilter: () => Prefilter; match: (e: LogEntry) => boolean }> = [
  ...[
    'timeout',
    'connection refused',
    'é timeout',
    'line cut',
    '…[line',
    'at com',
    'x',
    '日本語',
    'ıd',
    'ok 🎉',
    'HikariPool-1',
    'Pool-1 - ',
    'after 30000ms',
  ].map((p) => ({
    name: `literal ${p}`,
    prefilter: () => literalPrefilter(p),
    match: compileMatcher(p, false),
  })),
  ...[
    'timeout|refused',
    'HikariPool-\\d+ .*timed out',
    '(?i)conn(ection)? refused',
    'k',
    'user=u_\\d+ s',
    '^\\d+',
    '[a-z]+ok',
    'caused by',
    'after 30000ms|Pool-2 - ',
  ].map((p) => ({
    name: `regex ${p}`,
    prefilter: () => regexPrefilter(p),
    match: compileMatcher(p, true),
  })),
  {
    name: 'level >= warn',
    prefilter: levelPrefilter,
    match: (e) => e.level !== null && LEVEL_RANK[e.level] >= LEVEL_RANK.warn,
  },
];

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Generated log text as bytes: one Buffer per line, each with its own ending. */
export function generate(seed: number, lines: number): Buffer {
  const r = rng(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(r() * items.length)] as T;
  const parts: Buffer[] = [];
  let t = Date.parse('2024-05-01T00:00:00Z');
  const message = () => {
    const n = 1 + Math.floor(r() * 6);
    const words: string[] = [];
    for (let i = 0; i < n; i++) words.push(r() < 0.25 ? pick(UTF8) + pick(WORDS) + pick(UTF8) : pick(WORDS));
    if (r() < 0.1) words.push(`HikariPool-${Math.floor(r() * 3)} - Connection is not available, request timed out after 30000ms`);
    if (r() < 0.1) words.push(`user=u_${Math.floor(r() * 99)} status=${pick(LEVELS)}`);
    return words.join(' ');
  };
  for (let i = 0; i < lines; i++) {
    t += Math.floor(r() * 2000);
    const iso = new Date(t).toISOString();
    const d = new Date(t);
    const p2 = (n: number) => String(n).padStart(2, '0');
    const level = pick(LEVELS);
    const kind = r();
    let line: string;
    if (kind < 0.25) line = `${iso} ${level} [svc-${Math.floor(r() * 3)}] ${message()}`;
    else if (kind < 0.32) line = `${iso.replace('T', ' ').replace('.', ',').slice(0, 23)} [main] ${level} com.shop.Client - ${message()}`;
    else if (kind < 0.42)
      line = JSON.stringify({
        time: iso,
        level: r() < 0.3 ? pick([30, 40, 50, 60]) : level.toLowerCase(),
        service: 'json-svc',
        msg: message(),
      });
    else if (kind < 0.44) line = `{"time":"${iso}","lev\\u0065l":"error","msg":"escaped key ${message()}"}`;
    else if (kind < 0.5) line = `time=${iso} level=${r() < 0.3 ? pick([40, 50]) : level.toLowerCase()} msg="${message()}"`;
    else if (kind < 0.54)
      line = `${p2(d.getUTCFullYear() % 100)}${p2(d.getUTCMonth() + 1)}${p2(d.getUTCDate())} ${p2(d.getUTCHours())}${p2(d.getUTCMinutes())}${p2(d.getUTCSeconds())} 148 ${level.toUpperCase()} dfs.DataNode: ${message()}`;
    else if (kind < 0.58)
      line = `${p2(d.getUTCFullYear() % 100)}/${p2(d.getUTCMonth() + 1)}/${p2(d.getUTCDate())} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} ${level.toUpperCase()} executor.Backend: ${message()}`;
    else if (kind < 0.61) line = `[Sun Dec 04 04:47:44 2005] [${level.toLowerCase()}] ${message()}`;
    else if (kind < 0.64)
      line = `- ${Math.floor(t / 1000)} 2005.06.03 R02-M1 2005-06-03-15.42.50.675872 R02-M1 RAS KERNEL ${pick(['INFO', 'FATAL', 'FAILURE', 'SEVERE'])} ${message()}`;
    else if (kind < 0.76) line = `\tat com.shop.${pick(WORDS).replace(/\s/g, '')}.call(Client.java:${i % 300})`;
    else if (kind < 0.8) line = `Caused by: java.net.SocketTimeoutException: ${message()}`;
    else if (kind < 0.83) line = '';
    else if (kind < 0.86) line = `plain text without a time ${message()}`;
    else if (kind < 0.9) line = `${iso} ${level} ${message()} ${'pad '.repeat(Math.floor(r() * 40))}`;
    else if (kind < 0.92) line = `${iso} \x1b[31m${level}\x1b[0m [svc-ansi] ${message()}`;
    else line = `${iso} INFO [svc] ${message()}`;
    let bytes = Buffer.from(line);
    const odd = r();
    if (odd < 0.03) {
      // Binary garbage: NUL, DEL, lone CR, C1 controls, invalid UTF-8, and needles split by them.
      const garbage = Buffer.from([0, 0xff, 0x0d, 0x7f, 0xc2, 0x85, 0x80, 0xe2, 0x82, 0x1b]);
      const cut = Math.floor(r() * (bytes.length + 1));
      bytes = Buffer.concat([bytes.subarray(0, cut), garbage.subarray(0, 1 + Math.floor(r() * garbage.length)), bytes.subarray(cut)]);
    } else if (odd < 0.05) {
      // Needles split by control bytes (the reader replaces them, so no match) and by ANSI sequences (dropped
      // whole, so the sanitized line matches where the raw bytes do not); a level word wrapped in colour codes.
      const split = pick([
        ' time\x00out',
        ' conn\rection refused',
        ' ti\xc2\x85meout',
        ' Hikari\x7fPool-1',
        ' tIm\x1beout',
        ' time\x1b[0mout',
        ' conn\x1b[1;31mection refused',
        ' Hikari\x1b[mPool-1',
      ]);
      bytes = Buffer.concat([bytes, Buffer.from(split, 'latin1')]);
    } else if (odd < 0.055) bytes = Buffer.from(`${line} ${'y'.repeat(64 * 1024 - 20 + Math.floor(r() * 40))} timeout`);
    else if (odd < 0.058) bytes = Buffer.from(`${line} ${'日'.repeat(23_000 + Math.floor(r() * 100_000))} refused`);
    else if (odd < 0.06) bytes = Buffer.from(`${line}${'z'.repeat(300_000 + Math.floor(r() * 100_000))} timeout tail`);
    parts.push(bytes, Buffer.from(r() < 0.1 ? '\r\n' : '\n'));
  }
  // Sometimes no newline at the end, sometimes a final long unterminated line.
  const last = r();
  if (last < 0.3) parts.pop();
  else if (last < 0.4) parts.push(Buffer.from(`tail without newline timeout ${'q'.repeat(70_000)}`));
  return Buffer.concat(parts);
}

interface Hit {
  entry: LogEntry;
  sortTime: number;
}

async function reference(file: LogFile, match: (e: LogEntry) => boolean): Promise<Hit[]> {
  const assembler = new EntryAssembler(file.label, file.service);
  const out: Hit[] = [];
  let last = Number.NEGATIVE_INFINITY;
  const take = (entries: LogEntry[]) => {
    for (const entry of entries) {
      if (entry.time !== null) last = entry.time;
      if (match(entry)) out.push({ entry, sortTime: last });
    }
  };
  let lineNo = 0;
  for await (const line of readLines(file.abs, file.gz, file.label)) {
    lineNo += 1;
    take(assembler.push(line, lineNo));
  }
  take(assembler.flush());
  return out;
}

async function fast(file: LogFile, query: (typeof QUERIES)[number], blockBytes: number, numbered: boolean): Promise<Hit[]> {
  const out: Hit[] = [];
  await fastScanFile(
    file,
    query.prefilter(),
    { start: 0, end: file.size, linesBefore: 0, lastTime: Number.NEGATIVE_INFINITY, numbered },
    (entry, sortTime) => {
      if (query.match(entry)) out.push({ entry, sortTime });
    },
    undefined,
    blockBytes,
  );
  return out;
}

export interface DiffReport {
  seed: number;
  bytes: number;
  comparisons: number;
  matches: number;
  mismatches: string[];
}

export async function runDifferential(seed: number, lines: number): Promise<DiffReport> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'logs-diff-'));
  const report: DiffReport = { seed, bytes: 0, comparisons: 0, matches: 0, mismatches: [] };
  try {
    const data = generate(seed, lines);
    report.bytes = data.length;
    const plain = path.join(dir, 'app.log');
    writeFileSync(plain, data);
    writeFileSync(`${plain}.1.gz`, gzipSync(data));
    for (const abs of [plain, `${plain}.1.gz`]) {
      const st = statSync(abs);
      const file: LogFile = {
        abs,
        label: path.basename(abs),
        gz: abs.endsWith('.gz'),
        size: st.size,
        mtimeMs: st.mtimeMs,
        ino: st.ino,
        service: 'app',
      };
      for (const query of QUERIES) {
        const want = await reference(file, query.match);
        report.matches += want.length;
        // Unnumbered scans (error_summary's) must agree on everything but the line, which they leave 0.
        const unnumbered = want.map((hit) => ({ ...hit, entry: { ...hit.entry, line: 0 } }));
        const runs = [4093, 64 * 1024 + 3, 4 * 1024 * 1024].map((blockBytes) => ({ blockBytes, numbered: true }));
        for (const { blockBytes, numbered } of [...runs, { blockBytes: 64 * 1024 + 3, numbered: false }]) {
          const got = await fast(file, query, blockBytes, numbered);
          report.comparisons += 1;
          const a = JSON.stringify(numbered ? want : unnumbered);
          const b = JSON.stringify(got);
          if (a !== b) {
            const i = want.findIndex((w, k) => JSON.stringify(w) !== JSON.stringify(got[k]));
            report.mismatches.push(
              `${file.label} ${query.name} block ${blockBytes}${numbered ? '' : ' unnumbered'}: ${want.length} vs ${got.length}; first difference at ${i}: ${JSON.stringify(want[i])?.slice(0, 300)} vs ${JSON.stringify(got[i])?.slice(0, 300)}`,
            );
          }
        }
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return report;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const argv = process.argv.slice(2);
  const value = (flag: string, fallback: number) => {
    const index = argv.indexOf(flag);
    return index >= 0 ? Number(argv[index + 1]) : fallback;
  };
  runDifferential(value('--seed', 1), value('--lines', 3000)).then(
    (report) => {
      console.log(JSON.stringify(report));
      if (report.mismatches.length > 0) process.exitCode = 1;
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = 2;
    },
  );
}
