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

/** Applied in order: specific shapes first so that a UUID is not masked piecemeal as numbers and hex. */
const MASKS: [RegExp, string][] = [
  [/\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?/g, '<time>'],
  [/\b\d{2}:\d{2}:\d{2}(?:[.,]\d+)?\b/g, '<time>'],
  [/[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g, '<email>'],
  [/\b[a-z][a-z\d+.-]*:\/\/[^\s"'<>)\]]+/gi, '<url>'],
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '<uuid>'],
  [/(?<![\w.])\d{1,3}(?:\.\d{1,3}){3}(?::\d{1,5})?\b/g, '<ip>'],
  [/(?<![\w:])(?:[0-9a-f]{1,4}:){2,7}[0-9a-f]{1,4}\b/gi, '<ip>'],
  // Unix and Windows paths with at least two segments; `/api` alone is kept because it names an endpoint family.
  [/(?:[A-Za-z]:\\|(?<![\w<])\/)[\w.@%+~-]+(?:[/\\][\w.@%+~-]*)+/g, '<path>'],
  [/\b0x[0-9a-f]+\b/gi, '<hex>'],
  // Hex runs of 8+ with at least one digit (trace ids, shas); plain words such as "deadbeef" stay unless they mix in digits.
  [/\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{8,}\b/gi, '<hex>'],
  [/\b\d+(?:\.\d+)?\s?(?:ns|us|µs|ms|s|sec|secs|seconds?|m|mins?|minutes?|h|hrs?|hours?)\b/g, '<duration>'],
  // A sign counts only after a separator: blk_-42 and blk_42 agree, HikariPool-1 keeps its dash.
  [/(?:(?<=^|[\s_=:([,])[-+])?\b\d+(?:[.,]\d+)*\b/g, '<n>'],
  // Digits glued to letters (node R02-M1, user_42 after the pass above leaves letters): ids all the same.
  [/\d+/g, '<n>'],
];

export function errorSignature(message: string): string {
  const newline = message.indexOf('\n');
  let text = newline === -1 ? message : message.slice(0, newline);
  if (text.length > MAX_SIGNATURE_INPUT) text = text.slice(0, MAX_SIGNATURE_INPUT);
  // Masking digits would mangle a secret past recognition by the host's redaction, leaving most of it readable.
  text = new Redactor(SIGNATURE_REDACTION, []).text(text);
  for (const [pattern, replacement] of MASKS) text = text.replace(pattern, replacement);
  return text.replace(/\s+/g, ' ').trim();
}
