/**
 * The built-in shapes of secrets and personal data. Every pattern is written to run in linear time on V8's
 * backtracking engine: each repetition is bounded, alternatives inside a repetition start with disjoint characters,
 * and a pattern that scans a run of characters cannot restart inside that run more than a bounded number of times.
 * test/redaction/linear.test.ts runs adversarial inputs across a process boundary with a hard timeout.
 */

import { AUTH_SCHEMES, isHarmlessValue } from './keys.js';
import { PAIR_RULES } from './pairs.js';
import { hinted, type Rule, whole } from './rule.js';

export type { Placeholder, Rule } from './rule.js';

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

/** `Authorization: Bearer …`, `Proxy-Authorization: Basic …`, `authorization=Token …` (headers, curl lines, JSON). */
const authorizationHeader: Rule = {
  kind: 'authorization',
  pattern:
    // The value may follow JSON-escaped quotes or an array bracket: `\"Authorization\":\"…\"`, `Authorization:[Bearer …]`.
    /\b((?:proxy-)?authorization(?:\\{1,3}"|["'])?[ \t]{0,32}[:=][ \t]{0,32}\[?[ \t]{0,3}(?:\\{1,3}"|["'])?(?:(?:bearer|basic|token|digest|negotiate|apikey|sso-key)[ \t]{1,3})?)([A-Za-z0-9._~+/=:-]{4,4096})/gi,
  replace(match, placeholder) {
    const value = match[2] ?? '';
    // A second pass sees `Authorization: Bearer [REDACTED:…]`; the scheme word itself is no credential.
    if (isHarmlessValue(value) || AUTH_SCHEMES.test(value)) return match[0];
    return `${match[1]}${placeholder('authorization', value)}`;
  },
};

/** A bare `Bearer <token>` or `Basic <base64>` outside a header; the value must look like a credential, not a word. */
const bareScheme: Rule = {
  kind: 'authorization',
  // The token must end where a token ends: `Bearer expires_in=3600` is a key=value pair after the word, not a token.
  pattern: /\b(bearer|basic)(\s{1,3})([A-Za-z0-9._~+/-]{8,4096}(?:={1,2}(?![A-Za-z0-9._~+/=-])|(?![A-Za-z0-9._~+/=-])))/gi,
  replace(match, placeholder) {
    const value = match[3] ?? '';
    // After Bearer a long word is a token; after Basic it must look like base64, not like "authentication".
    const credentialLike =
      /[0-9=+/._-]/.test(value) || /[A-Z]/.test(value.slice(1)) || (match[1]?.toLowerCase() === 'bearer' && value.length >= 12);
    return credentialLike && !isHarmlessValue(value) ? `${match[1]}${match[2]}${placeholder('authorization', value)}` : match[0];
  },
};

/**
 * Any user-info in a URL is a credential: `postgres://user:pass@`, `redis://:pass@` (no user), `https://<token>@`
 * (a token as the user). The whole user-info goes, the scheme and host stay readable. A placeholder an earlier rule
 * left there (`https://[REDACTED:github_token#1]@`) cannot start a user-info, so it keeps its more precise kind.
 */
const urlCredentials: Rule = {
  kind: 'url_credentials',
  pattern: /\b([a-z][a-z0-9+.-]{1,20}:\/\/)([^\s/?#@"'<>[\]{}\\]{1,384})@/gi,
  replace(match, placeholder) {
    const [all, scheme = '', userInfo = ''] = match;
    // Akka, Pekko and Spark address an actor system as `akka.tcp://SystemName@host`: a name, not a credential.
    if (ACTOR_SCHEMES.test(scheme) && !userInfo.includes(':')) return all;
    return `${scheme}${placeholder('url_credentials', userInfo)}@`;
  },
};

const ACTOR_SCHEMES = /^(?:akka|pekko|spark)(?:\.[a-z]{1,10}){0,3}:\/\/$/i;

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
 * Order matters: whole-token shapes first (a PEM block, a JWT, a webhook URL, a vendor token), then URL user-info,
 * headers and named values (pairs.ts) whose values may already be placeholders, then the loose shapes (base64 runs, card numbers).
 */
export const SECRET_RULES: Rule[] = [
  hinted(privateKey, /PRIVATE KEY/),
  hinted(jwt, /eyJ/),
  ...VENDOR_RULES,
  hinted(urlCredentials, /:\/\/[^\s/@]{1,400}@/),
  hinted(authorizationHeader, /authorization/i),
  hinted(bareScheme, /bearer|basic/i),
  ...PAIR_RULES,
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
