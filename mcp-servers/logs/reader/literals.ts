/**
 * Required literals of an RE2 pattern: a set of strings one of which every match contains, so a byte search
 * for them can skip text the regex cannot match. Conservative by construction: anything not understood
 * (classes, optional parts, non-ASCII or control characters) contributes no literal, never a wrong one.
 */

/** Exact-string sets grow by cross product (`(a|b)(c|d)`); past this many they stop being useful. */
const MAX_SET = 16;
/** Nesting a parser follows; deeper patterns give no literals (the regex still runs on every entry). */
const MAX_DEPTH = 50;

interface Info {
  /** Every string the expression can match, when that set is small and known. */
  exact: string[] | null;
  /** One of these occurs in every match, when known. */
  req: string[] | null;
  /** `x+`: `exact` holds x, which repeats; the run before meets its first copy, the run after its last. */
  repeat?: boolean;
}

const UNKNOWN: Info = { exact: null, req: null };
const EMPTY: Info = { exact: [''], req: null };

/** Lower-cased literals one of which every match of `pattern` contains, or null when none can be named. */
export function requiredLiterals(pattern: string): string[] | null {
  try {
    const parser = new Parser(pattern);
    const info = parser.alternation(0);
    if (parser.pos < pattern.length) return null;
    return usable(info.req) ?? usable(info.exact);
  } catch {
    return null;
  }
}

function usable(set: string[] | null): string[] | null {
  if (!set || set.length === 0 || set.some((s) => s.length === 0)) return null;
  return [...new Set(set)];
}

/** A needle set is as selective as its shortest member. */
function score(set: string[] | null): number {
  if (!set || set.length === 0) return 0;
  return Math.min(...set.map((s) => s.length));
}

function cross(a: string[], b: string[]): string[] | null {
  if (a.length * b.length > MAX_SET) return null;
  const out: string[] = [];
  for (const x of a) for (const y of b) out.push(x + y);
  return out;
}

function isLiteralChar(ch: string): boolean {
  const code = ch.charCodeAt(0);
  return ch.length === 1 && ((code >= 0x20 && code <= 0x7e) || code === 0x09);
}

class Parser {
  pos = 0;
  constructor(private readonly src: string) {}

  alternation(depth: number): Info {
    if (depth > MAX_DEPTH) throw new Error('too deep');
    const branches = [this.concat(depth)];
    while (this.src[this.pos] === '|') {
      this.pos += 1;
      branches.push(this.concat(depth));
    }
    if (branches.length === 1) return branches[0] as Info;
    const exacts = branches.map((b) => b.exact);
    const exact = exacts.every((e) => e !== null) ? (exacts as string[][]).flat() : null;
    const reqs = branches.map((b) => usable(b.req) ?? usable(b.exact));
    const req = reqs.every((r) => r !== null) ? (reqs as string[][]).flat() : null;
    return { exact: exact && exact.length <= MAX_SET ? exact : null, req };
  }

  private concat(depth: number): Info {
    let run: string[] | null = [''];
    let allExact = true;
    let best: string[] | null = null;
    const consider = (set: string[] | null) => {
      const u = usable(set);
      if (u && score(u) > score(best)) best = u;
    };
    while (this.pos < this.src.length && this.src[this.pos] !== '|' && this.src[this.pos] !== ')') {
      const item = this.quantified(depth);
      if (item.repeat && item.exact) {
        consider(run ? cross(run, item.exact) : null);
        run = item.exact;
        allExact = false;
      } else if (item.exact) {
        const joined: string[] | null = run ? cross(run, item.exact) : null;
        if (joined) run = joined;
        else {
          consider(run);
          run = item.exact;
          allExact = false;
        }
      } else {
        consider(run);
        consider(item.req);
        run = [''];
        allExact = false;
      }
    }
    consider(run);
    return { exact: allExact ? run : null, req: best };
  }

  private quantified(depth: number): Info {
    const atom = this.atom(depth);
    const ch = this.src[this.pos];
    let min: number | null = null;
    if (ch === '*' || ch === '?') min = 0;
    else if (ch === '+') min = 1;
    else if (ch === '{') {
      const m = /^\{(\d+)(?:,(\d*))?\}/.exec(this.src.slice(this.pos));
      if (m) {
        min = Number(m[1]);
        this.pos += m[0].length - 1;
      }
    }
    if (min === null) return atom;
    this.pos += 1;
    if (this.src[this.pos] === '?') this.pos += 1;
    if (min === 0) return UNKNOWN;
    if (atom.exact && !atom.repeat) return { exact: atom.exact, req: null, repeat: true };
    return { exact: null, req: usable(atom.req) ?? usable(atom.exact) };
  }

  private atom(depth: number): Info {
    const ch = this.src[this.pos] ?? '';
    this.pos += 1;
    switch (ch) {
      case '(':
        return this.group(depth);
      case '[':
        this.skipClass();
        return UNKNOWN;
      case '.':
        return UNKNOWN;
      case '^':
      case '$':
        return EMPTY;
      case '\\':
        return this.escape();
      default:
        return isLiteralChar(ch) ? { exact: [ch.toLowerCase()], req: null } : UNKNOWN;
    }
  }

  private group(depth: number): Info {
    if (this.src[this.pos] === '?') {
      const flags = /^\?(?:P?<\w+>|[imsU-]*(:|\)))/.exec(this.src.slice(this.pos));
      if (!flags) throw new Error('unknown group');
      this.pos += flags[0].length;
      // `(?i)` sets flags for what follows and matches nothing itself.
      if (flags[1] === ')') return EMPTY;
    }
    const inner = this.alternation(depth + 1);
    if (this.src[this.pos] !== ')') throw new Error('unclosed group');
    this.pos += 1;
    return inner;
  }

  private skipClass(): void {
    if (this.src[this.pos] === '^') this.pos += 1;
    if (this.src[this.pos] === ']') this.pos += 1;
    while (this.pos < this.src.length && this.src[this.pos] !== ']') {
      if (this.src[this.pos] === '\\') this.pos += 2;
      else if (this.src.startsWith('[:', this.pos)) {
        const close = this.src.indexOf(':]', this.pos + 2);
        this.pos = close === -1 ? this.pos + 1 : close + 2;
      } else this.pos += 1;
    }
    if (this.src[this.pos] !== ']') throw new Error('unclosed class');
    this.pos += 1;
  }

  private escape(): Info {
    const ch = this.src[this.pos] ?? '';
    this.pos += 1;
    if (ch === 'Q') {
      const end = this.src.indexOf('\\E', this.pos);
      const text = this.src.slice(this.pos, end === -1 ? undefined : end);
      this.pos = end === -1 ? this.src.length : end + 2;
      // Only the printable-ASCII stretch can be searched for; a longer quote with other characters gives nothing exact.
      return [...text].every(isLiteralChar) ? { exact: [text.toLowerCase()], req: null } : UNKNOWN;
    }
    if (ch === 'b' || ch === 'B' || ch === 'A' || ch === 'z') return EMPTY;
    if (ch === 'p' || ch === 'P') {
      if (this.src[this.pos] === '{') this.pos = this.src.indexOf('}', this.pos) + 1 || this.src.length;
      else this.pos += 1;
      return UNKNOWN;
    }
    if (ch === 'x') {
      const m = /^(?:\{([0-9a-fA-F]+)\}|([0-9a-fA-F]{2}))/.exec(this.src.slice(this.pos));
      if (!m) throw new Error('bad \\x');
      this.pos += m[0].length;
      const decoded = String.fromCodePoint(Number.parseInt(m[1] ?? m[2] ?? '0', 16));
      return isLiteralChar(decoded) ? { exact: [decoded.toLowerCase()], req: null } : UNKNOWN;
    }
    // Punctuation escapes are the character itself; letters and digits are classes, controls or octal.
    if (/^[!-/:-@[-`{-~]$/.test(ch)) return { exact: [ch], req: null };
    if (/^[0-7]$/.test(ch)) {
      while (/^[0-7]$/.test(this.src[this.pos] ?? '')) this.pos += 1;
    }
    return UNKNOWN;
  }
}
