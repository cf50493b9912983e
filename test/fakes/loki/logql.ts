import { RE2JS } from 're2js';

/**
 * The part of LogQL the fake Loki understands, from the LogQL reference: stream selectors with `=`, `!=`, `=~`,
 * `!~` (regex matchers fully anchored, RE2 syntax), line filters `|=`, `!=`, `|~`, `!~`, and the metric forms
 * `count_over_time(<log query> [<duration>])` wrapped in `sum`, `sum by (…)` or `sum (…) by (…)`.
 * Anything else is a parse error, as Loki reports them: `parse error at line 1, col N: syntax error: …`.
 */

export class LogqlError extends Error {}

export interface Matcher {
  name: string;
  op: '=' | '!=' | '=~' | '!~';
  value: string;
  test: (value: string) => boolean;
}

export interface LogQuery {
  matchers: Matcher[];
  filters: ((line: string) => boolean)[];
}

export interface MetricQuery {
  log: LogQuery;
  rangeMs: number;
  /** undefined: no sum (one series per stream); []: sum of all. */
  by: string[] | undefined;
}

export type Query = { kind: 'log'; log: LogQuery } | { kind: 'metric'; metric: MetricQuery };

const DURATION_UNITS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
  y: 31_536_000_000,
};

class Cursor {
  pos = 0;
  constructor(readonly text: string) {}

  skip(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos] ?? '')) this.pos += 1;
  }

  fail(what: string): never {
    const near = this.text.slice(this.pos, this.pos + 10) || 'end of input';
    throw new LogqlError(`parse error at line 1, col ${this.pos + 1}: syntax error: unexpected ${near}, expecting ${what}`);
  }

  eat(token: string): boolean {
    this.skip();
    if (this.text.startsWith(token, this.pos)) {
      this.pos += token.length;
      return true;
    }
    return false;
  }

  expect(token: string): void {
    if (!this.eat(token)) this.fail(token);
  }

  ident(): string {
    this.skip();
    const m = /^[a-zA-Z_][a-zA-Z0-9_]*/.exec(this.text.slice(this.pos));
    if (!m) this.fail('IDENTIFIER');
    this.pos += m[0].length;
    return m[0];
  }

  string(): string {
    this.skip();
    const quote = this.text[this.pos];
    if (quote === '`') {
      const end = this.text.indexOf('`', this.pos + 1);
      if (end === -1) this.fail('closing `');
      const value = this.text.slice(this.pos + 1, end);
      this.pos = end + 1;
      return value;
    }
    if (quote !== '"') this.fail('STRING');
    let out = '';
    let i = this.pos + 1;
    for (; i < this.text.length && this.text[i] !== '"'; i += 1) {
      if (this.text[i] === '\\') {
        i += 1;
        const c = this.text[i];
        out += c === 'n' ? '\n' : c === 't' ? '\t' : (c ?? '');
      } else out += this.text[i];
    }
    if (i >= this.text.length) this.fail('closing "');
    this.pos = i + 1;
    return out;
  }

  duration(): number {
    this.skip();
    const m = /^(?:\d+(?:ms|[smhdwy]))+/.exec(this.text.slice(this.pos));
    if (!m) this.fail('duration');
    this.pos += m[0].length;
    let total = 0;
    for (const part of m[0].matchAll(/(\d+)(ms|[smhdwy])/g)) total += Number(part[1]) * (DURATION_UNITS[part[2] ?? ''] ?? 0);
    return total;
  }
}

function compile(pattern: string, anchored: boolean, cursor: Cursor): (text: string) => boolean {
  try {
    const re = RE2JS.compile(anchored ? `^(?:${pattern})$` : pattern);
    return anchored ? (text) => re.matches(text) : (text) => re.test(text);
  } catch (error) {
    throw new LogqlError(`parse error at line 1, col ${cursor.pos}: error parsing regexp: ${(error as Error).message}`);
  }
}

function selector(c: Cursor): Matcher[] {
  c.expect('{');
  const matchers: Matcher[] = [];
  while (!c.eat('}')) {
    if (matchers.length > 0) c.expect(',');
    const name = c.ident();
    c.skip();
    const op = (['=~', '!~', '!=', '='] as const).find((o) => c.eat(o));
    if (!op) c.fail('= or != or =~ or !~');
    const value = c.string();
    const test = op === '=' ? (v: string) => v === value : op === '!=' ? (v: string) => v !== value : compile(value, true, c);
    matchers.push({ name, op, value, test: op === '!~' ? (v) => !test(v) : test });
  }
  if (!matchers.some((m) => !m.test(''))) {
    throw new LogqlError(
      'parse error : queries require at least one regexp or equality matcher that does not have an empty-compatible value. For instance, app=~".*" does not meet this requirement, but app=~".+" will',
    );
  }
  return matchers;
}

function logQuery(c: Cursor): LogQuery {
  const matchers = selector(c);
  const filters: ((line: string) => boolean)[] = [];
  for (;;) {
    c.skip();
    const op = (['|=', '!=', '|~', '!~'] as const).find((o) => c.eat(o));
    if (!op) break;
    const value = c.string();
    if (op === '|=') filters.push((line) => line.includes(value));
    else if (op === '!=') filters.push((line) => !line.includes(value));
    else {
      const re = compile(value, false, c);
      filters.push(op === '|~' ? re : (line) => !re(line));
    }
  }
  return { matchers, filters };
}

function grouping(c: Cursor): string[] {
  c.expect('(');
  const labels: string[] = [];
  while (!c.eat(')')) {
    if (labels.length > 0) c.expect(',');
    labels.push(c.ident());
  }
  return labels;
}

function countOverTime(c: Cursor): { log: LogQuery; rangeMs: number } {
  c.expect('count_over_time');
  c.expect('(');
  const log = logQuery(c);
  c.expect('[');
  const rangeMs = c.duration();
  c.expect(']');
  c.expect(')');
  return { log, rangeMs };
}

export function parseQuery(text: string): Query {
  const c = new Cursor(text);
  let query: Query;
  c.skip();
  if (text.startsWith('{', c.pos)) query = { kind: 'log', log: logQuery(c) };
  else if (c.eat('sum')) {
    let by: string[] = [];
    if (c.eat('by')) by = grouping(c);
    c.expect('(');
    const inner = countOverTime(c);
    c.expect(')');
    if (c.eat('by')) by = grouping(c);
    query = { kind: 'metric', metric: { ...inner, by } };
  } else if (text.startsWith('count_over_time', c.pos)) query = { kind: 'metric', metric: { ...countOverTime(c), by: undefined } };
  else return c.fail('{ or a metric function');
  c.skip();
  if (c.pos < text.length) c.fail('end of input');
  return query;
}

export function formatGoDuration(ms: number): string {
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = Math.floor((ms % 60_000) / 1000);
  return `${h}h${m}m${s}s`;
}
