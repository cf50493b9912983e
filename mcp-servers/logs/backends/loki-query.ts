/**
 * LogQL text for the Loki backend. Every user string reaches Loki quoted: a backtick raw string when it has no
 * backtick (no escapes to get wrong), else a double-quoted string with `\` and `"` escaped.
 */

export function quote(text: string): string {
  if (!text.includes('`')) return `\`${text}\``;
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** RE2 (Loki's regex engine) metacharacters escaped, so a literal stays literal. */
export function escapeRegex(text: string): string {
  return text.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}

export interface Selection {
  /** LOKI_SELECTOR's matchers. */
  base: string[];
  serviceLabel: string;
  service?: string | undefined;
  levelLabel?: string | null | undefined;
  /** Values of the level label to keep (already at or above the minimum). */
  levels?: string[] | undefined;
  /** A case-insensitive line filter: literal text, or an RE2 pattern. */
  text?: { pattern: string; regex: boolean } | undefined;
}

/** `{…} |~ "(?i)…"`: the stream selector (it must have a non-empty matcher) and the line filter. */
export function logSelector(s: Selection): string {
  const matchers = [...s.base];
  if (s.service !== undefined) matchers.push(`${s.serviceLabel}=~${quote(`(?i)${escapeRegex(s.service)}`)}`);
  else matchers.push(`${s.serviceLabel}=~".+"`);
  if (s.levelLabel && s.levels) matchers.push(`${s.levelLabel}=~${quote(s.levels.map(escapeRegex).join('|') || '^$')}`);
  const filter = s.text ? ` |~ ${quote(`(?i)${s.text.regex ? s.text.pattern : escapeRegex(s.text.pattern)}`)}` : '';
  return `{${matchers.join(', ')}}${filter}`;
}

/** `sum by (a, b) (count_over_time(<selector> [Nms]))`: line counts that never download a line. */
export function countQuery(selector: string, rangeMs: number, by: string[]): string {
  const grouping = by.length > 0 ? ` by (${by.join(', ')})` : '';
  return `sum${grouping} (count_over_time(${selector} [${Math.max(1, Math.ceil(rangeMs))}ms]))`;
}

/** Nanosecond epoch strings, as Loki's API takes and gives them. */
export function toNs(ms: number): string {
  return `${BigInt(Math.floor(ms)) * 1_000_000n + BigInt(Math.round((ms % 1) * 1e6))}`;
}

export function fromNs(ns: string): number {
  return Number(BigInt(ns) / 1_000_000n);
}
