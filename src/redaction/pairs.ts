import { isHarmlessValue, isSecretKey, kindForKey, redactLoose } from './keys.js';
import { hinted, type Placeholder, type Rule } from './rule.js';

/**
 * Rules for a secret that sits behind a name: `key=value` and `key: value` in every quoting (JSON, escaped JSON, YAML,
 * env files, headers, Go's `map[…]`), Kubernetes-style name/value pairs, and command-line flags. The patterns find
 * candidates cheaply; keys.ts decides by the name's words whether the value is a secret.
 */

/** Stems a secret name contains somewhere; keys.ts makes the real decision. */
const NAME_STEM = 'pass|pwd|secret|token|key|sig|cookie|sess|cred|auth|dsn';
const NAME_CHARS = '[A-Za-z0-9_.-]';
const NAME = `${NAME_CHARS}{0,40}?(?:${NAME_STEM})${NAME_CHARS}{0,40}`;
/** An optional quote, also JSON-escaped inside another string (`\"`). */
const QUOTE = `((?:\\\\{1,3}["']|["'])?)`;
/** Any spacing around `=` / `:` on one line, bounded so a line of blanks stays linear. */
const SEP = '[ \\t]{0,32}[:=][ \\t]{0,32}';
const PLACEHOLDER = '\\[REDACTED:[a-z0-9_]{1,40}(?:#[0-9]{1,6})?\\]';
/**
 * One value, as a single capture: escaped-quoted, double-quoted (with escapes), single-quoted, an array (`[…]`, JSON or
 * Go, which may already hold placeholders), or a bare run up to a delimiter. First characters are disjoint except the
 * bare run, which may start with none of the others'.
 */
const VALUE =
  '(' +
  [
    '\\\\{1,3}"[^"\\\\\\n]{1,1000}\\\\{1,3}"',
    '"(?:[^"\\\\\\n]|\\\\.){1,1000}"',
    "'[^'\\n]{1,1000}'",
    `\\[(?:[^\\[\\]\\n]|${PLACEHOLDER}){1,2000}\\]`,
    `[^\\s"',;&<>{}()\\[\\]\\\\][^\\s"',;&<>{}()\\[\\]]{0,999}`,
  ].join('|') +
  ')';

const WHOLE_PLACEHOLDER = new RegExp(`^${PLACEHOLDER}$`);
const ESCAPED_STRINGS = /\\"([^"\\]{0,1000})\\"/g;
const QUOTED_STRINGS = /"((?:[^"\\]|\\.){0,1000})"|'([^']{0,1000})'/g;

/** Replaces the secret inside one captured VALUE, keeping its quotes or brackets so the text still parses. */
export function redactValue(raw: string, kind: string, placeholder: Placeholder): string {
  const loose = (text: string) => redactLoose(text, kind, placeholder);
  // An earlier rule's placeholder also looks like a one-element array.
  if (WHOLE_PLACEHOLDER.test(raw)) return raw;
  if (raw.startsWith('[')) {
    const inner = raw.slice(1, -1);
    if (inner.includes('\\"')) return `[${inner.replace(ESCAPED_STRINGS, (_m, text: string) => `\\"${loose(text)}\\"`)}]`;
    if (/["']/.test(inner)) {
      return `[${inner.replace(QUOTED_STRINGS, (m: string, dq?: string, sq?: string) => (dq !== undefined ? `"${loose(dq)}"` : sq !== undefined ? `'${loose(sq)}'` : m))}]`;
    }
    return `[${loose(inner)}]`;
  }
  const open = /^(?:\\{1,3}"|["'])/.exec(raw)?.[0];
  if (open && raw.length > open.length * 2 && raw.endsWith(open)) return `${open}${loose(raw.slice(open.length, -open.length))}${open}`;
  return loose(raw);
}

/** Rewrites the VALUE at the end of a match when `name` is a secret name; anything else is left as it was. */
function replaceTail(all: string, name: string, raw: string, placeholder: Placeholder): string {
  if (!isSecretKey(name)) return all;
  return `${all.slice(0, all.length - raw.length)}${redactValue(raw, kindForKey(name), placeholder)}`;
}

/** `DB_PASSWORD=…`, `"password": "…"`, `{\"token\":\"…\"}`, `X-Api-Key:[…]`, `--token=…`. */
const keyValue: Rule = {
  kind: 'password',
  pattern: new RegExp(`(?<!${NAME_CHARS})${QUOTE}(${NAME})\\1${SEP}${VALUE}`, 'gi'),
  replace: (match, placeholder) => replaceTail(match[0], match[2] ?? '', match[3] ?? '', placeholder),
};

/** `{"name":"DB_PASSWORD","value":"…"}`, the YAML `- name: DB_PASSWORD` / `value: …`, a HAR header list. */
const nameValue: Rule = {
  kind: 'password',
  pattern: new RegExp(
    `(?<!${NAME_CHARS})${QUOTE}(?:name|key|header)\\1${SEP}${QUOTE}(${NAME_CHARS}{1,100})\\2[ \\t]{0,32}` +
      `(?:,[ \\t]{0,32}|\\r?\\n[ \\t]{0,40}(?:-[ \\t]{1,8})?)${QUOTE}value\\4${SEP}${VALUE}`,
    'gi',
  ),
  replace: (match, placeholder) => replaceTail(match[0], match[3] ?? '', match[5] ?? '', placeholder),
};

/** The same pair written value first: `{"value":"…","name":"DB_PASSWORD"}`. */
const valueName: Rule = {
  kind: 'password',
  pattern: new RegExp(
    `(?<!${NAME_CHARS})${QUOTE}value\\1${SEP}${VALUE}([ \\t]{0,32},[ \\t]{0,32}${QUOTE}(?:name|key|header)\\4${SEP}${QUOTE}(${NAME_CHARS}{1,100})\\5)`,
    'gi',
  ),
  replace(match, placeholder) {
    const [all, , raw = '', tail = '', , , name = ''] = match;
    if (!isSecretKey(name)) return all;
    const head = all.slice(0, all.length - raw.length - tail.length);
    return `${head}${redactValue(raw, kindForKey(name), placeholder)}${tail}`;
  },
};

/**
 * A `Cookie:` / `Set-Cookie:` header line: every pair in it may be a session (`theme=dark; sid=…`), and the cookie's
 * own names say nothing, so the whole header value goes. Quoted and bracketed values are left to keyValue.
 */
const cookieHeader: Rule = {
  kind: 'session',
  pattern: /(?<![A-Za-z0-9_.-])((?:set-)?cookie[ \t]{0,32}:[ \t]{0,32})([^\s"'<>{}[\]\\][^\r\n"'<>{}[\]\\]{0,4095})/gi,
  replace(match, placeholder) {
    const value = (match[2] ?? '').trimEnd();
    if (isHarmlessValue(value)) return match[0];
    return `${match[1]}${placeholder('session', value)}${(match[2] ?? '').slice(value.length)}`;
  },
};

/** `--password X`, `-token X`: a flag whose name is secret and a value that is not itself a flag. */
const flagValue: Rule = {
  kind: 'password',
  pattern: new RegExp(
    `(?<!${NAME_CHARS})(-{1,2}(?:[A-Za-z0-9]${NAME_CHARS}{0,40}?)?(?:${NAME_STEM})${NAME_CHARS}{0,40})[ \\t]{1,8}${VALUE}`,
    'gi',
  ),
  replace(match, placeholder) {
    const raw = match[2] ?? '';
    if (raw.startsWith('-')) return match[0];
    return replaceTail(match[0], (match[1] ?? '').replace(/^-+/, ''), raw, placeholder);
  },
};

/** MySQL's `-pPASS` (glued: `-p dbname` only asks for a password) and `sshpass -p PASS`. */
const gluedPassword: Rule = {
  kind: 'password',
  pattern: new RegExp(`\\b(mysql[a-z_-]{0,12}|mariadb[a-z_-]{0,12}|sshpass)\\b[^\\n]{0,200}?[ \\t]-p([ \\t]{0,3})${VALUE}`, 'g'),
  replace(match, placeholder) {
    const raw = match[3] ?? '';
    if ((match[2] !== '' && match[1] !== 'sshpass') || raw.startsWith('-')) return match[0];
    return `${match[0].slice(0, match[0].length - raw.length)}${redactValue(raw, 'password', placeholder)}`;
  },
};

/** curl's `-u user:password` / `--user=user:password`: the user stays, the password goes. */
const userPassword: Rule = {
  kind: 'password',
  pattern: /(?<![A-Za-z0-9_.-])(-u|--user)([ \t]{1,8}|=)(["']?)([^\s:"'@/]{1,128}):([^\s"'@]{1,256})/g,
  replace(match, placeholder) {
    const secret = match[5] ?? '';
    if (isHarmlessValue(secret)) return match[0];
    return `${match[1]}${match[2]}${match[3]}${match[4]}:${redactLoose(secret, 'password', placeholder)}`;
  },
};

const STEM_HINT = new RegExp(NAME_STEM, 'i');

export const PAIR_RULES: Rule[] = [
  hinted(cookieHeader, /cookie/i),
  hinted(nameValue, /value/i),
  hinted(valueName, /value/i),
  hinted(keyValue, STEM_HINT),
  hinted(flagValue, STEM_HINT),
  hinted(gluedPassword, /mysql|mariadb|sshpass/),
  hinted(userPassword, /-u|--user/),
];
