import type { DiffStatEntry } from '../backend.js';

/**
 * `git log` output format: each record starts with \x1e, fields end with \x1f, and with -z the file list that
 * follows is NUL-separated, so no file name or message can be mistaken for a field boundary.
 */
export const LOG_FORMAT = '%x1e%H%x1f%an%x1f%cI%x1f%B%x1f';

/** Diff options that keep git from running configured external diff or textconv programs. */
export const SAFE_DIFF_ARGS = ['--no-renames', '--no-ext-diff', '--no-textconv', '--diff-merges=first-parent', '-z'];

export interface RawCommit {
  sha: string;
  author: string;
  date: string;
  time: number;
  message: string;
  /** The text after the header: NUL-separated names (--name-only) or `added\tremoved\tpath` (--numstat). */
  tail: string[];
}

export function parseLog(stdout: string): RawCommit[] {
  const commits: RawCommit[] = [];
  for (const record of stdout.split('\x1e')) {
    if (record.trim() === '') continue;
    const fields: string[] = [];
    let start = 0;
    // Four header fields precede the message; the message runs to the last field mark, whatever it contains.
    for (let i = 0; i < 3; i += 1) {
      const end = record.indexOf('\x1f', start);
      if (end < 0) break;
      fields.push(record.slice(start, end));
      start = end + 1;
    }
    const messageEnd = record.lastIndexOf('\x1f');
    if (fields.length < 3 || messageEnd < start) continue;
    const [sha = '', author = '', date = ''] = fields;
    const time = Date.parse(date);
    commits.push({
      sha,
      author,
      date: new Date(time).toISOString(),
      time,
      message: record.slice(start, messageEnd).replace(/\n+$/, ''),
      tail: record
        .slice(messageEnd + 1)
        .split('\0')
        .map((part) => part.replace(/^\n/, ''))
        .filter((part) => part.length > 0),
    });
  }
  return commits;
}

/** Parses `--numstat -z` entries (renames are off, so each is `added\tremoved\tpath`; binary files show `-`). */
export function parseNumstat(tail: readonly string[]): DiffStatEntry[] {
  const entries: DiffStatEntry[] = [];
  for (const part of tail) {
    const match = /^(-|\d+)\t(-|\d+)\t(.*)$/s.exec(part);
    if (!match) continue;
    entries.push({
      file: match[3] ?? '',
      added: match[1] === '-' ? null : Number(match[1]),
      removed: match[2] === '-' ? null : Number(match[2]),
    });
  }
  return entries;
}
