import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { LogRecord } from './log-records.js';

/**
 * Real journal files for tests: records written in the journal export format
 * (https://systemd.io/JOURNAL_EXPORT_FORMATS/) and turned into a .journal file by Debian's systemd-journal-remote,
 * read back by Debian's journalctl, both unpacked into .tools/journal by `npm run fetch-prometheus`.
 */

const TOOLS = path.resolve('.tools/journal');
export const JOURNALCTL = path.join(TOOLS, 'bin/journalctl');
const JOURNAL_REMOTE = path.join(TOOLS, 'lib/systemd/systemd-journal-remote');
/** The unpacked binaries load their own libsystemd-shared and libmicrohttpd. */
export const JOURNAL_ENV = { LD_LIBRARY_PATH: `${TOOLS}/usr/lib/x86_64-linux-gnu/systemd:${TOOLS}/usr/lib/x86_64-linux-gnu` };

export function journalToolsPresent(): boolean {
  return existsSync(JOURNALCTL) && existsSync(JOURNAL_REMOTE);
}

const PRIORITY: Record<string, number> = { fatal: 2, error: 3, warn: 4, info: 6, debug: 7, trace: 7 };
const BOOT_ID = '0123456789abcdef0123456789abcdef';

/** One field: `KEY=value`, or the binary-safe form (name, 64-bit little-endian length, bytes) when the value has a newline. */
function field(name: string, value: string): Buffer {
  if (!value.includes('\n')) return Buffer.from(`${name}=${value}\n`);
  const data = Buffer.from(value);
  const size = Buffer.alloc(8);
  size.writeBigUInt64LE(BigInt(data.length));
  return Buffer.concat([Buffer.from(`${name}\n`), size, data, Buffer.from('\n')]);
}

export function exportFormat(records: LogRecord[]): Buffer {
  const parts: Buffer[] = [];
  const sorted = [...records].sort((a, b) => a.timeMs - b.timeMs);
  sorted.forEach((r, i) => {
    parts.push(
      field('__REALTIME_TIMESTAMP', String(r.timeMs * 1000)),
      field('__MONOTONIC_TIMESTAMP', String(i + 1)),
      field('_BOOT_ID', BOOT_ID),
    );
    parts.push(field('_SYSTEMD_UNIT', `${r.service}.service`), field('SYSLOG_IDENTIFIER', r.service), field('_HOSTNAME', 'host-1'));
    if (r.level) parts.push(field('PRIORITY', String(PRIORITY[r.level] ?? 6)));
    parts.push(field('MESSAGE', r.text), Buffer.from('\n'));
  });
  return Buffer.concat(parts);
}

/** Writes the records into `<dir>/<name>.journal` with systemd-journal-remote; returns the file's path. */
export function buildJournal(records: LogRecord[], dir: string, name = 'logs'): string {
  const file = path.join(dir, `${name}.journal`);
  const run = spawnSync(JOURNAL_REMOTE, [`--output=${file}`, '-'], {
    input: exportFormat(records),
    env: { ...process.env, ...JOURNAL_ENV },
    timeout: 60_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  if (run.status !== 0) throw new Error(`systemd-journal-remote failed (${run.status}): ${run.stderr.toString().slice(0, 500)}`);
  return file;
}
