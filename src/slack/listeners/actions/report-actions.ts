import type { App, BlockAction, ButtonAction, FeedbackButtonsAction } from '@slack/bolt';
import { buildCauseModal, type CauseMode } from '../../blocks/cause-modal.js';
import { ACTION_IDS } from '../../blocks/limits.js';
import { buildNoticeMessage, userMention } from '../../blocks/status.js';
import { parseFeedbackValue, type Vote } from '../../blocks/stream.js';
import { oneLine } from '../../blocks/text.js';
import type { SlackDeps } from '../../deps.js';
import type { PolicyAction } from '../../policy/policy.js';
import { requesterOf } from '../../worker/admission.js';
import type { AnalysisJob } from '../../worker/job.js';
import { slackErrorCode } from '../../worker/slack-io.js';
import { queuedText, refusedText } from '../replies.js';

interface Clicked {
  analysisId: string;
  user: string;
  triggerId?: string;
  channel?: string;
  threadTs?: string;
}

type Clickable = BlockAction<ButtonAction | FeedbackButtonsAction>;

/** What a click says; `analysisId` reads the pressed element's value (feedback buttons carry the vote in it too). */
function clicked(body: Clickable, idOf: (value: string) => string = (value) => value): Clicked {
  const action = body.actions[0];
  return {
    analysisId: idOf(action?.value ?? ''),
    user: body.user.id,
    triggerId: body.trigger_id,
    channel: body.channel?.id ?? body.container?.channel_id,
    threadTs: body.message?.thread_ts ?? body.message?.ts,
  };
}

/** A button acts only in the thread of the analysis it belongs to (its status message or report live there). */
function inItsThread(job: AnalysisJob, where: Clicked): boolean {
  return job.channel === where.channel && job.threadTs !== undefined && job.threadTs === where.threadTs;
}

type Handler = (where: Clicked, client: App['client'], job: AnalysisJob | undefined, value: string) => Promise<void>;

/** Buttons on reports (👍 👎, Re-run, Dig deeper) and on status messages (Cancel). Each acks first, then asks the policy. */
export function register(app: App, deps: SlackDeps): void {
  const tell = async (_client: App['client'], where: Clicked, text: string) => {
    if (!where.channel) return;
    await deps.service.replyEphemeral(where.channel, where.user, buildNoticeMessage(text), where.threadTs);
  };
  const guard = (name: string, action: PolicyAction, handler: Handler, idOf?: (value: string) => string) =>
    app.action<Clickable>(name, async ({ ack, body, client }) => {
      await ack();
      const where = clicked(body, idOf);
      try {
        const job = await deps.service.find(where.analysisId);
        const decision = await deps.policy.check({
          action,
          channel: where.channel ?? '',
          user: where.user,
          target: job ? { owner: requesterOf(job.trigger), inItsThread: inItsThread(job, where) } : undefined,
        });
        if (!decision.allowed) {
          await tell(client, where, decision.text);
          return;
        }
        await handler(where, client, job, body.actions[0]?.value ?? '');
      } catch (error) {
        deps.logger.error(`${name} failed: ${slackErrorCode(error)}`);
        await tell(client, where, `:x: That did not work: ${oneLine(slackErrorCode(error), 200)}`).catch(() => {});
      }
    });

  /** The "What was the real cause?" modal; views.open needs the click's trigger_id (valid for 3 s). */
  const openCauseModal = async (client: App['client'], where: Clicked, job: AnalysisJob | undefined, mode: CauseMode) => {
    if (!where.triggerId || !where.channel) return;
    const view = buildCauseModal(
      { analysisId: where.analysisId, mode, channel: where.channel, ...(where.threadTs ? { threadTs: where.threadTs } : {}) },
      job?.report?.summary,
      deps.modalKey,
    );
    await client.views.open({ trigger_id: where.triggerId, view });
  };

  const recordVote = async (vote: Vote, where: Clicked, client: App['client'], job: AnalysisJob | undefined) => {
    // The modal first: its trigger_id expires 3 s after the click. The vote is recorded whether or not it is answered.
    if (vote === 'down') await openCauseModal(client, where, job, 'feedback');
    await deps.feedback.record({
      analysisId: where.analysisId,
      user: where.user,
      vote,
      engine: job?.report?.engine,
      incident: job?.trigger.incident,
      at: new Date().toISOString(),
    });
    deps.logger.info(`feedback ${vote} on ${where.analysisId} by ${where.user}`);
    if (vote === 'down') return;
    await tell(client, where, `:+1: Thanks, ${userMention(where.user)} — your feedback on analysis \`${where.analysisId}\` is recorded.`);
  };
  // The report's native feedback buttons; a value that is not one of ours records nothing.
  guard(
    ACTION_IDS.feedback,
    'feedback',
    async (where, client, job, value) => {
      const parsed = parseFeedbackValue(value);
      if (parsed) await recordVote(parsed.vote, where, client, job);
    },
    (value) => parseFeedbackValue(value)?.analysisId ?? '',
  );
  // Plain 👍/👎 buttons of reports posted before the feedback buttons.
  guard(ACTION_IDS.feedbackUp, 'feedback', async (where, client, job) => recordVote('up', where, client, job));
  guard(ACTION_IDS.feedbackDown, 'feedback', async (where, client, job) => recordVote('down', where, client, job));

  // Anyone allowed to vote may press it; only a responder gets the modal (the check repeats on submission).
  guard(ACTION_IDS.confirmCause, 'feedback', async (where, client, job) => {
    const decision = await deps.policy.check({ action: 'feedback', channel: where.channel ?? '', user: where.user });
    if (!decision.allowed || !decision.responder) {
      await tell(client, where, 'Only responders (RESPONDERS) can confirm a cause; press 👎 to tell us the real cause instead.');
      return;
    }
    await openCauseModal(client, where, job, 'confirm');
  });

  guard(ACTION_IDS.rerun, 'rerun', async (where, client, job) => {
    if (!job || !where.channel) {
      await tell(client, where, 'I no longer remember that analysis (it is older than the retention period). Run `/rca <incident>` again.');
      return;
    }
    const result = await deps.service.submitInThread({
      ...job.trigger,
      origin: 'rerun',
      threadTs: job.threadTs,
      requestedBy: { user: where.user },
      notifyRequester: undefined,
    });
    await tell(client, where, result.ok ? queuedText(result.position, result.job.id) : refusedText(result));
  });

  guard(ACTION_IDS.digDeeper, 'dig_deeper', async (where) => {
    if (!where.channel || !where.threadTs) return;
    const bot = deps.self.userId ? `<@${deps.self.userId}>` : '@IncidentPilot';
    const message = buildNoticeMessage(
      `:mag_right: ${userMention(where.user)}, what should I dig into? Reply in this thread mentioning ${bot} with your question, e.g. _${bot} was the config change involved?_ — I'll continue from this report.`,
    );
    await deps.service.reply(where.channel, message, where.threadTs);
  });

  guard(ACTION_IDS.cancel, 'cancel', async (where, client) => {
    const outcome = await deps.service.cancel(where.analysisId, where.user);
    if (outcome === 'unknown') await tell(client, where, 'I no longer remember that analysis.');
    else if (outcome === 'finished') await tell(client, where, `Analysis \`${oneLine(where.analysisId, 40)}\` has already finished.`);
  });
}
