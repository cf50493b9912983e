import type { Tags } from '../types.js';

export { impliedService, SERVICE_LABELS as SERVICE_TAGS, serviceOf } from './semantics.js';

export const ERROR_RATE_NAME = /error[_-]?rate/i;
export const REQUESTS_NAME = /requests?(_total)?$/i;
export const ERRORS_NAME = /errors?(_total)?$/i;

/** Edit distance, for "did you mean" lists; names are short so the quadratic table is cheap. */
export function editDistance(a: string, b: string): number {
  const previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    let diagonal = previous[0]!;
    previous[0] = i;
    for (let j = 1; j <= b.length; j += 1) {
      const above = previous[j]!;
      previous[j] = Math.min(above + 1, previous[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return previous[b.length]!;
}

/** How many candidates an "unknown X; known: …" hint lists before saying how many more exist. */
export const MAX_SUGGESTIONS = 15;

/** Candidates ordered closest-first: substring matches, then by edit distance; "(+N more)" past the cap. */
export function closestNames(wanted: string, candidates: Iterable<string>, max = MAX_SUGGESTIONS): string {
  const lower = wanted.toLowerCase();
  const unique = [...new Set(candidates)];
  const ranked = unique
    .map((name) => {
      const l = name.toLowerCase();
      const contains = l.includes(lower) || lower.includes(l) ? 0 : 1;
      return { name, contains, distance: editDistance(lower, l) };
    })
    .sort((x, y) => x.contains - y.contains || x.distance - y.distance || x.name.localeCompare(y.name));
  const shown = ranked.slice(0, max).map((r) => r.name);
  const more = ranked.length - shown.length;
  if (shown.length === 0) return '(none)';
  return more > 0 ? `${shown.join(', ')} (+${more} more)` : shown.join(', ');
}

export function formatTags(tags: Tags): string {
  const entries = Object.entries(tags);
  return entries.length === 0 ? '' : `{${entries.map(([k, v]) => `${k}=${v}`).join(',')}}`;
}
