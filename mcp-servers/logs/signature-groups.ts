import { cutLine } from '../shared/tool-result.js';
import { LEVEL_RANK } from './parser/levels.js';
import type { ErrorSignature, LogLevel } from './schemas.js';
import { errorSignature } from './signature.js';
import type { LogEntry } from './types.js';

/** Distinct signatures tracked; past it, new ones are counted together, since masking that fails that often makes more useless. */
export const MAX_SIGNATURES = 10_000;
/** Services listed per signature. */
const MAX_SERVICES = 20;
const OVERFLOW_SIGNATURE = '(other signatures, beyond the tracking limit)';

interface Group {
  signature: string;
  level: LogLevel;
  count: number;
  first: number | null;
  last: number | null;
  services: Set<string>;
  example: string;
}

/** Warning, error and fatal entries grouped by masked signature: the same grouping whatever store the entries came from. */
export class SignatureGroups {
  private readonly groups = new Map<string, Group>();

  get size(): number {
    return this.groups.size;
  }

  add(entry: LogEntry): void {
    const level = entry.level ?? 'warn';
    let signature = errorSignature(entry.message);
    let key = `${level} ${signature}`;
    if (!this.groups.has(key) && this.groups.size >= MAX_SIGNATURES) {
      signature = OVERFLOW_SIGNATURE;
      key = `${level} ${signature}`;
    }
    let group = this.groups.get(key);
    if (!group) {
      group = { signature, level, count: 0, first: null, last: null, services: new Set(), example: cutLine(entry.raw) };
      this.groups.set(key, group);
    }
    group.count += 1;
    if (group.services.size < MAX_SERVICES) group.services.add(entry.service);
    if (entry.time !== null) {
      if (group.first === null || entry.time < group.first) group.first = entry.time;
      if (group.last === null || entry.time > group.last) group.last = entry.time;
    }
  }

  /** Most frequent first; ties: the higher level, then the earlier first sighting. */
  ranked(): ErrorSignature[] {
    return [...this.groups.values()]
      .sort((a, b) => b.count - a.count || LEVEL_RANK[b.level] - LEVEL_RANK[a.level] || (a.first ?? 0) - (b.first ?? 0))
      .map((group) => ({
        signature: group.signature,
        level: group.level,
        count: group.count,
        firstSeen: iso(group.first),
        lastSeen: iso(group.last),
        services: [...group.services].sort(),
        example: group.example,
      }));
  }
}

function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}
