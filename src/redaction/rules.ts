/**
 * The built-in shapes of secrets and personal data. Every pattern is written to run in linear time on V8's
 * backtracking engine: each repetition is bounded, alternatives inside a repetition start with disjoint characters,
 * and a pattern that scans a run of characters cannot restart inside that run more than a bounded number of times.
 * test/redaction/linear.test.ts runs adversarial inputs across a process boundary with a hard timeout.
 */

/** What a rule hands back for one match: the text to put in its place. */
export type Placeholder = (kind: string, value: string) => string;

export interface Rule {
  /** Kind name for docs and options; a rule may emit a more specific kind per match. */
  kind: string;
  pattern: RegExp;
  /** A cheap test that must pass for the pattern to have any chance: most log text skips most rules at scan speed. */
  hint?: RegExp;
  replace(match: RegExpExecArray, placeholder: Placeholder): string;
}

/** Attaches a prefilter to a rule. */
function hinted(rule: Rule, hint: RegExp): Rule {
  return { ...rule, hint };
}

const PLACEHOLDER_PREFIX = '[REDACTED:';

/** A rule that replaces the whole match. */
function whole(kind: string, pattern: RegExp, validate?: (value: string) => boolean): Rule {
  return {
    kind,
    pattern,
    replace: (match, placeholder) => (validate && !validate(match[0]) ? match[0] : placeholder(kind, match[0])),
  };
}

/** Luhn's checksum over the digits of a card-number candidate. */
export function luhnValid(text: string): boolean {
  const digits = text.replace(/[^0-9]/g, '');
  if (digits.length < 13 || digits.length > 19) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i += 1) {
    let digit = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

/** Key words that make the value after `key=` / `key:` a secret, whatever prefix or suffix the key carries. */
const SECRET_KEY_WORD =
  'password|passwd|passphrase|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|credential|session[_-]?id|cookie|dsn';
const SECRET_KEY = new RegExp(`^[A-Za-z0-9_.-]{0,40}(?:${SECRET_KEY_WORD})[A-Za-z0-9_.-]{0,40}$`, 'i');

/** Is this (object or header) key one whose value is a secret? Used for structured content too. */
export function isSecretKey(key: string): boolean {
  return key.length <= 100 && SECRET_KEY.test(key);
}

/** The placeholder kind a secret key implies: `[REDACTED:password]` reads better than a generic `secret`. */
export function kindForKey(key: string): string {
  const lower = key.toLowerCase();
  if (/pass|pwd/.test(lower)) return 'password';
  if (lower.includes('aws') && lower.includes('secret')) return 'aws_secret_key';
  if (/private[_-]?key/.test(lower)) return 'private_key';
  if (/api[_-]?key|apikey|access[_-]?key/.test(lower)) return 'api_key';
  if (lower.includes('token')) return 'token';
  if (/cookie|session/.test(lower)) return 'session';
  return 'secret';
}

/** Values after a secret key that are not secrets: flags, empty markers, counts, earlier placeholders. */
export function isHarmlessValue(value: string): boolean {
  const trimmed = value.trim();
  if (trimmed === '' || trimmed.startsWith(PLACEHOLDER_PREFIX)) return true;
  if (/^(?:true|false|null|nil|none|undefined|redacted|\*+|x+|<redacted>|\[redacted\]|\[filtered\]|changeme)$/i.test(trimmed)) return true;
  return /^[0-9]{1,6}$/.test(trimmed);
}

const KEY_VALUE = new RegExp(
  // The key starts a token (lookbehind), may be quoted (JSON, YAML), and is followed by : or =.
  `(?<![A-Za-z0-9_.-])(["']?)([A-Za-z0-9_.-]{0,40}?(?:${SECRET_KEY_WORD})[A-Za-z0-9_.-]{0,40})\\1(\\s{0,3}[:=]\\s{0,3})` +
    // The value: double-quoted (with escapes), single-quoted, or a bare run up to a delimiter.
    `(?:"((?:[^"\\\\\\n]|\\\\.){1,1000})"|'([^'\\n]{1,1000})'|([^\\s"',;&<>{}()\\[\\]]{1,1000}))`,
  'gi',
);

const keyValue: Rule = {
  kind: 'password',
  pattern: KEY_VALUE,
  replace(match, placeholder) {
    const [all, quote = '', key = '', separator = '', doubleQuoted, singleQuoted, bare] = match;
    const value = doubleQuoted ?? singleQuoted ?? bare ?? '';
    if (isHarmlessValue(value)) return all;
    const wrap = doubleQuoted !== undefined ? '"' : singleQuoted !== undefined ? "'" : '';
    return `${quote}${key}${quote}${separator}${wrap}${placeholder(kindForKey(key), value)}${wrap}`;
  },
};

/** `Authorization: Bearer …`, `Proxy-Authorization: Basic …`, `authorization=Token …` (headers, curl lines, JSON). */
const authorizationHeader: Rule = {
  kind: 'authorization',
  pattern:
    /\b((?:proxy-)?authorization["']?\s{0,3}[:=]\s{0,3}["']?(?:(?:bearer|basic|token|digest|negotiate|apikey|sso-key)\s{1,3})?)([A-Za-z0-9._~+/=:-]{4,4096})/gi,
  replace(match, placeholder) {
    const value = match[2] ?? '';
    // A second pass sees `Authorization: Bearer [REDACTED:…]`; the scheme word itself is no credential.
    if (isHarmlessValue(value) || AUTH_SCHEMES.test(value)) return match[0];
    return `${match[1]}${placeholder('authorization', value)}`;
  },
};

const AUTH_SCHEMES = /^(?:bearer|basic|token|digest|negotiate|apikey|sso-key)$/i;

/** A bare `Bearer <token>` or `Basic <base64>` outside a header; the value must look like a credential, not a word. */
const bareScheme: Rule = {
  kind: 'authorization',
  pattern: /\b(bearer|basic)(\s{1,3})([A-Za-z0-9._~+/-]{8,4096}={0,2})/gi,
  replace(match, placeholder) {
    const value = match[3] ?? '';
    // After Bearer a long word is a token; after Basic it must look like base64, not like "authentication".
    const credentialLike =
      /[0-9=+/._-]/.test(value) || /[A-Z]/.test(value.slice(1)) || (match[1]?.toLowerCase() === 'bearer' && value.length >= 12);
    return credentialLike && !isHarmlessValue(value) ? `${match[1]}${match[2]}${placeholder('authorization', value)}` : match[0];
  },
};

/** `scheme://user:password@host`: the whole user-info goes, the scheme and host stay readable. */
const urlCredentials: Rule = {
  kind: 'url_credentials',
  pattern: /\b([a-z][a-z0-9+.-]{1,20}:\/\/)([^\s:/@"'<>[\]]{1,128}):([^\s/@"'<>]{1,256})@/gi,
  replace: (match, placeholder) => `${match[1]}${placeholder('url_credentials', `${match[2]}:${match[3]}`)}@`,
};

const privateKey = whole(
  'private_key',
  // Body: base64, headers (Proc-Type: 4,ENCRYPTED), JSON-escaped newlines; a truncated key still loses its body.
  /-----BEGIN[A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----(?:[A-Za-z0-9+/=\s:,\\]|-(?!-{4})){0,20000}(?:-----END[A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----)?/g,
);

const jwt = whole('jwt', /\beyJ[A-Za-z0-9_-]{4,4096}\.[A-Za-z0-9_-]{4,8192}\.[A-Za-z0-9_-]{0,4096}/g);

/** A 40-character base64 run with mixed case and a digit (AWS secret access key shape); hex shas lack upper case. */
const awsSecretKey = whole('aws_secret_key', /(?<![A-Za-z0-9/+=])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/g, (value) => {
  return /[A-Z]/.test(value) && /[a-z]/.test(value) && /[0-9]/.test(value);
});

const VENDOR_RULES: Rule[] = [
  hinted(whole('slack_webhook', /https:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/[A-Za-z0-9/_-]{8,300}/g), /hooks\.slack/),
  hinted(whole('slack_token', /\b(?:xox[abposre]|xapp)-[A-Za-z0-9-]{8,255}/g), /xox|xapp-/),
  whole('aws_access_key_id', /\b(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|ANPA|ANVA|AROA|APKA)[A-Z0-9]{16}\b/g),
  hinted(whole('gcp_api_key', /\bAIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])/g), /AIza/),
  hinted(whole('stripe_key', /\b(?:(?:sk|rk|pk)_(?:live|test)_[0-9A-Za-z]{8,247}|whsec_[0-9A-Za-z]{16,247})\b/g), /_live_|_test_|whsec_/),
  hinted(whole('github_token', /\b(?:gh[pousr]_[A-Za-z0-9]{30,255}|github_pat_[A-Za-z0-9_]{30,255})\b/g), /gh[pousr]_|github_pat_/),
  hinted(whole('gitlab_token', /\bgl(?:pat|ptt|dt|rt|cbt|oas|soat|ffct|imt|agent)-[A-Za-z0-9_-]{20,255}/g), /gl[a-z]{1,5}-/),
  hinted(whole('npm_token', /\bnpm_[A-Za-z0-9]{36}\b/g), /npm_/),
  hinted(whole('api_key', /\bsk-(?:proj-|ant-)?[A-Za-z0-9_-]{20,255}/g), /sk-/),
];

/**
 * Card numbers: Luhn-checked; an unseparated run must be 13–16 digits, because 17–19-digit ids (HDFS block ids,
 * snowflake ids, Java longs) pass Luhn one time in ten; a run glued to `_` or `-` is an identifier.
 */
const card = whole('card', /(?<![0-9A-Za-z_-])[2-6](?:[ -]?[0-9]){12,18}(?![0-9A-Za-z_])/g, (value) => {
  return luhnValid(value) && (/[ -]/.test(value) || value.length <= 16);
});

export const EMAIL_RULE = hinted(
  whole('email', /(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,8}\.[A-Za-z]{2,24}\b/g),
  /@/,
);

export const IP_RULES: Rule[] = [
  whole(
    'ip',
    /(?<![0-9.])(?:(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])(?!\.?[0-9])/g,
  ),
  // IPv6 needs a hex letter or five groups, so a clock time (14:03:22) is never taken for one.
  whole('ip', /(?<![0-9A-Za-z:])[0-9A-Fa-f]{0,4}:[0-9A-Fa-f:]{2,38}(?![0-9A-Za-z:])/g, (value) => {
    const parts = value.split(':');
    if (parts.some((part) => part.length > 4) || value.split('::').length > 2) return false;
    return /[a-fA-F]/.test(value) || parts.length >= 5;
  }),
];

/**
 * Order matters: whole-token shapes first (a PEM block, a JWT, a webhook URL), then headers and key=value pairs
 * whose values may already be placeholders, then the loose shapes (base64 runs, card numbers).
 */
export const SECRET_RULES: Rule[] = [
  hinted(privateKey, /PRIVATE KEY/),
  hinted(jwt, /eyJ/),
  hinted(urlCredentials, /:\/\/[^\s/@]{1,400}@/),
  ...VENDOR_RULES,
  hinted(authorizationHeader, /authorization/i),
  hinted(bareScheme, /bearer|basic/i),
  hinted(keyValue, new RegExp(SECRET_KEY_WORD, 'i')),
  hinted(awsSecretKey, /[A-Za-z0-9/+]{40}/),
  hinted(card, /[0-9]{4}[ -]?[0-9]{4}[ -]?[0-9]{4}/),
];

/** Kinds the built-in rules can emit, for the start-up line and the docs. */
export const SECRET_KINDS = [
  'private_key',
  'jwt',
  'url_credentials',
  'slack_webhook',
  'slack_token',
  'aws_access_key_id',
  'aws_secret_key',
  'gcp_api_key',
  'stripe_key',
  'github_token',
  'gitlab_token',
  'npm_token',
  'api_key',
  'authorization',
  'password',
  'token',
  'secret',
  'session',
  'card',
] as const;
