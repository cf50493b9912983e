import { createHmac, timingSafeEqual } from 'node:crypto';
import type { types } from '@slack/bolt';
import { CAUSE_MODAL } from './limits.js';
import { oneLine, plain } from './text.js';

/** Longest answer kept; Slack's plain_text_input allows 3000. */
export const MAX_CAUSE_CHARS = 2000;
export const MAX_CULPRIT_CHARS = 200;

export type CauseMode = 'feedback' | 'confirm';

/**
 * What the modal carries back in private_metadata. Slack returns it unchanged, but a submission is only a signed
 * request from Slack, not proof the metadata is ours: it is HMAC-signed with a key derived from the bot's token, and
 * a submission whose signature does not verify is ignored.
 */
export interface CauseModalMeta {
  analysisId: string;
  mode: CauseMode;
  channel: string;
  threadTs?: string;
}

/** "What was the real cause?": free text, and optionally the culprit (a deployment or commit id, or a kind). */
export function buildCauseModal(meta: CauseModalMeta, summary: string | undefined, key: Uint8Array): types.ModalView {
  const intro =
    meta.mode === 'confirm'
      ? 'Confirm the real cause of this incident. It is remembered with the analysis and shown when a similar incident happens.'
      : 'Thanks for the 👎. What was the real cause? Your answer is stored with your vote (you can change it) and helps the next analysis.';
  return {
    type: 'modal',
    callback_id: CAUSE_MODAL.callbackId,
    private_metadata: signCauseMeta(meta, key),
    title: { type: 'plain_text', text: meta.mode === 'confirm' ? 'Confirm cause' : 'Real cause' },
    submit: { type: 'plain_text', text: meta.mode === 'confirm' ? 'Confirm' : 'Send' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `${intro}${summary ? `\n*The bot said:* ${oneLine(summary, 500)}` : ''}` } },
      {
        type: 'input',
        block_id: CAUSE_MODAL.causeBlock,
        label: { type: 'plain_text', text: 'What was the real cause?' },
        element: {
          type: 'plain_text_input',
          action_id: CAUSE_MODAL.causeAction,
          multiline: true,
          max_length: MAX_CAUSE_CHARS,
          placeholder: { type: 'plain_text', text: plain('e.g. the pool size change in v2.3.1; fixed by rolling back', 150) },
        },
      },
      {
        type: 'input',
        block_id: CAUSE_MODAL.culpritBlock,
        optional: true,
        label: { type: 'plain_text', text: 'Culprit (optional)' },
        hint: {
          type: 'plain_text',
          text: 'A deployment or commit id, or a kind: deployment, commit, config, dependency, infrastructure, capacity',
        },
        element: { type: 'plain_text_input', action_id: CAUSE_MODAL.culpritAction, max_length: MAX_CULPRIT_CHARS },
      },
    ],
  };
}

/** The fields in a fixed order, so signing and checking see the same bytes. */
function canonical(meta: CauseModalMeta): string {
  return JSON.stringify([meta.analysisId, meta.mode, meta.channel, meta.threadTs ?? null]);
}

function signature(meta: CauseModalMeta, key: Uint8Array): string {
  return createHmac('sha256', key).update(canonical(meta)).digest('base64url');
}

export function signCauseMeta(meta: CauseModalMeta, key: Uint8Array): string {
  return JSON.stringify({ ...meta, sig: signature(meta, key) });
}

/** Reads private_metadata back; undefined when it is not ours (malformed, unsigned or signed with another key). */
export function parseCauseMeta(raw: string | undefined, key: Uint8Array): CauseModalMeta | undefined {
  try {
    const value = JSON.parse(raw ?? '') as Partial<CauseModalMeta> & { sig?: unknown };
    if (typeof value.analysisId !== 'string' || typeof value.channel !== 'string') return undefined;
    if (value.mode !== 'feedback' && value.mode !== 'confirm') return undefined;
    if (typeof value.sig !== 'string') return undefined;
    const meta: CauseModalMeta = {
      analysisId: value.analysisId,
      mode: value.mode,
      channel: value.channel,
      ...(typeof value.threadTs === 'string' ? { threadTs: value.threadTs } : {}),
    };
    const expected = Buffer.from(signature(meta, key));
    const given = Buffer.from(value.sig);
    return given.length === expected.length && timingSafeEqual(given, expected) ? meta : undefined;
  } catch {
    return undefined;
  }
}

/** The key modal metadata is signed with: stable across restarts (a modal may be open during one), never sent. */
export function modalKey(botToken: string): Buffer {
  return createHmac('sha256', botToken).update('incidentpilot cause-modal private_metadata').digest();
}
