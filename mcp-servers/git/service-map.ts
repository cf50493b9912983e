/**
 * Maps changed file paths to service names. A pattern such as `services/*\/**` names the service in its first
 * lone `*` segment; a file no pattern matches belongs to its top folder, and a file at the root to no service.
 */

export const DEFAULT_SERVICE_PATTERNS = 'services/*/**';
/** More patterns than this is a configuration mistake, and each file is tested against every one. */
const MAX_SERVICE_PATTERNS = 50;

export class ServicePatternError extends Error {}

export interface ServiceMapper {
  readonly patterns: readonly string[];
  serviceOfFile(file: string): string | null;
  /** Services a commit touched, the one with most files first (ties: first seen). */
  servicesOfFiles(files: readonly string[]): string[];
}

function escapeRegex(text: string): string {
  return text.replace(/[.+^${}()|[\]\\]/g, '\\$&');
}

function segmentRegex(segment: string): string {
  return escapeRegex(segment).replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]');
}

/** Compiles one glob; its first lone `*` segment becomes the capture group that names the service. */
export function compileServicePattern(pattern: string): RegExp {
  const segments = pattern.split('/');
  if (segments.some((s) => s === '')) throw new ServicePatternError(`service path pattern "${pattern}" has an empty segment`);
  let source = '^';
  let captured = false;
  let joinNext = false;
  segments.forEach((segment, index) => {
    const sep = index > 0 && !joinNext ? '/' : '';
    joinNext = false;
    const last = index === segments.length - 1;
    if (segment === '**') {
      if (last) source += index > 0 ? '(?:/.*)?' : '.*';
      else {
        source += `${sep}(?:[^/]+/)*`;
        joinNext = true;
      }
    } else if (segment === '*' && !captured) {
      source += `${sep}([^/]+)`;
      captured = true;
    } else {
      source += sep + segmentRegex(segment);
    }
  });
  if (!captured) {
    throw new ServicePatternError(`service path pattern "${pattern}" has no "*" segment naming the service (e.g. services/*/**)`);
  }
  return new RegExp(`${source}$`);
}

/** Parses a comma-separated pattern list such as `services/*\/**,apps/*\/**`. */
export function createServiceMapper(spec: string = DEFAULT_SERVICE_PATTERNS): ServiceMapper {
  const patterns = spec
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
  if (patterns.length === 0) throw new ServicePatternError('service path patterns are empty; e.g. services/*/**,apps/*/**');
  if (patterns.length > MAX_SERVICE_PATTERNS) throw new ServicePatternError(`more than ${MAX_SERVICE_PATTERNS} service path patterns`);
  const compiled = patterns.map(compileServicePattern);

  const serviceOfFile = (file: string): string | null => {
    const clean = file.replace(/^\.?\/+/, '');
    for (const regex of compiled) {
      const match = regex.exec(clean);
      if (match?.[1]) return match[1];
    }
    const slash = clean.indexOf('/');
    return slash > 0 ? clean.slice(0, slash) : null;
  };

  return {
    patterns,
    serviceOfFile,
    servicesOfFiles(files) {
      const counts = new Map<string, number>();
      for (const file of files) {
        const service = serviceOfFile(file);
        if (service) counts.set(service, (counts.get(service) ?? 0) + 1);
      }
      // Map keeps insertion order and sort is stable, so ties stay in first-seen order.
      return [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([service]) => service);
    },
  };
}
