import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type RedactionOptions, Redactor } from '../src/redaction/index.js';

/**
 * Redaction throughput over realistic log text: the loghub excerpts (HDFS, BGL, Apache, Zookeeper, OpenStack, Spark)
 * repeated to BENCH_REDACT_MB, with one line in fifty carrying a secret. Text is redacted in 64 KB pieces, about the
 * size of a tool result, with a fresh redactor per piece as an analysis would have.
 */

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const targetMb = Number(process.env.BENCH_REDACT_MB ?? '32');
const PIECE = 64 * 1024;

const SECRET_LINES = [
  'db connect failed DB_PASSWORD=Tr0ub4dor&3x host=db-1',
  'upstream said 401 for Authorization: Bearer 0a1b2c3d4e5f6g7h8i9j0k1l2m3n',
  'dial postgres://orders:Pg-S3cret@db-1.internal:5432/orders failed',
  'card 4111 1111 1111 1111 declined for jane.doe@example.com',
  'token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c expired',
];

function corpus(): string {
  const dir = path.join(root, 'test', 'fixtures', 'loghub');
  const lines = readdirSync(dir)
    .filter((file) => file.endsWith('.log'))
    .flatMap((file) => readFileSync(path.join(dir, file), 'utf8').split('\n'))
    .filter((line) => line.trim() !== '');
  const out: string[] = [];
  let size = 0;
  for (let i = 0; size < targetMb * 1024 * 1024; i += 1) {
    const line = i % 50 === 49 ? SECRET_LINES[i % SECRET_LINES.length] : lines[i % lines.length];
    out.push(line ?? '');
    size += (line?.length ?? 0) + 1;
  }
  return out.join('\n');
}

function run(label: string, text: string, options: RedactionOptions): void {
  let replaced = 0;
  const started = process.hrtime.bigint();
  for (let offset = 0; offset < text.length; offset += PIECE) {
    const redactor = new Redactor(options);
    const out = redactor.text(text.slice(offset, offset + PIECE));
    replaced += Object.values(redactor.summary()).reduce((sum, n) => sum + n, 0);
    if (out.length === 0 && offset === 0) throw new Error('redaction returned nothing');
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const mb = text.length / 1024 / 1024;
  console.log(
    `${label.padEnd(46)} ${(mb / seconds).toFixed(1).padStart(7)} MB/s  (${mb.toFixed(0)} MB in ${seconds.toFixed(2)} s, ${replaced} values replaced)`,
  );
}

const text = corpus();
run('default (secrets + e-mails)', text, { emails: true, ips: false, extra: [] });
run('everything (+ IPs + 3 RE2 company patterns)', text, {
  emails: true,
  ips: true,
  extra: [
    { kind: 'employee_id', pattern: 'EMP-[0-9]{6}' },
    { kind: 'ticket_secret', pattern: 'tks_[A-Za-z0-9]{24}' },
    { kind: 'internal_host', pattern: '[a-z0-9-]+\\.corp\\.example\\.com' },
  ],
});
