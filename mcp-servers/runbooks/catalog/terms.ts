/**
 * Words of a query as the index is asked for them. Error signatures carry masks (`<n>`, `<url:…>`) and stop words
 * that say nothing about which procedure applies; they are dropped so that "shared words" means shared meaning.
 */

/** Terms sent per search: a signature and a failure class fit well under it; a pasted log page does not. */
export const MAX_QUERY_TERMS = 32;

const STOP_WORDS = new Set(
  (
    'a an and are as at be by for from has have in is it its of on or that the this to was were will with not no ' +
    'after before while when than then into over under per via out up down all any can could should would ' +
    // The logs server's masks: placeholders, not words of the error.
    'n id ip hex uuid url path email time duration num ' +
    // Host-name furniture: every URL has it, no procedure is about it.
    'www com org net svc http https example ' +
    // Log furniture present in every line.
    'error errors err warn warning info debug fatal failed failure exception level msg message service'
  ).split(' '),
);

/** Lower-case words (letters and digits, CamelCase split), stop words and masks removed, first MAX_QUERY_TERMS kept. */
export function queryTerms(text: string): string[] {
  const words = text
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word.length >= 2 && !STOP_WORDS.has(word) && !/^\d+$/.test(word));
  return [...new Set(words)].slice(0, MAX_QUERY_TERMS);
}

/** A term as an FTS5 string: quoted, so a word such as NEAR or a stray `*` is text, never query syntax. */
export function ftsTerm(term: string): string {
  return `"${term.replaceAll('"', '""')}"`;
}
