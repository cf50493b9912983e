import { ToolInputError } from '../../shared/tool-result.js';

/** An ambiguous prefix lists this many candidates; more would only flood the reply. */
export const MAX_SHA_CANDIDATES = 10;

interface ShaHolder {
  sha: string;
  date: string;
  message: string;
}

/** Picks the one item whose sha starts with `prefix`, or explains why none or several do. */
export function resolveShaPrefix<T extends ShaHolder>(prefix: string, items: readonly T[], notFound: string): T {
  const matches = items.filter((item) => item.sha.toLowerCase().startsWith(prefix));
  if (matches.length === 1 && matches[0]) return matches[0];
  if (matches.length === 0) throw new ToolInputError(notFound, 'find the sha with search_commits or get_recent_commits');
  throw ambiguousShaError(prefix, matches);
}

export function ambiguousShaError(prefix: string, matches: readonly ShaHolder[]): ToolInputError {
  const shown = matches.slice(0, MAX_SHA_CANDIDATES).map((m) => `${m.sha.slice(0, 12)} ${m.date} ${firstLine(m.message)}`);
  const more = matches.length > shown.length ? `; … ${matches.length - shown.length} more` : '';
  return new ToolInputError(
    `sha prefix "${prefix}" is ambiguous: ${matches.length} commits match: ${shown.join('; ')}${more}`,
    'give more hex digits of the sha',
  );
}

export function firstLine(message: string): string {
  const line = message.split('\n', 1)[0] ?? '';
  return line.length > 120 ? `${line.slice(0, 119)}…` : line;
}
