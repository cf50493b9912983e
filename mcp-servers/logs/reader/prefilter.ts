import { requiredLiterals } from './literals.js';

/**
 * A byte-level test that every entry a query can match passes: one of its lines holds one of the needles
 * (ASCII case-insensitive). Lines the decoder changes in ways that could join bytes into a match (ANSI
 * sequences dropped, over-long lines cut) are always candidates, so skipping the others never loses a match.
 * `needles: null` means no byte test is possible and every line is a candidate.
 */
export interface Prefilter {
  needles: string[] | null;
  /** The ASCII needles as one case-insensitive RegExp over a latin1 view of the bytes, when any needs case folding. */
  search: RegExp | null;
  /**
   * Set when `search` looks for the needles without their first letter (see leadless): for each string it can
   * match, the lower-case letters one of which must stand just before the match.
   */
  leads?: Map<string, string>;
  /** Byte sequences matched exactly (caseless needles; non-ASCII characters that fold onto ASCII letters). */
  exact: Buffer[];
  /** Set for error_summary's level needles, which only hold for formats that write their level as a word. */
  levels?: true;
}

/** Lines longer than this many bytes may be cut by the reader (a cut line gains a marker), so they are always parsed. */
export const LONG_LINE_BYTES = 64 * 1024;
/** Probe stride for long lines: any line longer than twice this contains a probe point. */
const LONG_PROBE_STRIDE = LONG_LINE_BYTES / 2;

/** UTF-8 of characters that case-fold onto ASCII letters: RE2 folds K/ſ onto k/s, and toUpperCase maps ı/ſ to I/S. */
const FOLDS_TO_ASCII = ['\xe2\x84\xaa' /* U+212A KELVIN SIGN */, '\xc5\xbf' /* U+017F LONG S */, '\xc4\xb1' /* U+0131 DOTLESS I */];

/**
 * Level words at warn and above (normalizeLevel upper-cases, so any case) and the keys that carry numeric levels
 * in JSON and logfmt; a key can also be spelt with JSON escapes (JSON_ESCAPE). `wrn` and `ftl` are Serilog's
 * three-letter WRN and FTL, which hold no longer word.
 */
const LEVEL_NEEDLES = ['warn', 'wrn', 'err', 'sever', 'crit', 'alert', 'emerg', 'fatal', 'ftl', 'panic', 'failure', 'level', 'lvl'];
/** JSON's escape is always a lower-case `\u`, so its bytes are searched exactly. */
const JSON_ESCAPE = '\\u';

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** A letter-free stretch this long is selective enough to search for exactly instead of the whole needle. */
const MIN_CASELESS_BYTES = 3;

/** The longest stretch without ASCII letters (digits, punctuation, spaces): it has no case, so its bytes match exactly. */
function caseless(needle: string): string | undefined {
  const longest = needle.split(/[A-Za-z]+/).sort((a, b) => b.length - a.length)[0];
  return longest && longest.length >= MIN_CASELESS_BYTES ? longest : undefined;
}

function build(needles: string[] | null, extra: string[]): Prefilter {
  if (!needles || needles.length === 0) return { needles: null, search: null, exact: [] };
  // When every needle holds a caseless stretch (an id, an IP, a path), Buffer.indexOf on those bytes suffices: no
  // case folding, no latin1 view. Fold characters only stand in for letters, so they are not needed then either.
  const plain = needles.map(caseless);
  if (plain.every((p) => p !== undefined)) {
    const unique = [...new Set(plain as string[])];
    return { needles: unique, search: null, exact: unique.map((p) => Buffer.from(p, 'latin1')) };
  }
  const all = [...new Set([...needles.map((n) => n.toLowerCase()), ...extra])];
  // Needles without letters need no folding: exact byte search finds them faster than the RegExp.
  const lettered = [...new Set(needles.map((n) => n.toLowerCase()))].filter((n) => /[a-z]/.test(n));
  const exact = [...needles.filter((n) => !/[A-Za-z]/.test(n)), ...extra].map((bytes) => Buffer.from(bytes, 'latin1'));
  // Non-ASCII needles stay out of the case-insensitive RegExp: V8 folds latin1 letters there, which is slow and not wanted.
  if (lettered.length > 1 && lettered.every((n) => n.length >= MIN_LEADLESS_NEEDLE && /^[a-z]/.test(n))) {
    const { search, leads } = leadless(lettered);
    return { needles: all, search, leads, exact };
  }
  return { needles: all, search: new RegExp(trie(lettered), 'gi'), exact };
}

/** Shorter needles would leave a one-letter search: every position a hit to verify. */
const MIN_LEADLESS_NEEDLE = 3;

/**
 * Several needles searched without their first letter, the letter checked at each hit. V8's RegExp skips ahead
 * by the letters that can start a match; needles' first letters are the commonest in text (e, a, s, c, l, p, f, w
 * for the level words) and their second ones less so, which makes this search about 1.4x faster on real logs.
 */
function leadless(needles: string[]): { search: RegExp; leads: Map<string, string> } {
  const rests = new Map<string, string>();
  for (const needle of needles) rests.set(needle.slice(1), (rests.get(needle.slice(1)) ?? '') + needle[0]);
  // The RegExp prefers the longest rest at a position (the trie puts longer branches first); every shorter rest
  // that also matched there is a prefix of it, so its letters are allowed too.
  const leads = new Map<string, string>();
  for (const rest of rests.keys()) {
    let letters = '';
    for (const [other, first] of rests) if (rest.startsWith(other)) letters += first;
    leads.set(rest, letters);
  }
  return { search: new RegExp(trie([...rests.keys()]), 'gi'), leads };
}

/** The strings as one alternation factored by shared prefixes; where a word ends inside another, the longer is tried first (greedy `?`), so the longest match wins. */
function trie(words: string[]): string {
  const groups = new Map<string, string[]>();
  let ends = false;
  for (const word of words) {
    if (word.length === 0) ends = true;
    else groups.set(word[0] as string, [...(groups.get(word[0] as string) ?? []), word.slice(1)]);
  }
  const branches = [...groups].map(([first, rests]) => {
    const tail = trie(rests);
    return `${escapeRegExp(first)}${tail === '' ? '' : rests.length === 1 && !/[|]/.test(tail) ? tail : `(?:${tail})`}`;
  });
  if (ends && branches.length > 0) return `(?:${branches.join('|')})?`;
  return branches.join('|');
}

/** The longest stretch of printable ASCII in a literal: any match of the literal contains it within one line. */
export function literalPrefilter(pattern: string): Prefilter {
  const runs = pattern.split(/[^\x20-\x7e\t]+/).filter((run) => run.length > 0);
  const longest = runs.sort((a, b) => b.length - a.length)[0];
  // A JS case-insensitive RegExp never maps a non-ASCII character onto an ASCII letter, so no fold needles are needed.
  return build(longest ? [longest] : null, []);
}

/** Required literals of an RE2 pattern (an alternation gives several). */
export function regexPrefilter(pattern: string): Prefilter {
  return build(requiredLiterals(pattern), FOLDS_TO_ASCII);
}

/** For error_summary: a warn-or-worse entry has a level word or a numeric level key on its head line. */
export function levelPrefilter(): Prefilter {
  return { ...build(LEVEL_NEEDLES, [...FOLDS_TO_ASCII, JSON_ESCAPE]), levels: true };
}

/** No byte test: every line is a candidate (the scan still seeks to the time window). */
export const EVERY_LINE: Prefilter = build(null, []);

/**
 * ESC starts the ANSI sequences sanitizeLine drops whole, which can join the bytes around them into a match.
 * Other control bytes become U+FFFD, so they never create or hide an ASCII match and need no scan of their own.
 */
const ESC = 0x1b;

/**
 * Bytes of one latin1 view the RegExp runs over. Views this small are young-generation strings that die cheaply;
 * a view of a whole 4 MB block lands in large-object space and forces a full collection every few blocks, which
 * cost error_summary an eighth of its time.
 */
const SEARCH_VIEW_BYTES = 64 * 1024;

/** Start offsets (ascending, distinct) of the candidate lines in `data[0, end)`, which holds whole lines. */
export function candidateLines(data: Buffer, end: number, prefilter: Prefilter): number[] {
  const starts: number[] = [];
  const add = (pos: number) => {
    starts.push(pos === 0 ? 0 : data.lastIndexOf(10, pos - 1) + 1);
  };
  if (prefilter.needles === null) return allLines(data, end);
  const search = prefilter.search;
  if (search) {
    const leads = prefilter.leads;
    // Views start at line starts, so RegExp indexes plus the view's start are byte offsets and no line spans two views.
    for (let from = 0; from < end; ) {
      const nl = data.indexOf(10, Math.min(from + SEARCH_VIEW_BYTES, end) - 1);
      const to = nl === -1 || nl >= end ? end : nl + 1;
      const text = data.toString('latin1', from, to);
      search.lastIndex = 0;
      for (let m = search.exec(text); m !== null; m = search.exec(text)) {
        if (leads) {
          const before = m.index > 0 ? text.charCodeAt(m.index - 1) | 0x20 : 0;
          if (!leads.get(m[0].toLowerCase())?.includes(String.fromCharCode(before))) {
            search.lastIndex = m.index + 1;
            continue;
          }
        }
        add(from + m.index);
        // Continue after this line: further hits on it add nothing.
        const lineEnd = text.indexOf('\n', m.index);
        if (lineEnd === -1) break;
        search.lastIndex = lineEnd + 1;
      }
      from = to;
    }
  }
  for (const bytes of prefilter.exact) {
    for (let i = data.indexOf(bytes, 0); i !== -1 && i < end; i = data.indexOf(bytes, i + 1)) add(i);
  }
  for (let i = data.indexOf(ESC, 0); i !== -1 && i < end; i = data.indexOf(ESC, i + 1)) add(i);
  for (let probe = LONG_PROBE_STRIDE; probe < end; probe += LONG_PROBE_STRIDE) {
    const before = data.lastIndexOf(10, probe);
    const after = data.indexOf(10, probe);
    const stop = after === -1 || after > end ? end : after;
    if (stop - (before + 1) > LONG_LINE_BYTES) add(before + 1);
  }
  starts.sort((a, b) => a - b);
  let w = 0;
  for (let r = 0; r < starts.length; r++) if (r === 0 || starts[r] !== starts[w - 1]) starts[w++] = starts[r] as number;
  starts.length = w;
  return starts;
}

function allLines(data: Buffer, end: number): number[] {
  const starts: number[] = [];
  for (let pos = 0; pos < end; ) {
    starts.push(pos);
    const nl = data.indexOf(10, pos);
    if (nl === -1) break;
    pos = nl + 1;
  }
  return starts;
}
