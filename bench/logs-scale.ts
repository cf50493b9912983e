import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { createServer } from '../mcp-servers/logs/server.js';

/**
 * Logs at production scale, side by side with GNU grep: 56-hour plain logs of about 200 MB by default, 0.25, 1 and
 * 4 GB with BENCH_SCALE_GB=0.25,1,4, generated under .bench-data/ (reused and kept with BENCH_KEEP=1, else removed
 * at the end), page cache warmed, then grep -ci -F / grep -ciE / zgrep -ci against
 * search_logs and error_summary over the whole file (median of three runs each) and over 1 h / 2 h / 6 h / 24 h
 * windows (after a first windowed call that builds the time index, reported apart), each size in its own process
 * so its peak RSS is its own. Run: npm run build && node dist/bench/logs-scale.js
 */

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const DATA = path.join(root, '.bench-data');
/** About 200 MB: a default run fits any laptop's disk and minutes; the gigabyte scales are opt-in (BENCH_SCALE_GB=0.25,1,4). */
const DEFAULT_SCALE_GB = '0.2';
const SPAN_MS = 56 * 3_600_000;
const START = Date.parse('2024-05-01T00:00:00Z');
/** Average bytes per generated line (measured on the generator's output); sets the time step so a file spans 56 h. */
const BYTES_PER_LINE = 112;
const BLOCK_LINES = 20_000;
const SERVICES = ['checkout-api', 'payments', 'inventory', 'gateway'];
const LITERAL = 'cart/4242 ';
const REGEX = 'timeout after 8\\d{3}ms';
const GREP_REGEX = 'timeout after 8[0-9]{3}ms';
const WINDOW_HOURS = [1, 2, 6, 24];

function generate(file: string, bytes: number): void {
  const lines = Math.ceil(bytes / BYTES_PER_LINE);
  const step = SPAN_MS / lines;
  const tmp = `${file}.tmp`;
  const fd = openSync(tmp, 'w');
  let written = 0;
  try {
    for (let n = 0; written < bytes; ) {
      const block: string[] = [];
      for (let i = 0; i < BLOCK_LINES; i++, n++) {
        const stamp = new Date(START + Math.floor(n * step)).toISOString();
        const service = SERVICES[n % SERVICES.length];
        if (n % 211 === 0) {
          block.push(
            `${stamp} ERROR [${service}] payment ${n} failed: upstream timeout after ${n % 9000}ms calling 10.0.${n % 255}.${n % 200}:8443`,
            'java.net.SocketTimeoutException: Read timed out',
            '\tat com.shop.PaymentClient.charge(PaymentClient.java:88)',
          );
        } else if (n % 97 === 0) block.push(`${stamp} WARN [${service}] slow query on cart_items took ${n % 2000}ms (rows=${n % 700})`);
        else
          block.push(
            `${stamp} INFO [${service}] GET /api/cart/${n % 10_007} 200 in ${n % 300}ms user=u_${n % 50_000} trace=${(n * 2654435761).toString(16)}`,
          );
      }
      written += writeSync(fd, `${block.join('\n')}\n`);
    }
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
}

/** Reads a file once so grep and the server both find it in the page cache. */
function warm(file: string): void {
  spawnSync('sh', ['-c', 'cat "$1" > /dev/null', 'sh', file]);
}

/** Whole-file calls and their grep counterparts run this many times; the median is reported. */
const REPEATS = 3;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

function timed(cmd: string, args: string[], runs = REPEATS): { ms: number; out: string } {
  const times: number[] = [];
  let out = '';
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    const run = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 20 });
    times.push(performance.now() - start);
    if (run.status !== 0 && run.status !== 1) throw new Error(`${cmd} ${args.join(' ')} failed: ${run.stderr}`);
    out = run.stdout.trim();
  }
  return { ms: median(times), out };
}

interface CallFigure {
  label: string;
  ms: number;
  total: number | string;
  notes?: string[];
}

/** Child: one server over one folder, the calls in turn; prints JSON with the figures and this process's peak RSS. */
async function child(dir: string, sizeBytes: number): Promise<void> {
  const server = createServer({ logsPath: dir, now: new Date(START + SPAN_MS) });
  const [a, b] = InMemoryTransport.createLinkedPair();
  const client = new Client({ name: 'logs-scale', version: '0.0.0' });
  await Promise.all([server.connect(b), client.connect(a)]);
  const figures: CallFigure[] = [];
  /** Median of `runs` calls (whole-file and window calls run three times: one run on a shared machine is noise). */
  const run = async (label: string, name: string, args: Record<string, unknown>, runs = 1) => {
    const times: number[] = [];
    let s: Record<string, unknown> | undefined;
    let isError = false;
    for (let i = 0; i < runs; i++) {
      const start = performance.now();
      const result = await client.callTool({ name, arguments: args });
      times.push(performance.now() - start);
      s = result.structuredContent as Record<string, unknown> | undefined;
      isError = result.isError === true;
    }
    const ms = median(times);
    const total = isError ? 'ERROR' : ((s?.total ?? s?.totalErrors) as number);
    figures.push({ label, ms, total, ...(s?.notes ? { notes: s.notes as string[] } : {}) });
  };
  const mid = START + SPAN_MS / 2;
  const iso = (ms: number) => new Date(ms).toISOString();
  // An analysis' first call: big files are sampled, not parsed whole.
  await run('list_services, first call', 'list_services', {});
  await run('literal, whole file', 'search_logs', { pattern: LITERAL, limit: 50 }, REPEATS);
  await run('regex, whole file', 'search_logs', { pattern: REGEX, regex: true, limit: 50 }, REPEATS);
  await run('error_summary, whole file', 'error_summary', {}, REPEATS);
  // The first windowed call builds the file's time index; later calls in the analysis reuse it.
  await run('time index, first windowed call', 'search_logs', { pattern: LITERAL, since: iso(mid), until: iso(mid + 60_000) });
  for (const hours of WINDOW_HOURS) {
    const since = iso(mid - (hours * 3_600_000) / 2);
    const until = iso(mid + (hours * 3_600_000) / 2);
    await run(`literal, ${hours} h window`, 'search_logs', { pattern: LITERAL, since, until, limit: 50 }, REPEATS);
  }
  await run('error_summary, 2 h window', 'error_summary', { since: iso(mid - 3_600_000), until: iso(mid + 3_600_000) }, REPEATS);
  await run('read_logs, 2 h window', 'read_logs', { since: iso(mid - 3_600_000), until: iso(mid + 3_600_000), limit: 50 });
  await run('literal, 2 h window, repeat', 'search_logs', { pattern: LITERAL, since: iso(mid - 3_600_000), until: iso(mid + 3_600_000) });
  await client.close();
  console.log(JSON.stringify({ sizeBytes, figures, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
}

function fmt(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`;
}

async function main(): Promise<void> {
  const sizes = (process.env.BENCH_SCALE_GB ?? DEFAULT_SCALE_GB).split(',').map(Number);
  mkdirSync(DATA, { recursive: true });
  const free = Number(spawnSync('df', ['-k', '--output=avail', DATA], { encoding: 'utf8' }).stdout.split('\n')[1]) * 1024;
  console.log(`data in ${DATA}; ${(free / 2 ** 30).toFixed(0)} GB free; node ${process.version}; ${os.cpus().length} cores`);
  for (const gb of sizes) {
    const bytes = Math.round(gb * 2 ** 30);
    const dir = path.join(DATA, `plain-${gb}g`);
    const file = path.join(dir, 'app.log');
    mkdirSync(dir, { recursive: true });
    if (!existsSync(file) || Math.abs(statSync(file).size - bytes) > bytes * 0.01) {
      if (free < bytes * 1.2) {
        console.log(`${gb} GB: skipped, not enough free disk`);
        continue;
      }
      const t0 = performance.now();
      generate(file, bytes);
      console.log(`${gb} GB: generated in ${fmt(performance.now() - t0)}`);
    }
    warm(file);
    const size = statSync(file).size;
    const mb = size / 2 ** 20;
    const gF = timed('grep', ['-ci', '-F', LITERAL, file]);
    const gE = timed('grep', ['-ciE', GREP_REGEX, file]);
    const kid = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', dir, String(size)], { encoding: 'utf8' });
    if (kid.status !== 0) throw new Error(`child failed: ${kid.stderr}`);
    const r = JSON.parse(kid.stdout.trim().split('\n').pop() ?? '{}') as { figures: CallFigure[]; maxRssMb: number };
    const by = (label: string) => r.figures.find((f) => f.label === label) as CallFigure;
    const lit = by('literal, whole file');
    const re = by('regex, whole file');
    const es = by('error_summary, whole file');
    console.log(`\n${gb} GB (${mb.toFixed(0)} MiB, 56 h):`);
    console.log(
      `  literal "${LITERAL}": grep -ci -F ${fmt(gF.ms)} (${gF.out}) | search_logs ${fmt(lit.ms)} (${lit.total}) | ${(gF.ms / lit.ms).toFixed(2)}x grep`,
    );
    console.log(
      `  regex "${REGEX}": grep -ciE ${fmt(gE.ms)} (${gE.out}) | search_logs ${fmt(re.ms)} (${re.total}) | ${(gE.ms / re.ms).toFixed(2)}x grep`,
    );
    console.log(`  error_summary whole file ${fmt(es.ms)} (${es.total} errors) = ${(mb / (es.ms / 1000)).toFixed(0)} MB/s`);
    const curve = WINDOW_HOURS.map((h) => {
      const f = by(`literal, ${h} h window`);
      return `${h} h ${fmt(f.ms)} (${((100 * f.ms) / lit.ms).toFixed(1)}%)`;
    });
    const idx = by('time index, first windowed call');
    console.log(`  time index (first windowed call, 1 min window) ${fmt(idx.ms)}`);
    console.log(`  literal search by window (share of whole-file time): ${curve.join(', ')}`);
    const es2 = by('error_summary, 2 h window');
    const rep = by('literal, 2 h window, repeat');
    console.log(`  error_summary 2 h window ${fmt(es2.ms)} (${((100 * es2.ms) / es.ms).toFixed(1)}%); 2 h literal repeat ${fmt(rep.ms)}`);
    console.log(`  list_services, first call (services sampled) ${fmt(by('list_services, first call').ms)}`);
    console.log(`  read_logs newest 50 of a 2 h window mid-file ${fmt(by('read_logs, 2 h window').ms)}`);
    console.log(`  peak RSS of the server process ${r.maxRssMb.toFixed(0)} MB`);
    const noted = r.figures.filter((f) => f.notes);
    if (noted.length > 0) console.log(`  notes: ${noted.map((f) => `${f.label}: ${f.notes?.join('; ')}`).join(' | ')}`);
    if (String(lit.total) !== gF.out || String(re.total) !== gE.out) console.log('  COUNT MISMATCH with grep');
  }
  await gzipFigures(sizes[0] ?? 0.25);
  // Gigabytes of generated logs must not stay behind a plain `npm run bench`; BENCH_KEEP=1 keeps them for reruns.
  if (process.env.BENCH_KEEP !== '1') {
    rmSync(DATA, { recursive: true, force: true });
    console.log(`removed ${DATA} (BENCH_KEEP=1 keeps it for the next run)`);
  }
}

/** .gz: the smallest plain file compressed once, zgrep -ci against search_logs over a folder holding only it. */
async function gzipFigures(gb: number): Promise<void> {
  const plain = path.join(DATA, `plain-${gb}g`, 'app.log');
  if (!existsSync(plain)) return;
  const dir = path.join(DATA, `gz-${gb}g`);
  const file = path.join(dir, 'app.log.1.gz');
  mkdirSync(dir, { recursive: true });
  if (!existsSync(file)) spawnSync('sh', ['-c', 'gzip -c -6 "$1" > "$2.tmp" && mv "$2.tmp" "$2"', 'sh', plain, file]);
  warm(file);
  const z = timed('zgrep', ['-ci', '-F', LITERAL, file]);
  const server = createServer({ logsPath: dir, now: new Date(START + SPAN_MS) });
  const [a, b] = InMemoryTransport.createLinkedPair();
  const client = new Client({ name: 'logs-scale-gz', version: '0.0.0' });
  await Promise.all([server.connect(b), client.connect(a)]);
  const times: number[] = [];
  let total: number | undefined;
  for (let i = 0; i < REPEATS; i++) {
    const start = performance.now();
    const result = await client.callTool({ name: 'search_logs', arguments: { pattern: LITERAL, limit: 50 } });
    times.push(performance.now() - start);
    total = (result.structuredContent as { total?: number } | undefined)?.total;
  }
  const ms = median(times);
  await client.close();
  console.log(
    `\n.gz (${gb} GB inflated, ${(statSync(file).size / 2 ** 20).toFixed(0)} MiB): zgrep -ci ${fmt(z.ms)} (${z.out}) | search_logs ${fmt(ms)} (${total}) | ${(z.ms / ms).toFixed(2)}x zgrep`,
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const argv = process.argv.slice(2);
  const task = argv[0] === '--child' ? child(argv[1] ?? '', Number(argv[2])) : main();
  task.catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
