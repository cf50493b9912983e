import type { AlertMessage } from './types.js';

/** Blocks and attachments nest; this caps how deep and how much text we read from one message. */
const MAX_TEXT_CHARS = 20_000;
const MAX_DEPTH = 6;

interface LooseAttachment {
  title?: string;
  pretext?: string;
  text?: string;
  fallback?: string;
  footer?: string;
  author_name?: string;
  service_name?: string;
  fields?: { title?: string; value?: string }[];
}

/** Collects the `text` of a block and of every element below it (rich_text, context, fields …). */
function blockTexts(node: unknown, out: string[], fields: { title: string; value: string }[], depth = 0): void {
  if (depth > MAX_DEPTH || node === null || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    for (const child of node) blockTexts(child, out, fields, depth + 1);
    return;
  }
  const record = node as Record<string, unknown>;
  if (typeof record.text === 'string') out.push(record.text);
  else if (record.text && typeof record.text === 'object') blockTexts(record.text, out, fields, depth + 1);
  if (Array.isArray(record.fields)) {
    for (const field of record.fields) {
      const text = (field as { text?: unknown })?.text;
      if (typeof text !== 'string') continue;
      const [title, ...rest] = text.split('\n');
      if (title && rest.length) fields.push({ title: title.replace(/[*_:]/g, '').trim(), value: rest.join(' ').trim() });
      out.push(text);
    }
  }
  for (const key of ['elements', 'blocks']) {
    if (Array.isArray(record[key])) blockTexts(record[key], out, fields, depth + 1);
  }
}

/** Reduces a Slack message event (text, legacy attachments, blocks) to what alert parsers read. */
export function toAlertMessage(event: Record<string, unknown>): AlertMessage {
  const parts: string[] = [];
  const fields: { title: string; value: string }[] = [];
  const hints: string[] = [];
  let title: string | undefined;

  if (typeof event.text === 'string' && event.text) parts.push(event.text);
  for (const key of ['username']) if (typeof event[key] === 'string') hints.push(event[key] as string);
  const profile = event.bot_profile as { name?: unknown } | undefined;
  if (typeof profile?.name === 'string') hints.push(profile.name);

  const attachments = Array.isArray(event.attachments) ? (event.attachments as LooseAttachment[]) : [];
  for (const attachment of attachments) {
    if (!attachment || typeof attachment !== 'object') continue;
    if (attachment.title && !title) title = attachment.title;
    for (const text of [attachment.pretext, attachment.title, attachment.text]) if (text) parts.push(text);
    for (const field of attachment.fields ?? []) {
      if (field?.title && typeof field.value === 'string') {
        fields.push({ title: field.title, value: field.value });
        parts.push(`${field.title}: ${field.value}`);
      }
    }
    if (!attachment.text && !attachment.title && attachment.fallback) parts.push(attachment.fallback);
    for (const hint of [attachment.footer, attachment.author_name, attachment.service_name]) if (hint) hints.push(hint);
    if (attachment.footer) parts.push(attachment.footer);
  }

  if (Array.isArray(event.blocks)) {
    const texts: string[] = [];
    for (const block of event.blocks) {
      const record = block as { type?: unknown; text?: { text?: unknown } };
      if (record?.type === 'header' && typeof record.text?.text === 'string' && !title) title = record.text.text;
    }
    blockTexts(event.blocks, texts, fields);
    // Apps often send the same words as `text` (the fallback) and as blocks; avoid doubling them.
    for (const text of texts) if (!parts.includes(text)) parts.push(text);
  }

  return { text: parts.join('\n').slice(0, MAX_TEXT_CHARS), title, fields, senderHints: hints.join(' ') };
}
