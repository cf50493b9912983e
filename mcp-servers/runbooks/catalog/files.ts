import { type Dirent, readdirSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { expandGlob, globBase, isGlob, MAX_GLOB_DEPTH } from '../../logs/reader/glob.js';
import { isDirectory } from '../../shared/dataset.js';

/** At most this many runbook files are indexed: a runbooks repository has hundreds, not a whole disk. */
export const MAX_RUNBOOK_FILES = 2_000;
/** Larger files are skipped: a runbook is a page or two, a megabyte is an export or a log pasted in. */
export const MAX_RUNBOOK_BYTES = 256 * 1024;

const MARKDOWN = /\.(md|markdown)$/i;
/** Repository furniture that is Markdown but no procedure. */
const NOT_RUNBOOKS = /^(CHANGELOG|CONTRIBUTING|CODE_OF_CONDUCT|LICENSE|SECURITY)\.md$/i;

export interface RunbookFile {
  abs: string;
  /** The runbook's id: its path relative to the root it was found under, with forward slashes. */
  id: string;
  mtimeMs: number;
  size: number;
}

export interface Listing {
  files: RunbookFile[];
  notes: string[];
}

/**
 * Runbook files under RUNBOOKS_PATH entries: a folder is walked for Markdown (hidden folders such as `.git` skipped,
 * so a git checkout works as it is), a glob names files, a file is itself. Ids are relative to the folder or the
 * glob's fixed part; the first root that yields an id keeps it.
 */
export function listRunbookFiles(entries: readonly string[]): Listing {
  const files = new Map<string, RunbookFile>();
  const notes: string[] = [];
  const add = (abs: string, root: string) => {
    if (files.size >= MAX_RUNBOOK_FILES) return;
    const id = path.relative(root, abs).split(path.sep).join('/');
    if (files.has(id) || !MARKDOWN.test(abs) || NOT_RUNBOOKS.test(path.basename(abs))) return;
    let stat: ReturnType<typeof statSync>;
    try {
      stat = statSync(abs);
    } catch {
      return;
    }
    if (!stat.isFile()) return;
    if (stat.size > MAX_RUNBOOK_BYTES) {
      notes.push(`${id} skipped: ${stat.size} bytes is over the ${MAX_RUNBOOK_BYTES}-byte limit for a runbook`);
      return;
    }
    files.set(id, { abs, id, mtimeMs: stat.mtimeMs, size: stat.size });
  };
  for (const entry of entries) {
    const abs = path.resolve(entry);
    if (isGlob(abs)) {
      const root = globBase(abs).base;
      for (const file of expandGlob(abs)) add(file, root);
    } else if (isDirectory(abs)) {
      for (const file of walk(abs)) add(file, abs);
    } else add(abs, path.dirname(abs));
  }
  if (files.size >= MAX_RUNBOOK_FILES) notes.push(`only the first ${MAX_RUNBOOK_FILES} runbook files are indexed; narrow RUNBOOKS_PATH`);
  return { files: [...files.values()].sort((a, b) => a.id.localeCompare(b.id)), notes };
}

/** Markdown files under a folder; symlinked folders are followed only while they stay inside it. */
function walk(root: string): string[] {
  const out: string[] = [];
  const realRoot = realpathSync(root);
  const visit = (dir: string, depth: number): void => {
    if (depth > MAX_GLOB_DEPTH || out.length >= MAX_RUNBOOK_FILES) return;
    for (const entry of listDir(dir)) {
      if (entry.name.startsWith('.')) continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) visit(full, depth + 1);
      else if (entry.isSymbolicLink()) {
        const target = realOrUndefined(full);
        if (!target || !inside(realRoot, target)) continue;
        if (isDirectory(target)) visit(full, depth + 1);
        else out.push(full);
      } else if (entry.isFile()) out.push(full);
    }
  };
  visit(root, 0);
  return out.sort();
}

function listDir(dir: string): Dirent[] {
  try {
    return readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}

function realOrUndefined(p: string): string | undefined {
  try {
    return realpathSync(p);
  } catch {
    return undefined;
  }
}

function inside(root: string, target: string): boolean {
  const rel = path.relative(root, target);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** What changes when any file is added, removed or edited: the index is rebuilt when this differs. */
export function listingSignature(files: readonly RunbookFile[]): string {
  return files.map((file) => `${file.id}\u0000${file.mtimeMs}\u0000${file.size}`).join('\n');
}
