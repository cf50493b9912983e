/** Slack's documented Block Kit limits (api.slack.com/reference/block-kit); builders stay within them by construction. */
export const SLACK_LIMITS = {
  blocksPerMessage: 50,
  sectionText: 3000,
  sectionFields: 10,
  fieldText: 2000,
  headerText: 150,
  buttonText: 75,
  actionId: 255,
  blockId: 255,
  buttonValue: 2000,
  actionsElements: 25,
  contextElements: 10,
  contextText: 3000,
  /** chat.postMessage truncates `text` past 40k; notifications show far less, so keep fallbacks short. */
  fallbackText: 3000,
} as const;

/**
 * Limits of the streamed message (docs.slack.dev chat.startStream/appendStream and their chunk objects): markdown
 * 12,000 characters (notes stay far below), a task's details and output 256. Titles have no documented limit; a card
 * or plan title is one line, so it is kept to the details' 256. The feedback buttons' limits are the buttons'.
 */
export const STREAM_LIMITS = {
  taskId: 64,
  taskTitle: 256,
  taskDetails: 256,
  planTitle: 256,
  noteText: 1000,
  /** Shown after the app's name in the thread ("IncidentPilot is reading logs of checkout-api…"). */
  statusText: 150,
} as const;

/** Every interactive element the bot renders; the actions listener matches on these. */
export const ACTION_IDS = {
  /** The report's native 👍/👎 (feedback_buttons); the value says which and of what analysis. */
  feedback: 'rca_feedback',
  /** 👍/👎 as plain buttons, on reports posted before the feedback buttons: their clicks still count. */
  feedbackUp: 'rca_feedback_up',
  feedbackDown: 'rca_feedback_down',
  rerun: 'rca_rerun',
  digDeeper: 'rca_dig_deeper',
  cancel: 'rca_cancel',
  confirmCause: 'rca_confirm_cause',
} as const;

/** The "What was the real cause?" modal: its callback id and input ids (views.open, view_submission). */
export const CAUSE_MODAL = {
  callbackId: 'rca_cause_modal',
  causeBlock: 'cause',
  causeAction: 'cause_text',
  culpritBlock: 'culprit',
  culpritAction: 'culprit_text',
} as const;
