/**
 * Whether a name (a `key=`, a JSON or YAML key, a header, a `--flag`, the `name` of a name/value pair) holds a
 * secret. Decided by the words the name is made of, not by a substring, so `api_key`, `x-api-key`, `AccountKey` and
 * `DBPASSWORD` are secret while `keyboard`, `passenger`, `sigterm`, `token_count` and `password_reset_url` stay
 * readable.
 */

const PLACEHOLDER_PREFIX = '[REDACTED:';

/** A name made of one of these words holds a secret (`pass=`, `db_pwd`, `sig=`, `Cookie:`). */
const SECRET_WORDS = new Set([
  'pass',
  'passwd',
  'password',
  'passwords',
  'passphrase',
  'pwd',
  'secret',
  'secrets',
  'token',
  'apikey',
  'credential',
  'credentials',
  'creds',
  'cookie',
  'cookies',
  'session',
  'sessionid',
  'sessid',
  'sig',
  'dsn',
  'authorization',
  'privatekey',
  'accesskey',
  'accountkey',
  'secretkey',
]);

/** Words glued to a prefix still count (`DBPASSWORD`, `authtoken`, `JSESSIONID`); short words (`pass`, `sig`) never do. */
const GLUED_SUFFIXES = [
  'password',
  'passwd',
  'passphrase',
  'secret',
  'token',
  'apikey',
  'credential',
  'credentials',
  'cookie',
  'sessionid',
  'sessid',
  'authorization',
  'privatekey',
  'accesskey',
  'accountkey',
];

/** `<word> key` is a secret for these words (`api key`, `AccountKey`, `Ocp-Apim-Subscription-Key`); `primary_key` is not. */
const KEY_QUALIFIERS = new Set([
  'api',
  'access',
  'account',
  'subscription',
  'private',
  'secret',
  'signing',
  'encryption',
  'master',
  'auth',
  'app',
  'storage',
  'license',
  'consumer',
  'client',
  'functions',
  'sas',
]);

/**
 * A word after the secret word that makes the name describe the secret rather than hold it: `token_count`,
 * `password_reset_url`, `session_timeout`, `secret_name`.
 */
const DESCRIBING_WORDS = new Set([
  'count',
  'counts',
  'reset',
  'url',
  'uri',
  'endpoint',
  'enabled',
  'enable',
  'disabled',
  'required',
  'expiry',
  'expires',
  'expired',
  'expiration',
  'ttl',
  'timeout',
  'duration',
  'age',
  'length',
  'len',
  'size',
  'type',
  'policy',
  'min',
  'max',
  'limit',
  'file',
  'path',
  'dir',
  'name',
  'names',
  'hint',
  'prompt',
  'field',
  'header',
  'param',
  'version',
  'algorithm',
  'format',
  'kind',
  'mode',
  'method',
  'status',
  'error',
  'source',
  'provider',
  'helper',
  'store',
  'used',
  'usage',
  'index',
  'valid',
  'present',
  'missing',
  'rotation',
  'label',
]);

/** Longest name considered; longer "names" are prose. */
const MAX_NAME = 100;

/** `X-Api-Key` → x api key, `AccountKey` → account key, `DB_PASSWORD` → db password, `JSESSIONID` → jsessionid. */
export function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

function secretAt(words: string[], i: number): boolean {
  const word = words[i] ?? '';
  if (SECRET_WORDS.has(word)) return true;
  if ((word === 'key' || word === 'keys') && KEY_QUALIFIERS.has(words[i - 1] ?? '')) return true;
  return GLUED_SUFFIXES.some((suffix) => word.length > suffix.length && word.endsWith(suffix));
}

/** The index of the last word that makes `words` a secret name, or -1. */
function lastSecretWord(words: string[]): number {
  for (let i = words.length - 1; i >= 0; i -= 1) {
    if (secretAt(words, i)) return i;
  }
  return -1;
}

/** Is this (object, header, flag or env) name one whose value is a secret? */
export function isSecretKey(key: string): boolean {
  if (key.length > MAX_NAME) return false;
  const words = nameWords(key);
  const last = lastSecretWord(words);
  if (last === -1) return false;
  return !words.slice(last + 1).some((word) => DESCRIBING_WORDS.has(word));
}

/** The placeholder kind a secret key implies: `[REDACTED:password]` reads better than a generic `secret`. */
export function kindForKey(key: string): string {
  const words = nameWords(key);
  const joined = words.join('');
  if (words.some((word) => word === 'pass' || word === 'pwd' || /pass(?:word|wd|phrase)|pwd$/.test(word))) return 'password';
  if (words.includes('aws') && joined.includes('secret')) return 'aws_secret_key';
  if (joined.includes('privatekey')) return 'private_key';
  if (joined.includes('authorization')) return 'authorization';
  if (
    words.some(
      (word, i) =>
        word === 'apikey' ||
        /^(?:access|account)key$/.test(word) ||
        ((word === 'key' || word === 'keys') && i > 0 && words[i - 1] !== 'secret'),
    )
  )
    return 'api_key';
  if (joined.includes('token')) return 'token';
  if (/cookie|sess/.test(joined)) return 'session';
  return 'secret';
}

/** Values after a secret key that are not secrets: flags, empty markers, counts, earlier placeholders. */
export function isHarmlessValue(value: string): boolean {
  const trimmed = value.trim();
  if (trimmed === '' || trimmed.startsWith(PLACEHOLDER_PREFIX)) return true;
  if (
    /^(?:true|false|yes|no|on|off|null|nil|none|undefined|redacted|\*+|x+|<redacted>|\[redacted\]|\[filtered\]|changeme|enabled|disabled|required|optional|missing|invalid|expired|unset|empty)$/i.test(
      trimmed,
    )
  )
    return true;
  return /^[0-9]{1,6}$/.test(trimmed);
}

/** The scheme words of an Authorization header: `Bearer` alone is no credential. */
export const AUTH_SCHEMES = /^(?:bearer|basic|token|digest|negotiate|apikey|sso-key)$/i;

const PLACEHOLDER_SPLIT = /(\[REDACTED:[a-z0-9_]{1,40}(?:#[0-9]{1,6})?\])/;

/**
 * Redacts a value that may already hold placeholders (`Bearer [REDACTED:authorization#1]`, `sid=…; theme=dark`):
 * each run of text between placeholders that is more than a scheme word or punctuation becomes one placeholder.
 */
export function redactLoose(value: string, kind: string, placeholder: (kind: string, value: string) => string): string {
  return value
    .split(PLACEHOLDER_SPLIT)
    .map((part, i) => {
      if (i % 2 === 1) return part;
      const core = part.trim();
      if (core === '' || /^[\s,;:=&|]*$/.test(core) || isHarmlessValue(core) || AUTH_SCHEMES.test(core)) return part;
      const start = part.indexOf(core);
      return `${part.slice(0, start)}${placeholder(kind, core)}${part.slice(start + core.length)}`;
    })
    .join('');
}
