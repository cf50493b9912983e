import { type Dirent, readdirSync } from 'node:fs';
import path from 'node:path';

/** `**` descends at most this many folders: deep enough for any log layout, and no walk can run away. */
export const MAX_GLOB_DEPTH = 8;
/** A walk visits at most this many folder entries; a glob over `/` must not stall the server. */
export const MAX_GLOB_VISITS = 50_000;

const GLOB_CHARS = /[*?[{]/;

export function isGlob(pattern: string): boolean {
  return GLOB_CHARS.test(pattern);
}

/** The folder before the first wildcard segment: every match lies under it, so it is the glob's root. */
export function globBase(absPattern: string): { base: string; rest: string[] } {
  const segments = absPattern.split('/');
  const firstGlob = segments.findIndex((segment) => isGlob(segment));
  if (firstGlob === -1) return { base: path.dirname(absPattern), rest: [path.basename(absPattern)] };
  return { base: segments.slice(0, firstGlob).join('/') || '/', rest: segments.slice(firstGlob) };
}

/** One path segment to an anchored RegExp: `*`, `?`, `[abc]`, `{a,b}`; other characters literal. */
export function segmentRegExp(segment: string): RegExp {
  let out = '';
  let braces = 0;
  for (let i = 0; i < segment.length; i++) {
    const ch = segment[i] ?? '';
    if (ch === '*') out += '[^/]*';
    else if (ch === '?') out += '[^/]';
    else if (ch === '[') {
      const close = segment.indexOf(']', i + 1);
      if (close === -1) out += '\\[';
      else {
        const body = segment
          .slice(i + 1, close)
          .replace(/^!/, '^')
          .replace(/\\/g, '\\\\');
        out += `[${body}]`;
        i = close;
      }
    } else if (ch === '{') {
      braces += 1;
      out += '(?:';
    } else if (ch === '}' && braces > 0) {
      braces -= 1;
      out += ')';
    } else if (ch === ',' && braces > 0) out += '|';
    else out += ch.replace(/[.+^$()|\\/]/g, '\\$&');
  }
  return new RegExp(`^${out}${')'.repeat(braces)}$`);
}

function listDir(dir: string): Dirent[] {
  try {
    return readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}

/**
 * Expands an absolute glob to the paths it names (files, and symlinks for the caller to resolve).
 * Hidden entries match only a segment that starts with a dot, as in a shell.
 */
export function expandGlob(absPattern: string): string[] {
  const { base, rest } = globBase(absPattern);
  const out: string[] = [];
  let visits = 0;
  const walk = (dir: string, index: number, depth: number): void => {
    const segment = rest[index];
    if (segment === undefined || depth > MAX_GLOB_DEPTH || visits > MAX_GLOB_VISITS) return;
    const last = index === rest.length - 1;
    if (segment === '**') {
      if (last) return;
      walk(dir, index + 1, depth);
      for (const entry of listDir(dir)) {
        visits += 1;
        if (!entry.name.startsWith('.') && (entry.isDirectory() || entry.isSymbolicLink()))
          walk(path.join(dir, entry.name), index, depth + 1);
      }
      return;
    }
    const re = segmentRegExp(segment);
    for (const entry of listDir(dir)) {
      visits += 1;
      if (entry.name.startsWith('.') && !segment.startsWith('.')) continue;
      if (!re.test(entry.name)) continue;
      const full = path.join(dir, entry.name);
      if (last) out.push(full);
      else if (entry.isDirectory() || entry.isSymbolicLink()) walk(full, index + 1, depth + 1);
    }
  };
  walk(base, 0, 0);
  return out.sort();
}
