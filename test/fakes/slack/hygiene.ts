/**
 * What Slack would accept but a well-behaved bot never sends: mass pings (`<!here>`, `<!channel>`, `<!everyone>`,
 * user-group mentions, or raw `@here`/`@channel` that clients and link_names turn into pings) and posts that unfurl.
 */

type Json = Record<string, unknown>;

const PING = /<!(here|channel|everyone)\b|<!subteam\^|(?:^|[^\w\u2060])@(here|channel|everyone)\b/i;

/** Every string under a `text` key, at any depth (fallback text, text objects, confirm dialogs). */
function texts(node: unknown, out: string[] = [], depth = 0): string[] {
  if (depth > 20) return out;
  if (Array.isArray(node)) for (const child of node) texts(child, out, depth + 1);
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === 'text' && typeof value === 'string') out.push(value);
      else texts(value, out, depth + 1);
    }
  }
  return out;
}

export function hygieneErrors(method: string, args: Json): string[] {
  const errors: string[] = [];
  for (const text of texts(args)) {
    const match = PING.exec(text);
    if (match) errors.push(`${method}: pings ${JSON.stringify(match[0].trim())} in ${JSON.stringify(text.slice(0, 80))}`);
  }
  if (method === 'chat.postMessage') {
    // Form-encoded by the Web API client, so booleans arrive as strings.
    for (const key of ['unfurl_links', 'unfurl_media'])
      if (String(args[key]) !== 'false') errors.push(`${method}: ${key} is ${String(args[key])}, not false`);
  }
  return errors;
}
