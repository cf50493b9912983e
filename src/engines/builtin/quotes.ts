/** Longest quote kept; a whole stack trace is no easier to check than its first line. */
const MAX_QUOTE = 300;

/**
 * A verbatim excerpt of a tool's output text that contains the first needle found: its line, trimmed and cut around
 * the needle. Built from the text itself, so it is always a substring of it; undefined when no needle occurs.
 */
export function quoteFrom(
  text: string | undefined,
  needles: readonly (string | readonly string[] | undefined | null)[],
): string | undefined {
  if (!text) return undefined;
  for (const needle of needles) {
    if (!needle) continue;
    if (typeof needle !== 'string') {
      const line = lineWithAll(text, needle);
      if (line !== undefined) return line;
      continue;
    }
    const firstLine = needle.split('\n')[0]?.trim() ?? '';
    const probe = firstLine.length > MAX_QUOTE ? firstLine.slice(0, MAX_QUOTE) : firstLine;
    if (probe.length === 0) continue;
    const at = text.indexOf(probe);
    if (at < 0) continue;
    const lineStart = text.lastIndexOf('\n', at) + 1;
    const lineEndRaw = text.indexOf('\n', at);
    const lineEnd = lineEndRaw < 0 ? text.length : lineEndRaw;
    const line = text.slice(lineStart, lineEnd);
    if (line.trim().length <= MAX_QUOTE) return line.trim();
    const offset = at - lineStart;
    const start = Math.max(0, Math.min(offset, line.length - MAX_QUOTE));
    return line.slice(start, start + MAX_QUOTE).trim();
  }
  return undefined;
}

/** The first line (trimmed, short enough) holding every part: tells apart two lines about the same metric. */
function lineWithAll(text: string, parts: readonly string[]): string | undefined {
  if (parts.length === 0) return undefined;
  return text
    .split('\n')
    .map((line) => line.trim())
    .find((line) => line.length <= MAX_QUOTE && parts.every((part) => line.includes(part)));
}
