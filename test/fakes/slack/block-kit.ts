import { contextActionsErrors } from './agent-blocks.js';

/**
 * Checks a message the way Slack's API does before accepting it: Block Kit limits, a `text` fallback, and
 * mrkdwn that only uses `<…>` for links/mentions and escapes stray `&`, `<`, `>`.
 */

export const LIMITS = {
  blocks: 50,
  sectionText: 3000,
  fields: 10,
  fieldText: 2000,
  headerText: 150,
  buttonText: 75,
  actionId: 255,
  blockId: 255,
  buttonValue: 2000,
  contextElements: 10,
  actionsElements: 25,
  text: 40_000,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
} as const;

type Json = Record<string, unknown>;

/** Slack's control sequences: user/channel mentions, special mentions, links (whose `|label` may hold spaces). */
const CONTROL = /^<(@[UW][A-Z0-9]+|#[CG][A-Z0-9]+(\|[^<>]*)?|![a-z^][^<>]*|https?:\/\/[^<>\s|]+(\|[^<>]*)?|mailto:[^<>\s]+)>/;

function checkMrkdwn(text: string, where: string, errors: string[]): void {
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === '<') {
      const match = CONTROL.exec(text.slice(i));
      if (!match) errors.push(`${where}: unescaped '<' at ${i}: ${JSON.stringify(text.slice(i, i + 30))}`);
      else i += match[0].length - 1;
    } else if (char === '>') {
      // A leading `>` starts a block quote, which is legitimate mrkdwn.
      if (i > 0 && text[i - 1] !== '\n')
        errors.push(`${where}: unescaped '>' at ${i}: ${JSON.stringify(text.slice(Math.max(0, i - 20), i + 10))}`);
    } else if (char === '&' && !/^&(amp|lt|gt);/.test(text.slice(i, i + 5))) {
      errors.push(`${where}: unescaped '&' at ${i}`);
    }
  }
}

function textObject(value: unknown, where: string, max: number, errors: string[], only?: 'plain_text'): void {
  if (!value || typeof value !== 'object') {
    errors.push(`${where}: missing text object`);
    return;
  }
  const { type, text } = value as Json;
  if (type !== 'plain_text' && type !== 'mrkdwn') errors.push(`${where}: bad text type ${String(type)}`);
  if (only && type !== only) errors.push(`${where}: must be ${only}`);
  if (typeof text !== 'string' || text.length === 0) errors.push(`${where}: empty text`);
  else {
    if (text.length > max) errors.push(`${where}: ${text.length} chars > ${max}`);
    if (type === 'mrkdwn') checkMrkdwn(text, where, errors);
  }
}

function element(el: Json, where: string, errors: string[]): void {
  if (el.type !== 'button') {
    errors.push(`${where}: unexpected element ${String(el.type)}`);
    return;
  }
  textObject(el.text, `${where}.text`, LIMITS.buttonText, errors, 'plain_text');
  if (typeof el.action_id !== 'string' || el.action_id.length > LIMITS.actionId) errors.push(`${where}: bad action_id`);
  if (el.value !== undefined && (typeof el.value !== 'string' || el.value.length > LIMITS.buttonValue)) errors.push(`${where}: bad value`);
  if (el.style !== undefined && el.style !== 'primary' && el.style !== 'danger') errors.push(`${where}: bad style`);
  if (el.confirm !== undefined) confirmDialog(el.confirm, `${where}.confirm`, errors);
}

/** Slack's confirmation dialog object: four plain_text objects within their limits, optional style. */
function confirmDialog(value: unknown, where: string, errors: string[]): void {
  if (!value || typeof value !== 'object') {
    errors.push(`${where}: not an object`);
    return;
  }
  const dialog = value as Json;
  textObject(dialog.title, `${where}.title`, LIMITS.confirmTitle, errors, 'plain_text');
  textObject(dialog.text, `${where}.text`, LIMITS.confirmText, errors, 'plain_text');
  textObject(dialog.confirm, `${where}.confirm`, LIMITS.confirmButton, errors, 'plain_text');
  textObject(dialog.deny, `${where}.deny`, LIMITS.confirmButton, errors, 'plain_text');
  if (dialog.style !== undefined && dialog.style !== 'primary' && dialog.style !== 'danger') errors.push(`${where}: bad style`);
}

export function validateBlocks(blocks: unknown): string[] {
  const errors: string[] = [];
  if (!Array.isArray(blocks)) return ['blocks: not an array'];
  if (blocks.length > LIMITS.blocks) errors.push(`blocks: ${blocks.length} > ${LIMITS.blocks}`);
  const actionIds = new Set<string>();
  blocks.forEach((raw, index) => {
    const block = raw as Json;
    const where = `blocks[${index}](${String(block.type)})`;
    if (block.block_id !== undefined && (typeof block.block_id !== 'string' || block.block_id.length > LIMITS.blockId))
      errors.push(`${where}: bad block_id`);
    switch (block.type) {
      case 'header':
        textObject(block.text, `${where}.text`, LIMITS.headerText, errors, 'plain_text');
        break;
      case 'section': {
        if (!block.text && !block.fields) errors.push(`${where}: needs text or fields`);
        if (block.text) textObject(block.text, `${where}.text`, LIMITS.sectionText, errors);
        if (block.fields !== undefined) {
          const fields = block.fields as unknown[];
          if (!Array.isArray(fields) || fields.length > LIMITS.fields) errors.push(`${where}: more than ${LIMITS.fields} fields`);
          else for (const [i, field] of fields.entries()) textObject(field, `${where}.fields[${i}]`, LIMITS.fieldText, errors);
        }
        break;
      }
      case 'context': {
        const elements = block.elements as unknown[];
        if (!Array.isArray(elements) || elements.length === 0 || elements.length > LIMITS.contextElements)
          errors.push(`${where}: bad elements`);
        else for (const [i, el] of elements.entries()) textObject(el, `${where}.elements[${i}]`, LIMITS.sectionText, errors);
        break;
      }
      case 'actions': {
        const elements = block.elements as Json[];
        if (!Array.isArray(elements) || elements.length === 0 || elements.length > LIMITS.actionsElements)
          errors.push(`${where}: bad elements`);
        else
          elements.forEach((el, i) => {
            element(el, `${where}.elements[${i}]`, errors);
            if (typeof el.action_id === 'string') {
              if (actionIds.has(el.action_id)) errors.push(`${where}: duplicate action_id ${el.action_id}`);
              actionIds.add(el.action_id);
            }
          });
        break;
      }
      case 'context_actions':
        errors.push(...contextActionsErrors(block, where, actionIds));
        break;
      case 'divider':
        break;
      default:
        errors.push(`${where}: unsupported block type`);
    }
  });
  return errors;
}

/** A message as chat.postMessage / chat.update / chat.postEphemeral receive it. */
export function validateMessage(args: Json): string[] {
  const errors: string[] = [];
  if (typeof args.text !== 'string' || args.text.trim() === '') errors.push('text: fallback missing');
  else if (args.text.length > LIMITS.text) errors.push('text: too long');
  else checkMrkdwn(args.text, 'text', errors);
  if (args.blocks !== undefined) errors.push(...validateBlocks(args.blocks));
  return errors;
}
