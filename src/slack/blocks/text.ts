/**
 * Text helpers every Block Kit builder goes through, so Slack's limits and escaping hold by construction.
 * Order matters: redact first (a secret cut in half is still a secret), escape next, neutralise mentions (which
 * adds characters), truncate last without splitting an HTML entity: what is cut is what Slack receives.
 */

import { redactSecrets } from '../../redaction/index.js';
import { neutraliseMentions } from './hygiene.js';

export const TRUNCATED = '… (truncated)';

/**
 * The shared redaction module, as a last line of defence: text reaching Slack was redacted where it entered the
 * analysis; this catches anything that did not pass through an analysis (error messages, the incident as typed).
 */
export { redactSecrets } from '../../redaction/index.js';

/** Slack's mrkdwn treats &, < and > as control characters (links, mentions); everything else is literal. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Neutralises pings, then cuts to at most `max` characters, ending with a visible marker; never leaves half an
 * entity. Neutralising first is what keeps the result within `max`: the last pass over a finished message
 * (sanitiseMessage) then finds nothing left to lengthen.
 */
export function truncate(raw: string, max: number, marker = TRUNCATED): string {
  const text = neutraliseMentions(raw);
  if (text.length <= max) return text;
  const room = Math.max(0, max - marker.length - 1);
  let cut = text.slice(0, room);
  const amp = cut.lastIndexOf('&');
  if (amp !== -1 && !cut.slice(amp).includes(';')) cut = cut.slice(0, amp);
  // A cut surrogate pair renders as garbage; drop the lone high half.
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  return `${cut.trimEnd()} ${marker}`.slice(0, max);
}

/** Untrusted text for a mrkdwn field: redacted, escaped, bounded. */
export function mrkdwn(text: string, max: number): string {
  return truncate(escapeMrkdwn(redactSecrets(text)), max);
}

/** Untrusted text for a plain_text field (Slack shows it literally, so no escaping): redacted, bounded, one line. */
export function plain(text: string, max: number): string {
  return truncate(redactSecrets(text).replace(/\s+/g, ' ').trim(), max);
}

/** One line of untrusted text (newlines would break list layouts), escaped and bounded. */
export function oneLine(text: string, max: number): string {
  return mrkdwn(text.replace(/\s+/g, ' ').trim(), max);
}

/** Joins lines; when they do not fit in `max`, keeps whole lines and says how many were left out. */
export function joinBounded(raw: string[], max: number, separator = '\n'): string {
  const lines = raw.map(neutraliseMentions);
  const all = lines.join(separator);
  if (all.length <= max) return all;
  let out = '';
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const marker = `… (${lines.length - i} more, truncated)`;
    const candidate = out ? `${out}${separator}${line}` : line;
    if (candidate.length + separator.length + marker.length > max) {
      return out ? `${out}${separator}${marker}` : truncate(line, max);
    }
    out = candidate;
  }
  return out;
}

/** An http(s) link as Slack mrkdwn, or undefined for anything else (javascript:, slack:, garbage). */
export function safeLink(url: string, label: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return undefined;
  // `|` and `>` end a Slack link; the URL class already percent-encodes spaces and quotes.
  const href = escapeMrkdwn(redactSecrets(parsed.href)).replace(/\|/g, '%7C');
  if (href.length > 1000) return undefined;
  return `<${href}|${oneLine(label, 60).replace(/\|/g, '¦')}>`;
}
