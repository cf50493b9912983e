/**
 * Channel hygiene for everything the bot sends: no mass pings and no link previews, whatever text a user, a log line
 * or a model put into a message. Applied last, on the finished message (fallback text and every text object), so no
 * builder can forget it.
 */

/** Invisible, and breaks Slack's recognition of `@here`/`@channel` while the word still reads the same. */
const WORD_JOINER = '\u2060';

/** `<!here>`, `<!channel>`, `<!everyone>`, with or without a `|label`. */
const SPECIAL_MENTION = /<!(here|channel|everyone)(?:\|[^<>]*)?>/gi;
/** `<!subteam^S123>` or `<!subteam^S123|@sre>`: a user-group ping. */
const GROUP_MENTION = /<!subteam\^[^<>|]*(?:\|([^<>]*))?>/gi;
/** Raw `@here`/`@channel`/`@everyone`, which clients and link_names would turn into pings. */
const RAW_MENTION = /@(here|channel|everyone)\b/gi;

/** Rewrites pings into inert look-alikes; user mentions (`<@U…>`) and channel links stay as they are. */
export function neutraliseMentions(text: string): string {
  return text
    .replace(SPECIAL_MENTION, (_m, word: string) => `@${word}`)
    .replace(GROUP_MENTION, (_m, label?: string) => `@${WORD_JOINER}${(label ?? 'group').replace(/^@/, '')}`)
    .replace(RAW_MENTION, (_m, word: string) => `@${WORD_JOINER}${word}`);
}

/** Bound on nesting walked in a message; Block Kit nests a few levels, never more. */
const MAX_DEPTH = 12;

function scrub(node: unknown, depth: number): unknown {
  if (depth > MAX_DEPTH) return node;
  if (Array.isArray(node)) return node.map((child) => scrub(child, depth + 1));
  if (node && typeof node === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node)) {
      out[key] = key === 'text' && typeof value === 'string' ? neutraliseMentions(value) : scrub(value, depth + 1);
    }
    return out;
  }
  return node;
}

/** The fallback text and every text object of a message, neutralised; other fields untouched. */
export function sanitiseMessage<T extends { text?: string; blocks?: unknown }>(message: T): T {
  return scrub(message, 0) as T;
}

/** Arguments for chat.postMessage: sanitised, never unfurling, never linking names. */
export function safePost<T extends { text?: string; blocks?: unknown }>(
  message: T,
): T & { unfurl_links: false; unfurl_media: false; link_names: false } {
  return { ...sanitiseMessage(message), unfurl_links: false, unfurl_media: false, link_names: false };
}

/** Arguments for chat.update and chat.postEphemeral (which cannot unfurl); acks and respond() use sanitiseMessage. */
export function safeReply<T extends { text?: string; blocks?: unknown }>(message: T): T & { link_names: false } {
  return { ...sanitiseMessage(message), link_names: false };
}
