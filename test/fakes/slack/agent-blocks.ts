/**
 * What Slack checks on its agent surfaces, from docs.slack.dev: the context_actions block (1-5 feedback_buttons or
 * icon_button elements) with its feedback_buttons element (plain_text labels up to 75, values up to 2000, action_id
 * up to 255), and the chunks of chat.startStream / appendStream / stopStream (markdown_text up to 12,000
 * characters; task_update with id, title and a status of pending, in_progress, complete or error; plan_update with a
 * title; blocks up to 50).
 */

type Json = Record<string, unknown>;

export const AGENT_LIMITS = {
  contextActionsElements: 5,
  feedbackText: 75,
  feedbackValue: 2000,
  accessibilityLabel: 75,
  actionId: 255,
  markdownText: 12_000,
  /** A task's details and output (docs: 256 characters each). */
  taskText: 256,
  chunkBlocks: 50,
} as const;

const TASK_STATUSES = new Set(['pending', 'in_progress', 'complete', 'error']);

function feedbackButton(value: unknown, where: string, errors: string[]): void {
  if (!value || typeof value !== 'object') {
    errors.push(`${where}: missing`);
    return;
  }
  const button = value as Json;
  const text = button.text as Json | undefined;
  if (text?.type !== 'plain_text') errors.push(`${where}.text: must be plain_text`);
  if (typeof text?.text !== 'string' || text.text.length === 0 || text.text.length > AGENT_LIMITS.feedbackText)
    errors.push(`${where}.text: 1-${AGENT_LIMITS.feedbackText} characters`);
  if (typeof button.value !== 'string' || button.value.length === 0 || button.value.length > AGENT_LIMITS.feedbackValue)
    errors.push(`${where}.value: 1-${AGENT_LIMITS.feedbackValue} characters`);
  const label = button.accessibility_label;
  if (label !== undefined && (typeof label !== 'string' || label.length > AGENT_LIMITS.accessibilityLabel))
    errors.push(`${where}.accessibility_label: over ${AGENT_LIMITS.accessibilityLabel}`);
}

/** Errors of one context_actions block; `actionIds` collects the message's action ids (they must be unique). */
export function contextActionsErrors(block: Json, where: string, actionIds: Set<string>): string[] {
  const errors: string[] = [];
  const elements = block.elements as Json[] | undefined;
  if (!Array.isArray(elements) || elements.length === 0 || elements.length > AGENT_LIMITS.contextActionsElements) {
    return [`${where}: 1-${AGENT_LIMITS.contextActionsElements} elements`];
  }
  elements.forEach((element, i) => {
    const at = `${where}.elements[${i}]`;
    if (element.type !== 'feedback_buttons' && element.type !== 'icon_button')
      errors.push(`${at}: unexpected element ${String(element.type)}`);
    const actionId = element.action_id;
    if (actionId !== undefined) {
      if (typeof actionId !== 'string' || actionId.length > AGENT_LIMITS.actionId) errors.push(`${at}: bad action_id`);
      else if (actionIds.has(actionId)) errors.push(`${at}: duplicate action_id ${actionId}`);
      else actionIds.add(actionId);
    }
    if (element.type === 'feedback_buttons') {
      feedbackButton(element.positive_button, `${at}.positive_button`, errors);
      feedbackButton(element.negative_button, `${at}.negative_button`, errors);
    }
  });
  return errors;
}

/** Errors of a chunks argument; `validateBlocks` checks a blocks chunk's blocks like a message's. */
export function chunkErrors(chunks: unknown, validateBlocks: (blocks: unknown) => string[]): string[] {
  if (!Array.isArray(chunks) || chunks.length === 0) return ['chunks: a non-empty array'];
  const errors: string[] = [];
  chunks.forEach((raw, i) => {
    const chunk = raw as Json;
    const at = `chunks[${i}](${String(chunk?.type)})`;
    switch (chunk?.type) {
      case 'markdown_text':
        if (typeof chunk.text !== 'string' || chunk.text.length > AGENT_LIMITS.markdownText)
          errors.push(`${at}: text up to ${AGENT_LIMITS.markdownText} characters`);
        break;
      case 'task_update':
        if (typeof chunk.id !== 'string' || chunk.id === '') errors.push(`${at}: id required`);
        if (typeof chunk.title !== 'string' || chunk.title === '') errors.push(`${at}: title required`);
        if (!TASK_STATUSES.has(String(chunk.status))) errors.push(`${at}: bad status ${String(chunk.status)}`);
        for (const key of ['details', 'output'])
          if (chunk[key] !== undefined && (typeof chunk[key] !== 'string' || chunk[key].length > AGENT_LIMITS.taskText))
            errors.push(`${at}: ${key} up to ${AGENT_LIMITS.taskText} characters`);
        break;
      case 'plan_update':
        if (typeof chunk.title !== 'string' || chunk.title === '') errors.push(`${at}: title required`);
        break;
      case 'blocks':
        if (!Array.isArray(chunk.blocks) || chunk.blocks.length > AGENT_LIMITS.chunkBlocks) errors.push(`${at}: 1-50 blocks`);
        else errors.push(...validateBlocks(chunk.blocks));
        break;
      default:
        errors.push(`${at}: unknown chunk type`);
    }
  });
  return errors;
}

/** The texts a chunk shows, for the channel-hygiene check (pings in a card title are pings too). */
export function chunkTexts(chunks: unknown): string[] {
  if (!Array.isArray(chunks)) return [];
  return chunks.flatMap((raw) => {
    const chunk = raw as Json;
    return ['text', 'title', 'details', 'output'].flatMap((key) => (typeof chunk?.[key] === 'string' ? [chunk[key] as string] : []));
  });
}
