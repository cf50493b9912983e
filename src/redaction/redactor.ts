import { RE2JS } from 're2js';
import { isHarmlessValue, isSecretKey, kindForKey } from './keys.js';
import { EMAIL_RULE, IP_RULES, type Rule, SECRET_KINDS, SECRET_RULES } from './rules.js';

/** What to redact beyond the always-on secret shapes. */
export interface RedactionOptions {
  emails: boolean;
  ips: boolean;
  /** A company's own formats: kind name → RE2 pattern; each whole match is replaced. */
  extra: ExtraPattern[];
}

export interface ExtraPattern {
  kind: string;
  pattern: string;
}

export const DEFAULT_REDACTION: RedactionOptions = { emails: true, ips: false, extra: [] };

/** Distinct values numbered per kind in one analysis; past this a placeholder carries no number (memory stays bounded). */
const MAX_NUMBERED_PER_KIND = 10_000;
/** Nesting followed in structured content; deeper values are replaced whole rather than walked. */
const MAX_DEPTH = 32;

export class RedactionConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RedactionConfigError';
  }
}

interface CompiledExtra {
  kind: string;
  re: RE2JS;
}

/** Compiles REDACT_EXTRA_PATTERNS entries with RE2 (linear time, no backreferences); errors name the kind. */
export function compileExtraPatterns(extra: readonly ExtraPattern[]): CompiledExtra[] {
  return extra.map(({ kind, pattern }) => {
    try {
      return { kind, re: RE2JS.compile(pattern) };
    } catch (error) {
      throw new RedactionConfigError(`REDACT_EXTRA_PATTERNS: pattern for "${kind}" is not valid RE2: ${(error as Error).message}`);
    }
  });
}

/**
 * One analysis' redaction: every secret becomes a typed placeholder such as `[REDACTED:jwt#2]`, and the same value
 * gets the same placeholder every time within the analysis, so the model can still tell "the same token in both
 * services" from two different ones. Redacting already redacted text changes nothing.
 */
export class Redactor {
  private readonly rules: Rule[];
  private readonly extra: CompiledExtra[];
  private readonly seen = new Map<string, Map<string, number>>();
  private readonly counts = new Map<string, number>();

  constructor(
    readonly options: RedactionOptions = DEFAULT_REDACTION,
    compiled?: CompiledExtra[],
  ) {
    this.rules = [...SECRET_RULES, ...(options.emails ? [EMAIL_RULE] : []), ...(options.ips ? IP_RULES : [])];
    this.extra = compiled ?? compileExtraPatterns(options.extra);
  }

  /** Kinds this redactor replaces, for the start-up line. */
  kinds(): string[] {
    return [
      ...SECRET_KINDS,
      ...(this.options.emails ? ['email'] : []),
      ...(this.options.ips ? ['ip'] : []),
      ...this.extra.map((e) => e.kind),
    ];
  }

  /** How many values of each kind were replaced so far. */
  summary(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }

  private placeholder = (kind: string, value: string): string => {
    this.counts.set(kind, (this.counts.get(kind) ?? 0) + 1);
    let values = this.seen.get(kind);
    if (!values) {
      values = new Map();
      this.seen.set(kind, values);
    }
    let n = values.get(value);
    if (n === undefined) {
      if (values.size >= MAX_NUMBERED_PER_KIND) return `[REDACTED:${kind}]`;
      n = values.size + 1;
      values.set(value, n);
    }
    return `[REDACTED:${kind}#${n}]`;
  };

  text(input: string): string {
    let out = input;
    for (const rule of this.rules) {
      if (rule.hint && !rule.hint.test(out)) continue;
      rule.pattern.lastIndex = 0;
      out = out.replace(rule.pattern, (...args: unknown[]) => {
        // replace() passes (match, ...groups, offset, input[, named groups]); rebuild an exec-style array.
        const named = typeof args.at(-1) === 'object' && args.at(-1) !== undefined;
        const groups = args.slice(0, named ? -3 : -2) as (string | undefined)[];
        const match = Object.assign([...groups], { index: 0, input: out }) as unknown as RegExpExecArray;
        return rule.replace(match, this.placeholder);
      });
    }
    for (const { kind, re } of this.extra) {
      out = re.matcher(out).replaceAll((found: string) => (found === '' ? found : this.placeholder(kind, found)));
    }
    return out;
  }

  /** Redacts every string in a JSON-like value; a value under a secret-looking key is replaced whole. */
  value<T>(input: T): T {
    return this.walk(input, 0) as T;
  }

  private walk(input: unknown, depth: number): unknown {
    if (typeof input === 'string') return this.text(input);
    if (input === null || typeof input !== 'object') return input;
    if (depth >= MAX_DEPTH) return '[REDACTED:too_deep]';
    if (Array.isArray(input)) {
      // A header tuple `["Authorization", "Bearer …"]`: the name decides for its value.
      const [name, value] = input;
      if (input.length === 2 && typeof name === 'string' && isSecretKey(name)) return [name, this.secret(name, value, depth + 1)];
      return input.map((item) => this.walk(item, depth + 1));
    }
    const record = input as Record<string, unknown>;
    // A name/value pair (Kubernetes env, a HAR header list): the name decides for the value.
    const pairName = typeof record.name === 'string' ? record.name : typeof record.key === 'string' ? record.key : undefined;
    const pairSecret = pairName !== undefined && 'value' in record && isSecretKey(pairName);
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(record)) {
      if (isSecretKey(key)) out[key] = this.secret(key, inner, depth + 1);
      else if (pairSecret && key === 'value') out[key] = this.secret(pairName, inner, depth + 1);
      else out[key] = this.walk(inner, depth + 1);
    }
    return out;
  }

  /** A value under a secret name: every string or number in it goes (an array `{"password": ["…"]}` too). */
  private secret(name: string, inner: unknown, depth: number): unknown {
    if ((typeof inner === 'string' || typeof inner === 'number') && !isHarmlessValue(String(inner))) {
      return this.placeholder(kindForKey(name), String(inner));
    }
    if (Array.isArray(inner) && depth < MAX_DEPTH) return inner.map((item) => this.secret(name, item, depth + 1));
    return this.walk(inner, depth);
  }
}
