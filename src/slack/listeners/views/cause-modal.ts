import type { App, ViewSubmitAction } from '@slack/bolt';
import { redactSecrets } from '../../../redaction/index.js';
import { MAX_CAUSE_CHARS, MAX_CULPRIT_CHARS, parseCauseMeta } from '../../blocks/cause-modal.js';
import { CAUSE_MODAL } from '../../blocks/limits.js';
import { buildNoticeMessage, userMention } from '../../blocks/status.js';
import type { SlackDeps } from '../../deps.js';
import { slackErrorCode } from '../../worker/slack-io.js';

function inputValue(view: ViewSubmitAction['view'], block: string, action: string): string | undefined {
  const value = view.state.values[block]?.[action]?.value;
  return typeof value === 'string' && value.trim() ? value.trim() : undefined;
}

/**
 * Submissions of "What was the real cause?": a 👎 voter's answer is stored with their vote (one per user per
 * analysis, replaced when they answer again); a responder's confirms the cause. The policy is asked again here:
 * a modal is a surface like any other, and who may vote or confirm can change while it is open.
 */
export function register(app: App, deps: SlackDeps): void {
  app.view<ViewSubmitAction>(CAUSE_MODAL.callbackId, async ({ ack, body, view }) => {
    const meta = parseCauseMeta(view.private_metadata, deps.modalKey);
    const cause = inputValue(view, CAUSE_MODAL.causeBlock, CAUSE_MODAL.causeAction)?.slice(0, MAX_CAUSE_CHARS);
    const culprit = inputValue(view, CAUSE_MODAL.culpritBlock, CAUSE_MODAL.culpritAction)?.slice(0, MAX_CULPRIT_CHARS);
    if (!cause) {
      await ack({ response_action: 'errors', errors: { [CAUSE_MODAL.causeBlock]: 'Describe the real cause, even in a few words.' } });
      return;
    }
    await ack();
    const user = body.user.id;
    if (!meta) {
      deps.logger.warn(`cause modal from ${user} ignored: private_metadata is not one the bot signed`);
      return;
    }
    const tell = (text: string) => deps.service.replyEphemeral(meta.channel, user, buildNoticeMessage(text), meta.threadTs).catch(() => {});
    try {
      const decision = await deps.policy.check({ action: 'feedback', channel: meta.channel, user });
      if (!decision.allowed) {
        await tell(decision.text);
        return;
      }
      const job = await deps.service.find(meta.analysisId);
      // Like a button: the analysis it names must be the one in the channel and thread the modal was opened from.
      if (job && (job.channel !== meta.channel || (job.threadTs !== undefined && job.threadTs !== meta.threadTs))) {
        await tell(':no_entry: That form belongs to an analysis in another thread; nothing was saved.');
        return;
      }
      if (meta.mode === 'confirm') {
        if (!decision.responder) {
          await tell('Only responders (RESPONDERS) can confirm a cause; your answer was not saved as confirmed.');
          return;
        }
        // The confirmed cause is shown to the model with similar incidents and exported: redacted before it is kept.
        const saved = await deps.memory.confirm(meta.analysisId, {
          cause: redactSecrets(cause),
          ...(culprit ? { culprit: redactSecrets(culprit) } : {}),
          by: user,
        });
        await tell(
          saved
            ? `:white_check_mark: ${userMention(user)} confirmed the cause of analysis \`${meta.analysisId}\`. Similar incidents will show it.`
            : `I no longer remember analysis \`${meta.analysisId}\` (older than the retention period); nothing was confirmed.`,
        );
        return;
      }
      await deps.feedback.record({
        analysisId: meta.analysisId,
        user,
        vote: 'down',
        engine: job?.report?.engine,
        incident: job?.trigger.incident,
        cause,
        ...(culprit ? { culprit } : {}),
        at: new Date().toISOString(),
      });
      await tell(`:-1: Thanks, ${userMention(user)} — your vote and the real cause you gave for \`${meta.analysisId}\` are recorded.`);
    } catch (error) {
      deps.logger.error(`cause modal failed: ${slackErrorCode(error)}`);
      await tell(`:x: That did not work: ${slackErrorCode(error)}`);
    }
  });
}
