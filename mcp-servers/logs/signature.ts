/**
 * Error signatures: a message with its variable parts masked, so "timeout after 3012ms for order 8812" and
 * "timeout after 2950ms for order 9011" group together. Pure and deterministic, so a signature from the
 * window before an incident equals the same signature near its onset.
 */

import { Redactor } from '../../src/redaction/index.js';

/** Secrets only: e-mails and IPs have their own masks below. */
const SIGNATURE_REDACTION = { emails: false, ips: false, extra: [] };

/** Only this much of a message's first line is masked; the rest rarely changes the kind of error. */
const MAX_SIGNATURE_INPUT = 1_000;

const URL_MASK = '<url>';

const DIGIT = /\d/;
const has = (char: string) => (text: string) => text.includes(char);
const hasDigit = (text: string) => DIGIT.test(text);

/**
 * Applied in order: specific shapes first so that a UUID is not masked piecemeal as numbers and hex. Each mask
 * names a character its matches cannot lack, checked first: most messages skip most masks at the cost of a memchr
 * (error_summary computes a signature per warning and error, hundreds of thousands per gigabyte).
 */
const MASKS: { pattern: RegExp; replacement: string; needs: (text: string) => boolean }[] = [
  { pattern: /\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?/g, replacement: '<time>', needs: has(':') },
  { pattern: /\b\d{2}:\d{2}:\d{2}(?:[.,]\d+)?\b/g, replacement: '<time>', needs: has(':') },
  { pattern: /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g, replacement: '<email>', needs: has('@') },
  // The host stays (`<url:payments-gateway.pay.svc>`): which dependency failed is the signature's point.
  { pattern: /\b[a-z][a-z\d+.-]*:\/\/(?:[^\s"'<>)@/]*@)?([^\s"'<>)\]/:?#]*)[^\s"'<>)\]]*/gi, replacement: URL_MASK, needs: has('://') },
  { pattern: /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, replacement: '<uuid>', needs: has('-') },
  { pattern: /(?<![\w.])\d{1,3}(?:\.\d{1,3}){3}(?::\d{1,5})?\b/g, replacement: '<ip>', needs: has('.') },
  { pattern: /(?<![\w:])(?:[0-9a-f]{1,4}:){2,7}[0-9a-f]{1,4}\b/gi, replacement: '<ip>', needs: has(':') },
  // Unix and Windows paths with at least two segments; `/api` alone is kept because it names an endpoint family.
  {
    pattern: /(?:[A-Za-z]:\\|(?<![\w<])\/)[\w.@%+~-]+(?:[/\\][\w.@%+~-]*)+/g,
    replacement: '<path>',
    needs: (text) => text.includes('/') || text.includes('\\'),
  },
  // Prefixed object ids (`tr_1Nf3xQ2eZvKYlo2C`, `cus_9s6XKzkNRiz8i3`): one id per line would make one signature per line.
  { pattern: /\b[a-z]{1,6}_(?=[a-z\d]*\d)(?=[a-z\d]*[a-z])[a-z\d]{8,}\b/gi, replacement: '<id>', needs: has('_') },
  { pattern: /\b0x[0-9a-f]+\b/gi, replacement: '<hex>', needs: hasDigit },
  // Hex runs of 8+ with at least one digit (trace ids, shas); plain words such as "deadbeef" stay unless they mix in digits.
  { pattern: /\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{8,}\b/gi, replacement: '<hex>', needs: hasDigit },
  {
    pattern: /\b\d+(?:\.\d+)?\s?(?:ns|us|µs|ms|s|sec|secs|seconds?|m|mins?|minutes?|h|hrs?|hours?)\b/g,
    replacement: '<duration>',
    needs: hasDigit,
  },
  // A sign counts only after a separator: blk_-42 and blk_42 agree, HikariPool-1 keeps its dash.
  { pattern: /(?:(?<=^|[\s_=:([,])[-+])?\b\d+(?:[.,]\d+)*\b/g, replacement: '<n>', needs: hasDigit },
  // Digits glued to letters (node R02-M1, user_42 after the pass above leaves letters): ids all the same.
  { pattern: /\d+/g, replacement: '<n>', needs: hasDigit },
];

/** A URL's host when it is a name, `<ip>` when it is an address; a port or credentials never stay. */
function urlHost(host: string, keep: (name: string) => string): string {
  if (/^\d{1,3}(?:\.\d{1,3}){3}$/.test(host) || host.startsWith('[') || host.startsWith(KEEP_OPEN))
    return host.startsWith(KEEP_OPEN) ? `<url:${host}>` : '<url:<ip>>';
  return host ? `<url:${keep(host.toLowerCase())}>` : '<url>';
}

/** `name:port` where the name looks like a host (a dash or a dot in it, not only digits): `es-node-7:9200`, `db.internal:5432`. */
const HOST_PORT = /(?<![\w.:/-])([a-z][a-z\d]*(?:[-.][a-z\d]+)+):\d{2,5}\b/gi;
/** Private-use characters around a kept name's letter: no mask touches them and no log line carries them. */
const KEEP_OPEN = '\uE000';
const KEEP_CLOSE = '\uE001';
const KEPT = /\uE000([a-z])\uE001/g;
/** Names kept per message: letters a–z. */
const MAX_KEPT_NAMES = 26;

export function errorSignature(message: string): string {
  const newline = message.indexOf('\n');
  let text = newline === -1 ? message : message.slice(0, newline);
  if (text.length > MAX_SIGNATURE_INPUT) text = text.slice(0, MAX_SIGNATURE_INPUT);
  // Masking digits would mangle a secret past recognition by the host's redaction, leaving most of it readable.
  text = new Redactor(SIGNATURE_REDACTION, []).text(text);
  // Host names are set aside before the masks and put back after, so `es-node-7` does not become `es-node-<n>`.
  const kept: string[] = [];
  const keep = (value: string) => {
    if (kept.length >= MAX_KEPT_NAMES) return value.replace(/\d+/g, '<n>');
    kept.push(value);
    return `${KEEP_OPEN}${String.fromCharCode(97 + kept.length - 1)}${KEEP_CLOSE}`;
  };
  if (text.includes(':')) text = text.replace(HOST_PORT, (_, host: string) => `${keep(host.toLowerCase())}:<n>`);
  for (const { pattern, replacement, needs } of MASKS) {
    if (!needs(text)) continue;
    text = replacement === URL_MASK ? text.replace(pattern, (_, host: string) => urlHost(host, keep)) : text.replace(pattern, replacement);
  }
  if (kept.length > 0) text = text.replace(KEPT, (_, letter: string) => kept[letter.charCodeAt(0) - 97] ?? '');
  return text.replace(/\s+/g, ' ').trim();
}
