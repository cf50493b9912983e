/**
 * A small Drain-style log template miner (He et al., "Drain: An Online Log Parsing Approach with Fixed Depth Tree",
 * ICWS 2017). No npm package implements Drain for Node 20 (the one TypeScript port needs Node 22), so this is written
 * here, with every structure bounded.
 *
 * Lines are split on whitespace; a token of digits and punctuation (a number, version, address, time) or a long hex id is
 * a variable (`<*>`), as Drain's preprocessing masks them; a word with a digit in it (`libssl3`) stays a word. Lines go to a group by token count and first token (Drain's fixed-depth tree of depth 2);
 * inside a group a line joins the first template whose constant tokens it shares at SIMILARITY or more, the differing
 * positions becoming `<*>`; otherwise it starts a template of its own.
 */

export const WILDCARD = '<*>';
/** Share of a template's positions a line must equal to join it (Drain's st, 0.4–0.7 in the paper's evaluation). */
export const SIMILARITY = 0.5;
/** Tokens compared per line: the head of a message says what happened; a long tail is its payload. */
const MAX_TOKENS = 40;
/** Templates kept in all: memory stays bounded whatever the input; further unmatched lines get no template. */
export const MAX_TEMPLATES = 400;
/** Templates compared per group: Drain's max-children bound, so one line costs at most this many comparisons. */
const MAX_PER_GROUP = 60;

export interface Template {
  id: number;
  tokens: string[];
  /** Indexes of the lines it holds, in input order. */
  lines: number[];
}

export interface Mined {
  templates: Template[];
  /** Template id of each input line; -1 when the template budget was spent. */
  assignment: number[];
}

export function tokenize(line: string): string[] {
  const first = line.split('\n', 1)[0] ?? '';
  return first
    .trim()
    .split(/\s+/)
    .filter((token) => token.length > 0)
    .slice(0, MAX_TOKENS)
    .map((token) => (isVariable(token) ? WILDCARD : token));
}

/** Separate tests, no nested quantifiers: linear in the token's length. */
function isVariable(token: string): boolean {
  if (!/\d/.test(token)) return false;
  return !/[A-Za-z]/.test(token) || /^[0-9a-f-]{8,}$/i.test(token);
}

/** Share of positions equal (Drain's simSeq; a masked variable equals a variable, as Drain3's `<NUM>` equals `<NUM>`). */
function similarity(template: readonly string[], tokens: readonly string[]): number {
  let same = 0;
  for (let i = 0; i < tokens.length; i++) if (template[i] === tokens[i]) same++;
  return tokens.length === 0 ? 1 : same / tokens.length;
}

export function mineTemplates(lines: readonly string[]): Mined {
  const groups = new Map<string, Template[]>();
  const templates: Template[] = [];
  const assignment: number[] = [];
  lines.forEach((line, index) => {
    const tokens = tokenize(line);
    const key = `${tokens.length} ${tokens[0] ?? ''}`;
    const group = groups.get(key) ?? [];
    const match = group.find((template) => similarity(template.tokens, tokens) >= SIMILARITY);
    if (match) {
      match.tokens = match.tokens.map((token, i) => (token === tokens[i] ? token : WILDCARD));
      match.lines.push(index);
      assignment.push(match.id);
      return;
    }
    if (templates.length >= MAX_TEMPLATES || group.length >= MAX_PER_GROUP) {
      assignment.push(-1);
      return;
    }
    const created: Template = { id: templates.length, tokens, lines: [index] };
    templates.push(created);
    group.push(created);
    groups.set(key, group);
    assignment.push(created.id);
  });
  return { templates, assignment };
}

export function templateText(template: Template): string {
  return template.tokens.join(' ');
}
