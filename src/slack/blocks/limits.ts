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

/** Every interactive element the bot renders; the actions listener matches on these. */
export const ACTION_IDS = {
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
