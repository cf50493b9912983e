import { existsSync, readdirSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { serviceFromFileName } from '../parser/index.js';
import type { LogFile } from '../types.js';
import { expandGlob, globBase, isGlob, MAX_GLOB_DEPTH } from './glob.js';

/** At most this many files are read per call; more is a misconfigured glob, and each file costs a handle. */
export const MAX_LOG_FILES = 2_000;

/** Log files by name: `app.log`, `app.log.1`, `app.log.2.gz`, `app.jsonl`, `app.txt`, `nova-api.log.1.2017-05-16`. */
const LOG_NAME = /\.(?:log|jsonl|ndjson|txt)(?:$|[.-])|\.gz$/i;

export class SourceError extends Error {
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
  }
}

export interface SourceConfig {
  /** DATA_DIR/logs: read when it exists. */
  dataLogsDir?: string | undefined;
  /** LOGS_PATH: a folder or comma-separated globs. */
  logsPath?: string | undefined;
}

export interface Sources {
  files: LogFile[];
  /** Plain-language remarks for the caller: an empty folder, files refused for leaving their root. */
  notes: string[];
  /** Where logs were looked for, for "no logs in …" messages. */
  where: string[];
}

interface Candidate {
  abs: string;
  root: string;
}

function realRoot(dir: string): string | undefined {
  try {
    return realpathSync(dir);
  } catch {
    return undefined;
  }
}

function inside(root: string, target: string): boolean {
  const rel = path.relative(root, target);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** Log files under a folder, to MAX_GLOB_DEPTH; symlinked folders are followed only while they stay inside. */
function walkFolder(root: string, out: Candidate[]): void {
  const walk = (dir: string, depth: number): void => {
    if (depth > MAX_GLOB_DEPTH || out.length > MAX_LOG_FILES) return;
    let entries: string[];
    try {
      entries = readdirSync(dir).sort();
    } catch {
      return;
    }
    for (const name of entries) {
      if (name.startsWith('.')) continue;
      const full = path.join(dir, name);
      let isDir = false;
      try {
        isDir = statSync(full).isDirectory();
      } catch {
        continue;
      }
      if (isDir) {
        const real = realRoot(full);
        if (real && inside(root, real)) walk(full, depth + 1);
      } else if (LOG_NAME.test(name)) out.push({ abs: full, root });
    }
  };
  walk(root, 0);
}

/**
 * Resolves the configured log sources to files. Every file's real path (symlinks resolved) must lie inside
 * the root it was found under (the logs folder, or a glob's folder before its first wildcard); others are refused.
 */
export function resolveSources(config: SourceConfig): Sources {
  const candidates: Candidate[] = [];
  const notes: string[] = [];
  const where: string[] = [];
  if (config.dataLogsDir) {
    const root = realRoot(config.dataLogsDir);
    where.push(config.dataLogsDir);
    if (root && statSync(root).isDirectory()) walkFolder(root, candidates);
    else if (!config.logsPath) notes.push(`no logs in ${config.dataLogsDir}: the folder does not exist`);
  }
  for (const item of splitLogsPath(config.logsPath)) {
    where.push(item);
    collectItem(item, candidates);
  }
  const files: LogFile[] = [];
  const seen = new Set<string>();
  for (const candidate of candidates) {
    const real = realRoot(candidate.abs);
    if (!real) continue;
    if (!inside(candidate.root, real)) {
      notes.push(`refused ${candidate.abs}: it resolves to ${real}, outside ${candidate.root}`);
      continue;
    }
    if (seen.has(real)) continue;
    let stat: ReturnType<typeof statSync>;
    try {
      stat = statSync(real);
    } catch {
      continue;
    }
    if (!stat.isFile()) continue;
    seen.add(real);
    files.push({
      abs: real,
      label: path.relative(candidate.root, real) || path.basename(real),
      gz: /\.gz$/i.test(real),
      size: stat.size,
      mtimeMs: stat.mtimeMs,
      ino: stat.ino,
      service: serviceFromFileName(real),
    });
    if (files.length >= MAX_LOG_FILES) {
      notes.push(`only the first ${MAX_LOG_FILES} files are read; narrow LOGS_PATH`);
      break;
    }
  }
  disambiguateLabels(files);
  if (files.length === 0 && notes.length === 0) notes.push(`no logs in ${where.join(', ') || '(nothing configured)'}`);
  return { files, notes, where };
}

/** Splits on commas outside `{…}`, so `logs/*.{log,gz}` stays one glob. */
export function splitLogsPath(logsPath: string | undefined): string[] {
  const items: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of logsPath ?? '') {
    if (ch === '{') depth += 1;
    else if (ch === '}' && depth > 0) depth -= 1;
    if (ch === ',' && depth === 0) {
      items.push(current);
      current = '';
    } else current += ch;
  }
  items.push(current);
  return items.map((item) => item.trim()).filter((item) => item.length > 0);
}

/** Checks LOGS_PATH's shape at startup: no `..` (a glob could climb out of its folder). */
export function validateLogsPath(logsPath: string | undefined): void {
  for (const item of splitLogsPath(logsPath)) {
    if (item.split(/[\\/]/).includes('..')) {
      throw new SourceError(`LOGS_PATH entry "${item}" contains ".."`, 'give an absolute folder or glob without ".." segments');
    }
  }
}

function collectItem(item: string, out: Candidate[]): void {
  const abs = path.resolve(item);
  if (isGlob(abs)) {
    const { base } = globBase(abs);
    const root = realRoot(base);
    const matches = root ? expandGlob(abs).filter((file) => !isDirectory(file)) : [];
    if (!root || matches.length === 0) {
      throw new SourceError(
        `LOGS_PATH glob "${item}" matched no files`,
        `check the pattern; its folder ${base} ${root ? 'exists' : 'does not exist'}`,
      );
    }
    for (const file of matches) out.push({ abs: file, root });
    return;
  }
  if (!existsSync(abs)) throw new SourceError(`LOGS_PATH entry "${item}" does not exist`, 'give an existing folder, file or glob');
  const root = realRoot(isDirectory(abs) ? abs : path.dirname(abs));
  if (!root) return;
  if (isDirectory(abs)) walkFolder(root, out);
  else out.push({ abs, root });
}

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** Two roots can each hold an `app.log`; such labels become absolute paths so results stay unambiguous. */
function disambiguateLabels(files: LogFile[]): void {
  const counts = new Map<string, number>();
  for (const file of files) counts.set(file.label, (counts.get(file.label) ?? 0) + 1);
  for (const file of files) if ((counts.get(file.label) ?? 0) > 1) file.label = file.abs;
}
